//! increments per second: one Mutex, one atomic, per-thread counters, false sharing and CachePadded, on 1 and 2 threads
//!
//!     cargo run --release -p gil --bin contention
//!     cargo run --release -p gil --bin contention -- --threads 1,2,4 --increments 2000000
//!
//! Fluent Python's "contention", measured: threads count into one `Mutex<u64>`, one
//! `AtomicU64`, one counter each but all in one cache line (false sharing), one counter
//! each in a cache line of its own (`CachePadded`), or local counters added up at the end.
//! What to look for: on 1 thread every way is fast, the `Mutex` slowest. On 2 threads, the
//! more the threads share, the slower they count (speedup is against the `Mutex` on as
//! many threads): the shared atomic and the adjacent slots are about as slow, since their
//! cache line is shared; padding gives each thread its speed back; local counters, with no
//! atomic instruction, are fastest. Every total is checked. Build with `--release`.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
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
    common::exit_code("contention", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (increments, json) = (args.increments, args.json);
    let mut report = Report::new("contention").json(json);
    for &threads in &args.threads {
        let threads = threads as usize;
        let expected = threads as u64 * increments;
        let workload = format!("{threads} thread{}", if threads == 1 { "" } else { "s" });
        let mut comparison = Comparison::new(&workload)
            .title(format!("{workload}, {increments} increments each:"))
            .rounds(args.runs as usize)
            .expect(expected);
        for counter in Counter::ALL {
            comparison = comparison.variant_run(counter.name(), threads, move || {
                // The threads time themselves, from the moment they all start together.
                let (total, took) = count(counter, threads, increments);
                let per_second = expected as f64 / took.as_secs_f64();
                // The JSON keeps the figure; the table shows millions, easier to read.
                let run = Run::new(total).took(took);
                Ok(if json {
                    run.extra("increments_per_s", per_second.round())
                } else {
                    run.extra("M incr/s", per_second / 1e6)
                })
            });
        }
        comparison.run(&mut report)?;
    }
    // Every row is compared with the Mutex on as many threads.
    report.baseline_variant(Counter::Mutex.name());
    report.note("Speedup: against one Mutex<u64> on as many threads.");
    if let Some(most) = report.rows().iter().map(|row| row.workers).max() {
        let mut rows: Vec<_> = report.rows().iter().filter(|r| r.workers == most).collect();
        rows.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        let ranking: Vec<&str> = rows.iter().map(|row| row.variant.as_str()).collect();
        let ranking = format!("  {}", ranking.join("  >  "));
        report.note(format!(
            "\nMeasured on {most} thread(s), fastest first:\n{ranking}\n"
        ));
    }
    report.note(
        "Why, from the fastest:\n  \
         - per-thread counters share nothing and need no atomic instruction;\n  \
         - CachePadded slots: an atomic add each, but each in a cache line of its own,\n    \
           which stays in its core's cache: no thread ever waits for another;\n  \
         - one AtomicU64 and adjacent slots: every add must first fetch the cache line\n    \
           from the other core. The adjacent slots share no counter, only the line, and\n    \
           pay just as much: that is false sharing;\n  \
         - one Mutex<u64>: a lock and an unlock per increment, both on a shared line, and\n    \
           a thread that finds the lock taken may go to sleep and must be woken.\n  \
         (On 1 thread nothing is contended: the rows differ only by the instructions.)",
    );
    Ok(report.finish()?)
}
