//! The convoy effect (David Beazley, 2010), for `gil_convoy`: an I/O thread that does many
//! short operations next to a CPU-bound thread waits about a switch interval for the GIL
//! after every one of them.
//!
//! Why: the I/O thread releases the GIL for its I/O, and the CPU thread, which was waiting,
//! takes it at once. The CPU thread never lets go by itself (it never blocks), so when the
//! I/O is done the I/O thread must wait a whole switch interval before it may even set the
//! drop request, and only then does the CPU thread drop the GIL at its next tick. However
//! fast the I/O, each operation costs about one interval: 5 ms, 200 operations a second.
//!
//! [`run`] plays this out with the I/O operation as a parameter: the program sleeps, a
//! test waits until the CPU thread has really taken the GIL, which makes the counts exact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::io::Parsed;
use crate::{Gil, ThreadStats, work};

/// The CPU-bound thread's name: its row in a timeline and in [`crate::GilStats`].
pub const CPU_THREAD: &str = "CPU thread";
/// The I/O thread's name.
pub const IO_THREAD: &str = "I/O thread";

/// Hash rounds of Python work after each I/O operation, under the GIL: a few microseconds
/// of handling the answer.
pub const HANDLE_ROUNDS: u64 = 10;

/// Hash rounds the CPU thread does between two looks at its stop flag (each round is a
/// tick, where it honours drop requests).
const CPU_ROUNDS_PER_CHECK: u64 = 100;

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvoyRun {
    /// Each operation's latency: from the start of its I/O to the end of its work under
    /// the GIL, waiting for the GIL included.
    pub latencies: Vec<Duration>,
    /// Each operation's answer: `hash_me(&chain_start(op), HANDLE_ROUNDS)`.
    pub answers: Vec<Parsed>,
    /// Wall time of all the operations together.
    pub elapsed: Duration,
    /// The I/O thread's counters.
    pub io: ThreadStats,
    /// The CPU thread's counters, when there was one.
    pub cpu: Option<ThreadStats>,
    /// How many times the GIL changed hands.
    pub switches: u64,
}

/// Runs `ops` operations on an I/O thread under `gil`, alone or (`with_cpu`) next to a
/// CPU-bound thread that hashes for as long as the I/O thread runs. Each operation is
/// `io()` with the GIL released, then [`HANDLE_ROUNDS`] rounds of work under the GIL.
///
/// The CPU thread starts first and holds the GIL when the I/O thread starts, so the I/O
/// thread's very first take of the GIL already needs a drop request.
pub fn run(gil: &Gil, ops: u64, with_cpu: bool, io: impl Fn() + Sync) -> ConvoyRun {
    let stop = AtomicBool::new(false);
    let measured = thread::scope(|s| {
        if with_cpu {
            let (holding_tx, holding_rx) = mpsc::channel();
            s.spawn(|| cpu_thread(gil, &stop, holding_tx));
            holding_rx.recv().expect("the CPU thread started");
        }
        let measured = s.spawn(|| io_thread(gil, ops, &io)).join();
        // Stop the CPU thread whatever happened: the end of the scope waits for it.
        stop.store(true, Ordering::Relaxed);
        measured
    });
    let (latencies, answers, elapsed) = measured.expect("the I/O thread panicked");
    let stats = gil.stats();
    let thread = |name| stats.thread(name).cloned();
    ConvoyRun {
        latencies,
        answers,
        elapsed,
        io: thread(IO_THREAD).expect("the I/O thread has ended"),
        cpu: thread(CPU_THREAD),
        switches: stats.switches,
    }
}

/// The CPU-bound thread: takes the GIL, says so on `holding`, then hashes until `stop`,
/// with a tick before every round. It never blocks, so it never lets go of the GIL by
/// itself: only a drop request, honoured at a tick, takes the GIL away from it.
// ANCHOR: cpu_thread
fn cpu_thread(gil: &Gil, stop: &AtomicBool, holding: mpsc::Sender<()>) {
    let mut py = gil.attach(CPU_THREAD);
    holding.send(()).expect("run waits for this");
    let mut chain = 0;
    while !stop.load(Ordering::Relaxed) {
        let digest = work::hash_chain(&mut py, chain, CPU_ROUNDS_PER_CHECK);
        std::hint::black_box(digest);
        chain += 1;
    }
}
// ANCHOR_END: cpu_thread

/// The I/O thread: `ops` times, `io()` with the GIL released, then a little work that
/// needs it back. Returns each operation's latency and answer, and the total time.
fn io_thread(gil: &Gil, ops: u64, io: &impl Fn()) -> (Vec<Duration>, Vec<Parsed>, Duration) {
    // ANCHOR: io_thread
    let mut py = gil.attach(IO_THREAD);
    let started = Instant::now();
    let (mut latencies, mut answers) = (Vec::new(), Vec::new());
    for op in 0..ops {
        let op_started = Instant::now();
        py.allow_threads(io); // the I/O, with the GIL released
        // A little work on the answer, which needs the GIL back.
        answers.push(work::hash_chain(&mut py, op, HANDLE_ROUNDS));
        latencies.push(op_started.elapsed());
    }
    (latencies, answers, started.elapsed())
    // ANCHOR_END: io_thread
}

impl ConvoyRun {
    /// The median latency.
    pub fn median(&self) -> Duration {
        self.percentile(50.0)
    }

    /// The 99th percentile latency: 99 % of the operations took at most this long.
    pub fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    /// Operations per second, over the whole run.
    pub fn ops_per_s(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which `p` percent of the operations fall (nearest rank: the
    /// smallest latency with at least `p` % of them at or below it). Zero with no
    /// operations.
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
        sorted
            .get(rank.clamp(1, sorted.len().max(1)) - 1)
            .copied()
            .unwrap_or_default()
    }
}
