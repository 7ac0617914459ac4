//! Seed 001's two ways to freeze a thread pool, reproduced with our `ThreadPool`, caught
//! by a timeout, explained, and fixed:
//!
//! - (a) "Nothing is happening, why?": in a pool with **one** worker, a job submits a
//!   second job and waits for its result. The second job waits in the queue for a free
//!   worker; the only worker is busy waiting for the second job. Neither can move.
//! - (b) Two jobs on two workers, `a` waiting for `b` while `b` waits for `a`.
//!
//! Run it with:
//!
//!     cargo run -p pools --bin pool_deadlock
//!     cargo run -p pools --bin pool_deadlock -- --patience-ms 2000
//!
//! What to look for: each deadlock is reported as `DEADLOCK DETECTED` with who waits for
//! whom, then the fixes run and finish at once; the program always ends, exit code 0.
//!
//! In Python both programs simply hang (and `with ThreadPoolExecutor()` would hang at its
//! end too, waiting for the stuck workers). Here every job that waits for another job
//! waits with a timeout, `--patience-ms`: when it runs out, the job gives up and returns,
//! which is how the deadlock is *detected* (nothing else can tell a deadlock from a slow
//! job: only the clock). Giving up also *breaks* the deadlock, so every worker is free
//! again and the pool shuts down normally. The main thread waits with a timeout too, four
//! times longer; if even that ran out (it should not), the program would leave the pool
//! behind instead of dropping it, because dropping a pool waits for its workers, and
//! would wait for ever. The threads end with the process.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use crossbeam::channel;
use pools::thread_pool::{DoneSignal, JobHandle, ThreadPool, WaitError};

/// Two pool deadlocks, detected by a timeout and fixed (seed 001).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How long a job waits for another job before it gives up, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(20..=10_000))]
    patience_ms: u64,
}

// ANCHOR: nested
/// How a job that waited for another job's result came out of it.
enum Waited<T> {
    /// The other job finished in time: here is its value.
    Got(T),
    /// Patience ran out; the other job's handle comes back unfinished.
    GaveUp(JobHandle<T>),
}

/// Seed 001's `wait_on_future`: submits `5 ** 2` to its own pool and waits for it.
fn wait_on_future(pool: &ThreadPool, patience: Duration) -> Waited<u32> {
    let inner = pool.submit(|| 5_u32.pow(2));
    match inner.result_timeout(patience) {
        Ok(value) => Waited::Got(value),
        Err(WaitError::TimedOut(inner)) => Waited::GaveUp(inner),
        Err(WaitError::Panicked(panicked)) => panic!("5 ** 2 cannot panic: {panicked}"),
    }
}
// ANCHOR_END: nested

/// How (a) ended.
enum Nested {
    /// The outer job got the inner job's value.
    Got(u32),
    /// The outer job gave up; the inner job ran afterwards and produced `late`.
    GaveUp { late: u32 },
}

/// (a) with `workers` workers: the outer job waits, inside the pool, for the inner one.
fn job_waits_for_its_own_job(workers: usize, patience: Duration) -> Option<Nested> {
    // ANCHOR: nested_main
    // A job that submits to its pool needs the pool: share it with `Arc`.
    let pool = Arc::new(ThreadPool::new(workers));
    let pool_for_job = Arc::clone(&pool);
    let outer = pool.submit(move || wait_on_future(&pool_for_job, patience));
    // ANCHOR_END: nested_main
    Some(match collect(outer, patience, pool)? {
        Waited::Got(value) => Nested::Got(value),
        // Once the outer job has given up, its worker is free and takes the inner job.
        Waited::GaveUp(inner) => Nested::GaveUp {
            late: inner.result().expect("5 ** 2 cannot panic"),
        },
    })
}

/// Fix: the job does not wait; it hands the inner job's handle back to the main thread,
/// which is not one of the pool's workers and may wait as long as it likes.
fn wait_outside_the_job(patience: Duration) -> Option<u32> {
    // ANCHOR: wait_outside
    let pool = Arc::new(ThreadPool::new(1));
    let pool_for_job = Arc::clone(&pool);
    let outer = pool.submit(move || pool_for_job.submit(|| 5_u32.pow(2)));
    // The outer job returned at once, freeing the worker; the inner job runs next.
    let inner = outer.result().expect("submitting cannot panic");
    let value = inner.result_timeout(patience).ok();
    // ANCHOR_END: wait_outside
    value
}

/// Fix with rayon: a rayon job that waits in a scope (or `join`) runs other jobs while it
/// waits, here the inner job itself, so one thread is enough.
fn rayon_waits_by_working() -> u32 {
    // ANCHOR: rayon
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
    // ANCHOR_END: rayon
}

// ANCHOR: circle
/// How a job of (b) came out of its wait for the other job.
enum Saw {
    /// The other job finished, after this long.
    Finished(Duration),
    /// Patience ran out after this long.
    GaveUp(Duration),
    /// This job waited for nobody (the fix).
    DidNotWait,
}

/// Seed 001's `wait_on_a` / `wait_on_b`: learns which job to wait for (it may not have
/// been submitted yet when this job was), and waits for it to end.
fn wait_on<T>(other: channel::Receiver<DoneSignal<T>>, patience: Duration) -> Saw {
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
// ANCHOR_END: circle

/// (b): `a` waits for `b` and, when `circle` is true, `b` waits for `a`; they return the
/// seed's 5 and 6. Returns whether a job gave up.
fn a_and_b(circle: bool, patience: Duration) -> Option<bool> {
    // ANCHOR: circle_main
    let pool = Arc::new(ThreadPool::new(2));
    // `a` must know `b`, which does not exist yet: it will receive it through a channel.
    let (tell_a, b_for_a) = channel::bounded(1);
    let a = pool.submit(move || (wait_on(b_for_a, patience), 5));
    let b = if circle {
        let (tell_b, a_for_b) = channel::bounded(1);
        tell_b.send(a.done_signal()).expect("the channel has room");
        // `b` is more patient than `a`, so that `a` certainly gives up first: the report
        // below is then the same on every run.
        pool.submit(move || (wait_on(a_for_b, patience * 3), 6))
    } else {
        // The fix: `b` waits for nobody.
        pool.submit(|| (Saw::DidNotWait, 6))
    };
    tell_a.send(b.done_signal()).expect("the channel has room");
    // ANCHOR_END: circle_main
    let (a_saw, a_value) = collect(a, patience, Arc::clone(&pool))?;
    let (b_saw, b_value) = collect(b, patience, pool)?;
    let mut gave_up = false;
    for (name, other, saw, value) in [("a", "b", a_saw, a_value), ("b", "a", b_saw, b_value)] {
        match saw {
            Saw::Finished(after) => println!(
                "  {name} waited {:.2} s for {other} to finish, then returned {value}",
                after.as_secs_f64()
            ),
            Saw::GaveUp(after) => {
                gave_up = true;
                println!(
                    "  {name} waited {:.2} s for {other}, gave up, and returned {value}",
                    after.as_secs_f64()
                );
            }
            Saw::DidNotWait => println!("  {name} waited for nobody and returned {value}"),
        }
    }
    Some(gave_up)
}

/// Waits for a job the demo expects to end by itself (every waiting job has a timeout).
/// If it does not, says so, and leaves the pool behind: dropping it would wait for the
/// stuck worker for ever. Process exit ends its threads.
fn collect<T>(handle: JobHandle<T>, patience: Duration, pool: Arc<ThreadPool>) -> Option<T> {
    match handle.result_timeout(patience * 4) {
        Ok(value) => Some(value),
        Err(WaitError::Panicked(panicked)) => panic!("no job here panics: {panicked}"),
        Err(WaitError::TimedOut(_)) => {
            println!(
                "  still stuck after {} ms: leaving the pool behind",
                (patience * 4).as_millis()
            );
            std::mem::forget(pool);
            None
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let patience = Duration::from_millis(args.patience_ms);

    println!("(a) one worker; a job submits a job to the same pool and waits for its result");
    let deadlocked_a = match job_waits_for_its_own_job(1, patience) {
        None => return ExitCode::FAILURE,
        Some(Nested::Got(value)) => {
            println!("  no deadlock: the outer job got {value}");
            false
        }
        Some(Nested::GaveUp { late }) => {
            let ms = patience.as_millis();
            println!(
                "  DEADLOCK DETECTED: the outer job waited {ms} ms for the inner job, which never ran."
            );
            println!(
                "  The pool's only worker was running the outer job, the outer job was waiting for the"
            );
            println!(
                "  inner job, and the inner job was waiting in the queue for a free worker: that one."
            );
            println!(
                "  When the outer job gave up, the worker was free and ran the inner job at once: {late}."
            );
            true
        }
    };
    match job_waits_for_its_own_job(2, patience) {
        Some(Nested::Got(value)) => {
            println!(
                "  fix 1, two workers: the inner job runs on the second worker, the outer job gets {value}"
            )
        }
        Some(Nested::GaveUp { .. }) => {
            println!("  fix 1, two workers: still stuck (this should not happen)")
        }
        None => return ExitCode::FAILURE,
    }
    println!(
        "  (fix 1 only moves the limit: two outer jobs at once take both workers and freeze again)"
    );
    match wait_outside_the_job(patience) {
        Some(value) => {
            println!(
                "  fix 2, wait outside: the job returns the inner job's handle, the main thread waits: {value}"
            )
        }
        None => return ExitCode::FAILURE,
    }
    println!(
        "  fix 3, rayon: a job waiting in `rayon::scope` runs the inner job itself, one thread is enough: {}",
        rayon_waits_by_working()
    );

    println!();
    println!("(b) two workers; job a waits for job b, job b waits for job a");
    let Some(gave_up_b) = a_and_b(true, patience) else {
        return ExitCode::FAILURE;
    };
    if gave_up_b {
        println!(
            "  DEADLOCK DETECTED: a was waiting for b, and b was waiting for a, so neither could finish."
        );
        println!(
            "  Both workers were busy waiting, and no one was left to do any work. When a's patience"
        );
        println!(
            "  ran out, a returned: the circle was broken, and b, seeing a finish, could return too."
        );
    }
    println!("  fix, order the waits: a may wait for b, but then b must not wait for a");
    if a_and_b(false, patience).is_none() {
        return ExitCode::FAILURE;
    }
    println!(
        "  (a circle of waits needs every one of its arrows: take one away and every wait ends)"
    );

    let detected = [deadlocked_a, gave_up_b].iter().filter(|&&d| d).count();
    println!();
    println!("{detected} of 2 deadlocks detected; no thread is left waiting");
    ExitCode::SUCCESS
}
