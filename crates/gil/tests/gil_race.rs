//! The exercise solution `gil_race`: a tick between load and store loses updates, and
//! only then; the one-bytecode increment and the locked one lose none.
//!
//!     cargo build -p gil --examples && cargo test -p gil --test gil_race

use std::time::Duration;

use common::testing;

/// Runs the exercise solution (built next to the programs by `cargo test -p gil`) and
/// returns its exit code and stdout. A run that has not ended within a minute (a deadlock
/// between the GIL and the lock, say) is killed and fails the test instead of hanging it.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let example = testing::example(env!("CARGO_BIN_EXE_gil_io"), "gil_race");
    testing::run_within(
        example.to_str().expect("a UTF-8 path"),
        args,
        Duration::from_secs(60),
    )
}

/// One variant's result line.
#[derive(Debug)]
struct Counted {
    expected: u64,
    got: u64,
    lost: u64,
    switches: u64,
    forced: u64,
}

/// `  expected 400000, got 212345: 187655 lost; the GIL changed hands 14 times, 12 forced
/// while counting`.
fn parse(line: &str) -> Option<Counted> {
    let rest = line.trim().strip_prefix("expected ")?;
    let (expected, rest) = rest.split_once(", got ")?;
    let (got, rest) = rest.split_once(": ")?;
    let (lost, rest) = rest.split_once(" lost; the GIL changed hands ")?;
    let (switches, rest) = rest.split_once(" times, ")?;
    let forced = rest.strip_suffix(" forced while counting")?;
    Some(Counted {
        expected: expected.parse().ok()?,
        got: got.parse().ok()?,
        lost: lost.parse().ok()?,
        switches: switches.parse().ok()?,
        forced: forced.parse().ok()?,
    })
}

/// The three variants' results, in order: three bytecodes, one bytecode, with a lock.
fn results(args: &[&str]) -> (Vec<Counted>, String) {
    let (code, stdout) = run(args);
    assert_eq!(code, Some(0), "{stdout}");
    let counted: Vec<Counted> = stdout.lines().filter_map(parse).collect();
    assert_eq!(counted.len(), 3, "{stdout}");
    (counted, stdout)
}

/// Updates are lost if and only if a switch was forced while the racy run counted: one
/// can only come at the tick between a load and its store, and then two increments read
/// the same value, so at most one of them counts. The other two never lose one.
#[test]
fn only_the_racy_increment_loses_updates_and_only_at_forced_switches() {
    for threads in ["2", "3"] {
        let (counted, stdout) = results(&["--threads", threads, "--increments", "200000"]);
        let expected = threads.parse::<u64>().unwrap() * 200_000;
        for c in &counted {
            assert_eq!(c.expected, expected, "{stdout}");
            assert_eq!(c.expected - c.got, c.lost, "{stdout}");
            assert!(c.forced <= c.switches, "{stdout}");
        }
        let racy = &counted[0];
        assert_eq!(racy.lost > 0, racy.forced > 0, "{stdout}");
        assert_eq!(counted[1].got, expected, "one bytecode: {stdout}");
        assert_eq!(counted[2].got, expected, "with a lock: {stdout}");
    }
}

/// One thread alone never has the GIL taken away: nothing is forced, nothing lost.
#[test]
fn one_thread_loses_nothing() {
    let (counted, stdout) = results(&["--threads", "1", "--increments", "50000"]);
    for c in &counted {
        assert_eq!(
            (c.got, c.lost, c.forced, c.switches),
            (50_000, 0, 0, 1),
            "{stdout}"
        );
    }
}

#[test]
fn help_works_and_nonsense_flags_exit_2() {
    assert_eq!(run(&["--help"]).0, Some(0));
    for args in [
        &["--threads", "0"][..],
        &["--increments", "0"],
        &["--switch-interval", "0ms"],
        &["--switch-interval", "soon"],
    ] {
        assert_eq!(run(args).0, Some(2), "{args:?}");
    }
}
