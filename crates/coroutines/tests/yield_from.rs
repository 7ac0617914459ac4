//! `yield_from`: 42 up and 84 back for every way of delegating but the `for` loop, the
//! loop of resumes against the `for` loops on `jumping_range`, and the flags.
//!
//!     cargo test -p coroutines --test yield_from

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_yield_from");

/// The row of `way` in the table: its `up` and `back` columns.
fn up_and_back<'a>(lines: &[&'a str], way: &str) -> Vec<&'a str> {
    let line = lines
        .iter()
        .find(|l| l.trim_start().starts_with(way))
        .unwrap_or_else(|| panic!("no row {way}"));
    line[line.len() - 17..].split_whitespace().collect()
}

/// The notebook's two prints, then 42 up and 84 back for each delegation but the for loop,
/// which gives None back.
#[test]
fn delegation_passes_42_up_and_84_back() {
    let ran = testing::run(BIN, &[]);
    let lines = ran.success().lines();
    assert_eq!(lines[1], "  value = next(gen)              42");
    assert_eq!(lines[2], "  value = gen.send(value * 2)    84");
    for way in ["state machines", "a loop of resumes", ".await"] {
        assert_eq!(up_and_back(&lines, way), ["42", "84"], "{way}");
    }
    assert_eq!(up_and_back(&lines, "a for loop"), ["42", "None"]);
}

/// Behind yield_from, jumping_range gives what it gives alone; behind the for loops, the
/// sends are lost (for_loop) or every other value is (for_and_send).
#[test]
fn yield_from_is_the_loop_of_resumes_and_not_a_for_loop() {
    let ran = testing::run(BIN, &[]);
    let lines = ran.success().lines();
    for line in [
        "  alone                0 2 3 2 3 4",
        "  behind yield_from    0 2 3 2 3 4",
        "  behind for_loop      0 1 2 3 4",
        "  behind for_and_send  0 3 StopIteration",
    ] {
        assert!(lines.contains(&line), "{line:?} in\n{}", ran.stdout);
    }
    let ran = testing::run(BIN, &["--sends", "next"]);
    let lines = ran.success().lines();
    assert!(
        lines.contains(&"  behind for_and_send  0 2 4"),
        "{}",
        ran.stdout
    );
}

/// Another value goes up and twice it comes back, through every level.
#[test]
fn any_value_comes_back_doubled() {
    let ran = testing::run(BIN, &["--value", "-7"]);
    let lines = ran.success().lines();
    assert_eq!(lines[2], "  value = gen.send(value * 2)    -14");
    assert_eq!(up_and_back(&lines, "a loop of resumes"), ["-7", "-14"]);
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--value", "1000001"][..],
        &["--value", "x"],
        &["--up-to", "-101"],
        &["--sends", "next,send"],
        &["--sends", "3"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stdout);
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
