//! Contention: what it costs for threads to count into the same place.
//!
//! Every [`Counter`] here counts the same increments, threads × increments each, and every
//! total is checked. What differs is what the threads share:
//!
//! - [`Counter::Mutex`]: one `Mutex<u64>`, locked and unlocked for every increment. Under
//!   contention a thread that finds the lock taken spins, then sleeps in the kernel, and
//!   must be woken;
//! - [`Counter::Atomic`]: one `AtomicU64`, `fetch_add` for every increment. No lock, but
//!   the counter's cache line must travel to whichever core adds next: with two threads
//!   it bounces between the cores (the processors' cache-coherence protocol moves it);
//! - [`Counter::FalseSharing`]: one `AtomicU64` *per thread*, next to each other in one
//!   cache line. No counter is shared, yet the line is, and it bounces just the same:
//!   *false sharing*;
//! - [`Counter::CachePadded`]: the same, each counter padded to a cache line of its own
//!   with [`crossbeam::utils::CachePadded`]. Nothing is shared: each core keeps its line;
//! - [`Counter::PerThread`]: each thread counts in a local variable and the totals are
//!   added at the end: no atomic instruction at all, nothing shared until the end.
//!
//! ```
//! use gil::contention::{Counter, count};
//!
//! for counter in Counter::ALL {
//!     let (total, _elapsed) = count(counter, 2, 1_000);
//!     assert_eq!(total, 2_000, "{}", counter.name());
//! }
//! ```

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::utils::CachePadded;

/// The most threads [`count`] takes: [`OneLine`] holds this many counters.
pub const MAX_THREADS: usize = 8;

/// Where the threads count, from the most shared to the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// One `Mutex<u64>` for all threads.
    Mutex,
    /// One `AtomicU64` for all threads, `fetch_add`.
    Atomic,
    /// One `AtomicU64` per thread, adjacent in one cache line.
    FalseSharing,
    /// One `AtomicU64` per thread, each in a cache line of its own.
    CachePadded,
    /// A local `u64` per thread, added up at the end.
    PerThread,
}

impl Counter {
    /// Every counter, in the table's order: the most shared first.
    pub const ALL: [Counter; 5] = [
        Counter::Mutex,
        Counter::Atomic,
        Counter::FalseSharing,
        Counter::CachePadded,
        Counter::PerThread,
    ];

    /// The name in the table and in the JSON rows (`variant`). Scripts compare rows by
    /// these names: keep them stable.
    pub fn name(self) -> &'static str {
        match self {
            Counter::Mutex => "one Mutex<u64>",
            Counter::Atomic => "one AtomicU64",
            Counter::FalseSharing => "adjacent AtomicU64 slots",
            Counter::CachePadded => "CachePadded slots",
            Counter::PerThread => "per-thread counters",
        }
    }
}

/// Eight counters in one 64-byte cache line: `align(64)` starts the array at the start of
/// a line, and eight `u64` fill it exactly.
#[repr(align(64))]
struct OneLine([AtomicU64; MAX_THREADS]);

/// `threads` threads each count `increments` increments into `counter`. Returns the total
/// counted and the time it took, from the moment the threads were released together to
/// the end of the last one.
///
/// # Panics
///
/// If `threads` is 0 or more than [`MAX_THREADS`].
pub fn count(counter: Counter, threads: usize, increments: u64) -> (u64, Duration) {
    assert!(
        (1..=MAX_THREADS).contains(&threads),
        "1 to {MAX_THREADS} threads, not {threads}"
    );
    match counter {
        Counter::Mutex => one_mutex(threads, increments),
        Counter::Atomic => one_atomic(threads, increments),
        Counter::FalseSharing => adjacent_slots(threads, increments),
        Counter::CachePadded => padded_slots(threads, increments),
        Counter::PerThread => per_thread(threads, increments),
    }
}

// ANCHOR: mutex
fn one_mutex(threads: usize, increments: u64) -> (u64, Duration) {
    let counter = Mutex::new(0u64);
    let (_, elapsed) = together(threads, |_| {
        for _ in 0..increments {
            *counter.lock().expect("no thread panics holding it") += 1;
        }
    });
    let total = counter.into_inner().expect("no thread panics holding it");
    (total, elapsed)
}
// ANCHOR_END: mutex

// ANCHOR: atomic
fn one_atomic(threads: usize, increments: u64) -> (u64, Duration) {
    let counter = AtomicU64::new(0);
    let (_, elapsed) = together(threads, |_| {
        for _ in 0..increments {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    (counter.into_inner(), elapsed)
}
// ANCHOR_END: atomic

fn adjacent_slots(threads: usize, increments: u64) -> (u64, Duration) {
    // ANCHOR: false_sharing
    // One slot per thread, all in one cache line: slot 0 at bytes 0..8,
    // slot 1 at 8..16…
    let slots = OneLine(std::array::from_fn(|_| AtomicU64::new(0)));
    let (_, elapsed) = together(threads, |me| {
        let mine = &slots.0[me];
        for _ in 0..increments {
            mine.fetch_add(1, Ordering::Relaxed);
        }
    });
    // ANCHOR_END: false_sharing
    let total = slots
        .0
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .sum();
    (total, elapsed)
}

fn padded_slots(threads: usize, increments: u64) -> (u64, Duration) {
    // ANCHOR: padded
    // The same slots, each padded to a cache line of its own (128 bytes on
    // x86-64, where the processor fetches lines in pairs).
    let slots: Vec<CachePadded<AtomicU64>> = (0..threads)
        .map(|_| CachePadded::new(AtomicU64::new(0)))
        .collect();
    let (_, elapsed) = together(threads, |me| {
        let mine = &slots[me];
        for _ in 0..increments {
            mine.fetch_add(1, Ordering::Relaxed);
        }
    });
    // ANCHOR_END: padded
    let total = slots.iter().map(|slot| slot.load(Ordering::Relaxed)).sum();
    (total, elapsed)
}

// ANCHOR: per_thread
fn per_thread(threads: usize, increments: u64) -> (u64, Duration) {
    let (locals, elapsed) = together(threads, |_| {
        let mut local = 0u64;
        for _ in 0..increments {
            // `black_box` hides the value from the optimiser, which would
            // otherwise replace the whole loop by `local = increments`, and
            // time nothing. With it, every increment is done, one after the
            // other, as in the other rows: on x86-64 an `inc` of the
            // thread's own stack slot, without `lock`.
            local = black_box(local + 1);
        }
        local
    });
    (locals.iter().sum(), elapsed)
}
// ANCHOR_END: per_thread

/// Runs `work(thread index)` on `threads` threads that start together, and returns what
/// each returned, in thread order, and the time from the first thread's start to the last
/// one's end.
///
/// Started together, they really contend: started one by one, the first could be done
/// before the last had started. Each thread reads the clock itself: the thread that
/// spawned them may not get a core back before one of them ends, so its clock would
/// start late.
pub(crate) fn together<R: Send>(
    threads: usize,
    work: impl Fn(usize) -> R + Sync,
) -> (Vec<R>, Duration) {
    let start_line = StartLine::new(threads);
    let timed: Vec<(Instant, Instant, R)> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|me| {
                let (start_line, work) = (&start_line, &work);
                s.spawn(move || {
                    start_line.wait();
                    let began = Instant::now();
                    let result = work(me);
                    (began, Instant::now(), result)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("no counting thread panics"))
            .collect()
    });
    let first_start = timed.iter().map(|(began, _, _)| *began).min();
    let last_end = timed.iter().map(|(_, ended, _)| *ended).max();
    let elapsed = match (first_start, last_end) {
        (Some(first), Some(last)) => last - first,
        _ => Duration::ZERO, // no threads, no time
    };
    let results = timed.into_iter().map(|(_, _, result)| result).collect();
    (results, elapsed)
}

/// A start line for a fixed number of threads: [`StartLine::wait`] returns once every
/// thread has called it.
///
/// Why not a [`std::sync::Barrier`]? It puts the early threads to sleep, and waking a
/// sleeping thread takes the kernel tens or hundreds of microseconds: long enough, on the
/// course machine, for the last thread to arrive to do a million racy increments before
/// the others are even awake. Here the early threads stay on their cores, checking the
/// count, so all start within a few nanoseconds of each other.
struct StartLine {
    arrived: AtomicUsize,
    threads: usize,
}

impl StartLine {
    fn new(threads: usize) -> StartLine {
        StartLine {
            arrived: AtomicUsize::new(0),
            threads,
        }
    }

    fn wait(&self) {
        self.arrived.fetch_add(1, Ordering::Relaxed);
        let mut spins = 0u32;
        while self.arrived.load(Ordering::Relaxed) < self.threads {
            if spins < Self::SPINS_BEFORE_YIELDING {
                spins += 1;
                std::hint::spin_loop(); // tells the processor we are only waiting
            } else {
                // Still not everyone, after about a millisecond: probably more threads than
                // cores. Let the late ones have this core, or they could not arrive at all
                // before the kernel interrupts us, every few milliseconds.
                thread::yield_now();
            }
        }
    }

    /// About a millisecond of spinning, far more than starting a thread takes.
    const SPINS_BEFORE_YIELDING: u32 = 20_000;
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_counter_is_exact_on_one_to_eight_threads() {
        for counter in Counter::ALL {
            for threads in [1, 2, 3, MAX_THREADS] {
                let (total, _) = count(counter, threads, 10_001);
                assert_eq!(total, threads as u64 * 10_001, "{counter:?} × {threads}");
            }
        }
    }

    /// The false-sharing slots really share one line, and the padded ones do not.
    #[test]
    fn the_slots_are_laid_out_as_claimed() {
        assert_eq!(std::mem::size_of::<OneLine>(), 64);
        assert_eq!(std::mem::align_of::<OneLine>(), 64);
        assert!(std::mem::size_of::<CachePadded<AtomicU64>>() >= 64);
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = Counter::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Counter::ALL.len());
    }

    #[test]
    #[should_panic(expected = "1 to 8 threads")]
    fn too_many_threads_is_refused() {
        count(Counter::Atomic, MAX_THREADS + 1, 1);
    }
}
