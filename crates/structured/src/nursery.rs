//! trio's nursery on tokio: a scope that cannot end before its children do.
//!
//! ```no_run
//! # async fn demo() -> Result<(), structured::MultiError> {
//! use structured::{Policy, nursery};
//!
//! nursery(Policy::default(), |n| async move {
//!     n.start_soon("1st", async { Ok::<(), String>(()) });
//!     n.start_soon("2nd", async { Err("ZeroDivisionError: division by zero") });
//! })
//! .await // returns only once "1st" and "2nd" have both finished
//! # }
//! ```
//!
//! The rules, as the Python slides give them for `trio.open_nursery()`:
//!
//! - [`nursery()`] does not return before every child has finished, and a child can only
//!   be started through a [`Nursery`] handle, so no task outlives the block that started it;
//! - when a child fails, [`Policy::CancelSiblings`] (trio's behaviour, the default) cancels
//!   the others; [`Policy::RunToCompletion`] lets them finish;
//! - the result carries *every* failure, a panic included, in one [`MultiError`];
//! - cancellation reaches grandchildren: [`Nursery::open_nursery`] opens a nested nursery
//!   whose token is a child token of its parent's;
//! - a cancelled child is dropped at its next `.await`: the code after that point never
//!   runs, its `Drop` cleanup does, and the scope waits for that cleanup too;
//! - a nursery whose future is dropped before its end (a `tokio::time::timeout` around
//!   it, a `select!` that took another branch) cancels its children. It cannot wait for
//!   them, since Rust has no async `Drop`: their cleanup runs after the caller has moved
//!   on. To wait for the cleanups, cancel through the nursery instead
//!   (`crate::cancel::move_on_after`).
//!
//! **Beside the alternatives.** A [`tokio::task::JoinSet`] owns its tasks and aborts them
//! when dropped, but nothing makes you drain it, a panic is a `JoinError` you must look at,
//! and it is not `Clone`, so a child cannot add a sibling. [`TaskTracker`] only counts
//! tasks so you can wait for them; it knows nothing of errors or cancellation. The nursery
//! is those two ideas joined: a `TaskTracker` to wait, a [`CancellationToken`] to cancel,
//! and a list of errors.
//!
//! [`std::thread::scope`] is the same rule for threads, enforced by the borrow checker: the
//! scope joins every thread, and a panicking thread makes the scope panic. It cannot cancel
//! a thread, though; threads only stop when they choose to. `rayon::scope` is alike, for
//! jobs on rayon's pool: it waits for every job, then re-raises a panic (one only, when
//! several jobs panicked), and it cannot cancel either.
//!
//! asyncio's `TaskGroup` (Python 3.11) is trio's nursery adopted by the standard library:
//! `async with asyncio.TaskGroup() as tg: tg.create_task(...)`, the siblings cancelled on
//! the first failure, and an `ExceptionGroup` at the end. It has no `RunToCompletion`.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;

use common::panic_text;
use futures::FutureExt;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tokio_util::task::task_tracker::TaskTrackerToken;

/// Any error a child may return: the `Box<dyn Error>` every error type converts into,
/// `&str` and `String` included.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// What a nursery does when one of its children fails. A program can take it as a flag
/// (`--policy cancel-siblings`): it is a [`clap::ValueEnum`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Policy {
    /// Cancel every sibling (and their children): trio's rule.
    #[default]
    CancelSiblings,
    /// Record the error and let the siblings run to completion.
    RunToCompletion,
}

/// How one child failed.
#[derive(Debug)]
pub enum Failure {
    /// The child returned `Err`.
    Error(BoxError),
    /// The child panicked; this is its panic message.
    Panic(String),
}

/// One child's failure, with the name it was started under.
#[derive(Debug)]
pub struct ChildError {
    /// The name given to [`Nursery::start_soon`].
    pub child: String,
    /// What went wrong.
    pub failure: Failure,
}

impl ChildError {
    /// The failure of the child started under `child`.
    fn new(child: String, failure: Failure) -> ChildError {
        ChildError { child, failure }
    }
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::Error(error) => write!(f, "{}: {error}", self.child),
            Failure::Panic(message) => write!(f, "{}: panicked: {message}", self.child),
        }
    }
}

/// Every failure of a nursery's children, in the order they happened: trio's
/// `MultiError`, Python's `ExceptionGroup`.
#[derive(Debug)]
pub struct MultiError {
    /// One entry per failed child; never empty.
    pub errors: Vec<ChildError>,
}

impl fmt::Display for MultiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "{count} child task{} failed:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.errors {
            // A child's error may itself be the `MultiError` of a nested nursery: indent
            // its lines once more, so the output reads as a tree, like an `ExceptionGroup`.
            let lines = error.to_string().replace('\n', "\n  ");
            write!(f, "\n  {lines}")?;
        }
        Ok(())
    }
}

impl Error for MultiError {}

impl MultiError {
    /// `Ok(())` when no child failed, the `MultiError` of `errors` otherwise.
    fn unless_empty(errors: Vec<ChildError>) -> Result<(), MultiError> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(MultiError { errors })
        }
    }
}

/// A handle on an open nursery, given to the body of [`nursery()`].
///
/// It is an `Arc` inside: cloning it is cheap, and a clone can be moved into a child so
/// the child can start siblings.
#[derive(Clone)]
pub struct Nursery {
    inner: Arc<Inner>,
}

/// What every clone of a [`Nursery`] shares.
struct Inner {
    /// What a child's failure does to its siblings.
    policy: Policy,
    /// Cancelled on the first failure (under [`Policy::CancelSiblings`]) or by
    /// [`Nursery::cancel`]; a nested nursery gets a child token, so cancelling this one
    /// cancels it too.
    token: CancellationToken,
    /// This nursery's tracker first, then its ancestors'. A child holds a token of each:
    /// when a cancelled parent child is dropped, nobody awaits its nested nursery any more,
    /// so every enclosing nursery must itself wait for the grandchildren to finish.
    trackers: Vec<TaskTracker>,
    /// The failures so far, and whether the nursery still accepts children.
    state: Mutex<State>,
}

/// The part of a nursery that changes, behind one lock.
#[derive(Default)]
struct State {
    /// Every failure, in the order the children failed.
    errors: Vec<ChildError>,
    /// Set once the nursery has finished: trio's "closed to new arrivals".
    closed: bool,
}

/// Opens a nursery, runs `body` with its handle, and waits for every child.
///
/// Returns `Ok(())` when no child failed (cancelled children are not failures), and a
/// [`MultiError`] with every failure otherwise. The body is cancelled like a child.
/// Children are tokio tasks, so this must run inside a tokio runtime.
pub async fn nursery<B, F>(policy: Policy, body: B) -> Result<(), MultiError>
where
    B: FnOnce(Nursery) -> F,
    F: Future<Output = ()>,
{
    open(policy, CancellationToken::new(), Vec::new(), body).await
}

/// The one implementation behind [`nursery()`] and [`Nursery::open_nursery`].
async fn open<B, F>(
    policy: Policy,
    token: CancellationToken,
    ancestors: Vec<TaskTracker>,
    body: B,
) -> Result<(), MultiError>
where
    B: FnOnce(Nursery) -> F,
    F: Future<Output = ()>,
{
    let mut trackers = vec![TaskTracker::new()];
    trackers.extend(ancestors);
    let inner = Arc::new(Inner {
        policy,
        token,
        trackers,
        state: Mutex::new(State::default()),
    });
    let nursery = Nursery {
        inner: Arc::clone(&inner),
    };

    // Dropped before its end (by a `timeout`, or a `select!` that took another branch),
    // the nursery cannot wait for its children: Rust has no async `Drop`. It cancels them.
    // The body runs in the caller's task, like trio's `async with` block, and a
    // cancellation drops it at its next `.await`, as it does a child. Then we wait; a child
    // may start a sibling meanwhile, so the last check is made under the lock.
    // ANCHOR: open
    let cancel_on_drop = inner.token.clone().drop_guard(); // drop: cancel
    tokio::select! {
        () = body(nursery) => {}
        () = inner.token.cancelled() => {}
    }
    let tracker = &inner.trackers[0];
    tracker.close();
    loop {
        tracker.wait().await;
        let mut state = inner.lock();
        if tracker.is_empty() {
            state.closed = true; // closed to new arrivals
            cancel_on_drop.disarm(); // ended well: nothing to cancel
            let errors = std::mem::take(&mut state.errors);
            return MultiError::unless_empty(errors);
        }
    }
    // ANCHOR_END: open
}

impl Nursery {
    /// Starts `child` as a new task of this nursery, under `name` (trio's `start_soon`).
    ///
    /// # Panics
    ///
    /// When the nursery has already finished: trio's "nursery is closed to new arrivals".
    pub fn start_soon<F, E>(&self, name: impl Into<String>, child: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        // ANCHOR: start_soon
        let state = self.inner.lock();
        assert!(!state.closed, "the nursery is closed to new arrivals");
        // Tokens taken under the lock: the nursery cannot close in between.
        let tokens: Vec<TaskTrackerToken> =
            self.inner.trackers.iter().map(TaskTracker::token).collect();
        let child = child.map(|result| result.map_err(Into::into));
        let inner = Arc::clone(&self.inner);
        tokio::spawn(supervise(inner, name.into(), child, tokens));
        // ANCHOR_END: start_soon
    }

    /// Opens a nursery inside this one (from a child), whose cancellation follows ours.
    pub async fn open_nursery<B, F>(&self, policy: Policy, body: B) -> Result<(), MultiError>
    where
        B: FnOnce(Nursery) -> F,
        F: Future<Output = ()>,
    {
        let token = self.inner.token.child_token();
        open(policy, token, self.inner.trackers.clone(), body).await
    }

    /// Cancels the body and every child (trio's `nursery.cancel_scope.cancel()`).
    pub fn cancel(&self) {
        self.inner.token.cancel();
    }

    /// Whether this nursery (or one around it) has been cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.inner.token.is_cancelled()
    }
}

impl Inner {
    /// Locks the state; no code panics while holding it, so a poisoned lock is still sound.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The task the nursery really spawns: runs `child`, turns its error or panic into a
/// [`ChildError`], and applies the policy. `_tokens` keeps every enclosing nursery waiting
/// until this function returns, which is after the child has been dropped.
async fn supervise<F>(inner: Arc<Inner>, name: String, child: F, _tokens: Vec<TaskTrackerToken>)
where
    F: Future<Output = Result<(), BoxError>>,
{
    // `catch_unwind` turns a panic into a value: a panicking child is a failure we report.
    // Like trio, a child always runs up to its first `.await`, even when started in a
    // nursery already cancelled; that is how three children failing at once all report.
    // After that, cancellation is looked at first (`biased`): a child woken by its
    // timer and by the token in the same instant is dropped, never resumed.
    // ANCHOR: supervise
    let mut child = pin!(AssertUnwindSafe(child).catch_unwind());
    let outcome = match futures::poll!(child.as_mut()) {
        Poll::Ready(outcome) => outcome, // done before its first .await
        Poll::Pending => tokio::select! {
            biased;
            () = inner.token.cancelled() => return, // drops the child
            outcome = child => outcome,
        },
    };
    let failure = match outcome {
        Ok(Ok(())) => return,
        Ok(Err(error)) => Failure::Error(error),
        Err(panic) => Failure::Panic(panic_text(panic.as_ref()).into()),
    };
    inner.lock().errors.push(ChildError::new(name, failure));
    if inner.policy == Policy::CancelSiblings {
        inner.token.cancel(); // every sibling, and their nurseries
    }
    // ANCHOR_END: supervise
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    /// A shared list of events, to assert what happened and in which order.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<String>>>);

    impl Log {
        fn push(&self, event: impl Into<String>) {
            self.0.lock().unwrap().push(event.into());
        }
        fn events(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }
    }

    /// Logs "`name` dropped" when dropped: a child's cleanup.
    struct DropGuard(Log, &'static str);

    impl Drop for DropGuard {
        fn drop(&mut self) {
            self.0.push(format!("{} dropped", self.1));
        }
    }

    /// A child that sleeps `seconds`, then logs "`name` finished"; its guard logs the drop.
    async fn task(log: Log, name: &'static str, seconds: u64) -> Result<(), BoxError> {
        let _guard = DropGuard(log.clone(), name);
        sleep(Duration::from_secs(seconds)).await;
        log.push(format!("{name} finished"));
        Ok(())
    }

    /// A child that sleeps `seconds`, then fails.
    async fn fail_after(seconds: u64) -> Result<(), BoxError> {
        sleep(Duration::from_secs(seconds)).await;
        Err("ValueError: boom".into())
    }

    /// The scope returns exactly when its slowest child (3 s of three) has finished.
    #[tokio::test(start_paused = true)]
    async fn waits_for_the_slowest_child() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::default(), |n| {
            let log = log.clone();
            async move {
                n.start_soon("1st", task(log.clone(), "1st", 1));
                n.start_soon("2nd", task(log.clone(), "2nd", 3));
                n.start_soon("3rd", task(log.clone(), "3rd", 2));
            }
        })
        .await;
        log.push("done");
        assert!(result.is_ok());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        let finished: Vec<_> = log
            .events()
            .into_iter()
            .filter(|e| !e.ends_with("dropped"))
            .collect();
        assert_eq!(
            finished,
            ["1st finished", "3rd finished", "2nd finished", "done"]
        );
    }

    /// The Python slides' three failures (KeyError, IndexError, ZeroDivisionError) and a
    /// panic all come back, each under its child's name: under `CancelSiblings` too, as
    /// each child fails before its first `.await`.
    #[tokio::test(start_paused = true)]
    async fn collects_every_error_and_the_panic() {
        let result = nursery(Policy::CancelSiblings, |n| async move {
            n.start_soon("task1", async {
                let dct: HashMap<&str, i32> = HashMap::new();
                dct.get("foo").map(|_| ()).ok_or("KeyError: 'foo'")
            });
            n.start_soon("task2", async {
                let l: Vec<i32> = Vec::new();
                l.get(10)
                    .map(|_| ())
                    .ok_or("IndexError: list index out of range")
            });
            n.start_soon("task3", async {
                let x = 0;
                1_i32
                    .checked_div(x)
                    .map(|_| ())
                    .ok_or("ZeroDivisionError: division by zero")
            });
            // Python's `l[10]` raises; Rust's panics, and the nursery reports the panic.
            n.start_soon("task4", async {
                let l: Vec<i32> = Vec::new();
                let _item = l[10];
                Ok::<(), BoxError>(())
            });
        })
        .await;
        let errors = result.expect_err("four children failed").errors;
        let mut lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                "task1: KeyError: 'foo'",
                "task2: IndexError: list index out of range",
                "task3: ZeroDivisionError: division by zero",
                "task4: panicked: index out of bounds: the len is 0 but the index is 10",
            ]
        );
        assert!(matches!(
            errors.iter().find(|e| e.child == "task4").unwrap().failure,
            Failure::Panic(_)
        ));
    }

    /// Under `CancelSiblings` a failure at 1 s cancels a 10 s sibling: it never finishes,
    /// its cleanup runs, and the scope ends at 1 s.
    #[tokio::test(start_paused = true)]
    async fn a_failure_cancels_the_siblings() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::CancelSiblings, |n| {
            let log = log.clone();
            async move {
                n.start_soon("slow", task(log, "slow", 10));
                n.start_soon("failing", fail_after(1));
            }
        })
        .await;
        assert_eq!(result.unwrap_err().errors.len(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(log.events(), ["slow dropped"]);
    }

    /// Under `RunToCompletion` the same failure leaves the 10 s sibling to finish.
    #[tokio::test(start_paused = true)]
    async fn run_to_completion_lets_the_siblings_finish() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::RunToCompletion, |n| {
            let log = log.clone();
            async move {
                n.start_soon("slow", task(log, "slow", 10));
                n.start_soon("failing", fail_after(1));
            }
        })
        .await;
        assert_eq!(result.unwrap_err().errors[0].child, "failing");
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        assert_eq!(log.events(), ["slow finished", "slow dropped"]);
    }

    /// A failure in the outer nursery cancels a grandchild in a nested nursery, and the
    /// outer scope waits for the grandchild's cleanup.
    #[tokio::test(start_paused = true)]
    async fn cancellation_reaches_a_grandchild() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::CancelSiblings, |n| {
            let log = log.clone();
            async move {
                let parent = n.clone();
                n.start_soon("parent", async move {
                    let inner = parent.open_nursery(Policy::RunToCompletion, |inner| async move {
                        inner.start_soon("grandchild", task(log, "grandchild", 10));
                    });
                    inner.await
                });
                n.start_soon("failing", fail_after(1));
            }
        })
        .await;
        assert_eq!(result.unwrap_err().errors.len(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(log.events(), ["grandchild dropped"]);
    }

    /// A grandchild is counted by the outer nursery too, so the outer scope would wait for
    /// it even if the child that opened the nested nursery were dropped first.
    #[tokio::test(start_paused = true)]
    async fn a_grandchild_keeps_the_outer_nursery_waiting() {
        let counted = Arc::new(Mutex::new(None));
        let seen = Arc::clone(&counted);
        let result = nursery(Policy::default(), |n| async move {
            let outer = n.clone();
            n.start_soon("parent", async move {
                let tracker = outer.inner.trackers[0].clone();
                let nested = outer.open_nursery(Policy::default(), |inner| async move {
                    inner.start_soon("grandchild", async move {
                        // The outer tracker holds "parent" and this grandchild.
                        *seen.lock().unwrap() = Some(tracker.len());
                        Ok::<(), BoxError>(())
                    });
                });
                nested.await
            });
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(*counted.lock().unwrap(), Some(2));
    }

    /// A child starts a sibling after 1 s, which takes 2 s: the scope waits for both.
    #[tokio::test(start_paused = true)]
    async fn a_child_starts_a_sibling() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::default(), |n| {
            let log = log.clone();
            async move {
                let handle = n.clone();
                n.start_soon("first", async move {
                    sleep(Duration::from_secs(1)).await;
                    handle.start_soon("second", task(log.clone(), "second", 2));
                    log.push("first finished");
                    Ok::<(), BoxError>(())
                });
            }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert_eq!(
            log.events(),
            ["first finished", "second finished", "second dropped"]
        );
    }

    /// `Nursery::cancel` drops the body and a 10 s child at once, and is not an error.
    #[tokio::test(start_paused = true)]
    async fn cancel_ends_the_body_and_the_children() {
        let log = Log::default();
        let start = Instant::now();
        let result = nursery(Policy::default(), |n| {
            let log = log.clone();
            async move {
                n.start_soon("slow", task(log.clone(), "slow", 10));
                sleep(Duration::from_secs(1)).await;
                n.cancel();
                sleep(Duration::from_secs(1)).await;
                log.push("body went on");
            }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(log.events(), ["slow dropped"]);
    }

    /// A handle kept past the end of its nursery cannot start a child any more.
    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "closed to new arrivals")]
    async fn a_finished_nursery_refuses_new_children() {
        let mut kept = None;
        let result = nursery(Policy::default(), |n| {
            kept = Some(n.clone());
            async {}
        })
        .await;
        assert!(result.is_ok());
        let late = kept.expect("the body ran");
        late.start_soon("late", async { Ok::<(), BoxError>(()) });
    }

    /// A nursery dropped mid-way (a timeout around it) cancels its children: the code after
    /// their `.await` never runs, their `Drop` does; it runs after the caller moved on.
    #[tokio::test(start_paused = true)]
    async fn a_dropped_nursery_cancels_its_children() {
        let log = Log::default();
        let scope = nursery(Policy::default(), |n| {
            let log = log.clone();
            async move {
                n.start_soon("child", task(log.clone(), "child", 5));
                let outer = n.clone();
                n.start_soon("parent", async move {
                    let nested = outer.open_nursery(Policy::default(), |inner| async move {
                        inner.start_soon("grandchild", task(log, "grandchild", 5));
                    });
                    nested.await.map_err(BoxError::from)
                });
            }
        });
        let timed_out = tokio::time::timeout(Duration::from_secs(1), scope).await;
        assert!(timed_out.is_err());
        assert!(
            log.events().is_empty(),
            "no cleanup yet: {:?}",
            log.events()
        );
        sleep(Duration::from_secs(60)).await;
        let mut events = log.events();
        events.sort();
        assert_eq!(events, ["child dropped", "grandchild dropped"]);
    }

    /// A nursery that ended well is not left cancelled.
    #[tokio::test(start_paused = true)]
    async fn a_finished_nursery_is_not_cancelled() {
        let kept = Arc::new(Mutex::new(None));
        let keep = kept.clone();
        let result = nursery(Policy::default(), |n| async move {
            *keep.lock().unwrap() = Some(n);
        })
        .await;
        assert!(result.is_ok());
        let n = kept.lock().unwrap().take().unwrap();
        assert!(!n.is_cancelled());
    }

    /// A nested nursery's `MultiError`, returned by a child, is shown indented under it.
    #[tokio::test(start_paused = true)]
    async fn a_nested_multi_error_reads_as_a_tree() {
        let result = nursery(Policy::default(), |n| async move {
            let outer = n.clone();
            n.start_soon("parent", async move {
                let nested = outer.open_nursery(Policy::default(), |inner| async move {
                    inner.start_soon("grandchild", async { Err("KeyError: 'foo'") });
                });
                nested.await
            });
        })
        .await;
        assert_eq!(
            result.unwrap_err().to_string(),
            "1 child task failed:\n  parent: 1 child task failed:\n    grandchild: KeyError: 'foo'"
        );
    }

    /// `MultiError`'s Display gives a count, then one line per failed child.
    #[tokio::test(start_paused = true)]
    async fn multi_error_lists_every_error() {
        let result = nursery(Policy::RunToCompletion, |n| async move {
            n.start_soon("task1", async { Err("KeyError: 'foo'") });
            n.start_soon("ok", async { Ok::<(), String>(()) });
            n.start_soon("task3", async {
                Err("ZeroDivisionError: division by zero")
            });
        })
        .await;
        assert_eq!(
            result.unwrap_err().to_string(),
            "2 child tasks failed:\n  task1: KeyError: 'foo'\n  task3: ZeroDivisionError: division by zero"
        );
    }
}
