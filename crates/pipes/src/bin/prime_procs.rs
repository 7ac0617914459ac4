//! Seed 002's `procs.py`: checking primes in a pool of worker processes.
//!
//! The parent starts N worker processes (this binary again, in a worker role), keeps the
//! numbers in its own queue, and gives each worker its next number when it answers the
//! last one. A line is printed as each answer arrives, so the order of the lines is the
//! order in which the checks *finished*. `P` marks a prime; the time is measured inside
//! the worker, around the check alone.
//!
//!     cargo run -p pipes --bin prime_procs
//!     cargo run -p pipes --bin prime_procs -- --workers 1
//!     cargo run -p pipes --bin prime_procs -- --order largest-first --timeline procs.svg
//!     cargo run -p pipes --bin prime_procs -- 2099999999999999971 29999999999999989
//!     cargo run --release -p pipes --bin prime_procs -- --compare
//!
//! What to look for: the cheap numbers come back first, whatever their place in the
//! list. 3333333333333301 costs two thirds of all the work, so two processes finish in
//! about its time alone rather than the sum, and no number of cores can do better than
//! about 1.5×. `--compare` times 1 against 2 worker processes, checks every answer against
//! the known ones, and prints beside each speedup the bound the job sizes allow; a
//! balanced set of equal jobs gets close to 2×.

use std::cmp::Reverse;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use common::measure;
use common::primes::{self, NUMBERS, NUMBERS_ARE_PRIME, PRIMES, PRIMES_ARE_PRIME, PrimeCheck};
use common::process::{self, ProcessError};
use common::report::Report;
use common::timeline::Timeline;
use pipes::pool::{self, ProcessPool, WorkerId};

/// Check whether numbers are prime in a pool of worker processes (seed 002's procs.py).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker processes to start [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,

    /// Which numbers to check
    #[arg(long, value_enum, default_value_t = NumberSet::Seed002)]
    numbers: NumberSet,

    /// The order in which the numbers are queued
    #[arg(long, value_enum, default_value_t = Order::Given)]
    order: Order,

    /// Check these numbers instead of a --numbers set
    #[arg(value_name = "NUMBER", conflicts_with = "numbers")]
    custom: Vec<u64>,

    /// Time 1 against 2 worker processes on seed 002's numbers and on the balanced set
    /// (run it with --release)
    #[arg(long, conflicts_with_all = ["workers", "numbers", "order", "custom", "timeline"])]
    compare: bool,

    /// With --compare: print the rows as JSON lines, for scripts/bench
    #[arg(long, requires = "compare")]
    json: bool,

    /// Draw which worker checked which number, and when, into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<PathBuf>,
}

impl Args {
    /// The numbers given on the command line, or else those of the `--numbers` set.
    fn numbers_to_check(&self) -> Vec<u64> {
        if self.custom.is_empty() {
            self.numbers.numbers().into_iter().map(|(n, _)| n).collect()
        } else {
            self.custom.clone()
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum NumberSet {
    /// Seed 002's NUMBERS: a tiny prime, three large primes, a large composite
    #[value(name = "seed002")]
    Seed002,
    /// Seed 001's PRIMES (its ProcessPoolExecutor example): five primes, one composite
    Primes,
    /// 40 jobs of about the same size: the five primes of PRIMES, eight times over
    Balanced,
}

/// How many times the balanced set repeats the primes of `PRIMES`.
const BALANCED_ROUNDS: usize = 8;

impl NumberSet {
    /// The numbers, each with its primality as `common::primes` knows it.
    fn numbers(self) -> Vec<(u64, bool)> {
        let known = |numbers: &[u64], prime: &[bool]| -> Vec<(u64, bool)> {
            numbers.iter().copied().zip(prime.iter().copied()).collect()
        };
        match self {
            NumberSet::Seed002 => known(&NUMBERS, &NUMBERS_ARE_PRIME),
            NumberSet::Primes => known(&PRIMES, &PRIMES_ARE_PRIME),
            NumberSet::Balanced => {
                let mut primes = known(&PRIMES, &PRIMES_ARE_PRIME);
                primes.retain(|&(_, prime)| prime);
                primes.repeat(BALANCED_ROUNDS)
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            NumberSet::Seed002 => "seed002",
            NumberSet::Primes => "primes",
            NumberSet::Balanced => "balanced",
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Order {
    /// As listed
    Given,
    /// Largest number first: the longest checks start early, the short ones fill in
    LargestFirst,
}

impl Order {
    /// Puts `jobs` in this order; `number` says which number a job checks.
    fn arrange<T>(self, mut jobs: Vec<T>, number: fn(&T) -> u64) -> Vec<T> {
        if let Order::LargestFirst = self {
            // A larger number is only a guess at a longer check: a composite with a small
            // factor is quick whatever its size. For these numbers the guess is good.
            jobs.sort_by_key(|job| Reverse(number(job)));
        }
        jobs
    }
}

/// The role in which this binary is a worker.
const WORKER: &str = "prime-worker";

/// Each comparison variant runs this many times; the fastest run counts.
const BEST_OF: usize = 3;

fn main() -> ExitCode {
    // A worker process checks numbers until the parent closes its channel. This comes
    // before the flags: a worker's command line is the hidden role, not our flags.
    if let Some(role) = process::child_role() {
        return worker(&role);
    }
    let args = Args::parse();
    let outcome = if args.compare {
        compare(args.json)
    } else {
        check_numbers(&args)
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: worker
/// The worker's whole program: answer `is_prime(n)` for each `n` the parent sends.
fn worker(role: &str) -> ExitCode {
    if role != WORKER {
        eprintln!("prime_procs: unknown role {role}");
        return ExitCode::FAILURE;
    }
    common::exit_code("prime worker", pool::serve(primes::is_prime))
}
// ANCHOR_END: worker

// ANCHOR: transcript
/// The program of seed 002: one line per number as results arrive, then the total.
/// Returns `false` if a check failed.
fn check_numbers(args: &Args) -> Result<bool, ProcessError> {
    let workers = args.workers.map_or_else(default_workers, usize::from);
    let numbers = args.order.arrange(args.numbers_to_check(), |&n| n);

    println!(
        "Checking {} numbers with {workers} processes:",
        numbers.len()
    );
    // The timeline's zero is now, so the chart starts when the processes start.
    let timeline = Timeline::new();
    let started = Instant::now();
    let mut pool = ProcessPool::<u64, bool>::start(WORKER, workers)?;
    let mut checked = 0;
    let mut spans = Vec::new();
    // ANCHOR: results
    for result in pool.run(numbers.iter().copied()) {
        let n = numbers[result.job];
        match (&result.outcome, result.elapsed()) {
            (Ok(prime), Some(elapsed)) => {
                println!("{}", line(n, *prime, elapsed));
                checked += 1;
            }
            // A worker died with this number in its hands: say so, and carry on.
            _ => eprintln!("{n}: {result}"),
        }
        if let (Some(worker), Some(span)) = (result.worker, result.span_ns) {
            spans.push((worker, n, span));
        }
    }
    // ANCHOR_END: results
    let elapsed = started.elapsed();
    println!("{checked} checks in {:.2}s", elapsed.as_secs_f64());
    pool.shutdown();

    let title = format!(
        "prime_procs: {} numbers, {workers} worker processes",
        numbers.len()
    );
    let drawn = draw_timeline(&timeline, spans, args.timeline.as_deref(), &title);
    Ok(drawn && checked == numbers.len())
}
// ANCHOR_END: transcript

// ANCHOR: line
/// `f'{n:16}  {label} {elapsed:9.6f}s'`, as in seed 002.
fn line(n: u64, prime: bool, elapsed: Duration) -> String {
    let label = if prime { 'P' } else { ' ' };
    format!("{n:16}  {label} {:9.6}s", elapsed.as_secs_f64())
}
// ANCHOR_END: line

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// With `--timeline`: one row per worker, one bar per number, timed in the workers.
/// Returns `false` if the file could not be written.
fn draw_timeline(
    timeline: &Timeline,
    mut spans: Vec<(WorkerId, u64, (u64, u64))>,
    path: Option<&std::path::Path>,
    title: &str,
) -> bool {
    // Rows appear in the order they are first recorded: record worker 0's spans first.
    spans.sort_by_key(|&(worker, _, (start, _))| (worker.index, start));
    for (worker, n, (start, end)) in spans {
        timeline.record(worker.to_string(), n.to_string(), start, end);
    }
    match timeline.save_if_asked(path, title) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("error: could not write the timeline: {e}");
            false
        }
    }
}

// ANCHOR: compare
/// Times 1 against 2 worker processes, checks every answer, and prints the table with
/// the speedup the job sizes allow beside the speedup measured.
fn compare(json: bool) -> Result<bool, ProcessError> {
    common::warn_if_debug!();
    let plans = [
        (NumberSet::Seed002, 1, Order::Given, "1 process"),
        (NumberSet::Seed002, 2, Order::Given, "2 processes"),
        (
            NumberSet::Seed002,
            2,
            Order::LargestFirst,
            "2 processes, largest first",
        ),
        (NumberSet::Balanced, 1, Order::Given, "1 process"),
        (NumberSet::Balanced, 2, Order::Given, "2 processes"),
    ];
    let mut report = Report::new("prime_procs");
    for (set, workers, order, variant) in plans {
        let jobs = order.arrange(set.numbers(), |&(n, _)| n);
        let (seconds, answers_ok) = best_time(&jobs, workers)?;
        let costs: Vec<u64> = jobs.iter().map(|&(n, prime)| divisions(n, prime)).collect();
        report
            .add(set.name(), variant, workers, seconds, answers_ok)
            .extra("bound", round2(pool::speedup_bound(&costs, workers)))
            .extra(
                "order_bound",
                round2(pool::predicted_speedup(&costs, workers)),
            );
    }
    report.baseline_variant("1 process");
    report.print(json);
    if !json {
        println!("bound: the best speedup these jobs allow on that many processes, in any order");
        println!("       (total divisions / max(largest job, total / processes));");
        println!("order_bound: what handing out the jobs in this order allows, by the same count.");
        println!(
            "Best of {BEST_OF} runs; starting the processes is not timed. The seed002 runs last"
        );
        println!("a tenth of a second: a speedup a little past its bound is noise in the timings.");
    }
    Ok(report.all_ok())
}
// ANCHOR_END: compare

/// Starts `workers` processes, checks `jobs` [`BEST_OF`] times, and returns the fastest
/// run in seconds and whether every run gave the known answers. Only the checking is
/// timed: what a process costs to start is the lesson of `spawn_cost`.
fn best_time(jobs: &[(u64, bool)], workers: usize) -> Result<(f64, bool), ProcessError> {
    let mut pool = ProcessPool::<u64, bool>::start(WORKER, workers)?;
    let mut best = f64::INFINITY;
    let mut answers_ok = true;
    for _ in 0..BEST_OF {
        let (answers, took) = measure::time(|| pool.map(jobs.iter().map(|&(n, _)| n)));
        answers_ok &= answers.len() == jobs.len()
            && answers
                .iter()
                .zip(jobs)
                .all(|(answer, &(_, prime))| matches!(answer, Ok(p) if *p == prime));
        best = best.min(took.as_secs_f64());
    }
    Ok((best, answers_ok))
}

/// How many trial divisions `is_prime(n)` makes: for a prime, every odd divisor from 3
/// to √n; for a composite, the odd divisors up to its smallest factor (counted by
/// running the check, which is quick for the composites of these sets).
fn divisions(n: u64, prime: bool) -> u64 {
    if prime {
        let root = n.isqrt();
        if root < 3 { 0 } else { (root - 3) / 2 + 1 }
    } else {
        let mut check = PrimeCheck::new(n);
        check.advance(u64::MAX);
        check.divisions()
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
