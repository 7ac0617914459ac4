//! `daemon_threads`: a detached worker dies when `main` returns, mid-work, without its last
//! line or its `Drop` cleanup, and the process still exits 0; joined or scoped, it
//! finishes every step and cleans up before `main` returns.
//!
//!     cargo test -p structured --test daemon_threads

use common::testing::{self, Ran};
use structured::threads::{CLEANUP, MAIN_WAITS_FOR, Work, finished, step_done};

const BIN: &str = env!("CARGO_BIN_EXE_daemon_threads");

/// The worker's lines: each step, its last line, its cleanup.
fn worker_lines(steps: u32) -> Vec<String> {
    let work = Work {
        steps,
        step: std::time::Duration::ZERO,
    };
    (1..=steps)
        .map(|step| step_done(step, work))
        .chain([finished(work), CLEANUP.to_string()])
        .collect()
}

/// The lines of a run that the worker said, in order.
fn said_by_the_worker(ran: &Ran) -> Vec<&str> {
    ran.lines()
        .into_iter()
        .filter(|line| line.starts_with("worker:"))
        .collect()
}

/// Detached, the output stops where `main` returned: steps 1 and 2, then nothing of the
/// worker's, though it had 3 more steps, a last line and a cleanup to say; and the
/// program exits 0, as if all were well. Every line is whole: stdout is line-buffered
/// even into this pipe, so no line the worker finished was lost.
///
/// A race, with a margin of one step (1000 ms here): the worker's next line comes only
/// after it has slept through step 3, while `main`, once it has read the report of step
/// 2, only prints two lines and returns, and the process exits. The test fails only if
/// those two lines and the exit take `main` more than a second (or if `main` waited).
#[test]
fn a_detached_worker_dies_after_step_2_without_its_cleanup() {
    let ran = testing::run(BIN, &["--steps", "5", "--step-ms", "1000"]);
    ran.success();
    let expected = &worker_lines(5)[..MAIN_WAITS_FOR as usize];
    assert_eq!(said_by_the_worker(&ran), expected, "{}", ran.stdout);
    assert!(!ran.stdout.contains("cleanup (its"), "{}", ran.stdout);
    let last = ran.lines().last().copied().unwrap_or_default();
    assert_eq!(
        last,
        "main returns now; the worker, not yet cleaned up, ends with the process.",
    );
    assert!(
        ran.stdout.ends_with('\n'),
        "a partial line: {:?}",
        ran.stdout
    );
}

/// With `--fix join` and with `--fix scope`, `main` waits: every step, the last line and
/// the cleanup, in that order, and `main`'s last line after all of them.
#[test]
fn joined_or_scoped_the_worker_finishes_and_cleans_up() {
    for fix in ["join", "scope"] {
        let ran = testing::run(BIN, &["--fix", fix, "--steps", "4", "--step-ms", "5"]);
        ran.success();
        assert_eq!(said_by_the_worker(&ran), worker_lines(4), "--fix {fix}");
        let lines = ran.lines();
        let cleanup = lines.iter().position(|l| *l == CLEANUP).unwrap();
        assert_eq!(cleanup, lines.len() - 2, "--fix {fix}: {lines:?}");
        assert!(lines[cleanup + 1].contains("nothing lost"), "{lines:?}");
    }
}

/// `main` stops waiting at step 2 in every mode: its line comes after the worker's
/// step 2.
#[test]
fn main_waits_for_step_2_in_every_mode() {
    for args in [vec![], vec!["--fix", "join"], vec!["--fix", "scope"]] {
        let ran = testing::run(BIN, &[&args[..], &["--step-ms", "5"]].concat());
        let lines = ran.success().lines();
        let main = lines
            .iter()
            .position(|l| l.starts_with("main: the worker has done"));
        let step_2 = lines.iter().position(|l| *l == "worker: step 2/5 done");
        assert!(main.is_some() && main > step_2, "{args:?}: {lines:?}");
    }
}

/// A fix that is not one, too few steps or a step of 0 ms: clap refuses them, exit 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--fix", "detach"],
            &["--steps", "2"],
            &["--step-ms", "0"],
            &["--steps", "many"],
        ],
    );
}
