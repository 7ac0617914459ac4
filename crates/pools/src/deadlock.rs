//! Two ways to freeze a thread pool, from the Python course notebook, reproduced with our
//! [`ThreadPool`] and caught by a timeout: the library behind `pool_deadlock`.
//!
//! - (a) "Nothing is happening, why?": in a pool with **one** worker, a job submits a second
//!   job and waits for its result ([`job_waits_for_its_own_job`]). The second job waits in
//!   the queue for a free worker; the only worker is busy waiting for the second job.
//! - (b) Two jobs on two workers, `a` waiting for `b` while `b` waits for `a` ([`a_and_b`]).
//!
//! In Python both programs simply hang (and `with ThreadPoolExecutor()` would hang at its
//! end too, waiting for the stuck workers). Here every job that waits for another job waits
//! at most `patience`: when it runs out, the job gives up and returns. That is how the
//! deadlock is *detected* (nothing but the clock can tell a deadlock from a slow job), and
//! giving up also *breaks* it, so every worker is free again and the pool shuts down
//! normally. The caller waits four times longer still; if even that ran out (it should
//! not), the pool is left behind and the function returns [`Stuck`]: dropping the pool
//! would wait for its stuck worker for ever. The threads end with the process.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam::channel::{self, Receiver};

use crate::thread_pool::{DoneSignal, JobHandle, ThreadPool, WaitError};

/// A job the demonstration expected to end by itself had not ended after `waited`; its pool
/// was left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stuck {
    /// How long the caller waited for it.
    pub waited: Duration,
}

impl fmt::Display for Stuck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.waited.as_millis();
        write!(f, "still stuck after {ms} ms: the pool was left behind")
    }
}

impl std::error::Error for Stuck {}

/// How (a) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nested {
    /// The outer job got the inner job's value.
    Got(u32),
    /// The outer job gave up; the inner job ran afterwards and produced `late`.
    GaveUp { late: u32 },
}

/// How a job that waited for another job's result came out of it.
enum Waited<T> {
    /// The other job finished in time: here is its value.
    Got(T),
    /// Patience ran out; the other job's handle comes back unfinished.
    GaveUp(JobHandle<T>),
}

/// The notebook's `wait_on_future`: submits `5 ** 2` to its own pool and waits for it.
// ANCHOR: nested
fn wait_on_future(pool: &ThreadPool, patience: Duration) -> Waited<u32> {
    let inner = pool.submit(|| 5_u32.pow(2));
    match inner.result_timeout(patience) {
        Ok(value) => Waited::Got(value),
        Err(WaitError::TimedOut(inner)) => Waited::GaveUp(inner),
        Err(WaitError::Panicked(p)) => panic!("5 ** 2 cannot panic: {p}"),
    }
}
// ANCHOR_END: nested

/// (a) with `workers` workers: the outer job waits, inside the pool, for the inner one.
pub fn job_waits_for_its_own_job(workers: usize, patience: Duration) -> Result<Nested, Stuck> {
    // ANCHOR: nested_job
    // A job that submits to its pool needs the pool: share it with `Arc`.
    let pool = Arc::new(ThreadPool::new(workers));
    let pool_for_job = Arc::clone(&pool);
    let job = move || wait_on_future(&pool_for_job, patience);
    let outer = pool.submit(job);
    Ok(match collect(outer, patience, pool)? {
        Waited::Got(value) => Nested::Got(value),
        // Once the outer job has given up, its worker is free
        // and takes the inner job.
        Waited::GaveUp(inner) => Nested::GaveUp {
            late: inner.result().expect("5 ** 2 cannot panic"),
        },
    })
    // ANCHOR_END: nested_job
}

/// Fix: the job does not wait; it hands the inner job's handle back to the main thread,
/// which is not one of the pool's workers and may wait as long as it likes.
pub fn wait_outside_the_job(patience: Duration) -> Result<u32, Stuck> {
    let pool = Arc::new(ThreadPool::new(1));
    let pool_for_job = Arc::clone(&pool);
    let outer = pool.submit(move || pool_for_job.submit(|| 5_u32.pow(2)));
    // The outer job returned at once, freeing the worker; the inner job runs next.
    let inner = outer.result().expect("submitting cannot panic");
    collect(inner, patience, pool)
}

/// Fix with rayon: a rayon job that waits in a scope (or `join`) runs other jobs while it
/// waits, here the inner job itself, so one thread is enough.
pub fn rayon_waits_by_working() -> u32 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("the system starts a thread");
    pool.install(|| {
        // The outer job, on the pool's only thread.
        let mut inner = 0;
        rayon::scope(|scope| scope.spawn(|_| inner = 5_u32.pow(2)));
        inner
    })
}

/// How a job of (b) came out of its wait for the other job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saw {
    /// The other job finished, after this long.
    Finished(Duration),
    /// Patience ran out after this long.
    GaveUp(Duration),
    /// This job waited for nobody (the fix).
    DidNotWait,
}

/// One job of (b): its name, the job it waited for, how that went, and what it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiter {
    pub name: &'static str,
    pub other: &'static str,
    pub saw: Saw,
    pub value: u32,
}

impl Waiter {
    /// Did this job's patience run out?
    pub fn gave_up(&self) -> bool {
        matches!(self.saw, Saw::GaveUp(_))
    }
}

/// `a waited 0.10 s for b, gave up, and returned 5`.
impl fmt::Display for Waiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Waiter {
            name, other, value, ..
        } = self;
        match self.saw {
            Saw::Finished(after) => write!(
                f,
                "{name} waited {:.2} s for {other} to finish, then returned {value}",
                after.as_secs_f64()
            ),
            Saw::GaveUp(after) => write!(
                f,
                "{name} waited {:.2} s for {other}, gave up, and returned {value}",
                after.as_secs_f64()
            ),
            Saw::DidNotWait => write!(f, "{name} waited for nobody and returned {value}"),
        }
    }
}

/// The notebook's `wait_on_a` / `wait_on_b`: learns which job to wait for (it may not have
/// been submitted yet when this job was), and waits for it to end.
// ANCHOR: wait_on
fn wait_on<T>(other: Receiver<DoneSignal<T>>, patience: Duration) -> Saw {
    let started = Instant::now();
    let other = other
        .recv()
        .expect("the main thread sends the other job's signal");
    if other.wait_timeout(patience) {
        Saw::Finished(started.elapsed())
    } else {
        Saw::GaveUp(started.elapsed())
    }
}
// ANCHOR_END: wait_on

/// (b): `a` waits for `b` and, when `circle` is true, `b` waits for `a`; they return the
/// notebook's 5 and 6.
pub fn a_and_b(circle: bool, patience: Duration) -> Result<[Waiter; 2], Stuck> {
    // ANCHOR: circle
    let pool = Arc::new(ThreadPool::new(2));
    // `a` must know `b`, which does not exist yet:
    // it will receive it through a channel.
    let (tell_a, b_for_a) = channel::bounded(1);
    let a = pool.submit(move || (wait_on(b_for_a, patience), 5));
    let b = if circle {
        let (tell_b, a_for_b) = channel::bounded(1);
        tell_b.send(a.done_signal()).expect("the channel has room");
        // `b` is more patient than `a`, so that `a` certainly gives up
        // first: the report is then the same on every run.
        pool.submit(move || (wait_on(a_for_b, patience * 3), 6))
    } else {
        // The fix: `b` waits for nobody.
        pool.submit(|| (Saw::DidNotWait, 6))
    };
    tell_a.send(b.done_signal()).expect("the channel has room");
    // ANCHOR_END: circle
    let (saw, value) = collect(a, patience, Arc::clone(&pool))?;
    let a = Waiter {
        name: "a",
        other: "b",
        saw,
        value,
    };
    let (saw, value) = collect(b, patience, pool)?;
    let b = Waiter {
        name: "b",
        other: "a",
        saw,
        value,
    };
    Ok([a, b])
}

/// Waits for a job the demonstration expects to end by itself (every waiting job has a
/// timeout). If it does not, leaves the pool behind: dropping it would wait for the stuck
/// worker for ever. Process exit ends its threads.
fn collect<T>(handle: JobHandle<T>, patience: Duration, pool: Arc<ThreadPool>) -> Result<T, Stuck> {
    match handle.result_timeout(patience * 4) {
        Ok(value) => Ok(value),
        Err(WaitError::Panicked(panicked)) => panic!("no job here panics: {panicked}"),
        Err(WaitError::TimedOut(_)) => {
            std::mem::forget(pool);
            Err(Stuck {
                waited: patience * 4,
            })
        }
    }
}
