//! [`Gil`]: a model of CPython's global interpreter lock, the "new GIL" of Python 3.2 and
//! later, step for step.
//!
//! CPython's `Python/ceval_gil.c` keeps a flag `locked` behind a mutex `M` with a condition
//! variable `C`, a *drop request* the running thread polls between bytecodes, and, for
//! *forced switching*, a second mutex `SM` with a condition `SC`. This file keeps the same
//! parts under the same names in the comments, so the two can be read side by side:
//!
//! - **taking** ([`PyThread::take_gil`]): while the GIL is locked, wait on `C` for at most
//!   the switch interval (5 ms by default). If the wait timed out and nobody took the GIL
//!   in the meantime, set the drop request, and keep waiting.
//! - **running** ([`PyThread::tick`]): between two "bytecodes" the holder looks at the
//!   drop request; if it is set, it drops the GIL and at once queues to take it again.
//! - **dropping** ([`PyThread::drop_gil`]): clear `locked`, signal `C`. If a drop request
//!   was pending, wait on `SC` until another thread has *really* taken the GIL: without
//!   that, the dropping thread, already running on its core, would usually win the race
//!   for the GIL again before the waiter had even woken up.
//! - **releasing around blocking work** ([`PyThread::allow_threads`]): drop, run, take, as
//!   C code does with `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS` around `sleep`,
//!   socket I/O or a numpy kernel.
//!
//! What is left out: the other reasons CPython's eval breaker stops (signals, pending
//! calls, async exceptions), and the interpreter itself: the work between two ticks is
//! whatever Rust code the caller runs.

use std::time::{Duration, Instant};

use common::measure::now_ns;
use common::timeline::Timeline;

use crate::sync::{AtomicBool, AtomicU64, AtomicUsize, Condvar, Mutex, MutexGuard, Ordering};

/// CPython's default switch interval, `sys.getswitchinterval()`: 0.005 s.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The labels of the spans a [`Gil`] with a timeline records, one row per thread.
pub mod labels {
    /// The thread holds the GIL and runs.
    pub const HOLDS: &str = "holds the GIL";
    /// The thread wants the GIL and waits for it.
    pub const WAITS: &str = "waits for the GIL";
    /// The thread runs inside `allow_threads`: blocking work, the GIL released.
    pub const RELEASED: &str = "runs without the GIL (I/O, native code)";
}

/// The global interpreter lock, as CPython's "new GIL" (3.2+) hands it over.
///
/// Threads take part through a [`PyThread`], CPython's thread state: [`Gil::attach`]
/// takes the GIL for the calling thread, [`PyThread::tick`] marks a bytecode boundary (where
/// a drop request is honoured), [`PyThread::allow_threads`] releases the GIL around
/// blocking work, and dropping the `PyThread` releases it for good.
///
/// ```
/// use std::time::Duration;
/// use gil::Gil;
///
/// let gil = Gil::new(Duration::from_millis(5));
/// let total = std::thread::scope(|s| {
///     let workers: Vec<_> = (0..2)
///         .map(|i| {
///             let gil = &gil;
///             s.spawn(move || {
///                 let mut py = gil.attach(format!("Thread-{i}"));
///                 let mut sum = 0u64;
///                 for n in 0..10_000u64 {
///                     py.tick(); // a bytecode boundary: the GIL may change hands here
///                     sum += n;
///                 }
///                 sum
///             })
///         })
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).sum::<u64>()
/// });
/// assert_eq!(total, 2 * 49_995_000);
/// let stats = gil.stats();
/// assert_eq!(stats.threads.len(), 2);
/// assert!(stats.threads.iter().all(|t| t.ticks == 10_000));
/// ```
#[derive(Debug)]
// ANCHOR: state
pub struct Gil {
    // `M`: guards `locked` and the switch count; held for short moments.
    state: Mutex<State>,
    // `C`: signalled whenever the GIL is dropped.
    dropped: Condvar,
    // `SM`: guards `last_holder`, for forced switching.
    switch: Mutex<Option<usize>>,
    // `SC`: signalled whenever a thread takes the GIL.
    switched: Condvar,
    // The flag the holder polls at every tick (`gil_drop_request`).
    drop_request: AtomicBool,
    // The switch interval in microseconds (`sys.setswitchinterval`).
    interval_us: AtomicU64,
    // Bookkeeping: the id the next `PyThread` gets, the counters of
    // every `PyThread` that has ended, where spans are recorded.
    next_id: AtomicUsize,
    finished: Mutex<Vec<ThreadStats>>,
    timeline: Option<Timeline>,
    // Model checks only: timed waits time out at once, or never (see
    // `Gil::timed_wait`).
    #[cfg(loom)]
    loom_timeouts: bool,
}
// ANCHOR_END: state

/// What `M` guards.
#[derive(Debug, Default)]
struct State {
    /// Someone holds the GIL.
    locked: bool,
    /// How many times the GIL went to a thread other than its last holder.
    switch_number: u64,
    /// How many times a waiter set the drop request.
    drop_requests: u64,
}

/// A thread's part in the GIL: CPython's thread state. While it exists and is not inside
/// [`allow_threads`](PyThread::allow_threads), its thread holds the GIL.
///
/// It is meant to stay on the thread that attached it (it is not `Send`): the GIL belongs
/// to a thread, not to a value that could wander off to another one.
#[derive(Debug)]
pub struct PyThread<'g> {
    gil: &'g Gil,
    /// This thread's number, as `last_holder` records it.
    id: usize,
    /// Holds the GIL right now (false only inside `allow_threads`, or after a panic there).
    holding: bool,
    /// When the current holding began, in [`now_ns`] units, for the timeline.
    held_since_ns: u64,
    /// When the current holding began, for [`ThreadStats::held`].
    held_since: Instant,
    stats: ThreadStats,
    /// Not `Send`, not `Sync`: see the type's documentation.
    _not_send: std::marker::PhantomData<*const ()>,
}

/// What one thread went through, counted by its [`PyThread`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadStats {
    /// The name given to [`Gil::attach`].
    pub name: String,
    /// Times it took the GIL.
    pub acquisitions: u64,
    /// Times it dropped the GIL because another thread asked (at a tick).
    pub forced_drops: u64,
    /// Times it released the GIL around blocking work ([`PyThread::allow_threads`]).
    pub releases: u64,
    /// Times it set the drop request while waiting.
    pub drop_requests: u64,
    /// Bytecode boundaries it passed ([`PyThread::tick`] calls).
    pub ticks: u64,
    /// Time spent waiting to take the GIL, in total.
    pub waited: Duration,
    /// The longest single wait for the GIL.
    pub longest_wait: Duration,
    /// Time spent holding the GIL.
    pub held: Duration,
}

/// The GIL's counters, for a program to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GilStats {
    /// How many times the GIL went to a different thread (CPython's `switch_number`).
    pub switches: u64,
    /// How many times a waiting thread set the drop request.
    pub drop_requests: u64,
    /// Each ended thread's counters, in the order they ended.
    pub threads: Vec<ThreadStats>,
}

impl GilStats {
    /// Forced drops, all threads together.
    pub fn forced_drops(&self) -> u64 {
        self.threads.iter().map(|t| t.forced_drops).sum()
    }

    /// Acquisitions, all threads together.
    pub fn acquisitions(&self) -> u64 {
        self.threads.iter().map(|t| t.acquisitions).sum()
    }

    /// The counters of the thread named `name`, if it has ended.
    pub fn thread(&self, name: &str) -> Option<&ThreadStats> {
        self.threads.iter().find(|t| t.name == name)
    }
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new(DEFAULT_SWITCH_INTERVAL)
    }
}

impl Gil {
    /// A GIL nobody holds, with this switch interval.
    ///
    /// As in CPython, an interval below one microsecond counts as one microsecond.
    pub fn new(switch_interval: Duration) -> Gil {
        Gil {
            state: Mutex::new(State::default()),
            dropped: Condvar::new(),
            switch: Mutex::new(None),
            switched: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval_us: AtomicU64::new(micros(switch_interval)),
            next_id: AtomicUsize::new(0),
            finished: Mutex::new(Vec::new()),
            timeline: None,
            #[cfg(loom)]
            loom_timeouts: true,
        }
    }

    /// The same GIL, recording on `timeline` when each thread held it, waited for it and
    /// ran without it (one row per thread, labelled with [`labels`]).
    pub fn with_timeline(mut self, timeline: Timeline) -> Gil {
        self.timeline = Some(timeline);
        self
    }

    /// `sys.getswitchinterval()`.
    pub fn switch_interval(&self) -> Duration {
        Duration::from_micros(self.interval_us.load(Ordering::Relaxed))
    }

    /// `sys.setswitchinterval(...)`: how long a waiter waits before it asks the holder
    /// to drop the GIL. Takes effect at the waiters' next timed wait.
    pub fn set_switch_interval(&self, interval: Duration) {
        self.interval_us.store(micros(interval), Ordering::Relaxed);
    }

    /// Starts a Python thread on the calling thread: takes the GIL (waiting for it, as a
    /// new CPython thread does before it runs any bytecode) and returns the thread state.
    pub fn attach(&self, name: impl Into<String>) -> PyThread<'_> {
        let mut thread = PyThread {
            gil: self,
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            holding: false,
            held_since_ns: 0,
            held_since: Instant::now(),
            stats: ThreadStats {
                name: name.into(),
                ..ThreadStats::default()
            },
            _not_send: std::marker::PhantomData,
        };
        thread.take_gil();
        thread
    }

    /// The counters so far: the switch count, and every thread that has ended.
    pub fn stats(&self) -> GilStats {
        let state = lock(&self.state);
        GilStats {
            switches: state.switch_number,
            drop_requests: state.drop_requests,
            threads: lock(&self.finished).clone(),
        }
    }

    /// Whether some thread holds the GIL right now.
    pub fn is_locked(&self) -> bool {
        lock(&self.state).locked
    }

    /// Waits on `C` for at most the switch interval; says whether the wait timed out.
    #[cfg(not(loom))]
    fn timed_wait<'a>(&'a self, state: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, bool) {
        let interval = self.switch_interval().max(Duration::from_micros(1));
        let (state, result) = self
            .dropped
            .wait_timeout(state, interval)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (state, result.timed_out())
    }

    /// Under loom, whose `wait_timeout` never times out, a timed wait is one of two
    /// extremes, chosen per model: it times out at once (then every wait is a drop
    /// request, and the forced switch is exercised), or it never does (then only `C`'s
    /// signals wake a waiter, and a lost signal would hang the model).
    #[cfg(loom)]
    fn timed_wait<'a>(&'a self, state: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, bool) {
        if self.loom_timeouts {
            drop(state);
            loom::thread::yield_now();
            (lock(&self.state), true)
        } else {
            (self.dropped.wait(state).unwrap(), false)
        }
    }

    /// Model checks only: a GIL whose timed waits never time out (see [`Gil::timed_wait`]).
    #[cfg(loom)]
    pub(crate) fn without_timeouts(mut self) -> Gil {
        self.loom_timeouts = false;
        self
    }

    fn record(&self, row: &str, label: &str, start_ns: u64, end_ns: u64) {
        if let Some(timeline) = &self.timeline {
            timeline.record(row, label, start_ns, end_ns);
        }
    }
}

impl PyThread<'_> {
    /// A bytecode boundary: if another thread has asked for the GIL, drop it and queue to
    /// take it again. Call it often in CPU-bound work (CPython checks between bytecodes,
    /// every few tens of nanoseconds); it costs one relaxed atomic load when nobody asks.
    // ANCHOR: tick
    #[inline]
    pub fn tick(&mut self) {
        self.stats.ticks += 1;
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.forced_drop();
        }
    }

    #[cold]
    fn forced_drop(&mut self) {
        self.stats.forced_drops += 1;
        self.drop_gil();
        self.take_gil();
    }
    // ANCHOR_END: tick

    /// Runs `work` with the GIL released, then takes it back: CPython's
    /// `Py_BEGIN_ALLOW_THREADS` … `Py_END_ALLOW_THREADS`, which `time.sleep`, socket reads
    /// and numpy's kernels wrap around their blocking or heavy part. Other threads run
    /// Python code meanwhile; `work` must not touch what the GIL protects.
    ///
    /// Taking the GIL back may wait, for up to a switch interval and longer: that is the
    /// price of each release, and the convoy effect.
    // ANCHOR: allow_threads
    pub fn allow_threads<R>(&mut self, work: impl FnOnce() -> R) -> R {
        self.stats.releases += 1;
        self.drop_gil();
        let released_ns = now_ns();
        let result = work();
        let name = &self.stats.name;
        self.gil
            .record(name, labels::RELEASED, released_ns, now_ns());
        self.take_gil();
        result
    }
    // ANCHOR_END: allow_threads

    /// This thread's name.
    pub fn name(&self) -> &str {
        &self.stats.name
    }

    /// This thread's counters so far.
    pub fn stats(&self) -> &ThreadStats {
        &self.stats
    }

    /// CPython's `take_gil`.
    fn take_gil(&mut self) {
        let gil = self.gil;
        let asked = Instant::now();
        let asked_ns = now_ns();
        // ANCHOR: take_gil
        let mut state = lock(&gil.state);
        while state.locked {
            let saved = state.switch_number;
            let (relocked, timed_out) = gil.timed_wait(state);
            state = relocked;
            // Timed out, still held by the same holder: ask it to let go.
            if timed_out && state.locked && state.switch_number == saved {
                if !gil.drop_request.swap(true, Ordering::Relaxed) {
                    state.drop_requests += 1;
                }
                self.stats.drop_requests += 1;
            }
        }
        // Ready. Take `SM` before `last_holder` changes: see `drop_gil`.
        {
            let mut last_holder = lock(&gil.switch);
            state.locked = true;
            if *last_holder != Some(self.id) {
                *last_holder = Some(self.id);
                state.switch_number += 1;
            }
            gil.switched.notify_one();
        }
        gil.drop_request.store(false, Ordering::Relaxed);
        drop(state);
        // ANCHOR_END: take_gil

        // The rest is bookkeeping: the counters and the timeline.
        let waited = asked.elapsed();
        self.stats.acquisitions += 1;
        self.stats.waited += waited;
        self.stats.longest_wait = self.stats.longest_wait.max(waited);
        self.holding = true;
        self.held_since = Instant::now();
        self.held_since_ns = now_ns();
        if self.held_since_ns > asked_ns {
            gil.record(
                &self.stats.name,
                labels::WAITS,
                asked_ns,
                self.held_since_ns,
            );
        }
    }

    /// CPython's `drop_gil`.
    fn drop_gil(&mut self) {
        let gil = self.gil;
        self.holding = false;
        self.stats.held += self.held_since.elapsed();
        gil.record(
            &self.stats.name,
            labels::HOLDS,
            self.held_since_ns,
            now_ns(),
        );
        // ANCHOR: drop_gil
        {
            let mut state = lock(&gil.state);
            state.locked = false;
            gil.dropped.notify_one();
        }
        // Forced switching: someone asked for the GIL, so do not compete
        // for it again until they have it. The check of `last_holder` and
        // the wait happen under `SM`, and the taker changes `last_holder`
        // and signals under `SM`, so the signal cannot come between the
        // check and the wait.
        if gil.drop_request.load(Ordering::Relaxed) {
            let mut last_holder = lock(&gil.switch);
            if *last_holder == Some(self.id) {
                gil.drop_request.store(false, Ordering::Relaxed);
                while *last_holder == Some(self.id) {
                    last_holder = wait(&gil.switched, last_holder);
                }
            }
        }
        // ANCHOR_END: drop_gil
    }
}

impl Drop for PyThread<'_> {
    /// The thread ends: release the GIL (unless a panic inside `allow_threads` left it
    /// released) and hand the counters to the [`Gil`].
    fn drop(&mut self) {
        if self.holding {
            self.drop_gil();
        }
        lock(&self.gil.finished).push(std::mem::take(&mut self.stats));
    }
}

fn micros(interval: Duration) -> u64 {
    u64::try_from(interval.as_micros())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// Locks, and carries on past a poisoned lock: the GIL's own state is only changed in
/// short sections that cannot panic, so a panic elsewhere leaves it consistent.
#[cfg(not(loom))]
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(loom)]
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap()
}

#[cfg(not(loom))]
fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(loom)]
fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap()
}
