//! Hello, concurrency: a spinner as a task on tokio's single-threaded runtime, the Rust
//! counterpart of `asyncio`.
//!
//! One thread runs both tasks. The spinner draws a frame and then *awaits* a short sleep,
//! which hands the thread back to the runtime; `slow()` awaits a 2 s sleep the same way.
//! Because both only ever wait by awaiting, the one thread is enough for both.
//!
//! The pitfall (Fluent Python's "GIL impact"): put a CPU-bound call such as a primality check
//! inside a task and it never awaits, so the runtime never gets the thread back and the
//! spinner freezes. Two fixes: move the call to tokio's blocking thread pool
//! ([`Fix::SpawnBlocking`]), or cut it into slices with a `yield_now().await` between them
//! ([`Fix::YieldNow`]), which costs a little time per yield (measured in lecture 5, by
//! `coroutines`' `blocking_in_async --yield-cost`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use common::primes::{PrimeCheck, is_prime};
use common::term::{FRAMES, StatusLine};
use common::timeline::Timeline;

/// How the prime check is kept from freezing the spinner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fix {
    /// Run the check on tokio's blocking thread pool and await its result.
    SpawnBlocking,
    /// Run the check in slices, yielding to the runtime between two slices.
    YieldNow,
}

/// What `slow()` does while the spinner spins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Await a sleep: Fluent Python's `await asyncio.sleep(2)`.
    Sleep(Duration),
    /// Check `n` for primality right inside the task: the runtime's thread is not released.
    Blocking(u64),
    /// Check `n` for primality without blocking the runtime, as the fix says.
    Fixed(u64, Fix, u64),
}

/// Draws frames until the task is cancelled. Cancelling drops this future at its current
/// `.await`; the `StatusLine` is dropped with it, and its `Drop` wipes the line.
// ANCHOR: spin
pub async fn spin(
    msg: &str,
    interval: Duration,
    frames: Arc<AtomicU64>, // counted here, read by the supervisor
    timeline: Timeline,
) {
    let mut line = StatusLine::new(msg);
    for frame in FRAMES.chars().cycle() {
        line.draw(frame);
        frames.fetch_add(1, Ordering::Relaxed);
        timeline.mark("spinner task", "frame");
        tokio::time::sleep(interval).await; // gives the thread back
        line.clear();
    }
}
// ANCHOR_END: spin

/// Fluent Python's `slow()`: awaits a sleep, then answers.
// ANCHOR: slow
pub async fn slow(seconds: Duration) -> u64 {
    tokio::time::sleep(seconds).await;
    42
}
// ANCHOR_END: slow

/// The pitfall: a CPU-bound call inside an `async fn`. Nothing here awaits, so for the whole
/// check no other task on this thread can run.
// ANCHOR: blocking
pub async fn check_blocking(n: u64) -> bool {
    is_prime(n)
}
// ANCHOR_END: blocking

/// Fix 1: run the check on tokio's pool of blocking threads; this task awaits the result
/// and the runtime's thread stays free for the spinner.
// ANCHOR: spawn_blocking
pub async fn check_spawn_blocking(n: u64) -> bool {
    tokio::task::spawn_blocking(move || is_prime(n))
        .await
        .expect("the prime check panicked")
}
// ANCHOR_END: spawn_blocking

/// Fix 2: the same trial division in slices of `every` divisions, handing the thread back
/// to the runtime between two slices. Returns the answer and how many times it yielded.
// ANCHOR: yield_now
pub async fn check_yielding(n: u64, every: u64) -> (bool, u64) {
    let mut check = PrimeCheck::new(n);
    let mut yields = 0;
    loop {
        if let Some(answer) = check.advance(every) {
            return (answer, yields);
        }
        tokio::task::yield_now().await;
        yields += 1;
    }
}
// ANCHOR_END: yield_now

/// What the supervisor saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `slow()`'s answer: 42 for the sleep, 1 for "prime" and 0 for "not prime".
    pub answer: u64,
    /// Frames the spinner drew while the work ran.
    pub frames: u64,
    /// How long the work took.
    pub elapsed: Duration,
}

/// Starts the spinner task, does the work, cancels the spinner. Must run on a runtime;
/// on the `current_thread` flavour, as asyncio, the spinner and the work share one thread.
pub async fn supervisor(work: Work, interval: Duration, timeline: &Timeline) -> Outcome {
    // ANCHOR: spawn
    let frames = Arc::new(AtomicU64::new(0));
    let spinner = tokio::spawn(spin(
        "thinking!",
        interval,
        frames.clone(),
        timeline.clone(),
    ));
    println!("spinner object: {spinner:?}");
    // ANCHOR_END: spawn
    let started = Instant::now(); // tokio's clock: virtual time in tests that pause it
    let answer = {
        let _busy = timeline.span("main task", work.label());
        match work {
            Work::Sleep(seconds) => slow(seconds).await,
            Work::Blocking(n) => check_blocking(n).await as u64,
            Work::Fixed(n, Fix::SpawnBlocking, _) => check_spawn_blocking(n).await as u64,
            Work::Fixed(n, Fix::YieldNow, every) => check_yielding(n, every).await.0 as u64,
        }
    };
    let elapsed = started.elapsed();
    // ANCHOR: cancel
    let frames = frames.load(Ordering::Relaxed);
    spinner.abort(); // Fluent Python's spinner.cancel()
    let _ = spinner.await; // wait until it is gone (its line wiped)
    // ANCHOR_END: cancel
    Outcome {
        answer,
        frames,
        elapsed,
    }
}

impl Work {
    /// A label for the timeline and the transcript.
    pub fn label(&self) -> String {
        match self {
            Work::Sleep(_) => "slow(): awaiting a sleep".into(),
            Work::Blocking(_) => "is_prime(n) inside the task".into(),
            Work::Fixed(_, Fix::SpawnBlocking, _) => "awaiting spawn_blocking(is_prime)".into(),
            Work::Fixed(_, Fix::YieldNow, every) => format!("is_prime, yield every {every}"),
        }
    }
}
