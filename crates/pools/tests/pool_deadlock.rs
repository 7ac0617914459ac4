//! Runs `pool_deadlock`: both deadlocks are reproduced, detected by a timeout, explained and
//! fixed, and the program ends by itself with exit code 0.

use std::time::Duration;

use common::testing;

/// Far more than the program needs (about 8 × its patience); only there so that a hang
/// fails the test instead of freezing it.
const LIMIT: Duration = Duration::from_secs(30);

/// Runs the program and returns its exit code and stdout; fails the test if the program
/// takes longer than `LIMIT`.
fn run(args: &[&str]) -> (Option<i32>, String) {
    testing::run_within(env!("CARGO_BIN_EXE_pool_deadlock"), args, LIMIT)
}

/// Both deadlocks are detected and explained, every fix gets its value, and the program
/// exits 0.
#[test]
fn both_deadlocks_are_detected_and_the_program_ends() {
    let (code, stdout) = run(&["--patience-ms", "100"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(stdout.matches("DEADLOCK DETECTED").count(), 2, "{stdout}");
    assert!(
        stdout.contains("the outer job waited 100 ms for the inner job, which never ran"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ran the inner job at once: 25."),
        "{stdout}"
    );
    assert!(
        stdout.contains("a was waiting for b, and b was waiting for a"),
        "{stdout}"
    );
    // (a)'s three fixes each get 5 ** 2.
    for fix in ["fix 1, two workers", "fix 2, wait outside", "fix 3, rayon"] {
        let line = stdout
            .lines()
            .find(|line| line.contains(fix))
            .unwrap_or_else(|| panic!("no `{fix}` line: {stdout}"));
        assert!(line.ends_with("25"), "{line}");
    }
    // (b): a gives up, b sees it finish; in the fix nobody gives up.
    // (How long exactly depends on the scheduler: only the words are checked.)
    let a_line = stdout
        .lines()
        .find(|line| line.starts_with("  a waited"))
        .expect("a's line");
    assert!(
        a_line.ends_with("for b, gave up, and returned 5"),
        "{a_line}"
    );
    assert!(
        stdout.contains("for a to finish, then returned 6"),
        "{stdout}"
    );
    assert!(
        stdout.contains("b waited for nobody and returned 6"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches(", gave up, and returned").count(),
        1,
        "{stdout}"
    );
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
    ] {
        assert_eq!(run(args).0, Some(2), "{args:?}");
    }
}

/// The library alone: one worker always deadlocks (the inner job can only run once the
/// outer one gives up); every fix gets 5 ** 2, and ordered waits end with nobody giving up.
#[test]
fn the_library_deadlocks_with_one_worker_and_the_fixes_do_not() {
    use pools::deadlock::{self, Nested, Waiter};
    assert_eq!(
        deadlock::job_waits_for_its_own_job(1, Duration::from_millis(50)),
        Ok(Nested::GaveUp { late: 25 })
    );
    let patience = Duration::from_secs(10);
    assert_eq!(
        deadlock::job_waits_for_its_own_job(2, patience),
        Ok(Nested::Got(25))
    );
    assert_eq!(deadlock::wait_outside_the_job(patience), Ok(25));
    assert_eq!(deadlock::rayon_waits_by_working(), 25);
    let ordered = deadlock::a_and_b(false, patience).expect("nobody waits for ever");
    assert!(!ordered.iter().any(Waiter::gave_up), "{ordered:?}");
    assert_eq!(ordered.map(|job| job.value), [5, 6]);
}
