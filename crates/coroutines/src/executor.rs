//! An event loop from scratch: a run queue, wakers, a timer heap, and nothing else.
//!
//! asyncio's event loop, tokio's runtime and this module answer the same question, over
//! and over: *which task can make progress now?* The whole answer fits in four parts:
//!
//! - a **task** is a future the loop owns ([`spawn`]); its **waker** is the task itself,
//!   behind an `Arc`, through std's [`Wake`] trait: waking a task puts it on the run queue;
//! - the **run queue** holds the woken tasks; the loop polls them one at a time, each up to
//!   its next `.await` that is not ready (**cooperative**: a task gives the thread back
//!   only there);
//! - the **timer heap** holds `(deadline, waker)` pairs, the earliest on top; [`sleep`]
//!   books one;
//! - [`Executor::block_on`]'s loop: poll what is ready, fire the timers that are due, and
//!   when nothing is ready, sleep the thread until the next deadline, or until another
//!   thread wakes a task ([`spawn_blocking`]).
//!
//! No crate: std alone. `tokio::spawn`, `tokio::time::sleep` and `Runtime::block_on` work
//! the same way, with I/O (epoll) added to the timers as a source of wake-ups.
//!
//! **The task's side of the contract.** A future that returns `Poll::Pending` must keep the
//! waker it was given (the latest one: it may be polled with a new one each time) and wake
//! it when it can go on. The loop never polls a task nobody woke. A task that returns
//! `Pending` and keeps no waker is dropped with its last waker, and can never run again:
//! that is the task's bug, not the loop's. The loop notices (a task dropped unfinished is
//! *lost*), and [`Executor::block_on`] returns a [`Stuck`] error naming the lost tasks
//! instead of waiting for ever. A task that waits for a lost one is lost too. With no
//! task ready and no timer booked, only another thread can wake a task: the loop waits
//! [`Executor::patience`] for it, then gives up with [`Stuck`] as well.
//!
//! **Time.** [`Executor::new`] runs on real time; [`Executor::paused`] on a clock that
//! jumps to the next timer when no task is ready (tokio's `start_paused`): the same order
//! of events, no waiting, and exact times for the tests.
//!
//! ```
//! use std::time::Duration;
//! use coroutines::executor::{Executor, sleep, spawn};
//!
//! let answer = Executor::new().block_on(async {
//!     let kettle = spawn(async {
//!         sleep(Duration::from_millis(30)).await;
//!         "tea"
//!     });
//!     sleep(Duration::from_millis(20)).await; // meanwhile, the cups
//!     kettle.await
//! });
//! assert_eq!(answer.unwrap(), "tea");
//! ```

use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, JoinHandle as ThreadHandle, Thread};
use std::time::{Duration, Instant};

/// How long [`Executor::block_on`] waits, by default, when no task is ready and no timer
/// is booked: only another thread can wake a task then (see [`Executor::patience`]).
pub const PATIENCE: Duration = Duration::from_secs(5);

/// A spawned future, boxed: the loop holds futures of every type in one queue.
type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Locks `mutex`, even if a task panicked while holding it (the data is still usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------
// A task, and its waker.

/// A spawned future (`None` once it has returned `Ready`), its number, and the loop it
/// runs on. Its waker *is* the task: an `Arc<Task>` made into a [`Waker`] by std's
/// [`Wake`] trait. Whoever holds a waker can put the task back on the run queue; when the
/// last waker is dropped, the task goes with it.
// ANCHOR: task
struct Task {
    id: usize,
    future: Mutex<Option<BoxFuture>>,
    shared: Arc<Shared>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        // Waking is scheduling: put the task on the run queue.
        self.shared.clone().schedule(self);
    }
}
// ANCHOR_END: task

/// The last waker of an unfinished task is gone: nobody can ever wake it again, so it is
/// *lost*. Its future is dropped (a task waiting for it loses its waker: lost too), and
/// the loop is told.
impl Drop for Task {
    fn drop(&mut self) {
        let future = self
            .future
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(future) = future.take() {
            drop(future); // first, so the loop that hears of it sees the whole cascade
            self.shared.lost(self.id);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The loop's state: the run queue and the timer heap.

/// What the loop and every task share. Only the loop's thread polls; any thread may wake.
struct Shared {
    /// The run queue: tasks woken and waiting for their turn.
    ready: Mutex<VecDeque<Arc<Task>>>,
    /// The timer heap: `Reverse` turns std's max-heap into a min-heap, earliest on top.
    timers: Mutex<BinaryHeap<Reverse<Timer>>>,
    /// The thread that runs the loop; a wake from any thread unparks it.
    thread: Thread,
    clock: Clock,
    /// Every task neither finished nor lost. `Weak`: this list does not keep a task
    /// alive; it lets the loop drop the tasks left at its end, even one whose own future
    /// holds its waker (a sleep does).
    tasks: Mutex<HashMap<usize, Weak<Task>>>,
    /// Tasks dropped before they finished, since the last `block_on` began.
    lost: Mutex<Vec<usize>>,
    /// Threads started by [`spawn_blocking`], joined when the executor is dropped.
    blocking: Mutex<Vec<ThreadHandle<()>>>,
    next_id: AtomicUsize,
    next_timer: AtomicU64,
    counts: Mutex<Counts>,
}

impl Shared {
    /// Puts a woken task on the run queue, from any thread.
    // ANCHOR: schedule
    fn schedule(&self, task: Arc<Task>) {
        lock(&self.ready).push_back(task);
        if thread::current().id() != self.thread.id() {
            self.thread.unpark(); // the loop may be asleep: wake it up
        }
    }
    // ANCHOR_END: schedule

    /// Polls the task at the head of the run queue; `false` if the queue was empty.
    // ANCHOR: run_next
    fn run_next(&self) -> bool {
        let Some(task) = lock(&self.ready).pop_front() else {
            return false;
        };
        let waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = lock(&task.future);
        if let Some(running) = future.as_mut() {
            lock(&self.counts).polls += 1;
            if running.as_mut().poll(&mut cx).is_ready() {
                // Finished: a late wake-up will find nothing to do.
                *future = None;
                lock(&self.tasks).remove(&task.id);
            }
        }
        true
    }
    // ANCHOR_END: run_next

    /// Nothing is ready: sleeps until `deadline`, or until another thread wakes a task.
    fn sleep_until(&self, deadline: Instant) {
        lock(&self.counts).sleeps += 1;
        self.clock.sleep_until(deadline);
    }

    fn has_ready(&self) -> bool {
        !lock(&self.ready).is_empty()
    }

    /// A new task, ready at once: its first poll runs it up to its first `.await`.
    fn spawn<F>(self: &Arc<Self>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // ANCHOR: spawn
        let (handle, done) = JoinHandle::new();
        let id = self.next_id.fetch_add(1, Relaxed) + 1;
        let task = Arc::new(Task {
            id,
            future: Mutex::new(Some(Box::pin(async move {
                done.complete(future.await);
            }))),
            shared: self.clone(),
        });
        lock(&self.tasks).insert(id, Arc::downgrade(&task));
        self.schedule(task);
        handle
        // ANCHOR_END: spawn
    }

    /// Books a wake-up of `waker` at `deadline`.
    // ANCHOR: add_timer
    fn add_timer(&self, deadline: Instant, waker: Waker) {
        let order = self.next_timer.fetch_add(1, Relaxed);
        let timer = Timer {
            deadline,
            order,
            waker,
        };
        lock(&self.timers).push(Reverse(timer));
    }
    // ANCHOR_END: add_timer

    /// Wakes every timer that is due, earliest first; returns the next deadline.
    // ANCHOR: fire_timers
    fn fire_timers(&self) -> Option<Instant> {
        let now = self.clock.now();
        let mut due = Vec::new();
        let mut timers = lock(&self.timers);
        while timers.peek().is_some_and(|t| t.0.deadline <= now) {
            due.push(timers.pop().expect("peeked").0.waker);
        }
        let next = timers.peek().map(|t| t.0.deadline);
        drop(timers); // wake outside the lock: a waker may book a timer
        lock(&self.counts).timers += due.len() as u64;
        due.into_iter().for_each(Waker::wake);
        next
    }
    // ANCHOR_END: fire_timers

    /// A task was dropped unfinished: note it and wake the loop, which decides.
    fn lost(&self, id: usize) {
        lock(&self.tasks).remove(&id);
        lock(&self.lost).push(id);
        self.thread.unpark();
    }

    /// Drops the future of every task not finished: cancelled, as the tasks asyncio's
    /// loop never resumes after `loop.stop()`. Then empties the run queue and the timers.
    fn clear(&self) {
        let tasks: Vec<Weak<Task>> = lock(&self.tasks).drain().map(|(_, t)| t).collect();
        for task in tasks.iter().filter_map(Weak::upgrade) {
            let future = lock(&task.future).take();
            drop(future); // outside the lock: it may drop other tasks
        }
        let ready = std::mem::take(&mut *lock(&self.ready));
        let timers = std::mem::take(&mut *lock(&self.timers));
        drop((ready, timers));
    }
}

/// A wake-up booked for `deadline`. Timers compare by deadline, then by booking order, so
/// two timers due at once fire in the order they were booked.
struct Timer {
    deadline: Instant,
    order: u64,
    waker: Waker,
}

impl Ord for Timer {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.deadline, self.order).cmp(&(other.deadline, other.order))
    }
}

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Timer {}

/// The loop's clock: real time, or a paused clock that jumps to the next deadline when no
/// task is ready (tokio's `start_paused` test clock): the same order of events, no waiting.
struct Clock {
    paused: Option<Mutex<Instant>>,
}

impl Clock {
    fn now(&self) -> Instant {
        match &self.paused {
            None => Instant::now(),
            Some(now) => *lock(now),
        }
    }

    /// Nothing is ready: wait for `deadline` (a wake from another thread cuts it short).
    fn sleep_until(&self, deadline: Instant) {
        match &self.paused {
            None => thread::park_timeout(deadline.saturating_duration_since(Instant::now())),
            Some(now) => *lock(now) = deadline,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The executor and its loop.

/// An event loop on the thread that calls [`Executor::block_on`].
pub struct Executor {
    shared: Arc<Shared>,
    patience: Duration,
}

impl Default for Executor {
    fn default() -> Self {
        Executor::new()
    }
}

impl Executor {
    /// A loop on real time.
    pub fn new() -> Executor {
        Executor::with_clock(Clock { paused: None })
    }

    /// A loop on a paused clock: when no task is ready, the clock jumps to the next timer
    /// instead of waiting for it. Sleeps take no real time and every time is exact.
    pub fn paused() -> Executor {
        Executor::with_clock(Clock {
            paused: Some(Mutex::new(Instant::now())),
        })
    }

    fn with_clock(clock: Clock) -> Executor {
        let shared = Shared {
            ready: Mutex::default(),
            timers: Mutex::default(),
            thread: thread::current(),
            clock,
            tasks: Mutex::default(),
            lost: Mutex::default(),
            blocking: Mutex::default(),
            next_id: AtomicUsize::new(0),
            next_timer: AtomicU64::new(0),
            counts: Mutex::default(),
        };
        Executor {
            shared: Arc::new(shared),
            patience: PATIENCE,
        }
    }

    /// How long the loop waits for another thread's wake-up when no task is ready and no
    /// timer is booked, before it gives up with [`Stuck`] ([`PATIENCE`] by default).
    pub fn patience(mut self, patience: Duration) -> Executor {
        self.patience = patience;
        self
    }

    /// Runs `future` as the main task, and the tasks it spawns, on this thread, until the
    /// main task finishes; returns its output. Tasks still waiting then are dropped
    /// (cancelled). Must be called on the thread that made the executor.
    ///
    /// Fails with [`Stuck`] when the main task can never finish: it was lost (it, or a task
    /// it waits for, returned `Pending` without keeping its waker), or for
    /// [`Executor::patience`] nothing was ready, no timer was booked and no other thread
    /// woke a task.
    pub fn block_on<F>(&self, future: F) -> Result<F::Output, Stuck>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        assert_eq!(
            thread::current().id(),
            self.shared.thread.id(),
            "block_on runs on the thread that made the executor: the one wakers unpark"
        );
        let _entered = Entered::enter(&self.shared);
        lock(&self.shared.lost).clear();
        let main = self.shared.spawn(future);
        // ANCHOR: block_on
        let outcome = loop {
            match main.outcome() {
                Outcome::Done(output) => break Ok(output),
                Outcome::Lost => break Err(self.stuck(false)),
                Outcome::Waiting => {}
            }
            let next = self.shared.fire_timers(); // wakes their tasks
            if self.shared.run_next() {
                continue; // a ready task had its turn
            }
            // Nothing is ready: sleep until the next deadline.
            match next {
                Some(deadline) => self.shared.sleep_until(deadline),
                // Only another thread can wake a task now.
                None if self.idle() => break Err(self.stuck(true)),
                None => {}
            }
        };
        // ANCHOR_END: block_on
        self.shared.clear();
        outcome
    }

    /// Waits [`Executor::patience`] for a wake-up; `true` if none came (no task became
    /// ready, and none was lost).
    fn idle(&self) -> bool {
        lock(&self.shared.counts).sleeps += 1;
        let lost = lock(&self.shared.lost).len();
        let started = Instant::now();
        thread::park_timeout(self.patience);
        let quiet = !self.shared.has_ready() && lock(&self.shared.lost).len() == lost;
        quiet && started.elapsed() >= self.patience
    }

    fn stuck(&self, idle: bool) -> Stuck {
        let mut lost = lock(&self.shared.lost).clone();
        lost.sort_unstable();
        Stuck {
            lost,
            waiting: lock(&self.shared.tasks).len(),
            idle: idle.then_some(self.patience),
        }
    }

    /// What the loop has done so far.
    pub fn counts(&self) -> Counts {
        *lock(&self.shared.counts)
    }
}

/// Joins the threads of [`spawn_blocking`], then drops every task still held (their
/// wakers may be in the run queue of this loop, which will never run again).
impl Drop for Executor {
    fn drop(&mut self) {
        let threads = std::mem::take(&mut *lock(&self.shared.blocking));
        for thread in threads {
            let _ = thread.join(); // a panic there already lost its task
        }
        self.shared.clear();
    }
}

/// Runs `future` on a new [`Executor`] on real time: [`Executor::block_on`].
pub fn block_on<F>(future: F) -> Result<F::Output, Stuck>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Executor::new().block_on(future)
}

/// What a loop has done: what its transcript reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Polls of a task: each ran it from one `.await` to the next.
    pub polls: u64,
    /// Timers that fired.
    pub timers: u64,
    /// Times nothing was ready and the loop slept (or, paused, jumped its clock).
    pub sleeps: u64,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Counts {
            polls,
            timers,
            sleeps,
        } = self;
        write!(
            f,
            "{polls} polls, {timers} timers fired, slept {sleeps} times"
        )
    }
}

/// Why [`Executor::block_on`] gave up: the main task can never finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    /// Tasks dropped unfinished (the main task is number 1): each returned `Pending`
    /// without keeping its waker, or waited for a task that did.
    pub lost: Vec<usize>,
    /// Tasks neither finished nor lost.
    pub waiting: usize,
    /// `Some(patience)` when the loop gave up after waiting that long for a wake-up.
    pub idle: Option<Duration>,
}

/// Two short lines, so that the message reads whole on a terminal and on a slide.
impl fmt::Display for Stuck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(patience) = self.idle {
            let waiting = self.waiting;
            writeln!(
                f,
                "stuck: no task ready, no timer set, no wake-up for {patience:?};"
            )?;
            write!(
                f,
                "{waiting} task(s) wait for a wake-up no thread will send"
            )
        } else {
            let lost: Vec<String> = self.lost.iter().map(|id| format!("#{id}")).collect();
            writeln!(f, "stuck: task(s) {} can never run again:", lost.join(", "))?;
            write!(
                f,
                "each returned Pending and kept no Waker, or waited for a task that did"
            )
        }
    }
}

impl std::error::Error for Stuck {}

// ---------------------------------------------------------------------------------------
// What a task calls: spawn, sleep, now, spawn_blocking.

thread_local! {
    /// The loop running on this thread, while a `block_on` runs: how `spawn` and `sleep`
    /// find it (tokio's context works the same way).
    static CURRENT: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

/// Sets the current loop for the time of a `block_on`; the one before comes back after.
struct Entered(Option<Arc<Shared>>);

impl Entered {
    fn enter(shared: &Arc<Shared>) -> Entered {
        Entered(CURRENT.replace(Some(shared.clone())))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.set(self.0.take());
    }
}

fn current() -> Arc<Shared> {
    CURRENT
        .with_borrow(Clone::clone)
        .expect("spawn, sleep, now and spawn_blocking work only inside Executor::block_on")
}

/// Starts `future` as a new task on the current loop (asyncio's `create_task`). It runs
/// when the task that spawned it next waits: one thread runs every task.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    current().spawn(future)
}

/// Runs `work` on a thread of its own; the handle is ready when it is done. The thread
/// completes the handle, which wakes the waiting task from that thread: the loop, asleep
/// meanwhile, is unparked.
pub fn spawn_blocking<T, W>(work: W) -> JoinHandle<T>
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    let (handle, done) = JoinHandle::new();
    let thread = thread::spawn(move || done.complete(work()));
    lock(&current().blocking).push(thread);
    handle
}

/// The current loop's time (paused or real).
pub fn now() -> Instant {
    current().clock.now()
}

/// A future that is ready `duration` after its first poll (asyncio's `sleep`).
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        duration,
        deadline: None,
        booked: None,
    }
}

/// The future of [`sleep`].
#[derive(Debug)]
pub struct Sleep {
    duration: Duration,
    /// Set by the first poll.
    deadline: Option<Instant>,
    /// The waker the booked timer will wake.
    booked: Option<Waker>,
}

// ANCHOR: sleep
impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let shared = current();
        let now = shared.clock.now();
        let deadline = *this.deadline.get_or_insert(now + this.duration);
        if now >= deadline {
            return Poll::Ready(());
        }
        // Book a timer, and again if this poll brings another waker: the
        // latest waker is the one that must be woken.
        let waker = cx.waker();
        if !this.booked.as_ref().is_some_and(|b| b.will_wake(waker)) {
            shared.add_timer(deadline, waker.clone());
            this.booked = Some(waker.clone());
        }
        Poll::Pending
    }
}
// ANCHOR_END: sleep

// ---------------------------------------------------------------------------------------
// JoinHandle: a task's result, awaited by another.

/// Where a task leaves its output for whoever awaits its [`JoinHandle`].
struct Slot<T> {
    output: Option<T>,
    /// The waker of the task awaiting the handle, the latest it polled with.
    waiter: Option<Waker>,
    /// The task was dropped unfinished: no output will ever come.
    lost: bool,
}

/// The output of a spawned task (or of [`spawn_blocking`]'s thread), as a future.
pub struct JoinHandle<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// The producing side of a [`JoinHandle`]: completed once, or dropped (then lost).
struct Completer<T> {
    slot: Option<Arc<Mutex<Slot<T>>>>,
}

/// What [`Executor::block_on`] sees of the main task.
enum Outcome<T> {
    Done(T),
    Lost,
    Waiting,
}

impl<T> JoinHandle<T> {
    fn new() -> (JoinHandle<T>, Completer<T>) {
        let slot = Arc::new(Mutex::new(Slot {
            output: None,
            waiter: None,
            lost: false,
        }));
        let completer = Completer {
            slot: Some(slot.clone()),
        };
        (JoinHandle { slot }, completer)
    }

    /// Whether the task has finished, without waiting (tokio's `is_finished`).
    pub fn is_finished(&self) -> bool {
        lock(&self.slot).output.is_some()
    }

    /// Whether the task has finished (its output, taken), was lost, or still runs.
    fn outcome(&self) -> Outcome<T> {
        let mut slot = lock(&self.slot);
        match slot.output.take() {
            Some(output) => Outcome::Done(output),
            None if slot.lost => Outcome::Lost,
            None => Outcome::Waiting,
        }
    }
}

// ANCHOR: join_handle
impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // Check for the output and store the waker under one lock, the
        // lock complete() takes: it sees our waker, or we see its output.
        let mut slot = lock(&self.slot);
        if let Some(output) = slot.output.take() {
            return Poll::Ready(output);
        }
        if !slot.lost {
            slot.waiter = Some(cx.waker().clone()); // the latest waker
        } // else keep no waker: waiting for a lost task, we are lost too
        Poll::Pending
    }
}
// ANCHOR_END: join_handle

impl<T> Completer<T> {
    /// Leaves the output and wakes the waiting task, if any (from any thread).
    fn complete(mut self, output: T) {
        let slot = self.slot.take().expect("a completer completes once");
        let waiter = {
            let mut slot = lock(&slot);
            slot.output = Some(output);
            slot.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake(); // outside the lock: the waiter may run at once
        }
    }
}

/// Dropped without completing: the task was dropped unfinished. Its waiter's waker is
/// dropped, not woken, so a task that only waited for this one is lost too.
impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            let waiter = {
                let mut slot = lock(&slot);
                slot.lost = true;
                slot.waiter.take()
            };
            drop(waiter); // outside the lock: it may drop the last Arc of a task
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Runs `f` on a thread of its own and fails the test if it takes over 20 s: a
    /// loop that hangs fails its test instead of freezing the test run.
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        let worker = thread::spawn(move || {
            let _ = tx.send(f());
        });
        let out = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the loop hung");
        worker.join().expect("joined");
        out
    }

    /// A future that, on its first poll, hands its waker to `wake` and returns Pending;
    /// on its next poll it is ready with the number of polls.
    struct WakeOnce<W> {
        polls: usize,
        wake: Option<W>,
    }

    impl<W: FnOnce(Waker) + Unpin> Future for WakeOnce<W> {
        type Output = usize;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            match self.wake.take() {
                Some(wake) => {
                    wake(cx.waker().clone());
                    Poll::Pending
                }
                None => Poll::Ready(self.polls),
            }
        }
    }

    fn wake_once<W: FnOnce(Waker) + Unpin>(wake: W) -> WakeOnce<W> {
        WakeOnce {
            polls: 0,
            wake: Some(wake),
        }
    }

    /// A task woken during its own poll (the wake-up comes before it returns Pending) is
    /// polled again: the wake-up is not lost.
    #[test]
    fn a_wake_up_during_the_poll_runs_the_task_again() {
        let polls = within(|| block_on(wake_once(Waker::wake)).unwrap());
        assert_eq!(polls, 2);
    }

    /// A task woken by another thread while the loop sleeps (no task ready, no timer) is
    /// polled again: the wake unparks the loop.
    #[test]
    fn a_wake_up_from_another_thread_runs_the_task_again() {
        let polls = within(|| {
            block_on(wake_once(|waker: Waker| {
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(20)); // let the loop park first
                    waker.wake();
                });
            }))
            .unwrap()
        });
        assert_eq!(polls, 2);
    }

    /// While the loop sleeps until a far deadline (60 s), a thread finishing its work
    /// wakes it: the main task is done long before the timer.
    #[test]
    fn a_wake_from_another_thread_cuts_the_loops_sleep_short() {
        let (answer, sleeper_done) = within(|| {
            block_on(async {
                let sleeper = spawn(sleep(Duration::from_secs(60)));
                let answer = spawn_blocking(|| {
                    thread::sleep(Duration::from_millis(20));
                    42
                })
                .await;
                (answer, sleeper.is_finished())
            })
            .unwrap()
        });
        assert_eq!(answer, 42);
        // Woken by the thread, not by the 60 s timer: the sleeper is still asleep.
        assert!(!sleeper_done, "the loop slept until the far deadline");
    }

    /// Many values computed on other threads, each awaited as it is produced: no wake-up
    /// is lost between a handle's check and its waker's registration.
    #[test]
    fn no_wake_up_from_other_threads_is_lost() {
        let sum = within(|| {
            let executor = Executor::new().patience(Duration::from_secs(5));
            executor
                .block_on(async {
                    let mut sum = 0;
                    for i in 0..200u64 {
                        sum += spawn_blocking(move || i).await;
                    }
                    sum
                })
                .unwrap()
        });
        assert_eq!(sum, 199 * 200 / 2);
    }

    /// Timers booked in any order fire earliest first, ties in booking order; the paused
    /// clock ends exactly at the last deadline.
    #[test]
    fn timers_fire_in_deadline_order() {
        let executor = Executor::paused();
        let (order, took) = executor
            .block_on(async {
                let started = now();
                let order = Arc::new(Mutex::new(Vec::new()));
                let mut handles = Vec::new();
                for (name, ms) in [("c", 30), ("a", 10), ("b", 20), ("a2", 10)] {
                    let order = order.clone();
                    handles.push(spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        lock(&order).push(name);
                    }));
                }
                for handle in handles {
                    handle.await;
                }
                let order = lock(&order).clone();
                (order, now() - started)
            })
            .unwrap();
        assert_eq!(order, ["a", "a2", "b", "c"]);
        assert_eq!(took, Duration::from_millis(30));
        assert_eq!(executor.counts().timers, 4);
    }

    /// On real time the loop sleeps until the deadline: a sleep never ends early.
    #[test]
    fn a_real_sleep_lasts_at_least_its_duration() {
        let started = Instant::now();
        block_on(sleep(Duration::from_millis(30))).unwrap();
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    /// The kettle on the paused clock: awaited one after the other, 3 + 2 units; spawned
    /// together, 3 units, the longer step.
    #[test]
    fn sequential_awaits_add_up_and_spawned_tasks_overlap() {
        let unit = Duration::from_millis(100);
        let sequential = Executor::paused()
            .block_on(async move {
                let started = now();
                sleep(unit * 3).await;
                sleep(unit * 2).await;
                now() - started
            })
            .unwrap();
        let spawned = Executor::paused()
            .block_on(async move {
                let started = now();
                let kettle = spawn(sleep(unit * 3));
                let cups = spawn(sleep(unit * 2));
                kettle.await;
                cups.await;
                now() - started
            })
            .unwrap();
        assert_eq!((sequential, spawned), (unit * 5, unit * 3));
    }

    /// A future that returns Pending and keeps no waker.
    struct Forgetful(Arc<AtomicUsize>);

    impl Future for Forgetful {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            self.0.fetch_add(1, Relaxed);
            Poll::Pending // and the waker is dropped: nobody can wake this task
        }
    }

    /// A task that returns Pending without keeping its waker is polled once, never again;
    /// the loop does not wait for ever: it names the lost task, and the main task that
    /// waited for it.
    #[test]
    fn a_pending_without_a_waker_is_reported_not_waited_for() {
        let polls = Arc::new(AtomicUsize::new(0));
        let counted = polls.clone();
        let stuck = within(move || {
            Executor::new()
                .patience(Duration::from_secs(60))
                .block_on(async move {
                    spawn(sleep(Duration::from_millis(5))).await; // a timer first
                    spawn(Forgetful(counted)).await;
                })
                .unwrap_err()
        });
        assert_eq!(polls.load(Relaxed), 1);
        assert_eq!(stuck.lost, [1, 3]);
        assert_eq!(stuck.idle, None);
        assert!(stuck.to_string().contains("#1, #3"), "{stuck}");
    }

    /// The main task itself returning Pending without a waker is lost at once.
    #[test]
    fn a_forgetful_main_task_is_lost() {
        let stuck = within(|| block_on(Forgetful(Arc::default())).unwrap_err());
        assert_eq!((stuck.lost, stuck.waiting), (vec![1], 0));
    }

    /// A task whose waker is kept but never woken, with no timer booked: after its
    /// patience the loop gives up, and says one task is still waiting.
    #[test]
    fn a_loop_with_nothing_to_wait_for_gives_up_after_its_patience() {
        let kept: Arc<Mutex<Option<Waker>>> = Arc::default();
        let keeper = kept.clone();
        let stuck = within(move || {
            let executor = Executor::new().patience(Duration::from_millis(50));
            let waits = std::future::poll_fn(move |cx| {
                *lock(&keeper) = Some(cx.waker().clone());
                Poll::<()>::Pending
            });
            executor.block_on(waits).unwrap_err()
        });
        assert!(lock(&kept).is_some());
        assert_eq!(stuck.idle, Some(Duration::from_millis(50)));
        assert_eq!((stuck.lost.len(), stuck.waiting), (0, 1));
    }

    /// Polls `inner` with a new waker each time, and only the newest one reaches the task
    /// (the older ones are stale, as when a future moves to another task). It also asks
    /// to be polled again `repolls` times at once, so `inner` sees several wakers.
    struct NewWakerEachPoll<F> {
        inner: Pin<Box<F>>,
        generation: Arc<AtomicUsize>,
        repolls: usize,
    }

    /// A waker that wakes `task` only while it is the newest of its relay.
    struct Relay {
        task: Waker,
        generation: Arc<AtomicUsize>,
        mine: usize,
    }

    impl Wake for Relay {
        fn wake(self: Arc<Self>) {
            if self.generation.load(Relaxed) == self.mine {
                self.task.wake_by_ref();
            }
        }
    }

    impl<F: Future> Future for NewWakerEachPoll<F> {
        type Output = F::Output;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let mine = self.generation.fetch_add(1, Relaxed) + 1;
            let relay = Arc::new(Relay {
                task: cx.waker().clone(),
                generation: self.generation.clone(),
                mine,
            });
            let waker = Waker::from(relay);
            let ready = self.inner.as_mut().poll(&mut Context::from_waker(&waker));
            if ready.is_pending() && self.repolls > 0 {
                self.repolls -= 1;
                cx.waker().wake_by_ref(); // poll me again soon
            }
            ready
        }
    }

    fn new_waker_each_poll<F: Future>(inner: F) -> NewWakerEachPoll<F> {
        NewWakerEachPoll {
            inner: Box::pin(inner),
            generation: Arc::default(),
            repolls: 3,
        }
    }

    /// A sleep that books its timer with the first waker only: the stale-waker bug.
    struct FirstWakerSleep(Option<Instant>);

    impl Future for FirstWakerSleep {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let shared = current();
            match self.0 {
                Some(deadline) if shared.clock.now() >= deadline => Poll::Ready(()),
                Some(_) => Poll::Pending, // booked already, with an older waker
                None => {
                    let deadline = shared.clock.now() + Duration::from_millis(10);
                    shared.add_timer(deadline, cx.waker().clone());
                    self.0 = Some(deadline);
                    Poll::Pending
                }
            }
        }
    }

    /// Our sleep, polled with a different waker each time, books the newest and
    /// completes; a sleep that keeps its first waker is never woken (control).
    #[test]
    fn a_future_polled_with_a_new_waker_each_time_still_completes() {
        let ours = within(|| {
            Executor::paused()
                .block_on(new_waker_each_poll(sleep(Duration::from_millis(10))))
                .is_ok()
        });
        assert!(ours, "our sleep must wake the latest waker");
        let stale = within(|| {
            Executor::paused()
                .block_on(new_waker_each_poll(FirstWakerSleep(None)))
                .unwrap_err()
        });
        assert_eq!(stale.lost, [1]);
    }

    /// When the main task is done, tasks still sleeping are dropped (cancelled), and a
    /// loop's counts say what it did.
    #[test]
    fn tasks_left_when_main_returns_are_cancelled() {
        struct Dropped(Arc<AtomicUsize>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                self.0.fetch_add(1, Relaxed);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let guard = Dropped(dropped.clone());
        let executor = Executor::paused();
        executor
            .block_on(async move {
                spawn(async move {
                    let _guard = guard;
                    sleep(Duration::from_secs(3600)).await;
                });
                sleep(Duration::from_millis(1)).await;
            })
            .unwrap();
        assert_eq!(dropped.load(Relaxed), 1);
        let counts = executor.counts();
        assert_eq!((counts.polls, counts.timers), (3, 1));
    }

    /// `spawn` outside a loop is a mistake said in words, as tokio says it.
    #[test]
    #[should_panic(expected = "only inside Executor::block_on")]
    fn spawn_outside_block_on_panics_with_a_message() {
        spawn(async {});
    }
}
