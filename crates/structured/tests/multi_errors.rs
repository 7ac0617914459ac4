//! `multi_errors`: all four failures come back in one `MultiError`, each with its child's
//! name and message; the slow sibling is cancelled under `cancel-siblings` (its last line
//! never said, its cleanup run) and finishes under `run-to-completion` (tokio's paused
//! clock); the program shows them all, without the panic's default message.
//!
//!     cargo test -p structured --test multi_errors

use std::time::Duration;

use common::testing;
use coroutines::asyncio::Transcript;
use structured::trio::{self, FAILING};
use structured::{Failure, MultiError, Policy};
use tokio::time::{Instant, sleep};

const BIN: &str = env!("CARGO_BIN_EXE_multi_errors");

/// The four failures, as the `MultiError` shows them, in the order the children failed.
const FAILURES: [&str; 4] = [
    "task1: KeyError: 'foo'",
    "task2: IndexError: list index out of range (index 10)",
    "task3: ZeroDivisionError: division by zero",
    "task4: panicked: index out of bounds: the len is 0 but the index is 10",
];

/// How long the slow sibling sleeps in the tests.
const SLOW: Duration = Duration::from_secs(1);

/// Runs the children under `policy`; returns their `MultiError`, the time the nursery
/// took, and what was said, 60 s later (a sibling still alive would have spoken by then).
async fn run(policy: Policy) -> (MultiError, Duration, Vec<String>) {
    let out = Transcript::quiet();
    let start = Instant::now();
    let result = trio::multi_errors(policy, SLOW, &out).await;
    let took = start.elapsed();
    sleep(Duration::from_secs(60)).await;
    (result.expect_err("four children fail"), took, out.lines())
}

/// Under either policy, every failure comes back, each under its child's name with its
/// message; the three errors keep their type (`except*` can match them) and the panic is
/// a panic.
#[tokio::test(start_paused = true)]
async fn every_failure_comes_back_with_its_child_and_message() {
    for policy in [Policy::CancelSiblings, Policy::RunToCompletion] {
        let (failures, _, _) = run(policy).await;
        let shown: Vec<String> = failures.errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown, FAILURES, "{policy:?}");
        let children: Vec<&str> = failures.errors.iter().map(|e| e.child.as_str()).collect();
        assert_eq!(children, FAILING);
        let kinds: Vec<&str> = failures.errors.iter().map(trio::kind).collect();
        assert_eq!(
            kinds,
            ["KeyError", "IndexError", "ZeroDivisionError", "panic"]
        );
        assert!(matches!(failures.errors[3].failure, Failure::Panic(_)));
        assert!(failures.to_string().starts_with("4 child tasks failed:\n"));
    }
}

/// Under `cancel-siblings`, the first failure cancels the slow sibling in its sleep, at
/// 0 s: its `finished` line is never said, its `Drop` cleanup is, and `done` is not
/// (the `MultiError` left `main` first).
#[tokio::test(start_paused = true)]
async fn cancel_siblings_drops_the_slow_sibling_in_its_sleep() {
    let (_, took, lines) = run(Policy::CancelSiblings).await;
    assert_eq!(took, Duration::ZERO);
    assert_eq!(
        lines,
        [
            "main started",
            "slow task started",
            "slow task cancelled in its sleep: its Drop cleanup ran",
        ]
    );
}

/// Under `run-to-completion`, the slow sibling sleeps its full second and finishes; the
/// nursery waits for it, and its cleanup has nothing to say.
#[tokio::test(start_paused = true)]
async fn run_to_completion_lets_the_slow_sibling_finish() {
    let (_, took, lines) = run(Policy::RunToCompletion).await;
    assert_eq!(took, SLOW);
    assert_eq!(
        lines,
        ["main started", "slow task started", "slow task finished"]
    );
}

/// The program prints every failure and says all four were collected, exits 0, and
/// keeps the panic's default message (`thread 'main' panicked at …`) off stderr.
#[test]
fn the_program_shows_every_failure_and_exits_0() {
    for (policy, slow_line) in [
        ("cancel-siblings", "slow task cancelled in its sleep"),
        ("run-to-completion", "slow task finished"),
    ] {
        let ran = testing::run(BIN, &["--policy", policy, "--slow", "0.01"]);
        ran.success();
        let lines = ran.lines();
        for failure in FAILURES {
            assert!(
                lines.contains(&format!("  {failure}").as_str()),
                "{lines:?}"
            );
        }
        assert!(lines.iter().any(|l| l.starts_with(slow_line)), "{lines:?}");
        let other = if policy == "cancel-siblings" {
            "slow task finished"
        } else {
            "slow task cancelled"
        };
        assert!(!lines.iter().any(|l| l.starts_with(other)), "{lines:?}");
        assert!(
            ran.stdout.contains("All 4 failures collected: "),
            "{}",
            ran.stdout
        );
        assert_eq!(ran.stderr, "", "the panic hook let a message through");
    }
}

/// Bad flags are refused by clap, with exit status 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--policy", "first-error"],
            &["--slow", "0"],
            &["--slow", "11"],
        ],
    );
}
