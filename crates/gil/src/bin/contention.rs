//! Contention (seed 002): increments per second when threads count into one `Mutex<u64>`,
//! into one `AtomicU64`, into one counter each but all in one cache line (false sharing),
//! into one counter each in cache lines of their own (`CachePadded`), or into local
//! counters added up at the end.
//!
//!     cargo run --release -p gil --bin contention
//!     cargo run --release -p gil --bin contention -- --threads 1,2,4 --increments 2000000
//!     cargo run --release -p gil --bin contention -- --json
//!
//! What to look for: on 1 thread every way is fast, the `Mutex` slowest (a lock and an
//! unlock per increment). On 2 threads, the more the threads share, the slower they
//! count: the speedup column (against the `Mutex` on as many threads) grows down the
//! table. The shared atomic and the adjacent slots count at about the same rate, far below
//! what one thread does alone: no counter is shared in the second, but their cache line
//! is, and that is what costs. Padding the slots apart gives each thread its full speed
//! back; local counters, which need no atomic instruction, are the fastest of all. Every
//! total is checked (the `ok` column); each figure is the fastest of `--runs` runs. Build
//! with `--release`: a debug build times its own overflow checks.

use std::process::ExitCode;

use clap::Parser;
use common::report::Report;
use gil::contention::{Counter, MAX_THREADS, count};

/// Increments per second: one Mutex, one atomic, false sharing, CachePadded, per-thread.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Thread counts to measure, e.g. `1,2,4`
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_value = "1,2",
          value_parser = clap::value_parser!(u64).range(1..=MAX_THREADS as u64))]
    threads: Vec<u64>,

    /// Increments done by each thread, in each run
    #[arg(long, value_name = "N", default_value_t = 5_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    increments: u64,

    /// Runs of each row; the fastest is reported (the others met a busier machine)
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=100))]
    runs: u64,

    /// Print JSON lines (one per row) instead of the table
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    let mut report = Report::new("contention");
    for &threads in &args.threads {
        let threads = threads as usize;
        let workload = format!("{threads} thread{}", if threads == 1 { "" } else { "s" });
        let expected = threads as u64 * args.increments;
        for counter in Counter::ALL {
            // ANCHOR: fastest
            // The fastest of the runs, and whether every run counted exactly.
            let (seconds, ok) = (0..args.runs)
                .map(|_| count(counter, threads, args.increments))
                .fold((f64::INFINITY, true), |(best, ok), (total, elapsed)| {
                    (best.min(elapsed.as_secs_f64()), ok && total == expected)
                });
            // ANCHOR_END: fastest
            let per_second = expected as f64 / seconds;
            let row = report.add(&workload, counter.name(), threads, seconds, ok);
            // The JSON keeps the exact figure; the table shows millions, easier to read.
            if args.json {
                row.extra("increments_per_s", per_second.round());
            } else {
                row.extra("M incr/s", per_second / 1e6);
            }
        }
    }
    // Every row is compared with the Mutex on as many threads.
    report.baseline_variant(Counter::Mutex.name());
    if !args.json {
        println!(
            "{} increments per thread, fastest of {} runs; speedup against one Mutex<u64>:",
            args.increments, args.runs
        );
        println!();
    }
    report.print(args.json);
    if !args.json {
        print_ranking(&report);
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Under the table: the rows of the largest thread count, fastest first, as measured, then
/// why they come in that order.
fn print_ranking(report: &Report) {
    let Some(most) = report.rows().iter().map(|row| row.workers).max() else {
        return;
    };
    let mut rows: Vec<_> = report
        .rows()
        .iter()
        .filter(|row| row.workers == most)
        .collect();
    rows.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let ranking: Vec<&str> = rows.iter().map(|row| row.variant.as_str()).collect();
    println!();
    println!("Measured on {most} thread(s), fastest first:");
    println!("  {}", ranking.join("  >  "));
    println!();
    println!("Why, from the fastest:");
    println!("  - per-thread counters share nothing and need no atomic instruction;");
    println!("  - CachePadded slots: an atomic add each, but each in a cache line of its own,");
    println!("    which stays in its core's cache: no thread ever waits for another;");
    println!("  - one AtomicU64 and adjacent slots: every add must first fetch the cache line");
    println!("    from the other core. The adjacent slots share no counter, only the line, and");
    println!("    pay just as much: that is false sharing;");
    println!("  - one Mutex<u64>: a lock and an unlock per increment, both on a shared line, and");
    println!("    a thread that finds the lock taken may go to sleep and must be woken.");
    println!("  (On 1 thread nothing is contended: the rows differ only by the instructions.)");
}
