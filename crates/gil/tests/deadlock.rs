//! Runs `deadlock`: both deadlocks are detected and explained, the lock order completes
//! both transfers, the reentrant lock is taken twice, and the program ends by itself with
//! exit code 0.

use std::time::Duration;

use common::testing;

/// Far more than the program needs (about 6 × its patience); only there so that a hang
/// fails the test instead of freezing it.
const LIMIT: Duration = Duration::from_secs(30);

/// Runs the program and returns its exit code and stdout; fails the test if the program
/// takes longer than `LIMIT`.
fn run(args: &[&str]) -> (Option<i32>, String) {
    testing::run_within(env!("CARGO_BIN_EXE_deadlock"), args, LIMIT)
}

/// The number of milliseconds in the line of `stdout` that starts with `before`, up to
/// `after`, which must end the line: `waited 203 ms for B…` gives 203.
fn ms_between(stdout: &str, before: &str, after: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with(before))
        .unwrap_or_else(|| panic!("no line starting `{before}`: {stdout}"));
    let rest = line
        .trim_start()
        .strip_prefix(before)
        .expect("found by its start");
    let ms = rest
        .strip_suffix(after)
        .unwrap_or_else(|| panic!("`{line}` does not end `{after}`"));
    ms.parse()
        .unwrap_or_else(|_| panic!("`{ms}` in `{line}` is not a number"))
}

/// The lines of `stdout` that contain `text`.
fn lines_with<'a>(stdout: &'a str, text: &str) -> Vec<&'a str> {
    stdout.lines().filter(|line| line.contains(text)).collect()
}

#[test]
fn both_deadlocks_are_detected_the_fix_completes_and_the_program_ends() {
    let (code, stdout) = run(&["--patience-ms", "200"]);
    assert_eq!(code, Some(0), "{stdout}");

    // The opposite orders: thread 1 gives up on B, held by thread 2, and lets go of A.
    // (How long exactly depends on the scheduler: at least the patience.)
    let gave_up_after = ms_between(
        &stdout,
        "thread 1 held A and waited ",
        " ms for B, held by thread 2: it gave up, cancelled its transfer of 10 and unlocked A",
    );
    assert!(gave_up_after >= 200, "{stdout}");
    ms_between(
        &stdout,
        "thread 2 held B and waited ",
        " ms for A, held by thread 1; it got A when thread 1 let go, and moved 20 from B to A",
    );
    assert!(
        stdout.contains(
            "DEADLOCK DETECTED: thread 1 held A and waited for B; thread 2 held B and waited for A."
        ),
        "{stdout}"
    );
    assert!(stdout.contains("A circular wait"), "{stdout}");

    // The lock order: both transfers, A before B.
    assert!(
        stdout.contains("thread 1 locked A, then B, and moved 10 from A to B"),
        "{stdout}"
    );
    assert!(
        stdout.contains("thread 2 locked A, then B, and moved 20 from B to A"),
        "{stdout}"
    );
    assert_eq!(
        lines_with(&stdout, "balances:"),
        [
            "  balances: A 120, B 80 (total 200)",
            "  balances: A 110, B 90 (total 200)"
        ],
        "{stdout}"
    );

    // RLock: re-entry works; a plain Mutex taken again is detected, not hung on.
    assert!(
        stdout.contains("which locks it again: [\"alone\", \"one\", \"two\"]"),
        "{stdout}"
    );
    let relock_waited = ms_between(
        &stdout,
        "DEADLOCK DETECTED: the thread waited ",
        " ms for a lock it held itself, a circle of one.",
    );
    assert!(relock_waited >= 200, "{stdout}");

    // Condition: every item, in order.
    assert!(
        stdout.contains("(`while queue is empty and not done: wait`): [1, 2, 3, 4, 5]"),
        "{stdout}"
    );

    assert_eq!(stdout.matches("DEADLOCK DETECTED").count(), 2, "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("2 of 2 deadlocks detected; no thread is left waiting"),
        "{stdout}"
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--patience-ms", "0"][..],
        &["--patience-ms", "100000"],
        &["--patience-ms", "soon"],
        &["--patience", "100"],
    ] {
        assert_eq!(run(args).0, Some(2), "{args:?}");
    }
}
