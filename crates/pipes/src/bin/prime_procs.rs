//! a pool of worker processes checks the numbers of Fluent Python's `procs.py`, results as they finish, then `N checks in T s`
//!
//! The parent starts N worker processes (this program again, in a worker role), keeps the
//! numbers in its own queue, and gives each worker its next number when it answers the
//! last. A line is printed as each answer arrives; `P` marks a prime, and the time is
//! measured inside the worker, around the check alone.
//!
//!     cargo run -p pipes --bin prime_procs
//!     cargo run -p pipes --bin prime_procs -- --workers 1
//!     cargo run -p pipes --bin prime_procs -- --order largest-first --timeline procs.svg
//!     cargo run -p pipes --bin prime_procs -- 2099999999999999971 29999999999999989
//!
//! What to look for: the lines come in the order the checks *finished*, the cheap numbers
//! first, whatever their place in the list. How much faster two processes are than one is
//! the question of `prime_procs_speedup`.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use common::process;
use common::timeline::Timeline;
use pipes::pool::{ProcessPool, WorkerId};
use pipes::prime_jobs::{self, NumberSet, Order, WORKER};

/// Check whether numbers are prime in a pool of worker processes (Fluent Python's procs.py).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker processes to start [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,
    /// Which numbers to check
    #[arg(long, value_enum, default_value_t = NumberSet::ProcsPy)]
    numbers: NumberSet,
    /// The order in which the numbers are queued
    #[arg(long, value_enum, default_value_t = Order::Given)]
    order: Order,
    /// Check these numbers instead of a --numbers set
    #[arg(value_name = "NUMBER", conflicts_with = "numbers")]
    custom: Vec<u64>,
    /// Draw which worker checked which number, and when, into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([prime_jobs::worker_role()]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("prime_procs", check_numbers(&args))
}

/// The program of `procs.py`: one line per number as results arrive, then the total.
fn check_numbers(args: &Args) -> Result<(), Box<dyn Error>> {
    let workers = args
        .workers
        .map_or_else(common::default_workers, usize::from);
    let numbers = if args.custom.is_empty() {
        args.numbers.numbers().into_iter().map(|(n, _)| n).collect()
    } else {
        args.custom.clone()
    };
    let numbers = args.order.arrange(numbers, |&n| n);
    println!(
        "Checking {} numbers with {workers} processes:",
        numbers.len()
    );
    let timeline = Timeline::new(); // its zero is now, when the processes start
    let started = Instant::now();
    // ANCHOR: start
    let mut pool = ProcessPool::<u64, bool>::start(WORKER, workers)?;
    // ANCHOR_END: start
    for (index, pid) in pool.pids().into_iter().enumerate() {
        // A row per worker, in order.
        timeline.mark(WorkerId { index, pid }.to_string(), "ready");
    }
    // ANCHOR: results
    let mut checked = 0;
    for result in pool.run(numbers.iter().copied()) {
        let n = numbers[result.job];
        match (&result.outcome, result.elapsed()) {
            (Ok(prime), Some(elapsed)) => {
                println!("{}", line(n, *prime, elapsed));
                checked += 1;
            }
            // A worker died with this number in its hands: say so, and
            // carry on.
            _ => eprintln!("{n}: {result}"),
        }
        if let (Some(id), Some(span)) = (result.worker, result.span_ns) {
            timeline.record(id.to_string(), n.to_string(), span.0, span.1);
        }
    }
    println!(
        "{checked} checks in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    pool.shutdown();
    // ANCHOR_END: results
    let title = format!(
        "prime_procs: {} numbers, {workers} worker processes",
        numbers.len()
    );
    timeline.save_if_asked(args.timeline.as_deref(), &title)?;
    match numbers.len() - checked {
        0 => Ok(()),
        failed => Err(format!("{failed} of {} numbers were not checked", numbers.len()).into()),
    }
}

/// `f'{n:16}  {label} {elapsed:9.6f}s'`, as in `procs.py`.
fn line(n: u64, prime: bool, elapsed: Duration) -> String {
    let label = if prime { 'P' } else { ' ' };
    format!("{n:16}  {label} {:9.6}s", elapsed.as_secs_f64())
}
