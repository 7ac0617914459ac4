//! `jumping_range`: the notebook's transcript, by hand and as an async block, other
//! sends, and the flags.
//!
//!     cargo test -p coroutines --test jumping_range

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_jumping_range");

/// The notebook's transcript, call by call.
const NOTEBOOK: [&str; 6] = [
    "  next(iterator)        0",
    "  iterator.send(2)      2",
    "  next(iterator)        3",
    "  iterator.send(-1)     2",
    "  for x in iterator:    3",
    "                        4",
];

/// The lines under the heading that starts with `title`, up to the blank line.
fn section<'a>(lines: &[&'a str], title: &str) -> Vec<&'a str> {
    lines
        .iter()
        .skip_while(|l| !l.starts_with(title))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .copied()
        .collect()
}

/// Default flags: the notebook's calls give `0 2 3 2 3 4`, from both coroutines.
#[test]
fn both_coroutines_print_the_notebooks_transcript() {
    let ran = testing::run(BIN, &[]);
    let lines = ran.success().lines();
    assert_eq!(section(&lines, "A state machine by hand"), NOTEBOOK);
    assert_eq!(section(&lines, "An async block"), NOTEBOOK);
    assert!(
        lines.contains(&"state machine  0 2 3 2 3 4"),
        "{}",
        ran.stdout
    );
    assert!(
        lines.contains(&"async block    0 2 3 2 3 4"),
        "{}",
        ran.stdout
    );
}

/// Other calls: a longer range, a jump back; and a send past the end stops the script.
#[test]
fn other_sends_move_the_range_as_python_would() {
    let ran = testing::run(BIN, &["--up-to", "10", "--sends", "next,3,next,-2"]);
    let lines = ran.success().lines();
    assert!(
        lines.contains(&"async block    0 3 4 2 3 4 5 6 7 8 9"),
        "{}",
        ran.stdout
    );
    let ran = testing::run(BIN, &["--sends", "next,10,next"]);
    let lines = ran.success().lines();
    assert_eq!(
        section(&lines, "An async block"),
        [
            "  next(iterator)        0",
            "  iterator.send(10)     StopIteration"
        ]
    );
    assert!(
        lines.contains(&"state machine  0 StopIteration"),
        "{}",
        ran.stdout
    );
}

/// Invalid values are rejected by clap with exit status 2, before anything runs; so is a
/// first call that sends a value (Python's TypeError).
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--up-to", "101"][..],
        &["--up-to", "five"],
        &["--sends", "next,101"],
        &["--sends", "next,None"],
        &["--sends", "2,next"],
        &["--sends", "next,,2"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stdout);
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
