//! a worker killed mid-job: its job is delivered again and every result still arrives; nothing lost, nothing done twice in the results
//!
//!     cargo run -p distributed --bin worker_crash
//!
//! Two worker processes share the jobs; once worker-1 has finished `--kill-after` jobs,
//! it is killed with SIGKILL the moment it takes the next. It says nothing to the broker:
//! its heartbeat just stops. After 3 missed heartbeats (1 s each here), worker-2 puts
//! worker-1's jobs back in the queue, and runs them. Delivery is at-least-once: a job
//! can run twice. The results are still right, because the jobs are idempotent.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::report::Report;
use common::say;
use distributed::celery;
use distributed::jobs::{self, Kind};
use distributed::run::{self, Plan};
use distributed::workers::Event;

/// Two workers, one killed mid-job: what is lost, what runs twice.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Jobs to send
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(2..=1_000))]
    jobs: u64,

    /// Rounds of each hash chain
    #[arg(long, value_name = "N", default_value_t = 2_000_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    rounds: u64,

    /// Jobs worker-1 finishes before it is killed
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(0..=100))]
    kill_after: u64,

    /// Also crash a Python Celery worker the same way, same broker (needs python3;
    /// installs celery[redis] from PyPI into a venv under target/ the first time)
    #[arg(long)]
    celery: bool,

    /// Print the result as a JSON line (for scripts), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(distributed::workers::roles()) {
        return exit;
    }
    common::exit_code("worker_crash", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let broker = run::own_broker()?;
    let jobs = jobs::jobs(Kind::Hashes, args.jobs, args.rounds);
    let expected = jobs::run_locally(&jobs);
    let plan = Plan::here(broker.url(), 2);
    let (mut finished_by_first, mut killed) = (0, None);
    let outcome = run::through_broker(&plan, &jobs, &expected, |event, workers| {
        let (Event::Taken {
            worker, job, line, ..
        }
        | Event::Done {
            worker, job, line, ..
        }) = event
        else {
            return;
        };
        if !args.json {
            say!("  {line}");
        }
        let taken = matches!(event, Event::Taken { .. });
        if *worker == 0 && !taken {
            finished_by_first += 1;
        }
        if *worker == 0 && taken && killed.is_none() && finished_by_first >= args.kill_after {
            let pid = workers.pids()[0];
            killed = workers.kill(0).ok().map(|at| (at, *job));
            if !args.json {
                say!("  ✗ killed worker-1 (pid {pid}, SIGKILL) while it runs job {job}");
            }
        }
    })?;
    let (died, job) = killed.ok_or("worker-1 was never killed: it took too few jobs")?;
    let recovery = outcome.taken_again_after(died, job);
    let all = outcome.finished.len() as u64 == args.jobs;
    let mut report = Report::new("worker_crash")
        .json(args.json)
        .without_speedup();
    let workload = format!("{} hash chains, a worker killed", args.jobs);
    report
        .add(
            &workload,
            "apalis on Redis",
            2,
            outcome.seconds,
            outcome.right && all,
        )
        .extra("recovery_s", recovery.unwrap_or(f64::NAN))
        .extra("delivered_twice", outcome.delivered_again().len())
        .extra("finished_twice", outcome.finished_again().len());
    if args.celery {
        let (n, rounds, k) = (args.jobs, args.rounds, args.kill_after);
        let crash = format!("--crash --jobs {n} --rounds {rounds} --kill-after {k}");
        let crash: Vec<String> = crash.split(' ').map(String::from).collect();
        let rows = celery::run(broker.url(), &crash)?;
        celery::add_rows(
            &mut report,
            &workload,
            &rows,
            &expected,
            &["recovery_s", "delivered_twice"],
        );
    }
    run::crash_notes(&mut report, &outcome, jobs.len(), job, recovery);
    Ok(report.finish()?)
}
