//! [`GilCounters`]: what one variant of a comparison went through, added up over every GIL
//! it used (one shared GIL, one GIL per thread, or one per worker process).

use std::iter::Sum;
use std::ops::Add;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Gil, GilStats, PyThread, ThreadStats};

/// A variant's GIL counters, summed over its GILs and their threads.
///
/// A comparison prints these next to each variant's time: one GIL shared by two
/// CPU-bound threads switches and forces drops all the time; two threads with a GIL each
/// never do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GilCounters {
    /// How many separate GILs there were.
    pub gils: u64,
    /// How many Python threads took part, over all the GILs.
    pub threads: u64,
    /// How many times a GIL went to a thread other than its last holder. A thread's
    /// first take counts too: one GIL with one thread has switched once.
    pub switches: u64,
    /// How many times a holder dropped a GIL because a waiter asked ("forced").
    pub forced_drops: u64,
    /// How many times a thread released a GIL of its own accord, in `allow_threads`.
    pub releases: u64,
    /// Bytecode boundaries passed ([`PyThread::tick`] calls), all threads together.
    pub ticks: u64,
    /// Time threads spent waiting to take a GIL, all threads together.
    pub waited: Duration,
}

impl GilCounters {
    /// The counters of one GIL whose threads have all ended (a thread's own counters reach
    /// [`Gil::stats`] when its [`PyThread`] is dropped).
    pub fn of(stats: &GilStats) -> GilCounters {
        let threads = stats.threads.iter().map(GilCounters::of_thread).sum();
        GilCounters {
            gils: 1,
            switches: stats.switches,
            ..threads
        }
    }

    /// The counters of `gil` while `py`, its only thread, still runs: a worker process
    /// reports these after each job, long before its thread ends.
    pub fn of_running(gil: &Gil, py: &PyThread<'_>) -> GilCounters {
        GilCounters {
            gils: 1,
            switches: gil.stats().switches,
            ..GilCounters::of_thread(py.stats())
        }
    }

    /// One thread's share: everything but the GIL-wide counts.
    fn of_thread(thread: &ThreadStats) -> GilCounters {
        GilCounters {
            gils: 0,
            threads: 1,
            switches: 0,
            forced_drops: thread.forced_drops,
            releases: thread.releases,
            ticks: thread.ticks,
            waited: thread.waited,
        }
    }
}

impl Add for GilCounters {
    type Output = GilCounters;

    fn add(self, other: GilCounters) -> GilCounters {
        GilCounters {
            gils: self.gils + other.gils,
            threads: self.threads + other.threads,
            switches: self.switches + other.switches,
            forced_drops: self.forced_drops + other.forced_drops,
            releases: self.releases + other.releases,
            ticks: self.ticks + other.ticks,
            waited: self.waited + other.waited,
        }
    }
}

impl Sum for GilCounters {
    fn sum<I: Iterator<Item = GilCounters>>(iter: I) -> GilCounters {
        iter.fold(GilCounters::default(), Add::add)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::thread;

    use super::*;

    #[test]
    fn one_gil_two_threads_add_up() {
        let gil = Gil::default();
        thread::scope(|s| {
            for name in ["A", "B"] {
                let gil = &gil;
                s.spawn(move || {
                    let mut py = gil.attach(name);
                    py.tick();
                    py.allow_threads(|| ());
                });
            }
        });
        let counters = GilCounters::of(&gil.stats());
        assert_eq!(counters.gils, 1);
        assert_eq!(counters.threads, 2);
        assert_eq!((counters.releases, counters.ticks), (2, 2));
        assert!(counters.switches >= 2, "{counters:?}");
    }

    #[test]
    fn a_running_thread_is_counted_and_sums_add_gils() {
        let gil = Gil::default();
        let mut py = gil.attach("main");
        py.allow_threads(|| ());
        let running = GilCounters::of_running(&gil, &py);
        assert_eq!((running.gils, running.threads, running.releases), (1, 1, 1));
        assert_eq!(running.switches, 1);
        let total: GilCounters = [running, running].into_iter().sum();
        assert_eq!((total.gils, total.threads, total.switches), (2, 2, 2));
        assert_eq!(total.waited, running.waited * 2);
    }
}
