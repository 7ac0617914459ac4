//! hash chains and sums of squares: serial vs threads vs processes vs rayon; no GIL, so threads scale too
//!
//!     cargo run --release -p pools --bin cpu_bound
//!     cargo run --release -p pools --bin cpu_bound -- --workload sum_squares --scale 10
//!
//! The tech talk's `hash_me` and the Real Python notes' `cpu_bound`, each twenty jobs. In
//! Python only processes beat serial (the GIL lets one thread compute at a time); in Rust
//! threads scale as processes do, without paying to start one.
//!
//! What to look for: on 2 cores `threads`, `processes` and `rayon` all finish `hash_me` in
//! about half the serial time. `sum_squares` lasts tens of milliseconds, so the process
//! pool's start-up (`startup_s`) is a visible slice of it; with `--scale 10` it fades.
//! Every answer is checked; the variants take turns, and each one's fastest run counts.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::process;
use common::report::Report;
use pipes::pool;
use pools::cpu::{self, Workloads};

/// Time CPU-bound work serially, on threads, on a process pool and with rayon.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads or processes per variant [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,

    /// Which workload to time
    #[arg(long, value_enum, default_value_t = Workloads::Both)]
    workload: Workloads,

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

/// Scales from a thousandth of the Python work (a quick test) to a hundred times it.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=100.0)
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "cpu-worker";

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(WORKER, cpu::serve)]) {
        return exit;
    }
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("cpu_bound", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut report = Report::new("cpu_bound").json(args.json);
    for workload in args.workload.list() {
        let jobs = workload.jobs(args.scale);
        // More workers than jobs would sit idle: every variant uses at most one per job.
        let workers = args
            .workers
            .map_or_else(common::default_workers, usize::from);
        let workers = workers.min(jobs.len());
        // ANCHOR: compare
        // The same jobs four ways; all four call the same kernels, only
        // the sharing differs.
        Comparison::new(workload.name())
            .title(format!(
                "{}, up to {workers} workers",
                workload.describe(&jobs)
            ))
            .rounds(args.runs.into())
            // Known answers; else the first serial run is the reference.
            .expect_known(cpu::known_answers(&jobs))
            .variant("serial", 1, || cpu::run_serial(&jobs))
            .variant("threads", cpu::split(&jobs, workers).len(), || {
                cpu::run_threads(&jobs, workers)
            })
            .variant_run("processes", workers, || {
                let run = pool::map_timed(WORKER, workers, &jobs)?;
                Ok(Run::new(run.outputs)
                    .took(run.total)
                    .seconds("startup_s", run.startup)
                    .seconds("work_s", run.work))
            })
            .variant_run("rayon", workers, || {
                Ok(Run::new(cpu::run_rayon(&jobs, workers)?))
            })
            .run(&mut report)?;
        // ANCHOR_END: compare
    }
    report.note(
        "startup_s: the process pool's start-up, spawning the workers and waiting for each to\n\
         connect; work_s: handing out the jobs and collecting the answers. Its seconds add\n\
         closing the pool; the other variants' include starting their threads (microseconds).\n\
         No GIL here: Rust threads compute in parallel. Lecture 4 (the `gil` crate) simulates\n\
         what Python's threads go through with the same work.",
    );
    report.finish()?;
    Ok(())
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
