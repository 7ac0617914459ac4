//! Seed 001's `PRIMES` checked three ways: our thread pool, a process pool, and rayon.
//!
//! The Python original hands `is_prime` and its list of big numbers to a
//! `ProcessPoolExecutor` and prints `executor.map`'s answers, which come back in the order
//! the numbers were submitted, whichever finished first. This program does the same with
//! three executors in turn:
//!
//! - `pools::thread_pool::ThreadPool`, the small executor of this chapter (`map`);
//! - `pipes::pool::ProcessPool`, worker processes that are this program started again;
//! - rayon, `par_iter().map(...)` inside a pool of the same size.
//!
//! Run it with:
//!
//!     cargo run -p pools --bin prime_pool
//!     cargo run -p pools --bin prime_pool -- --workers 1
//!     cargo run --release -p pools --bin prime_pool -- --json
//!
//! What to look for: the three transcripts are identical, number for number, and in the
//! order of the list (the repeated number included); the last number is composite. The
//! program then checks every answer against the known ones, prints
//! `all three agree with the known answers`, and times each executor (with a serial run
//! as the baseline). Checking six numbers is little work, so the process pool's start-up
//! shows in its time. If any answer differed the program would say which and exit with 1.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::measure;
use common::primes::{self, PRIMES, PRIMES_ARE_PRIME};
use common::process;
use common::report::Report;
use pipes::pool::{self, ProcessPool};
use pools::thread_pool::ThreadPool;
use rayon::prelude::*;

/// Check seed 001's PRIMES with a thread pool, a process pool and rayon.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads or processes in each pool [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,

    /// Print only the timing rows, as JSON lines (for scripts/bench)
    #[arg(long)]
    json: bool,
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "prime-pool-worker";

fn main() -> ExitCode {
    // A worker's command line is the hidden role, not our flags: check for it before clap.
    if let Some(role) = process::child_role() {
        if role != WORKER {
            eprintln!("prime_pool: unknown role {role}");
            return ExitCode::FAILURE;
        }
        return common::exit_code("prime worker", pool::serve(primes::is_prime));
    }
    let args = Args::parse();
    let workers = args
        .workers
        .map_or_else(default_workers, usize::from)
        .min(PRIMES.len());
    match run(workers, args.json) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The answers of one executor, in the order of `PRIMES`, and how long it took.
struct Checked {
    variant: &'static str,
    title: String,
    answers: Vec<bool>,
    seconds: f64,
    /// Extra measurements for the table (the process pool's start-up).
    startup_s: Option<f64>,
}

// ANCHOR: executors
/// The thread pool of this chapter: `map` submits every number at once and yields the
/// answers in submission order, like Python's `executor.map`.
fn with_thread_pool(workers: usize) -> Result<Vec<bool>, Box<dyn Error>> {
    let pool = ThreadPool::new(workers);
    let answers = pool
        .map(primes::is_prime, PRIMES)
        .collect::<Result<_, _>>()?;
    Ok(answers)
} // dropping the pool waits for its threads: Python's `with` block

/// Worker processes, each this program in the `WORKER` role; `map` also returns the
/// answers in submission order.
fn with_process_pool(workers: usize) -> Result<(Vec<bool>, f64), Box<dyn Error>> {
    let (pool, startup) = measure::time(|| ProcessPool::<u64, bool>::start(WORKER, workers));
    let mut pool = pool?;
    let answers = pool.map(PRIMES).into_iter().collect::<Result<_, _>>()?;
    pool.shutdown();
    Ok((answers, startup.as_secs_f64()))
}

/// rayon: a pool of the same size, and `par_iter`; `collect` keeps the list's order.
fn with_rayon(workers: usize) -> Result<Vec<bool>, Box<dyn Error>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    Ok(pool.install(|| PRIMES.par_iter().map(|&n| primes::is_prime(n)).collect()))
}
// ANCHOR_END: executors

// ANCHOR: run
/// Runs the three executors, prints their transcripts, checks them against the known
/// answers, then prints the timings. Returns whether every answer was right.
fn run(workers: usize, json: bool) -> Result<bool, Box<dyn Error>> {
    common::warn_if_debug!();
    let (serial, took) = measure::time(|| PRIMES.map(primes::is_prime).to_vec());
    let mut runs = vec![Checked {
        variant: "serial",
        title: "serially".to_string(),
        answers: serial,
        seconds: took.as_secs_f64(),
        startup_s: None,
    }];

    let (answers, took) = measure::time(|| with_thread_pool(workers));
    runs.push(Checked {
        variant: "threads",
        title: format!("with a thread pool of {workers} threads"),
        answers: answers?,
        seconds: took.as_secs_f64(),
        startup_s: None,
    });

    let (outcome, took) = measure::time(|| with_process_pool(workers));
    let (answers, startup) = outcome?;
    runs.push(Checked {
        variant: "processes",
        title: format!("with a process pool of {workers} processes"),
        answers,
        seconds: took.as_secs_f64(),
        startup_s: Some(startup),
    });

    let (answers, took) = measure::time(|| with_rayon(workers));
    runs.push(Checked {
        variant: "rayon",
        title: format!("with rayon, {workers} threads"),
        answers: answers?,
        seconds: took.as_secs_f64(),
        startup_s: None,
    });

    // The transcripts: the serial run is only the baseline of the timings.
    if !json {
        for checked in &runs[1..] {
            println!("Checking {} numbers {}:", PRIMES.len(), checked.title);
            for (n, prime) in PRIMES.iter().zip(&checked.answers) {
                println!("{n} is prime: {prime}");
            }
            println!();
        }
    }

    let mut all_right = true;
    for checked in &runs {
        for ((n, answer), known) in PRIMES.iter().zip(&checked.answers).zip(PRIMES_ARE_PRIME) {
            if *answer != known {
                eprintln!(
                    "{}: {n} is prime: {answer}, but it is {known}",
                    checked.variant
                );
                all_right = false;
            }
        }
    }
    if all_right && !json {
        println!("all three agree with the known answers");
        println!();
    }

    let mut report = Report::new("prime_pool");
    for checked in &runs {
        let used = if checked.variant == "serial" {
            1
        } else {
            workers
        };
        let ok = checked.answers == PRIMES_ARE_PRIME;
        let row = report.add("primes", checked.variant, used, checked.seconds, ok);
        if let Some(startup) = checked.startup_s {
            row.extra("startup_s", (startup * 10_000.0).round() / 10_000.0);
        }
    }
    report.print(json);
    Ok(all_right && report.all_ok())
}
// ANCHOR_END: run
