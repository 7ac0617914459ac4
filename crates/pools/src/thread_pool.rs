//! [`ThreadPool`]: Python's `ThreadPoolExecutor`, built from one channel and N threads.
//!
//! An executor is three small pieces:
//!
//! - a **job channel**: `submit` boxes the closure and sends it; the channel is the queue
//!   of work waiting for a free worker;
//! - **worker threads**, started once, each taking the next job from the channel and
//!   running it, until the channel is closed;
//! - a **result slot** per job, which the worker fills and the caller waits on: the
//!   [`JobHandle`], Python's `Future`.
//!
//! | Python (`concurrent.futures`)          | here                                         |
//! |----------------------------------------|----------------------------------------------|
//! | `ThreadPoolExecutor(max_workers=3)`    | [`ThreadPool::new(3)`](ThreadPool::new)      |
//! | `executor.submit(fn, *args)`           | [`pool.submit(move \|\| fn(args))`](ThreadPool::submit) |
//! | `future.done()`                        | [`handle.is_done()`](JobHandle::is_done)     |
//! | `future.result()`                      | [`handle.result()`](JobHandle::result)       |
//! | `future.result(timeout=t)`             | [`handle.result_timeout(t)`](JobHandle::result_timeout) |
//! | `wait([future], timeout=t)`            | [`handle.wait_timeout(t)`](JobHandle::wait_timeout) |
//! | `executor.map(fn, inputs)`             | [`pool.map(fn, inputs)`](ThreadPool::map)    |
//! | `as_completed(futures)`                | [`as_completed(handles)`](as_completed)      |
//! | `executor._max_workers`                | [`pool.workers()`](ThreadPool::workers)      |
//! | `with ...:` / `executor.shutdown()`    | dropping the pool                            |
//! | an exception inside the job            | [`JobPanicked`], from `result()`             |
//!
//! ```
//! use pools::thread_pool::ThreadPool;
//!
//! let pool = ThreadPool::new(3);
//! let handle = pool.submit(|| 6 * 7);
//! assert_eq!(handle.result().unwrap(), 42);
//!
//! let squares: Vec<u64> = pool.map(|n: u64| n * n, 1..=4).map(Result::unwrap).collect();
//! assert_eq!(squares, [1, 4, 9, 16]);
//! ```
//!
//! rayon has the same pieces, tuned for CPU work: `rayon::ThreadPoolBuilder::new()
//! .num_threads(3).build()` is the pool, `pool.spawn(job)` is a submit without a handle,
//! `pool.install(|| ...)` runs a closure inside the pool and returns its value, and
//! `par_iter().map(...)` is `map`. The programs of this chapter show both side by side.

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam::channel::{self, Receiver, Sender};

/// The message every lock passes on if a thread panicked while holding it. No caller code
/// ever runs under a slot's lock, so this would be a bug in this file.
const POISONED: &str = "a thread panicked while holding a job's lock";

/// A job as it travels through the channel: any closure, its result type erased. The
/// closure `submit` builds around the caller's job fills that job's [`JobHandle`].
// ANCHOR: job
type Job = Box<dyn FnOnce() + Send + 'static>;
// ANCHOR_END: job

/// A fixed set of worker threads that run submitted jobs, first come, first served.
pub struct ThreadPool {
    /// The sending end of the job channel. `Option` so that `drop` can drop it first:
    /// closing the channel is how the workers learn there will be no more jobs.
    jobs: Option<Sender<Job>>,
    /// The workers, joined when the pool is dropped.
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `workers` threads, named `pool-worker-0`, `pool-worker-1`, …
    ///
    /// # Panics
    ///
    /// If `workers` is 0: a pool without workers would accept jobs and never run them.
    /// (Python raises `ValueError` for `max_workers=0`.) Programs reject 0 in their flags.
    // ANCHOR: new
    pub fn new(workers: usize) -> ThreadPool {
        assert!(workers > 0, "a thread pool needs at least one worker");
        // Unbounded: `submit` never waits, as in Python.
        // The queue is the channel.
        let (sender, receiver) = channel::unbounded::<Job>();
        let workers = (0..workers)
            .map(|index| {
                let jobs = receiver.clone();
                thread::Builder::new()
                    .name(format!("pool-worker-{index}"))
                    .spawn(move || work(jobs))
                    .expect("the system starts a thread")
            })
            .collect();
        ThreadPool {
            jobs: Some(sender),
            workers,
        }
    }
    // ANCHOR_END: new

    /// How many worker threads the pool has (Python's `executor._max_workers`).
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `f` to run on the next free worker and returns its handle at once.
    // ANCHOR: submit
    pub fn submit<F, T>(&self, f: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let slot = Arc::new(Slot::new());
        let worker_slot = Arc::clone(&slot);
        let job: Job = Box::new(move || {
            // A panicking job must not take its worker down with it:
            // catch the panic and hand it to whoever waits for the
            // result, as Python stores the exception in the future.
            // (`AssertUnwindSafe`: nobody sees the job's state after a
            // panic.)
            let outcome = panic::catch_unwind(AssertUnwindSafe(f));
            worker_slot.fill(outcome.map_err(JobPanicked::from_payload));
        });
        let jobs = self.jobs.as_ref().expect("closed only by drop");
        jobs.send(job)
            .expect("the workers hold the receiver while the pool lives");
        JobHandle { slot }
    }
    // ANCHOR_END: submit
}

/// A worker's whole life: run jobs until the channel is closed *and* empty.
// ANCHOR: work
fn work(jobs: Receiver<Job>) {
    for job in jobs {
        job();
    }
}
// ANCHOR_END: work

impl Drop for ThreadPool {
    /// Closes the job channel, then waits for every worker to finish. Jobs already queued
    /// still run first: a worker stops only when the channel is closed *and* empty. This is
    /// Python's `executor.shutdown(wait=True)`, what the end of a `with` block does.
    // ANCHOR: drop
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            // A job may hold the last reference to its own pool (an
            // `Arc<ThreadPool>`), and then the pool is dropped on one of
            // its workers. That worker cannot wait for itself; it ends by
            // itself once its current job returns.
            if worker.thread().id() != thread::current().id() {
                worker
                    .join()
                    .expect("no worker panics: jobs' panics are caught");
            }
        }
    }
    // ANCHOR_END: drop
}

impl ThreadPool {
    /// Submits `f(input)` for every input at once, then yields the results **in the order
    /// of the inputs**, each as soon as it is ready: Python's `executor.map(fn, inputs)`.
    /// A slow first job holds back the results behind it, even the ones already done.
    // ANCHOR: map
    pub fn map<I, T, F>(
        &self,
        f: F,
        inputs: impl IntoIterator<Item = I>,
    ) -> impl Iterator<Item = Result<T, JobPanicked>>
    where
        F: Fn(I) -> T + Send + Sync + 'static,
        I: Send + 'static,
        T: Send + 'static,
    {
        // Every job calls the same `f`: share it instead of cloning it.
        let f = Arc::new(f);
        let handles: Vec<JobHandle<T>> = inputs
            .into_iter()
            .map(|input| {
                let f = Arc::clone(&f);
                self.submit(move || f(input))
            })
            .collect();
        // Waiting happens here, lazily, one handle after the other.
        handles.into_iter().map(JobHandle::result)
    }
    // ANCHOR_END: map
}

/// The result of one submitted job, still to come: Python's `Future`.
///
/// The worker fills the slot when the job ends; [`result`](Self::result) waits for that.
pub struct JobHandle<T> {
    slot: Arc<Slot<T>>,
}

/// What a job's handle and its worker share: the outcome, once there is one, and a
/// condition variable to wait for it (the `_condition` inside Python's `Future`).
struct Slot<T> {
    state: Mutex<State<T>>,
    finished: Condvar,
}

struct State<T> {
    /// `true` once the job has ended, returned or panicked. Stays `true` after the outcome
    /// has been taken.
    done: bool,
    /// The outcome, until `result` takes it.
    outcome: Option<Result<T, JobPanicked>>,
    /// Who else wants to hear when the job ends: each [`as_completed`] iterator watching
    /// this job, with the job's position in its list.
    on_done: Vec<(usize, Sender<usize>)>,
}

impl<T> Slot<T> {
    fn new() -> Self {
        Slot {
            state: Mutex::new(State {
                done: false,
                outcome: None,
                on_done: Vec::new(),
            }),
            finished: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().expect(POISONED)
    }

    /// Called once, by the worker, when the job has ended.
    fn fill(&self, outcome: Result<T, JobPanicked>) {
        let mut state = self.lock();
        state.done = true;
        state.outcome = Some(outcome);
        for (index, listener) in state.on_done.drain(..) {
            // An `as_completed` that was dropped early no longer listens: nothing to do.
            let _ = listener.send(index);
        }
        drop(state);
        self.finished.notify_all();
    }

    /// Waits until the job has ended, or until `deadline` (`None`: no deadline), and
    /// returns the state, still locked, for the caller to read.
    fn wait_until(&self, deadline: Option<Instant>) -> MutexGuard<'_, State<T>> {
        let mut state = self.lock();
        // A `while`: a condition variable may wake us for no reason at all.
        while !state.done {
            match deadline {
                None => state = self.finished.wait(state).expect(POISONED),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    state = self.finished.wait_timeout(state, left).expect(POISONED).0;
                }
            }
        }
        state
    }
}

impl<T> JobHandle<T> {
    /// Has the job ended (returned or panicked)? Never waits. Python's `future.done()`.
    // ANCHOR: is_done
    pub fn is_done(&self) -> bool {
        self.slot.lock().done
    }
    // ANCHOR_END: is_done

    /// Waits until the job has ended, without taking its result.
    // ANCHOR: wait
    pub fn wait(&self) {
        drop(self.slot.wait_until(None));
    }
    // ANCHOR_END: wait

    /// Waits at most `timeout` for the job to end; returns whether it has. Python's
    /// `concurrent.futures.wait([future], timeout)`, for one future.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.slot
            .wait_until(Instant::now().checked_add(timeout))
            .done
    }

    /// Waits for the job to end and returns what it returned, or [`JobPanicked`] if it
    /// panicked. Python's `future.result()`, which re-raises the job's exception.
    // ANCHOR: result
    pub fn result(self) -> Result<T, JobPanicked> {
        let mut state = self.slot.wait_until(None);
        state
            .outcome
            .take()
            .expect("only `result` takes the outcome, and only once")
    }
    // ANCHOR_END: result

    /// Like [`result`](Self::result), but waits at most `t`. If the job has not
    /// ended by then, the handle comes back inside [`WaitError::TimedOut`], to wait again
    /// or to give up. Python's `future.result(timeout=t)`, which raises `TimeoutError`.
    // ANCHOR: result_timeout
    pub fn result_timeout(self, t: Duration) -> Result<T, WaitError<T>> {
        if !self.wait_timeout(t) {
            return Err(WaitError::TimedOut(self));
        }
        self.result().map_err(WaitError::Panicked)
    }
    // ANCHOR_END: result_timeout

    /// A second, weaker handle on the same job, which can only tell *whether* it has
    /// ended: give it to another thread (or another job) that must wait for this one,
    /// while you keep the handle that will take the result.
    pub fn done_signal(&self) -> DoneSignal<T> {
        DoneSignal {
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<T> fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobHandle")
            .field("done", &self.is_done())
            .finish()
    }
}

/// Tells whether a job has ended, and waits for it to end; made by
/// [`JobHandle::done_signal`]. It never gives the result: that stays with the handle.
pub struct DoneSignal<T> {
    slot: Arc<Slot<T>>,
}

impl<T> DoneSignal<T> {
    /// Has the job ended? Never waits.
    pub fn is_done(&self) -> bool {
        self.slot.lock().done
    }

    /// Waits at most `timeout` for the job to end; returns whether it has.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.slot
            .wait_until(Instant::now().checked_add(timeout))
            .done
    }
}

impl<T> Clone for DoneSignal<T> {
    fn clone(&self) -> Self {
        DoneSignal {
            slot: Arc::clone(&self.slot),
        }
    }
}

/// Yields each job's result **as soon as it finishes**, in finishing order, together with
/// the job's position in `handles`: Python's `as_completed(futures)`.
///
/// How it knows which job finished first: it gives every job the sending end of one
/// channel, and a job sends its position down that channel the moment it ends. Receiving
/// from the channel is waiting for *whichever job ends next*.
// ANCHOR: as_completed
pub fn as_completed<T>(handles: Vec<JobHandle<T>>) -> AsCompleted<T> {
    let (finished_tx, finished) = channel::unbounded();
    for (index, handle) in handles.iter().enumerate() {
        let mut state = handle.slot.lock();
        if state.done {
            // Already over: it goes first, in the order of the list.
            finished_tx.send(index).expect("we hold the receiver");
        } else {
            state.on_done.push((index, finished_tx.clone()));
        }
    }
    AsCompleted {
        remaining: handles.len(),
        handles: handles.into_iter().map(Some).collect(),
        finished,
    }
}
// ANCHOR_END: as_completed

/// The iterator [`as_completed`] returns.
pub struct AsCompleted<T> {
    /// The handles not yet yielded, by position; `None` once yielded.
    handles: Vec<Option<JobHandle<T>>>,
    /// Receives a position each time one of the jobs ends.
    finished: Receiver<usize>,
    /// How many results are still to come.
    remaining: usize,
}

impl<T> Iterator for AsCompleted<T> {
    type Item = (usize, Result<T, JobPanicked>);

    // ANCHOR: as_completed_next
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let index = self
            .finished
            .recv()
            .expect("an unfinished job holds a sender");
        let job = self.handles[index].take().expect("each job ends once");
        Some((index, job.result())) // done already: this does not wait
    }
    // ANCHOR_END: as_completed_next
}

/// A job panicked instead of returning. Its worker caught the panic and went on to the
/// next job; `message` is the panic's text. (Rust's panic hook has already printed the
/// panic on stderr, when it happened, as it does for every panic.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked {
    pub message: String,
}

impl JobPanicked {
    /// The panic's text, as [`common::panic_text`] reads it.
    fn from_payload(payload: Box<dyn Any + Send>) -> Self {
        let message = common::panic_text(payload.as_ref()).to_string();
        JobPanicked { message }
    }
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the job panicked: {}", self.message)
    }
}

impl Error for JobPanicked {}

/// Why [`JobHandle::result_timeout`] has no value.
pub enum WaitError<T> {
    /// The job had not ended in time. Here is its handle back.
    TimedOut(JobHandle<T>),
    /// The job ended by panicking.
    Panicked(JobPanicked),
}

impl<T> fmt::Debug for WaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut(_) => f.write_str("TimedOut"),
            WaitError::Panicked(panicked) => f.debug_tuple("Panicked").field(panicked).finish(),
        }
    }
}

impl<T> fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut(_) => f.write_str("the job had not ended in time"),
            WaitError::Panicked(panicked) => panicked.fmt(f),
        }
    }
}

impl<T> Error for WaitError<T> {}
