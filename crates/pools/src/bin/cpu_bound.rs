//! CPU-bound work four ways: serial, threads, a process pool and rayon (seeds 003 and 004).
//!
//! The Python lectures time twenty SHA-256 chains (`hash_me`) and twenty sums of squares,
//! first one after the other, then on threads, then on processes. In Python the threads
//! are *slower* than serial, because the GIL lets only one of them run Python code at a
//! time; only processes use the other cores. Rust has no GIL: threads run on every core at
//! once, so here threads scale just like processes, and without paying for starting a
//! process. (Lecture 4, the `gil` crate, simulates what the GIL does to the same work.)
//!
//!     cargo run --release -p pools --bin cpu_bound
//!     cargo run --release -p pools --bin cpu_bound -- --workload sum_squares --scale 10
//!     cargo run --release -p pools --bin cpu_bound -- --workers 1 --json
//!
//! What to look for: on a 2-core machine `threads`, `processes` and `rayon` all finish
//! `hash_me` in about half the serial time. `sum_squares` is small (tens of milliseconds):
//! threads and rayon still halve it, but the process pool first spends milliseconds
//! starting its workers (the `startup_s` column), a visible slice of so short a job.
//! Multiply the work with `--scale 10` and the start-up fades into the noise: whether
//! processes pay off depends on how much work each one gets.
//!
//! Every variant's answers are checked against the serial run before its time is shown.
//! The four variants take turns, 3 rounds of them (`--runs`), and each variant's fastest
//! run counts.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use common::measure::{self, FastestRuns, fmt_duration};
use common::process;
use common::report::Report;
use pools::cpu::{self, Answer, Job, Workload};

/// Time CPU-bound work serially, on threads, on a process pool and with rayon.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads or processes per variant [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,

    /// Which workload to time
    #[arg(long, value_enum, default_value_t = WorkloadArg::Both)]
    workload: WorkloadArg,

    /// Multiply the work of every job (hash rounds, terms of a sum) by F, e.g. 0.1 or 10
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f64,

    /// Rounds: the four variants take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum WorkloadArg {
    /// Seed 003: 20 SHA-256 chains of 500 000 rounds
    #[value(name = "hash_me")]
    HashMe,
    /// Seed 004: 20 sums of i*i below 5 000 000 … 5 000 019
    #[value(name = "sum_squares")]
    SumSquares,
    /// One after the other
    Both,
}

impl WorkloadArg {
    fn workloads(self) -> Vec<Workload> {
        match self {
            WorkloadArg::HashMe => vec![Workload::HashMe],
            WorkloadArg::SumSquares => vec![Workload::SumSquares],
            WorkloadArg::Both => vec![Workload::HashMe, Workload::SumSquares],
        }
    }
}

/// Scales from a thousandth of the Python work (a quick test) to a hundred times it.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=100.0)
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "cpu-worker";

fn main() -> ExitCode {
    // A worker's command line is the hidden role, not our flags: check for it before clap.
    if let Some(role) = process::child_role() {
        if role != WORKER {
            eprintln!("cpu_bound: unknown role {role}");
            return ExitCode::FAILURE;
        }
        return common::exit_code("cpu worker", cpu::serve());
    }
    let args = Args::parse();
    common::warn_if_debug!();

    let mut report = Report::new("cpu_bound");
    for workload in args.workload.workloads() {
        if let Err(e) = compare(workload, &args, &mut report) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    report.print(args.json);
    if !args.json {
        println!(
            "Fastest of {} run(s) per variant; the variants took turns.",
            args.runs
        );
        println!("startup_s: spawning the worker processes and waiting for each to connect;");
        println!("work_s: handing out the jobs and collecting the answers. seconds includes");
        println!("both, and closing the pool; the other variants' seconds include starting");
        println!("their threads, which takes microseconds.");
        println!("No GIL here: Rust threads compute in parallel. Lecture 4 (the `gil` crate)");
        println!("simulates what Python's threads go through with the same work.");
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

impl Args {
    /// `--workers`, or else the CPUs this process may use.
    fn workers(&self) -> usize {
        let cpus = || std::thread::available_parallelism().map_or(1, |n| n.get());
        self.workers.map_or_else(cpus, usize::from)
    }
}

// ANCHOR: compare
/// Runs one workload four ways and adds a row per variant to `report`.
///
/// The variants take turns: serial, threads, processes, rayon, then again, `--runs`
/// times, and each keeps its fastest run. Taking turns matters on a shared machine: a
/// few seconds when another program holds a core slow down whichever runs then, and
/// if each variant ran all its runs in one go, one of them could get every slow second.
///
/// The first serial run is the reference: it is checked against the known answers (where
/// there are some), and every run of every variant must give exactly its answers. A
/// variant's line is printed only once its answers are checked.
fn compare(workload: Workload, args: &Args, report: &mut Report) -> Result<(), Box<dyn Error>> {
    let jobs = workload.jobs(args.scale);
    // More workers than jobs would sit idle: every variant uses at most one per job.
    let workers = args.workers().min(jobs.len());
    let json = args.json;
    if !json {
        println!("{}", describe(workload, &jobs, workers));
    }

    let reference = cpu::run_serial(&jobs);
    let reference_ok = reference.len() == jobs.len()
        && jobs
            .iter()
            .zip(&reference)
            .all(|(job, answer)| job.known_answer().is_none_or(|known| known == *answer));

    let mut fastest = FastestRuns::new(Variant::ALL.len());
    for _ in 0..args.runs {
        for (slot, variant) in Variant::ALL.into_iter().enumerate() {
            let timed = variant.run(&jobs, workers)?;
            let ok = reference_ok && timed.answers == reference;
            fastest.record(slot, timed.took, timed, ok);
        }
    }
    for (variant, (timed, ok)) in Variant::ALL.into_iter().zip(fastest.into_fastest()) {
        record(report, workload, variant, &timed, ok, json);
    }
    if !json {
        println!();
    }
    Ok(())
}
// ANCHOR_END: compare

/// The four ways of running the jobs.
#[derive(Clone, Copy)]
enum Variant {
    Serial,
    Threads,
    Processes,
    Rayon,
}

/// One run of a variant: its answers, its wall time and, for the process pool, the
/// start-up and work parts of that time.
struct Timed {
    answers: Vec<Answer>,
    workers: usize,
    took: Duration,
    startup_and_work: Option<(Duration, Duration)>,
}

// ANCHOR: variants
impl Variant {
    /// The four, in the order they take turns and are listed.
    const ALL: [Variant; 4] = [
        Variant::Serial,
        Variant::Threads,
        Variant::Processes,
        Variant::Rayon,
    ];

    /// The name in the table and the JSON rows.
    fn name(self) -> &'static str {
        match self {
            Variant::Serial => "serial",
            Variant::Threads => "threads",
            Variant::Processes => "processes",
            Variant::Rayon => "rayon",
        }
    }

    /// Runs every job once, this variant's way, and times it. All four call the same
    /// kernels in `pools::cpu`; only the sharing differs.
    fn run(self, jobs: &[Job], workers: usize) -> Result<Timed, Box<dyn Error>> {
        let timed = |(answers, took): (Vec<Answer>, Duration), workers| Timed {
            answers,
            workers,
            took,
            startup_and_work: None,
        };
        Ok(match self {
            Variant::Serial => timed(measure::time(|| cpu::run_serial(jobs)), 1),
            Variant::Threads => {
                let threads = cpu::split(jobs, workers).len();
                timed(measure::time(|| cpu::run_threads(jobs, workers)), threads)
            }
            Variant::Processes => {
                let run = cpu::run_processes(jobs, workers, WORKER)?;
                Timed {
                    answers: run.answers,
                    workers,
                    took: run.total,
                    startup_and_work: Some((run.startup, run.work)),
                }
            }
            Variant::Rayon => {
                let (answers, took) = measure::time(|| cpu::run_rayon(jobs, workers));
                timed((answers?, took), workers)
            }
        })
    }
}
// ANCHOR_END: variants

/// Adds the row of a checked variant and, without `--json`, prints its line the way the
/// Python scripts print theirs (`Duration 2.51 seconds`).
fn record(
    report: &mut Report,
    workload: Workload,
    variant: Variant,
    timed: &Timed,
    ok: bool,
    json: bool,
) {
    let seconds = timed.took.as_secs_f64();
    let row = report.add(workload.name(), variant.name(), timed.workers, seconds, ok);
    let mut note = String::new();
    if let Some((startup, work)) = timed.startup_and_work {
        row.extra("startup_s", round4(startup.as_secs_f64()))
            .extra("work_s", round4(work.as_secs_f64()));
        note = format!(
            "  (start-up {} + work {})",
            fmt_duration(startup),
            fmt_duration(work)
        );
    }
    if !json {
        let check = if ok {
            "answers ✓"
        } else {
            "WRONG ANSWERS ✗"
        };
        println!(
            "  {:<10} {:>2} worker(s)  Duration {seconds:.3} seconds  {check}{note}",
            variant.name(),
            timed.workers,
        );
    }
}

/// The heading of a workload, e.g.
/// `hash_me: 20 SHA-256 chains of 500000 rounds, up to 2 workers`.
fn describe(workload: Workload, jobs: &[Job], workers: usize) -> String {
    let size = match (workload, jobs.first()) {
        (Workload::HashMe, Some(Job::HashChain { rounds, .. })) => {
            format!("{} SHA-256 chains of {rounds} rounds", jobs.len())
        }
        (Workload::SumSquares, Some(Job::SumOfSquares { n: first })) => {
            let last = match jobs.last() {
                Some(Job::SumOfSquares { n }) => *n,
                _ => *first,
            };
            format!(
                "{} sums of i*i for i below n, n = {first} … {last}",
                jobs.len()
            )
        }
        _ => format!("{} jobs", jobs.len()),
    };
    format!("{}: {size}, up to {workers} workers", workload.name())
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_accepts_its_range_only() {
        assert_eq!(parse_scale("0.01"), Ok(0.01));
        assert_eq!(parse_scale("10"), Ok(10.0));
        for bad in ["0", "-1", "1000", "NaN", "lots"] {
            assert!(parse_scale(bad).is_err(), "{bad}");
        }
    }
}
