//! Lost updates: `counter += 1` is three steps (read, add, write), not one.
//!
//! When two threads increment one counter, each increment reads the counter, adds one, and
//! writes the sum back. If the other thread writes in between, that write is overwritten:
//! an update is *lost*. Python's `counter += 1` is three bytecodes (`LOAD`, `BINARY_OP`,
//! `STORE`), and the GIL may change hands between any two of them.
//!
//! This module does the same thing on purpose, and safely: the counter is an
//! [`AtomicU64`], and the increment is a separate [`load`](AtomicU64::load) and
//! [`store`](AtomicU64::store). Each step on its own is atomic, so there is no undefined
//! behaviour; only the *pair* is not, and updates are lost. Two correct ways follow:
//! [`fetch_add`](AtomicU64::fetch_add), which reads, adds and writes in one indivisible
//! step, and a [`Mutex`], which lets one thread at a time do all three.
//!
//! # The compiler refuses the plain version
//!
//! Python lets two threads share a plain integer and lose updates silently. Rust does not
//! let two threads share a plain `u64` and write to it: `counter += 1` from two threads does
//! not compile (error E0499: two closures want to borrow `counter` mutably at the same time).
//!
#![doc = concat!("```compile_fail,E0499\n", include_str!("../snippets/plus_equals_two_threads.rs"), "```")]
//!
//! It is the sharing that is refused, not the `+=`: with one thread the same code compiles.
//!
//! ```
//! use std::thread;
//!
//! let mut counter: u64 = 0;
//! thread::scope(|s| {
//!     s.spawn(|| {
//!         for _ in 0..1000 {
//!             counter += 1;
//!         }
//!     });
//! });
//! assert_eq!(counter, 1000);
//! ```
//!
//! And two threads may share a counter the compiler knows to be safe to share: an
//! `AtomicU64` takes `&self`, not `&mut self`, and `fetch_add` loses nothing.
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use std::thread;
//!
//! let counter = AtomicU64::new(0);
//! thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| {
//!             for _ in 0..1000 {
//!                 counter.fetch_add(1, Ordering::Relaxed);
//!             }
//!         });
//!     }
//! });
//! assert_eq!(counter.into_inner(), 2000);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::Duration;

use crate::contention::together;

/// The three ways to increment a shared counter, in the order the program shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// [`racy_increment`]: a load, then a store. Loses updates.
    Racy,
    /// [`atomic_increment`]: one `fetch_add`. Loses none.
    FetchAdd,
    /// [`locked_increment`]: `+= 1` under a [`Mutex`]. Loses none.
    Mutex,
}

impl Way {
    /// Every way, in the order the program shows them.
    pub const ALL: [Way; 3] = [Way::Racy, Way::FetchAdd, Way::Mutex];

    /// The name the program prints.
    pub fn name(self) -> &'static str {
        match self {
            Way::Racy => "racy load + store",
            Way::FetchAdd => "fetch_add",
            Way::Mutex => "Mutex<u64>",
        }
    }
}

/// `counter += 1` in two steps, as Python runs it: read the counter, then write back the
/// value read plus one. Another thread's write that lands between the two is overwritten.
///
/// Each step is atomic, so this is not undefined behaviour (a plain `u64` shared this way
/// would be, and does not compile): it is a *logic* race, and it loses updates.
///
/// On x86-64 the optimiser turns the pair into a single `inc` instruction on memory, the
/// very instruction C compiles `counter++` to: it still reads, then writes, and another
/// core may write in between. [`atomic_increment`] becomes `lock inc`: the `lock` prefix
/// is the whole difference.
// ANCHOR: racy
pub fn racy_increment(counter: &AtomicU64) {
    let seen = counter.load(Ordering::Relaxed);
    counter.store(seen + 1, Ordering::Relaxed);
}
// ANCHOR_END: racy

/// Read, add and write in one indivisible step: the processor keeps the counter's cache
/// line to itself for the whole read-modify-write (`lock xadd` on x86), so no other write
/// can land in between.
///
/// `Relaxed` is enough: we only need every increment counted, not an order between this
/// counter and other memory.
// ANCHOR: fetch_add
pub fn atomic_increment(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}
// ANCHOR_END: fetch_add

/// `+= 1` on a plain `u64` inside a [`Mutex`]: the lock lets one thread at a time read, add
/// and write, so nothing can land in between. The `u64` can only be reached through the
/// lock: there is no way to forget to take it.
// ANCHOR: mutex
pub fn locked_increment(counter: &Mutex<u64>) {
    *counter
        .lock()
        .expect("no thread panics while holding the lock") += 1;
}
// ANCHOR_END: mutex

/// What one run of [`count`] came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    /// threads × increments: what the counter should read at the end.
    pub expected: u64,
    /// What the counter read at the end.
    pub got: u64,
    /// Wall time from the moment the threads were released to the last one's end.
    pub elapsed: Duration,
}

impl Tally {
    /// Updates lost: `expected - got`. A load-then-store increment can lose updates but
    /// never invent one, so `got` never exceeds `expected`.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.got)
    }

    /// Lost updates as a percentage of the expected total.
    pub fn lost_percent(&self) -> f64 {
        100.0 * self.lost() as f64 / self.expected as f64
    }
}

/// `threads` threads each increment one shared counter `increments` times, the [`Way`]
/// given, and the counter is read at the end.
///
/// The threads wait for each other at a start line and start together: otherwise the
/// first one might be done before the second has even started, and nothing would overlap.
///
/// ```
/// use gil::race::{Way, count};
///
/// let tally = count(Way::FetchAdd, 2, 10_000);
/// assert_eq!((tally.expected, tally.got, tally.lost()), (20_000, 20_000, 0));
/// ```
pub fn count(way: Way, threads: usize, increments: u64) -> Tally {
    let expected = threads as u64 * increments;
    let (got, elapsed) = match way {
        Way::Racy => {
            let counter = AtomicU64::new(0);
            let (_, elapsed) = together(threads, |_| {
                for _ in 0..increments {
                    racy_increment(&counter);
                }
            });
            (counter.into_inner(), elapsed)
        }
        Way::FetchAdd => {
            let counter = AtomicU64::new(0);
            let (_, elapsed) = together(threads, |_| {
                for _ in 0..increments {
                    atomic_increment(&counter);
                }
            });
            (counter.into_inner(), elapsed)
        }
        Way::Mutex => {
            let counter = Mutex::new(0);
            let (_, elapsed) = together(threads, |_| {
                for _ in 0..increments {
                    locked_increment(&counter);
                }
            });
            let got = counter
                .into_inner()
                .expect("no thread panics while holding the lock");
            (got, elapsed)
        }
    };
    Tally {
        expected,
        got,
        elapsed,
    }
}

/// One step of [`forced_lost_update`]: a thread read or wrote the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The thread read this value.
    Read(char, u64),
    /// The thread wrote this value.
    Wrote(char, u64),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Read(thread, value) => write!(f, "{thread} reads  {value}"),
            Step::Wrote(thread, value) => write!(f, "{thread} writes {value}"),
        }
    }
}

/// Two racy increments, forced into the one order that loses an update: thread A reads,
/// thread B reads and writes, thread A writes. Returns the steps in the order they happened
/// and the counter at the end: 1, although two increments ran.
///
/// The order is forced with channels, so it is the same on every run: this is the race
/// of [`racy_increment`] made certain instead of likely.
///
/// ```
/// use gil::race::{Step, forced_lost_update};
///
/// let (steps, counter) = forced_lost_update();
/// assert_eq!(counter, 1);
/// assert_eq!(
///     steps,
///     [Step::Read('A', 0), Step::Read('B', 0), Step::Wrote('B', 1), Step::Wrote('A', 1)]
/// );
/// ```
pub fn forced_lost_update() -> (Vec<Step>, u64) {
    let counter = AtomicU64::new(0);
    let steps = Mutex::new(Vec::new());
    let log = |step| {
        steps
            .lock()
            .expect("no thread panics while logging")
            .push(step)
    };
    // ANCHOR: forced
    let (a_has_read, b_may_go) = mpsc::channel();
    let (b_is_done, a_may_write) = mpsc::channel();
    thread::scope(|s| {
        // Each thread takes its own end of the two channels (`move`), and
        // shares the counter and the log (by reference).
        let (counter, log) = (&counter, &log);
        s.spawn(move || {
            let seen = counter.load(Ordering::Relaxed);
            log(Step::Read('A', seen));
            a_has_read.send(()).expect("B is waiting for this");
            // A pauses between its two steps, as any thread may.
            a_may_write.recv().expect("B tells A when it is done");
            counter.store(seen + 1, Ordering::Relaxed); // over B's write
            log(Step::Wrote('A', seen + 1));
        });
        s.spawn(move || {
            b_may_go.recv().expect("A tells B when it has read");
            let seen = counter.load(Ordering::Relaxed);
            log(Step::Read('B', seen));
            counter.store(seen + 1, Ordering::Relaxed);
            log(Step::Wrote('B', seen + 1));
            b_is_done.send(()).expect("A is waiting for this");
        });
    });
    // ANCHOR_END: forced
    let steps = steps.into_inner().expect("no thread panics while logging");
    (steps, counter.into_inner())
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn fetch_add_and_mutex_lose_nothing() {
        for way in [Way::FetchAdd, Way::Mutex] {
            for threads in [1, 2, 3] {
                let tally = count(way, threads, 20_000);
                assert_eq!(tally.expected, threads as u64 * 20_000);
                assert_eq!(tally.got, tally.expected, "{way:?} on {threads} threads");
                assert_eq!(tally.lost(), 0);
            }
        }
    }

    /// One thread has nobody to race with: even the racy increment counts everything.
    #[test]
    fn one_thread_loses_nothing_even_racily() {
        let tally = count(Way::Racy, 1, 50_000);
        assert_eq!(tally.got, 50_000);
    }

    /// Whether and how many updates two threads lose depends on the scheduler: only the
    /// bound is certain.
    #[test]
    fn the_racy_increment_never_counts_too_many() {
        let tally = count(Way::Racy, 2, 100_000);
        assert!(tally.got <= tally.expected, "{tally:?}");
    }

    #[test]
    fn lost_is_a_difference_and_a_percentage() {
        let tally = Tally {
            expected: 200,
            got: 150,
            elapsed: Duration::ZERO,
        };
        assert_eq!(tally.lost(), 50);
        assert_eq!(tally.lost_percent(), 25.0);
    }
}
