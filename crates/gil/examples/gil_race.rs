//! The chapter's exercise, solved: the GIL does not make `x += 1` atomic.
//!
//!     cargo run -p gil --example gil_race
//!     cargo run -p gil --example gil_race -- --threads 4 --increments 200000
//!
//! Python runs `x += 1` as several bytecodes: load `x`, add 1, store `x`. The GIL lets one
//! thread run at a time, but it can change hands *between* two bytecodes. Here each thread
//! does `--increments` increments of one shared counter under one GIL, three ways:
//!
//! 1. **three bytecodes**: load, tick, store. A forced switch at that tick stops a thread
//!    between its load and its store; when it runs again it stores its stale value + 1,
//!    and every increment the other threads made meanwhile is lost: a whole time slice of
//!    them per switch.
//! 2. **one bytecode**: load and store with no tick between them, then a tick. The GIL only
//!    changes hands between whole increments: none is lost. (That is why `x += 1` on a
//!    local `int` seems safe in practice, and why nothing promises it.)
//! 3. **with a lock**: the three bytecodes again, inside `with lock:` (a Mutex held from
//!    the load to the store). The GIL still changes hands at the tick, but the other
//!    threads cannot get at `x` until the store is done: none is lost.
//!
//! What to look for: in the first run "got" falls far short of "expected". With two
//! threads it is about one thread's share: a thread that resumes after a forced switch
//! stores its stale value + 1, wiping out all the other did meanwhile, so in effect each
//! thread counts only its own increments. Only forced switches lose updates: with no
//! switch at all (`--threads 1`) nothing is lost. The other two runs lose nothing,
//! although the GIL changes hands in them too; in the third, most hand-overs are a thread
//! that waits for the lock and releases the GIL to do so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::measure::fmt_duration;
use gil::{Gil, GilStats, PyThread};
use parking_lot::{Mutex, MutexGuard};

/// The GIL does not make `x += 1` atomic: a tick between load and store loses updates.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads incrementing the counter
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=16))]
    threads: u64,

    /// Increments per thread
    #[arg(long, value_name = "N", default_value_t = 5_000_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    increments: u64,

    /// The GIL's switch interval: short, so that the GIL changes hands often
    #[arg(long, value_name = "TIME", default_value = "100us",
          value_parser = gil::parse_switch_interval)]
    switch_interval: Duration,
}

/// `x += 1` as Python runs it: load, (add,) store, with a bytecode boundary in between.
/// The counter is an atomic used as a plain cell (a relaxed load, then a relaxed store):
/// well defined in Rust, and just as racy as Python's `x`.
// ANCHOR: racy
fn three_bytecodes(py: &mut PyThread<'_>, x: &AtomicU64, increments: u64) {
    for _ in 0..increments {
        let seen = x.load(Ordering::Relaxed); // LOAD x
        py.tick(); // the GIL may change hands here…
        x.store(seen + 1, Ordering::Relaxed); // …stores a stale value + 1
    }
}
// ANCHOR_END: racy

/// The same increment as one indivisible bytecode: no tick between load and store.
// ANCHOR: one_bytecode
fn one_bytecode(py: &mut PyThread<'_>, x: &AtomicU64, increments: u64) {
    for _ in 0..increments {
        let seen = x.load(Ordering::Relaxed);
        x.store(seen + 1, Ordering::Relaxed);
        py.tick(); // the GIL changes hands only between whole increments
    }
}
// ANCHOR_END: one_bytecode

/// `with lock: x += 1`: the three bytecodes again, with a Mutex (`threading.Lock`) held
/// from the load to the store.
// ANCHOR: with_lock
fn with_lock(py: &mut PyThread<'_>, x: &Mutex<u64>, increments: u64) {
    for _ in 0..increments {
        let mut x = acquire(py, x);
        let seen = *x;
        py.tick(); // the GIL may change hands; nobody else can reach `x`
        *x = seen + 1;
    }
}
// ANCHOR_END: with_lock

/// `lock.acquire()`, as CPython does it: try without waiting; if the lock is taken, wait
/// for it *with the GIL released*. Waiting while holding the GIL would deadlock: the
/// lock's owner needs the GIL to reach its store and let the lock go.
fn acquire<'a>(py: &mut PyThread<'_>, lock: &'a Mutex<u64>) -> MutexGuard<'a, u64> {
    // ANCHOR: acquire
    lock.try_lock()
        .unwrap_or_else(|| py.allow_threads(|| lock.lock()))
    // ANCHOR_END: acquire
}

/// Runs `increment` on every thread under a fresh GIL; returns the GIL's counters and the
/// forced drops that came while the threads were counting.
///
/// Every thread first waits at a start line until all of them have attached, ticking as
/// it waits so that the GIL goes round. Without it, the first thread could do all its
/// increments (a few milliseconds) before the last thread had even started, and there
/// would be nobody to race with.
fn run(args: &Args, increment: impl Fn(&mut PyThread<'_>, u64) + Sync) -> (GilStats, u64) {
    let gil = Gil::new(args.switch_interval);
    let attached = AtomicU64::new(0);
    let forced_while_counting = thread::scope(|s| {
        let threads: Vec<_> = (1..=args.threads)
            .map(|i| {
                let (gil, increment, attached) = (&gil, &increment, &attached);
                s.spawn(move || {
                    let mut py = gil.attach(format!("Thread-{i}"));
                    attached.fetch_add(1, Ordering::SeqCst);
                    while attached.load(Ordering::SeqCst) < args.threads {
                        py.tick(); // let the others in, to attach
                        std::hint::spin_loop();
                    }
                    let before = py.stats().forced_drops;
                    increment(&mut py, args.increments);
                    py.stats().forced_drops - before
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("counting does not panic"))
            .sum()
    });
    (gil.stats(), forced_while_counting)
}

/// Prints a variant's result, e.g. `expected 2000000, got 1000000: 1000000 lost; the GIL
/// changed hands 15 times, 13 forced while counting`. The hand-overs include those of the
/// start line, where no thread is between a load and a store.
fn report(title: &str, expected: u64, got: u64, (stats, forced): (GilStats, u64)) {
    println!("{title}");
    println!(
        "  expected {expected}, got {got}: {} lost; the GIL changed hands {} times, {forced} forced while counting",
        expected - got,
        stats.switches,
    );
}

fn main() {
    let args = Args::parse();
    let expected = args.threads * args.increments;
    println!(
        "{} threads × {} increments of one counter, under one GIL (switch interval {})\n",
        args.threads,
        args.increments,
        fmt_duration(args.switch_interval)
    );

    let x = AtomicU64::new(0);
    let (stats, forced) = run(&args, |py, n| three_bytecodes(py, &x, n));
    report(
        "x += 1 as three bytecodes (load; tick; store):",
        expected,
        x.into_inner(),
        (stats, forced),
    );
    if forced == 0 && args.threads > 1 {
        // The waiting thread must get a core to ask for the GIL; on a busy (or virtual)
        // machine it may not, for as long as one thread's whole count.
        println!(
            "  (no switch came while counting this time, so nothing could be lost: run it again)"
        );
    }

    let x = AtomicU64::new(0);
    let stats = run(&args, |py, n| one_bytecode(py, &x, n));
    report(
        "x += 1 as one bytecode (load; store; tick):",
        expected,
        x.into_inner(),
        stats,
    );

    let x = Mutex::new(0);
    let stats = run(&args, |py, n| with_lock(py, &x, n));
    report(
        "with lock: x += 1 (a Mutex held across load; tick; store):",
        expected,
        x.into_inner(),
        stats,
    );

    println!();
    println!("Each forced switch in the first run came between some thread's load and its");
    println!("store; that thread later stored its stale value + 1, undoing everything the");
    println!("others had added meanwhile. The GIL keeps the interpreter's own data safe,");
    println!("not your read-modify-write: that needs a lock (threading.Lock, a Mutex in Rust)");
    println!("or an atomic operation (fetch_add).");
}
