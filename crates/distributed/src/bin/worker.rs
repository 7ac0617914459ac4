//! a worker process that takes the course's jobs (hash chains, prime checks) from the engine's queue
//!
//!     cargo run -p distributed --bin worker
//!
//! The Python lecture's `celery worker`, on apalis: it connects to the broker (by default
//! the one `broker` starts), registers, and takes jobs from the queue `course-jobs`,
//! `--concurrency N` at a time, each on a blocking thread so the async thread keeps its
//! heartbeat going. Each job it takes and finishes is a line. Start several, in several
//! terminals: the broker hands each job to one of them. Ctrl-C stops it.

use std::process::ExitCode;

use clap::Parser;
use distributed::engine::{self, QUEUE, WorkerSettings};
use distributed::{broker, workers};

/// A worker: takes jobs from the broker's queue and runs them.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The broker (redis://HOST:PORT/)
    #[arg(long, value_name = "URL", default_value_t = broker::default_url())]
    redis: String,

    /// The queue to take jobs from
    #[arg(long, default_value = QUEUE)]
    queue: String,

    /// This worker's name, as the broker knows it (default: worker-PID)
    #[arg(long)]
    name: Option<String>,

    /// Jobs it runs at once
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    concurrency: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let settings = WorkerSettings {
        url: args.redis,
        queue: args.queue,
        name: args
            .name
            .unwrap_or(format!("worker-{}", std::process::id())),
        concurrency: args.concurrency as usize,
    };
    let worked = workers::runtime()
        .map_err(Into::into)
        .and_then(|runtime| runtime.block_on(engine::work(&settings)));
    common::exit_code("worker", worked)
}
