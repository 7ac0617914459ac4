//! 20 jobs on an async channel: workers never awaited are cancelled when main returns; awaited, N workers take 20/N job times
//!
//!     cargo run -p coroutines --bin async_queue
//!     cargo run -p coroutines --bin async_queue -- --linger 2.5    # main waits a little
//!     cargo run -p coroutines --bin async_queue -- --workers 1 --job-seconds 0.1
//!
//! The Python slides' `asyncio.Queue` example: 20 jobs are put on a queue, then workers
//! are created that take jobs until it is empty. Its `main` never awaits the workers: it
//! returns, `asyncio.run` cancels them, and no job is done. Here the same bug, then the
//! fix, on tokio's `current_thread` runtime (one thread, as asyncio).
//!
//! What to look for: run 1 does 0 of 20 jobs (with `--linger`, main awaits that many job
//! times first: the jobs under way then are cut in their sleep). Run 2 awaits the workers'
//! handles: all 20 jobs are done, each once, shared out evenly, in ⌈20 / N⌉ job times.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, QueueRun, Transcript};

/// Workers draining an async queue: never awaited (the Python slides' bug), then awaited.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Jobs put on the queue (the Python slides put 20)
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    jobs: u32,

    /// Workers taking jobs from the queue
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=100))]
    workers: u16,

    /// How long a job takes, in seconds (the Python slides' jobs sleep 5)
    #[arg(long, value_name = "SECONDS", default_value = "0.4", value_parser = common::term::parse_seconds)]
    job_seconds: Duration,

    /// In run 1, main awaits this many job times before it returns (the Python slides: 0)
    #[arg(long, value_name = "JOBS", default_value_t = 0.0, value_parser = parse_linger)]
    linger: f64,
}

/// From 0 (return at once) to 100 job times.
fn parse_linger(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.0..=100.0)
}

fn main() -> ExitCode {
    common::exit_code("async_queue", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (jobs, workers, job) = (args.jobs, usize::from(args.workers), args.job_seconds);
    println!(
        "{jobs} jobs on a queue, {workers} workers, {:.2} s a job.",
        job.as_secs_f64()
    );
    println!("tokio's current_thread runtime: one thread, as asyncio.");

    println!("\n1. The Python slides' main: spawn the workers, never await them, return.");
    let out = Transcript::printing();
    let linger = job.mul_f64(args.linger);
    let bug = asyncio::forgotten(asyncio::event_loop()?, workers, jobs, job, linger, &out);
    summary(&bug, jobs);
    let cut = bug.started.len() - bug.done.len();
    if bug.started.is_empty() {
        println!("The workers never ran: on one thread a spawned task runs only when main");
        println!("awaits, and it never did. Then main returned, and the runtime dropped them.");
    } else {
        println!(
            "Then main returned: the runtime dropped the workers, {cut} in the middle of a job."
        );
    }

    println!("\n2. The fix: keep the workers' handles, and await every one.");
    let runtime = asyncio::event_loop()?;
    let fixed = runtime.block_on(asyncio::awaited(workers, jobs, job, &out))?;
    summary(&fixed, jobs);
    let per_worker: Vec<String> = fixed.done_by_worker.iter().map(usize::to_string).collect();
    let mut done = fixed.done.clone();
    done.sort_unstable();
    if done != (0..jobs).collect::<Vec<_>>() {
        return Err(format!("the awaited workers did jobs {done:?}, not each job once").into());
    }
    let rounds = jobs.div_ceil(u32::from(args.workers));
    println!(
        "Each job done once; jobs per worker: {}.",
        per_worker.join(", ")
    );
    println!(
        "⌈{jobs} / {workers}⌉ = {rounds} rounds of {:.2} s = {:.2} s.",
        job.as_secs_f64(),
        (job * rounds).as_secs_f64()
    );
    Ok(())
}

/// What a run got done, and how long `main` took.
fn summary(run: &QueueRun, jobs: u32) {
    let (elapsed, done) = (run.elapsed.as_secs_f64(), run.done.len());
    let started = run.started.len();
    println!("main returned after {elapsed:.2} s: {done} of {jobs} jobs done, {started} started.");
}
