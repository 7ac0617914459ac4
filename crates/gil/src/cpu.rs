//! The tech talk's twenty hash chains under the GIL, four ways: the library behind `gil_cpu`.
//!
//! The tech talk ("What to do if a single thread is not enough") times `hash_me(500_000)`
//! twenty times, first one after the other, then on threads ("threads should make it
//! faster! … What?"), then on processes. Here each way is a function, and every one of them hashes through the same ticked kernel,
//! [`work::hash_chain`], so they differ only in who holds which GIL:
//!
//! - [`run_serial`]: one thread, one GIL;
//! - [`run_gil_threads`]: N threads sharing **one** GIL, as CPython's threads do;
//! - [`run_threads`]: the same threads, each with a GIL of its own: no lock to share, what
//!   free-threaded CPython (3.13t, PEP 703) aims for;
//! - [`run_processes`]: a [`ProcessPool`] whose every worker process has its own GIL, as
//!   each of Python's worker processes has its own interpreter.
//!
//! The threads take chains from one shared queue, as Python's thread pools do: a thread
//! that finishes early takes the next chain.

use std::collections::HashMap;
use std::error::Error;
use std::thread;
use std::time::Duration;

use common::hashes::{DIGEST_LEN, HASH_ME_CHAINS, HASH_ME_ITERATIONS};
use common::process::ProcessError;
use crossbeam::channel::{self, Receiver};
use pipes::pool;
use serde::{Deserialize, Serialize};

use crate::counters::GilCounters;
use crate::{Gil, PyThread, work};

/// The last digest of a chain: what each chain computes, compared variant by variant.
pub type Digest = [u8; DIGEST_LEN];

/// One of the twenty chains: `hash_me` from the start of chain number `chain`, `rounds`
/// rounds. Plain data, so that it can be sent to a worker process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    /// Which chain: it starts from `common::hashes::chain_start(chain)`.
    pub chain: u64,
    /// How many SHA-256 rounds: 500 000 in the Python original.
    pub rounds: u64,
}

impl Chain {
    /// Hashes the chain on `py`'s thread, which must hold the GIL: one tick per round.
    pub fn run(self, py: &mut PyThread<'_>) -> Digest {
        work::hash_chain(py, self.chain, self.rounds)
    }
}

/// The tech talk's twenty `hash_me` chains of 500 000 rounds, the rounds multiplied by `scale` (rounded,
/// at least one).
pub fn chains(scale: f64) -> Vec<Chain> {
    let rounds = ((HASH_ME_ITERATIONS as f64 * scale).round() as u64).max(1);
    (0..HASH_ME_CHAINS)
        .map(|chain| Chain { chain, rounds })
        .collect()
}

/// What one run of a variant gives back besides its time.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// One digest per chain, in chain order.
    pub digests: Vec<Digest>,
    /// Threads (or worker processes) that did the hashing.
    pub workers: usize,
    /// What its GILs went through, all added up.
    pub gil: GilCounters,
}

/// The baseline: every chain in turn, on one thread holding its own GIL.
pub fn run_serial(chains: &[Chain], switch_interval: Duration) -> Run {
    let gil = Gil::new(switch_interval);
    let digests = {
        let mut py = gil.attach("MainThread");
        chains.iter().map(|chain| chain.run(&mut py)).collect()
    }; // `py` ends here: it releases the GIL and hands its counters to it.
    Run {
        digests,
        workers: 1,
        gil: GilCounters::of(&gil.stats()),
    }
}

/// `threads` threads sharing one GIL, `gil`: each attaches to it (waiting its turn) and
/// hashes chains from the shared queue until the queue is empty.
///
/// Only the thread holding the GIL hashes; the others sleep in `take_gil`. After a switch
/// interval a sleeper asks for the GIL, and the holder drops it at its next tick (a forced
/// drop): the threads take turns, and together they are no faster than one.
// ANCHOR: gil_threads
pub fn run_gil_threads(chains: &[Chain], threads: usize, gil: Gil) -> Run {
    let queue = queue_of(chains);
    let done = thread::scope(|s| {
        let handles: Vec<_> = (1..=threads)
            .map(|t| {
                let (gil, queue) = (&gil, &queue);
                s.spawn(move || {
                    let mut py = gil.attach(format!("Thread-{t}"));
                    hash_from_queue(&mut py, queue)
                })
            })
            .collect();
        join_all(handles)
    });
    Run {
        digests: in_chain_order(done),
        workers: threads,
        gil: GilCounters::of(&gil.stats()),
    }
}
// ANCHOR_END: gil_threads

/// The same threads and queue, but each thread creates a GIL of its own: nobody ever
/// waits for anybody, and the threads hash on every core at once.
pub fn run_threads(chains: &[Chain], threads: usize, switch_interval: Duration) -> Run {
    let queue = queue_of(chains);
    let per_thread = thread::scope(|s| {
        let handles: Vec<_> = (1..=threads)
            .map(|t| {
                let queue = &queue;
                // ANCHOR: threads
                s.spawn(move || {
                    // This thread's own GIL.
                    let gil = Gil::new(switch_interval);
                    let done = {
                        let mut py = gil.attach(format!("Thread-{t}"));
                        hash_from_queue(&mut py, queue)
                    };
                    (done, GilCounters::of(&gil.stats()))
                })
                // ANCHOR_END: threads
            })
            .collect();
        join_all(handles)
    });
    let (done, counters): (Vec<_>, Vec<_>) = per_thread.into_iter().unzip();
    Run {
        digests: in_chain_order(done),
        workers: threads,
        gil: counters.into_iter().sum(),
    }
}

/// Every chain, with its position, in a queue that is already closed: a thread that finds
/// it empty is done. (In Python: a `queue.Queue` filled before the threads start.)
fn queue_of(chains: &[Chain]) -> Receiver<(usize, Chain)> {
    let (sender, receiver) = channel::unbounded();
    for job in chains.iter().copied().enumerate() {
        sender.send(job).expect("the receiver is still here");
    }
    receiver // `sender` is dropped here: the queue is closed
}

/// One thread's loop: take a chain, hash it, until the queue is empty. The queue never
/// blocks (it is full, then closed), so the thread keeps the GIL except when asked for it.
fn hash_from_queue(
    py: &mut PyThread<'_>,
    queue: &Receiver<(usize, Chain)>,
) -> Vec<(usize, Digest)> {
    queue
        .iter()
        .map(|(position, chain)| (position, chain.run(py)))
        .collect()
}

/// Waits for every thread and collects what they returned.
fn join_all<T>(handles: Vec<thread::ScopedJoinHandle<'_, T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|handle| handle.join().expect("hashing does not panic"))
        .collect()
}

/// The digests of all threads, put back in chain order (each thread took whichever chains
/// were next when it came back to the queue).
fn in_chain_order(threads_done: Vec<Vec<(usize, Digest)>>) -> Vec<Digest> {
    let mut done: Vec<(usize, Digest)> = threads_done.into_iter().flatten().collect();
    done.sort_unstable_by_key(|&(position, _)| position);
    done.into_iter().map(|(_, digest)| digest).collect()
}

/// What a worker process sends back for each chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    /// The chain's last digest.
    pub digest: Digest,
    /// The worker's process id, to tell the workers' counters apart.
    pub pid: u32,
    /// The worker's GIL so far (counted since the process started, not per chain).
    pub gil: GilCounters,
}

/// A [`run_processes`] run: the chains' digests and counters, and its time in parts.
#[derive(Debug)]
pub struct ProcessRun {
    /// The digests, in chain order, and the workers' GIL counters added up.
    pub run: Run,
    /// Starting the pool: spawning every worker and waiting for each to connect.
    pub startup: Duration,
    /// Handing out the chains and collecting the digests.
    pub work: Duration,
    /// Everything, closing the pool included.
    pub total: Duration,
}

/// A [`ProcessPool`] of `processes` workers, each this program started again in `role`
/// (its `main` hands that role to [`serve`] before parsing flags). Every worker has its
/// own GIL, so they hash in parallel, after paying to start.
pub fn run_processes(
    chains: &[Chain],
    processes: usize,
    role: &str,
) -> Result<ProcessRun, Box<dyn Error>> {
    let timed = pool::map_timed::<Chain, Reply>(role, processes, chains)?;
    let replies = timed.outputs;
    // A reply carries its worker's counters so far, and `map` returns the replies in chain
    // order, the order each worker ran its chains: a worker's last reply has its totals.
    let last: HashMap<u32, GilCounters> = replies.iter().map(|r| (r.pid, r.gil)).collect();
    let digests = replies.iter().map(|reply| reply.digest).collect();
    Ok(ProcessRun {
        run: Run {
            digests,
            workers: processes,
            gil: last.into_values().sum(),
        },
        startup: timed.startup,
        work: timed.work,
        total: timed.total,
    })
}

/// A worker process's whole life: one GIL, held by the process's one thread, and a
/// [`Reply`] for every chain the parent sends, until it closes the channel.
///
/// Nobody else ever asks for this GIL, so its switch interval never comes into play:
/// the default will do.
pub fn serve() -> Result<(), ProcessError> {
    let gil = Gil::default();
    let mut py = gil.attach("MainThread");
    pool::serve(|chain: Chain| Reply {
        digest: chain.run(&mut py),
        pid: std::process::id(),
        gil: GilCounters::of_running(&gil, &py),
    })
}

#[cfg(all(test, not(loom)))]
mod tests {
    use common::hashes::{chain_start, hash_me};

    use super::*;

    const INTERVAL: Duration = Duration::from_micros(100);

    #[test]
    fn scale_one_is_the_python_original_and_never_reaches_zero() {
        let at_one = chains(1.0);
        assert_eq!(at_one.len(), 20);
        assert!(at_one.iter().all(|c| c.rounds == 500_000));
        assert_eq!(at_one[7].chain, 7);
        assert_eq!(chains(0.01)[0].rounds, 5_000);
        assert_eq!(chains(1e-9)[0].rounds, 1);
    }

    #[test]
    fn every_thread_variant_gives_the_common_kernels_digests() {
        let chains = chains(0.002);
        let expected: Vec<Digest> = chains
            .iter()
            .map(|c| hash_me(&chain_start(c.chain), c.rounds))
            .collect();
        assert_eq!(run_serial(&chains, INTERVAL).digests, expected);
        for threads in [1, 2, 3, 25] {
            let shared = run_gil_threads(&chains, threads, Gil::new(INTERVAL));
            assert_eq!(shared.digests, expected, "gil-threads, {threads}");
            assert_eq!(shared.gil.threads, threads as u64);
            let own = run_threads(&chains, threads, INTERVAL);
            assert_eq!(own.digests, expected, "threads, {threads}");
            assert_eq!((own.gil.gils, own.gil.forced_drops), (threads as u64, 0));
        }
    }

    #[test]
    fn one_thread_on_its_own_gil_is_never_asked_to_drop() {
        let run = run_serial(&chains(0.002), INTERVAL);
        assert_eq!(run.gil.gils, 1);
        assert_eq!(run.gil.switches, 1, "taken once, by its only thread");
        assert_eq!(run.gil.forced_drops, 0);
    }
}
