//! Lecture 4: the GIL, and contention in general.
//!
//! Rust has no global interpreter lock, so the Python lectures' surprise — "threads should
//! make it faster! … What?" — would not show up in a plain port. This crate brings the lock
//! back as a model: [`Gil`] hands itself over the way CPython's "new GIL" (3.2+) does, with a
//! switch interval, drop requests and forced switching, and a [`PyThread`] is a thread's
//! part in it. The lecture's programs run the course's workloads under it and measure what
//! Python's threads go through:
//!
//! - `gil_cpu`: CPU-bound threads under the GIL take as long as one thread, or longer;
//! - `gil_io`: threads that wait with the GIL released overlap all the same;
//! - `gil_convoy`: an I/O thread next to a CPU thread waits a switch interval per operation;
//! - `gil_release`: native code that releases the GIL scales again.
//!
//! The other programs are about contention in any language: `race` (lost updates),
//! `contention` (one lock, one atomic, per-thread counters, false sharing) and `deadlock`.
//!
//! Under `RUSTFLAGS="--cfg loom"` the GIL is built on `loom`'s primitives and the models at
//! the bottom of this file let the model checker try every interleaving of its hand-over.

pub mod contention;
pub mod convoy;
pub mod counters;
pub mod cpu;
pub mod deadlock;
mod gil;
pub mod io;
pub mod matmul;
pub mod race;
mod sync;
pub mod work;

pub use gil::{DEFAULT_SWITCH_INTERVAL, Gil, GilStats, PyThread, ThreadStats, labels};

use std::time::Duration;

/// The `--switch-interval` flag of the lecture's programs: `sys.setswitchinterval` on the
/// command line. A program takes it with `#[command(flatten)] switch: SwitchIntervalFlag`
/// and reads `args.switch.interval`.
#[derive(Debug, Clone, clap::Args)]
pub struct SwitchIntervalFlag {
    /// How long a thread waiting for the GIL waits before it asks the holder to drop it
    /// (`sys.setswitchinterval`): 5ms, 500us, 0.005
    #[arg(long = "switch-interval", value_name = "TIME", default_value = "5ms",
          value_parser = parse_switch_interval)]
    pub interval: Duration,
}

/// Parses a `--switch-interval` flag: `5ms`, `500us` (or `500µs`), `0.01s`, or a plain
/// number of seconds as `sys.setswitchinterval` takes it (`0.005`). From 1 µs to 1 s.
///
/// ```
/// use std::time::Duration;
/// use gil::parse_switch_interval;
///
/// assert_eq!(parse_switch_interval("5ms"), Ok(Duration::from_millis(5)));
/// assert_eq!(parse_switch_interval("500us"), Ok(Duration::from_micros(500)));
/// assert_eq!(parse_switch_interval("0.005"), Ok(Duration::from_millis(5)));
/// assert!(parse_switch_interval("0ms").is_err());
/// assert!(parse_switch_interval("soon").is_err());
/// ```
pub fn parse_switch_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit_seconds) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("us").or_else(|| text.strip_suffix("µs")) {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: try 5ms, 500us or 0.005"))?;
    let seconds = value * unit_seconds;
    if (1e-6..=1.0).contains(&seconds) {
        // Rounded to whole microseconds, the GIL's own unit.
        Ok(Duration::from_micros((seconds * 1e6).round() as u64))
    } else {
        Err(format!("{text} is out of range: give 1us to 1s"))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
    use std::sync::{Mutex, mpsc};
    use std::thread;
    use std::time::{Duration, Instant};

    use super::*;

    /// Long enough that a correct GIL never gets near it; a broken one fails the test
    /// instead of hanging it.
    const LIMIT: Duration = Duration::from_secs(20);

    /// One holder at a time: a load-then-store increment (which loses updates when two
    /// threads overlap) done under the GIL by three threads loses none, and no two
    /// threads are ever inside at once.
    #[test]
    fn one_holder_at_a_time() {
        let gil = Gil::new(Duration::from_micros(50));
        let counter = AtomicU64::new(0);
        let inside = AtomicUsize::new(0);
        thread::scope(|s| {
            for i in 0..3 {
                let (gil, counter, inside) = (&gil, &counter, &inside);
                s.spawn(move || {
                    let mut py = gil.attach(format!("T{i}"));
                    for _ in 0..20_000 {
                        py.tick();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        let seen = counter.load(Ordering::Relaxed);
                        counter.store(seen + 1, Ordering::Relaxed);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(counter.load(Ordering::Relaxed), 60_000);
        let stats = gil.stats();
        assert_eq!(stats.threads.len(), 3);
        assert!(stats.threads.iter().all(|t| t.ticks == 20_000));
        assert!(!gil.is_locked());
    }

    /// A thread that never lets go voluntarily still hands the GIL over: the waiter asks
    /// after a switch interval, the holder drops at its next tick, and — forced switching —
    /// the waiter runs before the holder runs again.
    #[test]
    fn a_drop_request_is_honoured_and_the_waiter_runs_first() {
        let gil = Gil::new(Duration::from_millis(1));
        let stop = AtomicBool::new(false);
        let log = Mutex::new(Vec::new());
        let (holding_tx, holding_rx) = mpsc::channel();
        thread::scope(|s| {
            let (gil, stop, log) = (&gil, &stop, &log);
            s.spawn(move || {
                let mut py = gil.attach("cpu");
                holding_tx.send(()).unwrap();
                let started = Instant::now();
                while !stop.load(Ordering::SeqCst) && started.elapsed() < LIMIT {
                    let before = py.stats().forced_drops;
                    py.tick();
                    if py.stats().forced_drops > before {
                        log.lock().unwrap().push("cpu runs again");
                    }
                }
            });
            holding_rx.recv().unwrap();
            s.spawn(move || {
                let _py = gil.attach("waiter");
                log.lock().unwrap().push("waiter runs");
                stop.store(true, Ordering::SeqCst);
            });
        });
        let log = log.into_inner().unwrap();
        assert_eq!(log.first(), Some(&"waiter runs"), "{log:?}");
        let stats = gil.stats();
        let cpu = stats.thread("cpu").unwrap();
        let waiter = stats.thread("waiter").unwrap();
        assert!(cpu.forced_drops >= 1, "{stats:?}");
        assert!(waiter.drop_requests >= 1, "{stats:?}");
        assert!(stats.drop_requests >= 1 && stats.switches >= 2, "{stats:?}");
    }

    /// Inside `allow_threads` the GIL is free: another thread takes it at once, without
    /// asking anyone to drop it, while the first is still inside.
    #[test]
    fn allow_threads_releases_the_gil() {
        let gil = Gil::default();
        let (released_tx, released_rx) = mpsc::channel();
        let (other_ran_tx, other_ran_rx) = mpsc::channel();
        thread::scope(|s| {
            let gil = &gil;
            s.spawn(move || {
                let mut py = gil.attach("io");
                let answer = py.allow_threads(|| {
                    released_tx.send(()).unwrap();
                    // Still inside: the other thread must get the GIL meanwhile.
                    other_ran_rx.recv_timeout(LIMIT).map(|()| 42)
                });
                assert_eq!(answer, Ok(42), "the other thread never got the GIL");
                py.tick();
            });
            s.spawn(move || {
                released_rx.recv().unwrap();
                let py = gil.attach("other");
                assert!(gil.is_locked());
                drop(py);
                other_ran_tx.send(()).unwrap();
            });
        });
        let stats = gil.stats();
        let io = stats.thread("io").unwrap();
        assert_eq!((io.releases, io.acquisitions, io.forced_drops), (1, 2, 0));
        assert_eq!(stats.thread("other").unwrap().drop_requests, 0);
        assert_eq!(stats.drop_requests, 0);
    }

    /// Two CPU-bound threads take turns: each is forced to drop the GIL again and again,
    /// and both finish.
    #[test]
    fn cpu_bound_threads_take_turns() {
        let gil = Gil::new(Duration::from_micros(200));
        thread::scope(|s| {
            for name in ["A", "B"] {
                let gil = &gil;
                s.spawn(move || {
                    let mut py = gil.attach(name);
                    let started = Instant::now();
                    // Run until this thread has been made to let go three times.
                    while py.stats().forced_drops < 3 {
                        assert!(started.elapsed() < LIMIT, "{name} was never asked to drop");
                        py.tick();
                        std::hint::black_box(sha_like_work());
                    }
                });
            }
        });
        let stats = gil.stats();
        assert!(stats.forced_drops() >= 6, "{stats:?}");
        assert!(stats.switches >= 6, "{stats:?}");
    }

    fn sha_like_work() -> u64 {
        (0..100u64).fold(1, |acc, x| acc.wrapping_mul(31).wrapping_add(x))
    }

    #[test]
    fn the_switch_interval_is_settable_and_at_least_a_microsecond() {
        let gil = Gil::default();
        assert_eq!(gil.switch_interval(), DEFAULT_SWITCH_INTERVAL);
        gil.set_switch_interval(Duration::from_micros(250));
        assert_eq!(gil.switch_interval(), Duration::from_micros(250));
        gil.set_switch_interval(Duration::ZERO);
        assert_eq!(gil.switch_interval(), Duration::from_micros(1));
    }

    /// A panic inside `allow_threads` leaves the GIL free, not held by a dead thread.
    #[test]
    fn a_panic_while_released_leaves_the_gil_free() {
        let gil = Gil::default();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut py = gil.attach("doomed");
            py.allow_threads(|| panic!("the I/O failed"));
        }));
        assert!(result.is_err());
        assert!(!gil.is_locked());
        let py = gil.attach("next");
        assert_eq!(py.stats().acquisitions, 1);
    }

    /// A timeline gets one row per thread, with holding and released spans.
    #[test]
    fn the_timeline_shows_who_held_it() {
        let timeline = common::timeline::Timeline::new();
        let gil = Gil::default().with_timeline(timeline.clone());
        {
            let mut py = gil.attach("T1");
            py.tick();
            py.allow_threads(|| ());
        }
        let labels_seen: Vec<String> = timeline.spans().into_iter().map(|s| s.label).collect();
        assert!(
            labels_seen.iter().any(|l| l == labels::HOLDS),
            "{labels_seen:?}"
        );
        assert!(
            labels_seen.iter().any(|l| l == labels::RELEASED),
            "{labels_seen:?}"
        );
        assert_eq!(timeline.rows(), ["T1"]);
    }
}

/// Model checks: `loom` runs each closure under every interleaving of its threads that
/// matters, and fails if any of them deadlocks, loses a wake-up or breaks an assertion.
///
///     RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p gil --lib
///
/// loom's `Condvar::wait_timeout` never times out, so each model runs twice: once with timed
/// waits that time out at once (every wait becomes a drop request, the forced switch runs
/// all the time) and once with waits that only a signal ends (a lost signal hangs the
/// model, and loom reports the deadlock). The counter is incremented with a load and a
/// store: if two threads were ever inside at once, some interleaving would lose an update
/// and the final assertion would fail.
#[cfg(all(test, loom))]
mod loom_models {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicUsize, Ordering};
    use loom::thread;

    use super::Gil;

    fn gil(timeouts: bool) -> Gil {
        let gil = Gil::new(std::time::Duration::from_millis(5));
        if timeouts {
            gil
        } else {
            gil.without_timeouts()
        }
    }

    fn increment(counter: &AtomicUsize) {
        let seen = counter.load(Ordering::Relaxed);
        counter.store(seen + 1, Ordering::Relaxed);
    }

    fn model(f: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(3);
        builder.check(f);
    }

    /// Two threads, each taking the GIL, passing two bytecode boundaries and ending:
    /// exclusion holds and both finish, whether waits time out or not.
    #[test]
    fn two_threads_exclusion_and_progress() {
        for timeouts in [true, false] {
            model(move || {
                let gil = Arc::new(gil(timeouts));
                let counter = Arc::new(AtomicUsize::new(0));
                let other = {
                    let (gil, counter) = (Arc::clone(&gil), Arc::clone(&counter));
                    thread::spawn(move || {
                        let mut py = gil.attach("b");
                        increment(&counter);
                        py.tick();
                        increment(&counter);
                    })
                };
                {
                    let mut py = gil.attach("a");
                    increment(&counter);
                    py.tick();
                    increment(&counter);
                }
                other.join().unwrap();
                assert_eq!(counter.load(Ordering::Relaxed), 4);
                assert!(!gil.is_locked());
            });
        }
    }

    /// One thread releases the GIL around "I/O" while the other runs: exclusion holds for
    /// the work under the GIL, and neither thread is left waiting.
    #[test]
    fn allow_threads_and_a_cpu_thread() {
        for timeouts in [true, false] {
            model(move || {
                let gil = Arc::new(gil(timeouts));
                let counter = Arc::new(AtomicUsize::new(0));
                let cpu = {
                    let (gil, counter) = (Arc::clone(&gil), Arc::clone(&counter));
                    thread::spawn(move || {
                        let mut py = gil.attach("cpu");
                        py.tick();
                        increment(&counter);
                    })
                };
                {
                    let mut py = gil.attach("io");
                    py.allow_threads(|| ());
                    increment(&counter);
                }
                cpu.join().unwrap();
                assert_eq!(counter.load(Ordering::Relaxed), 2);
                let stats = gil.stats();
                assert_eq!(stats.threads.len(), 2);
            });
        }
    }
}
