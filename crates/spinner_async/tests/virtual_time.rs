//! The spinner and `slow()` on tokio's paused clock: virtual time, no real waiting.

use std::time::Duration;

use common::primes::SPINNER_PRIME_QUICK;
use common::timeline::Timeline;
use spinner_async::{Work, supervisor};

/// While `slow()` awaits 2 s, the spinner draws a frame every 100 ms: 20 frames (a 21st
/// when its last timer and `slow()`'s fire at the same instant), and the answer is 42.
#[tokio::test(start_paused = true)]
async fn spinner_draws_every_interval_while_slow_awaits() {
    let timeline = Timeline::new();
    let outcome = supervisor(
        Work::Sleep(Duration::from_secs(2)),
        Duration::from_millis(100),
        &timeline,
    )
    .await;
    assert_eq!(outcome.answer, 42);
    assert_eq!(outcome.elapsed, Duration::from_secs(2), "virtual time");
    assert!(
        (20..=21).contains(&outcome.frames),
        "frames: {}",
        outcome.frames
    );
}

/// A check that never awaits keeps the only thread: the spinner task never runs at all,
/// not even for its first frame.
#[tokio::test(start_paused = true)]
async fn blocking_check_starves_the_spinner() {
    let timeline = Timeline::new();
    let work = Work::Blocking(SPINNER_PRIME_QUICK);
    let outcome = supervisor(work, Duration::from_millis(100), &timeline).await;
    assert_eq!(outcome.answer, 1, "SPINNER_PRIME_QUICK is prime");
    assert_eq!(outcome.frames, 0);
    assert_eq!(
        outcome.elapsed,
        Duration::ZERO,
        "no await, so the clock never moved"
    );
}
