//! Cancel scopes: a deadline, or one `cancel()`, that ends a whole subtree of tasks.
//!
//! trio puts a deadline around any block, nurseries included:
//!
//! ```python
//! with trio.move_on_after(0.5):          # or fail_after(0.5), which raises TooSlowError
//!     async with trio.open_nursery() as nursery:
//!         nursery.start_soon(worker, "A")
//! ```
//!
//! asyncio (3.11) spells `fail_after` as `async with asyncio.timeout(0.5):` around a
//! `TaskGroup`. Here [`move_on_after`] and [`fail_after`] do the same around a
//! [`nursery()`]: at the deadline the nursery's token is cancelled, which reaches its
//! children and, through [`Nursery::open_nursery`], their children; each is dropped at its
//! next `.await`, so the code after that point never runs, and only its `Drop` cleanup
//! does. The scope then waits for every one of those cleanups before it returns.
//!
//! **Why not `tokio::time::timeout(d, nursery(...))`?** A timeout drops the future it
//! wraps. A dropped nursery cancels its children (they are tokio tasks, and would run on
//! otherwise), but it cannot wait for them: Rust has no async `Drop`. So the caller moves
//! on before a single cleanup has run, and the cleanups happen behind its back
//! ([`Way::Timeout`] shows it; the tests check it). To return only after them, the deadline
//! must go through the nursery's own token, and the nursery's future be awaited to its end.
//!
//! **Why not a watchdog child** that sleeps until the deadline, then calls
//! [`Nursery::cancel`]? It works, but the nursery waits for all its children, the watchdog
//! too: a tree that finishes early would still end only at the deadline.
//! [`move_on_after`] is that watchdog moved outside the scope.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::time::Duration;

use coroutines::asyncio::Transcript;
use tokio::time::{Instant, sleep};

use crate::nursery::{BoxError, MultiError, Nursery, Policy, nursery};

/// How a scope with a deadline ended: trio's `cancel_scope.cancelled_caught`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every child finished before the deadline.
    Finished,
    /// The deadline passed: the subtree was cancelled, and every cleanup has run.
    TimedOut,
}

/// Runs a nursery with `body`, cancelling it, children and grandchildren, once `after`
/// has passed (trio's `with trio.move_on_after(after):` around `open_nursery()`).
///
/// Returns when the nursery has finished: before the deadline, or after it once every
/// cancelled child has been dropped, its `Drop` cleanup run. Failures of the children
/// before the deadline come back in the [`MultiError`], as without a deadline.
pub async fn move_on_after<B, F>(
    after: Duration,
    policy: Policy,
    body: B,
) -> Result<Ended, MultiError>
where
    B: FnOnce(Nursery) -> F,
    F: Future<Output = ()>,
{
    // ANCHOR: move_on_after
    // Keep a handle on the nursery, to cancel it from out here.
    let handle = OnceLock::new();
    let mut scope = pin!(nursery(policy, |n| {
        let _ = handle.set(n.clone());
        body(n)
    }));
    tokio::select! {
        biased; // the first poll runs the body, which sets `handle`
        result = &mut scope => return result.map(|()| Ended::Finished),
        () = sleep(after) => {}
    }
    // The deadline: cancel through the nursery's token, and keep
    // awaiting it, so it waits for every cancelled child's cleanup.
    if let Some(n) = handle.get() {
        n.cancel();
    }
    scope.await.map(|()| Ended::TimedOut)
    // ANCHOR_END: move_on_after
}

/// The error of [`fail_after`] when the deadline passed: trio's `TooSlowError`, asyncio's
/// `TimeoutError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooSlow(pub Duration);

impl fmt::Display for TooSlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TooSlowError: the deadline of {:.2} s passed",
            self.0.as_secs_f64()
        )
    }
}

impl Error for TooSlow {}

/// [`move_on_after`] that fails at the deadline (trio's `fail_after`, asyncio's
/// `asyncio.timeout`): `Err` holds a [`TooSlow`] or the children's [`MultiError`].
pub async fn fail_after<B, F>(after: Duration, policy: Policy, body: B) -> Result<(), BoxError>
where
    B: FnOnce(Nursery) -> F,
    F: Future<Output = ()>,
{
    match move_on_after(after, policy, body).await? {
        Ended::Finished => Ok(()),
        Ended::TimedOut => Err(TooSlow(after).into()),
    }
}

/// A [`Transcript`] whose lines start with the time since the log was made,
/// `[0.40 s] A1: step 3`: on tokio's paused clock, the tests read exact instants.
#[derive(Debug, Clone)]
pub struct Log {
    /// Where the lines go.
    out: Transcript,
    /// The instant times are counted from (tokio's clock, so a paused clock counts).
    start: Instant,
}

impl Log {
    /// A log that counts time from now.
    pub fn new(out: Transcript) -> Log {
        Log {
            out,
            start: Instant::now(),
        }
    }

    /// Says `line`, after the time since the start.
    pub fn say(&self, line: impl fmt::Display) {
        let seconds = self.elapsed().as_secs_f64();
        self.out.say(format!("[{seconds:.2} s] {line}"));
    }

    /// The time since the start.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Every line said so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.out.lines()
    }
}

/// Says "cleanup: `<name>`" when dropped, however its task ended: finished,
/// failed, or cancelled at an `.await`. After a cancellation, only this runs.
#[derive(Debug)]
pub struct Cleanup {
    /// The task it belongs to.
    name: String,
    /// Where it says so.
    log: Log,
}

// ANCHOR: cleanup
impl Drop for Cleanup {
    fn drop(&mut self) {
        // No `.await` in here: there is no async `Drop`.
        self.log.say(format!("cleanup: {}", self.name));
    }
}
// ANCHOR_END: cleanup

impl Cleanup {
    /// A guard for the task `name`.
    pub fn new(name: &str, log: &Log) -> Cleanup {
        Cleanup {
            name: name.to_string(),
            log: log.clone(),
        }
    }
}

/// The shape of the tree of tasks a scope runs: `children` children, each opening a
/// nursery of `grandchildren` grandchildren, each of which takes `steps` steps of `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tree {
    /// Children of the scope: A, B, C, …
    pub children: u32,
    /// Grandchildren of each child: A1, A2, …
    pub grandchildren: u32,
    /// Steps each grandchild takes.
    pub steps: u32,
    /// How long one step sleeps.
    pub step: Duration,
}

impl Tree {
    /// The names of every task, each child before its grandchildren: A, A1, A2, B, B1, B2.
    pub fn names(&self) -> Vec<String> {
        (0..self.children)
            .map(child_name)
            .flat_map(|child| {
                let grandchildren = (1..=self.grandchildren).map(|g| format!("{child}{g}"));
                let mut family: Vec<String> = grandchildren.collect();
                family.insert(0, child);
                family
            })
            .collect()
    }

    /// How long the tree takes when nothing cancels it: every grandchild's steps.
    pub fn duration(&self) -> Duration {
        self.step * self.steps
    }
}

/// The name of child `index`: A, B, C, …
fn child_name(index: u32) -> String {
    char::from(b'A' + u8::try_from(index % 26).unwrap_or(0)).to_string()
}

/// A grandchild: `steps` steps, each said, then slept.
pub async fn worker(name: String, tree: Tree, log: Log) -> Result<(), BoxError> {
    // ANCHOR: worker
    let _cleanup = Cleanup::new(&name, &log);
    for k in 1..=tree.steps {
        log.say(format!("{name}: step {k}"));
        // A cancellation drops this task here: no line after it runs.
        sleep(tree.step).await;
    }
    log.say(format!("{name}: finished"));
    Ok(())
    // ANCHOR_END: worker
}

/// A grandchild of [`Way::Cancel`]: it searches for `after`, then finds what the whole
/// tree was looking for and cancels the scope (trio's `nursery.cancel_scope.cancel()`).
pub async fn finder(
    name: String,
    after: Duration,
    scope: Nursery,
    log: Log,
) -> Result<(), BoxError> {
    let _cleanup = Cleanup::new(&name, &log);
    log.say(format!("{name}: searching"));
    sleep(after).await;
    // ANCHOR: finder
    log.say(format!("{name}: found it: cancels the whole scope"));
    scope.cancel(); // returns at once: we are not at an `.await`
    log.say(format!("{name}: finished"));
    // ANCHOR_END: finder
    Ok(())
}

/// A child: opens a nursery inside the scope's and starts its grandchildren in it. With
/// `finder_after`, its last grandchild is a [`finder`] that cancels `scope` after that long.
pub async fn parent(
    scope: Nursery,
    name: String,
    tree: Tree,
    finder_after: Option<Duration>,
    log: Log,
) -> Result<(), BoxError> {
    let _cleanup = Cleanup::new(&name, &log);
    let names: Vec<String> = (1..=tree.grandchildren)
        .map(|g| format!("{name}{g}"))
        .collect();
    log.say(format!("{name}: opens a nursery for {}", names.join(", ")));
    let outer = scope.clone();
    let log_inside = log.clone();
    scope
        .open_nursery(Policy::default(), |inner| async move {
            for (g, grandchild) in names.into_iter().enumerate() {
                let last = g + 1 == tree.grandchildren as usize;
                let log = log_inside.clone();
                match finder_after.filter(|_| last) {
                    Some(after) => inner.start_soon(
                        grandchild.clone(),
                        finder(grandchild, after, outer.clone(), log),
                    ),
                    None => inner.start_soon(grandchild.clone(), worker(grandchild, tree, log)),
                }
            }
        })
        .await?;
    log.say(format!("{name}: its nursery is done"));
    Ok(())
}

/// How the program ends the tree at its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Way {
    /// move_on_after: the deadline cancels the nursery's token; the scope waits for the cleanups
    MoveOnAfter,
    /// the last grandchild finds the answer at the deadline and calls cancel()
    Cancel,
    /// tokio::time::timeout around the nursery: drops its future, returns before the cleanups
    Timeout,
}

impl Way {
    /// Every way, in the order the program shows them.
    pub const ALL: [Way; 3] = [Way::MoveOnAfter, Way::Cancel, Way::Timeout];

    /// What the way is, in trio's words and ours.
    pub fn title(self, deadline: Duration) -> String {
        let s = deadline.as_secs_f64();
        match self {
            Way::MoveOnAfter => format!(
                "move_on_after({s:.2} s) around the nursery: trio's `with move_on_after({s}):`"
            ),
            Way::Cancel => format!(
                "cancel(): the last grandchild finds the answer at {s:.2} s and cancels the \
                 scope, as trio's `nursery.cancel_scope.cancel()`"
            ),
            Way::Timeout => {
                format!("tokio::time::timeout({s:.2} s, nursery(...)): drops the nursery's future")
            }
        }
    }
}

/// Runs `tree` in a nursery and ends it at `deadline` the way `way` says. With
/// [`Way::Timeout`] the scope returns having dropped its nursery's future: its children are
/// cancelled, but their cleanups have not run yet.
pub async fn scope(
    way: Way,
    tree: Tree,
    deadline: Duration,
    log: &Log,
) -> Result<Ended, MultiError> {
    let finder_after = (way == Way::Cancel).then_some(deadline);
    let log = log.clone();
    let body = move |n: Nursery| async move {
        for index in 0..tree.children {
            // Only the last child's last grandchild is a finder.
            let finder = finder_after.filter(|_| index + 1 == tree.children);
            let child = child_name(index);
            let parent = parent(n.clone(), child.clone(), tree, finder, log.clone());
            n.start_soon(child, parent);
        }
    };
    match way {
        Way::MoveOnAfter => move_on_after(deadline, Policy::default(), body).await,
        Way::Cancel => nursery(Policy::default(), body)
            .await
            .map(|()| Ended::Finished),
        Way::Timeout => {
            // ANCHOR: timeout
            let scope = nursery(Policy::default(), body);
            match tokio::time::timeout(deadline, scope).await {
                Ok(result) => result.map(|()| Ended::Finished),
                // The dropped nursery cancels, but cannot wait.
                Err(_elapsed) => Ok(Ended::TimedOut),
            }
            // ANCHOR_END: timeout
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One second, the unit of these tests.
    const SECOND: Duration = Duration::from_secs(1);

    /// A body whose one child sleeps `seconds`.
    fn sleeping(seconds: u32) -> impl FnOnce(Nursery) -> std::future::Ready<()> {
        move |n: Nursery| {
            n.start_soon("sleeper", async move {
                sleep(SECOND * seconds).await;
                Ok::<(), BoxError>(())
            });
            std::future::ready(())
        }
    }

    /// A scope that finishes before its deadline returns when it finishes, not at the
    /// deadline: the deadline is not a watchdog child the nursery waits for.
    #[tokio::test(start_paused = true)]
    async fn a_scope_that_finishes_early_returns_early() {
        let start = Instant::now();
        let ended = move_on_after(SECOND * 10, Policy::default(), sleeping(2)).await;
        assert_eq!(ended.unwrap(), Ended::Finished);
        assert_eq!(start.elapsed(), SECOND * 2);
    }

    /// A scope still running at its deadline is cancelled then, and says so.
    #[tokio::test(start_paused = true)]
    async fn a_scope_past_its_deadline_times_out_at_the_deadline() {
        let start = Instant::now();
        let ended = move_on_after(SECOND * 3, Policy::default(), sleeping(10)).await;
        assert_eq!(ended.unwrap(), Ended::TimedOut);
        assert_eq!(start.elapsed(), SECOND * 3);
    }

    /// A deadline of zero still runs the body once, and cancels the child at its first
    /// `.await`.
    #[tokio::test(start_paused = true)]
    async fn a_zero_deadline_cancels_at_the_first_await() {
        let start = Instant::now();
        let ended = move_on_after(Duration::ZERO, Policy::default(), sleeping(10)).await;
        assert_eq!(ended.unwrap(), Ended::TimedOut);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    /// `fail_after` turns the deadline into a `TooSlow` error, and passes a child's
    /// failure through as the `MultiError`.
    #[tokio::test(start_paused = true)]
    async fn fail_after_fails_with_too_slow_or_the_children_errors() {
        let slow = fail_after(SECOND, Policy::default(), sleeping(10)).await;
        let error = slow.unwrap_err();
        assert_eq!(error.downcast_ref::<TooSlow>(), Some(&TooSlow(SECOND)));
        assert_eq!(
            error.to_string(),
            "TooSlowError: the deadline of 1.00 s passed"
        );

        let failing = fail_after(SECOND * 10, Policy::default(), |n: Nursery| async move {
            n.start_soon("failing", async { Err("KeyError: 'foo'") });
        })
        .await;
        let errors = failing
            .unwrap_err()
            .downcast::<MultiError>()
            .unwrap()
            .errors;
        assert_eq!(errors[0].to_string(), "failing: KeyError: 'foo'");
    }

    /// The tree's names list each child, then its grandchildren, and its duration is the
    /// grandchildren's steps.
    #[test]
    fn the_tree_names_every_task() {
        let tree = Tree {
            children: 2,
            grandchildren: 2,
            steps: 5,
            step: SECOND / 5,
        };
        assert_eq!(tree.names(), ["A", "A1", "A2", "B", "B1", "B2"]);
        assert_eq!(tree.duration(), SECOND);
    }
}
