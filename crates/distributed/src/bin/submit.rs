//! sends N jobs, waits for every result, checks each answer: through a broker with 1, 2 and 4 worker processes, beside the same jobs on a local rayon pool
//!
//!     cargo run --release -p distributed --bin submit
//!     cargo run -p distributed --bin submit -- --redis redis://127.0.0.1:6390/
//!
//! The Python lecture's Celery `delay()` and `get()`, on apalis and Redis. With no
//! `--redis`, it starts its own broker and, for each count of `--workers`, that many
//! worker processes (this program started again), sends the jobs, waits for every
//! result and checks it against the same job run here. Two workloads: CPU-bound hash
//! chains (does a second worker double the speed?) and tiny jobs of one round (what
//! does a job cost, just for going through a broker?). With `--redis URL`, the jobs go
//! to that broker's queue `course-jobs`, for the workers already there.

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::report::Report;
use distributed::celery;
use distributed::engine::{self, QUEUE};
use distributed::jobs::{self, Kind};
use distributed::run::{self, Plan};

/// N jobs through a broker and its workers, against the same jobs on a local pool.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Jobs of the main workload
    #[arg(long, value_name = "N", default_value_t = 24,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    jobs: u64,

    /// What the jobs compute
    #[arg(long, value_enum, default_value_t = Kind::Hashes)]
    kind: Kind,

    /// Rounds of each hash chain
    #[arg(long, value_name = "N", default_value_t = 2_000_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    rounds: u64,

    /// Worker processes, comma-separated: a run for each
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_value = "1,2,4",
          value_parser = clap::value_parser!(u64).range(1..=16))]
    workers: Vec<u64>,

    /// Tiny jobs (one round each) to measure what a job costs; 0: none
    #[arg(long, value_name = "N", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    tiny: u64,

    /// Send to this broker's queue, for the workers already there, instead
    #[arg(long, value_name = "URL", conflicts_with_all = ["workers", "tiny", "celery"])]
    redis: Option<String>,

    /// Also run the hash chains on Python Celery workers, same broker (needs python3;
    /// installs celery[redis] from PyPI into a venv under target/ the first time)
    #[arg(long)]
    celery: bool,

    /// Print the rows as JSON lines (for scripts), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(distributed::workers::roles()) {
        return exit;
    }
    common::exit_code("submit", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    if args.celery && args.kind != Kind::Hashes {
        return Err("--celery runs hash chains only (--kind hashes)".into());
    }
    let mut report = Report::new("submit").json(args.json);
    let main = jobs::jobs(args.kind, args.jobs, args.rounds);
    if let Some(url) = &args.redis {
        let expected = run::local_row(&mut report, &jobs::describe(&main), &main);
        let runtime = distributed::workers::runtime()?;
        let started = Instant::now();
        let finished = runtime.block_on(engine::submit(
            url,
            QUEUE,
            &engine::run_name(),
            &main,
            run::LIMIT,
        ))?;
        let seconds = started.elapsed().as_secs_f64();
        let right = run::all_right(&finished, &expected);
        let row = report.add(
            &jobs::describe(&main),
            "broker, its workers",
            0,
            seconds,
            right,
        );
        run::rates(row, main.len(), seconds);
        return Ok(report.finish()?);
    }
    let broker = run::own_broker()?;
    let tiny = jobs::jobs(Kind::Hashes, args.tiny, 1);
    let workloads = [
        (jobs::describe(&main), main),
        (format!("{} tiny jobs (1 round)", args.tiny), tiny),
    ];
    report.baseline_variant(&run::variant(args.workers[0]));
    for (workload, jobs) in workloads.iter().filter(|(_, jobs)| !jobs.is_empty()) {
        let expected = run::local_row(&mut report, workload, jobs);
        for &workers in &args.workers {
            eprintln!("{workload}: {} …", run::variant(workers));
            let plan = Plan::here(broker.url(), workers as usize);
            let outcome = run::through_broker(&plan, jobs, &expected, |_, _| {})?;
            let row = report.add(
                workload,
                &run::variant(workers),
                workers as usize,
                outcome.seconds,
                outcome.right,
            );
            run::rates(row, jobs.len(), outcome.seconds);
            row.extra("ran_twice", outcome.finished_again().len());
        }
        if args.celery {
            eprintln!("{workload}: Celery, {:?} workers …", args.workers);
            let rows = celery::run(broker.url(), &celery::args_for(jobs, &args.workers)?)?;
            celery::add_rows(
                &mut report,
                workload,
                &rows,
                &expected,
                &["jobs_per_s", "ms_per_job"],
            );
        }
    }
    run::notes(&mut report, &workloads[0].0, &workloads[1].0, args.tiny);
    Ok(report.finish()?)
}
