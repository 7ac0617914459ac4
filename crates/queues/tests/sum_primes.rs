//! Runs `sum_primes`: worker threads sum the primes up to each number from a job queue.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_sum_primes"), args)
}

fn first_line(ran: &Ran) -> String {
    ran.success()
        .lines()
        .first()
        .copied()
        .unwrap_or_default()
        .to_string()
}

/// Gathered under a lock or through a channel, the sums are the notebook's, sorted.
#[test]
fn both_ways_print_the_notebooks_answer() {
    let notebook = "[6458901531, 9914236195, 14071826345]";
    assert_eq!(first_line(&run(&[])), notebook);
    assert_eq!(first_line(&run(&["--via", "lock"])), notebook);
    assert_eq!(first_line(&run(&["--via", "channel"])), notebook);
    // More workers than jobs: the spare ones find the queue empty and stop at once.
    assert_eq!(
        first_line(&run(&["--via", "channel", "--workers", "5"])),
        notebook
    );
    assert_eq!(
        first_line(&run(&["--via", "lock", "--workers", "1"])),
        notebook
    );
}

/// Numbers of our own, given in no order, come back sorted by their sums.
#[test]
fn numbers_on_the_command_line() {
    // 2+3+5+7 = 17; 2+3+5+7+11+13+17+19 = 77; no primes up to 1.
    for via in ["lock", "channel"] {
        let out = run(&["--via", via, "20", "1", "10"]);
        assert_eq!(first_line(&out), "[0, 17, 77]", "{via}");
    }
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--via", "pipe"][..],
        &["--workers", "0"],
        &["-5"],
        &["ten"],
        &["100000001"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
