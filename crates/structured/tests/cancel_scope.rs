//! `cancel_scope`: a deadline or a `cancel()` ends every task of the subtree, grandchildren
//! included, at the instant it fires; no line after a cancelled `.await` ever prints; every
//! `Drop` cleanup runs before the scope returns; a plain `timeout` cancels the subtree
//! too, but returns before a single cleanup has run.
//!
//!     cargo test -p structured --test cancel_scope

use std::time::Duration;

use common::testing;
use coroutines::asyncio::Transcript;
use structured::cancel::{Ended, Log, Tree, Way, scope};
use tokio::time::{Instant, sleep};

const BIN: &str = env!("CARGO_BIN_EXE_cancel_scope");

/// One second of the paused clock.
const SECOND: Duration = Duration::from_secs(1);

/// Two children, two grandchildren each, five steps of 1 s: the tree takes 5 s.
const TREE: Tree = Tree {
    children: 2,
    grandchildren: 2,
    steps: 5,
    step: SECOND,
};

/// The deadline, halfway through step 3, so that no timer ties with it.
const DEADLINE: Duration = Duration::from_millis(2500);

/// The lines a tree's tasks print up to a cancellation at 2.5 s: the children's opening
/// lines, then steps 1 to 3 of each grandchild `workers`, in time order.
fn lines_before_the_deadline(workers: &[&str]) -> Vec<String> {
    let mut lines = vec![
        "[0.00 s] A: opens a nursery for A1, A2".to_string(),
        "[0.00 s] B: opens a nursery for B1, B2".to_string(),
    ];
    for k in 1..=3 {
        for name in workers {
            lines.push(format!("[{}.00 s] {name}: step {k}", k - 1));
        }
    }
    lines
}

/// Sorted copies of `lines`, to compare lines of one instant whose order is the scheduler's.
fn sorted(lines: &[String]) -> Vec<String> {
    let mut lines = lines.to_vec();
    lines.sort();
    lines
}

/// The `cleanup:` line of each of `names`, stamped with the deadline, in sorted order.
fn cleanups_at_the_deadline(names: &[&str]) -> Vec<String> {
    let lines: Vec<String> = names
        .iter()
        .map(|name| format!("[2.50 s] cleanup: {name}"))
        .collect();
    sorted(&lines)
}

/// `move_on_after`: the scope returns at 2.5 s, the deadline, exactly; by then all six
/// tasks (four grandchildren in nested nurseries, two children) have run their cleanup at
/// 2.5 s; no step 4, no `finished`, no "its nursery is done" ever prints, even 10 s later.
#[tokio::test(start_paused = true)]
async fn move_on_after_cancels_children_and_grandchildren_at_the_deadline() {
    let log = Log::new(Transcript::quiet());
    let start = Instant::now();
    let ended = scope(Way::MoveOnAfter, TREE, DEADLINE, &log).await;
    assert_eq!(ended.unwrap(), Ended::TimedOut);
    assert_eq!(start.elapsed(), DEADLINE);

    let at_return = log.lines();
    let (work, cleanups) = at_return.split_at(at_return.len() - 6);
    assert_eq!(work, lines_before_the_deadline(&["A1", "A2", "B1", "B2"]));
    let expected = cleanups_at_the_deadline(&["A", "A1", "A2", "B", "B1", "B2"]);
    assert_eq!(sorted(cleanups), expected);

    // Nothing of the cancelled tasks runs later: they are gone, not paused.
    sleep(SECOND * 10).await;
    assert_eq!(log.lines(), at_return);
}

/// `cancel()` from a grandchild: B2 finds the answer at 2.5 s and cancels the outer scope;
/// it runs on to its return (`cancel()` is not an `.await`), its cousins A1, A2, its
/// sibling B1 and both children are dropped at 2.5 s, and the scope returns then, `Ok`:
/// a cancellation is not a failure.
#[tokio::test(start_paused = true)]
async fn a_cancel_from_a_grandchild_ends_the_whole_tree() {
    let log = Log::new(Transcript::quiet());
    let start = Instant::now();
    let ended = scope(Way::Cancel, TREE, DEADLINE, &log).await;
    assert_eq!(ended.unwrap(), Ended::Finished);
    assert_eq!(start.elapsed(), DEADLINE);

    let lines = log.lines();
    let mut expected = lines_before_the_deadline(&["A1", "A2", "B1"]);
    expected.insert(5, "[0.00 s] B2: searching".to_string());
    expected.extend([
        "[2.50 s] B2: found it: cancels the whole scope".to_string(),
        "[2.50 s] B2: finished".to_string(),
        "[2.50 s] cleanup: B2".to_string(),
    ]);
    let (work, cleanups) = lines.split_at(expected.len());
    assert_eq!(work, expected);
    let others = cleanups_at_the_deadline(&["A", "A1", "A2", "B", "B1"]);
    assert_eq!(sorted(cleanups), others);
}

/// A plain `tokio::time::timeout` around the nursery returns at 2.5 s with not one cleanup
/// run: it dropped the nursery's future, which cannot wait in `Drop`. The dropped nursery
/// still cancels its children: right after, every cleanup runs at 2.5 s, and no step, no
/// `finished` line ever follows.
#[tokio::test(start_paused = true)]
async fn a_plain_timeout_cancels_but_returns_before_the_cleanups() {
    let log = Log::new(Transcript::quiet());
    let start = Instant::now();
    let ended = scope(Way::Timeout, TREE, DEADLINE, &log).await;
    assert_eq!(ended.unwrap(), Ended::TimedOut);
    assert_eq!(start.elapsed(), DEADLINE);
    let at_return = log.lines();
    assert_eq!(
        at_return,
        lines_before_the_deadline(&["A1", "A2", "B1", "B2"])
    );

    sleep(SECOND * 10).await;
    let later = log.lines()[at_return.len()..].to_vec();
    let others = cleanups_at_the_deadline(&["A", "A1", "A2", "B", "B1", "B2"]);
    assert_eq!(sorted(&later), others);
}

/// With the deadline past the tree's 5 s, `move_on_after` returns when the tree is done,
/// at 5 s, not at the deadline, and every task finished.
#[tokio::test(start_paused = true)]
async fn a_tree_that_finishes_first_is_not_cancelled() {
    let log = Log::new(Transcript::quiet());
    let start = Instant::now();
    let ended = scope(Way::MoveOnAfter, TREE, SECOND * 60, &log).await;
    assert_eq!(ended.unwrap(), Ended::Finished);
    assert_eq!(start.elapsed(), SECOND * 5);
    let lines = log.lines();
    let finished = lines.iter().filter(|l| l.ends_with(": finished")).count();
    assert_eq!(finished, 4);
    let cleanups = lines.iter().filter(|l| l.contains("cleanup: ")).count();
    assert_eq!(cleanups, 6);
}

/// The program runs the three ways and says, counted from its own lines, that the two
/// scopes ran every cleanup before `main` moved on and nothing after, and that the plain
/// timeout ran none before, yet no step after either: it cancelled without waiting.
#[test]
fn the_program_shows_the_three_ways() {
    let args = ["--step", "0.05", "--steps", "4", "--deadline", "0.075"];
    let ran = testing::run(BIN, &args);
    ran.success();
    let lines = ran.lines();
    let verdicts: Vec<String> = lines
        .iter()
        .zip(lines.iter().skip(1))
        .filter(|(line, _)| line.starts_with("main moved on at"))
        .map(|(line, next)| format!("{line} {next}"))
        .collect();
    assert_eq!(verdicts.len(), 3, "{}", ran.stdout);
    let contained = "after 6 of 6 cleanups; after it: 0 steps began, 0 grandchildren finished";
    for verdict in &verdicts[..2] {
        assert!(verdict.ends_with(contained), "{verdict}");
    }
    let left = "after 0 of 6 cleanups; after it: 0 steps began, 0 grandchildren finished";
    assert!(verdicts[2].ends_with(left), "{}", verdicts[2]);
    let last = ran.lines().last().copied().unwrap_or_default();
    assert!(
        last.starts_with("Shown: move_on_after cancels the whole subtree"),
        "{last}"
    );
    assert!(
        last.contains("one cancel() from a grandchild does the same"),
        "{last}"
    );
    assert!(
        last.contains("a plain timeout cancels the subtree too, but returns before any cleanup"),
        "{last}"
    );
}

/// Out-of-range flags are refused by clap, with exit status 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--deadline", "0"],
            &["--step", "lots"],
            &["--children", "0"],
            &["--grandchildren", "9"],
            &["--steps", "0"],
            &["--way", "abort"],
        ],
    );
}
