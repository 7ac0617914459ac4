//! Exercise solution: a job with a side effect, run at-least-once. Each job adds 1 to a
//! counter in Redis (`INCR`: not idempotent) and its number to a set (`SADD`:
//! idempotent), then computes its hash chain. Worker-1 is killed in the middle of a job;
//! that job runs again on worker-2. The counter counts it twice; the set does not.
//!
//!     cargo run -p distributed --example idempotent_effects

use std::error::Error;
use std::process::ExitCode;

use apalis::prelude::*;
use common::process::{self, role};
use common::say;
use distributed::engine::{self, WorkerSettings};
use distributed::jobs::{self, Answer, Job, Kind};
use distributed::run::{self, Plan};
use distributed::workers::{self, Event};

const JOBS: u64 = 12;

fn main() -> ExitCode {
    let roles = [role("depositor", depositor)];
    if let Some(exit) = process::run_child(roles) {
        return exit;
    }
    common::exit_code("idempotent_effects", run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let broker = run::own_broker()?;
    let jobs = jobs::jobs(Kind::Hashes, JOBS, 3_000_000);
    let expected = jobs::run_locally(&jobs);
    let plan = Plan {
        role: "depositor",
        ..Plan::here(broker.url(), 2)
    };
    let mut taken_by_first = 0;
    let outcome = run::through_broker(&plan, &jobs, &expected, |event, workers| {
        if let Event::Taken { worker: 0, job, .. } = event {
            taken_by_first += 1;
            // Its second job: the effects are done, the hash chain has just begun.
            if taken_by_first == 2 && workers.kill(0).is_ok() {
                say!("killed worker-1 while it ran job {job}");
            }
        }
    })?;
    let mut redis = redis::Client::open(broker.url())?.get_connection()?;
    let counted: u64 = redis::cmd("GET")
        .arg("deposits:counter")
        .query(&mut redis)?;
    let members: u64 = redis::cmd("SCARD").arg("deposits:set").query(&mut redis)?;
    say!(
        "{} of {JOBS} results, all right: {}",
        outcome.finished.len(),
        outcome.right
    );
    say!("INCR counter: {counted} (a job that ran twice counted twice)");
    say!("SADD set: {members} members (running a job again added nothing)");
    Ok(())
}

/// The worker's role: the course's worker, with the job's effect done first.
fn depositor() -> Result<(), Box<dyn Error>> {
    let settings = workers::settings_from_parent()?;
    workers::runtime()?.block_on(work(settings))
}

async fn work(settings: WorkerSettings) -> Result<(), Box<dyn Error>> {
    let queue = engine::queue(&settings.url, &settings.queue, 1).await?;
    let redis = redis::Client::open(settings.url.as_str())?;
    let worker = WorkerBuilder::new(settings.name.as_str())
        .backend(queue.poll_with_interval(engine::IDLE_POLL))
        .data(redis)
        .concurrency(1)
        .build(deposit);
    say!("{}: ready (pid {})", settings.name, std::process::id());
    Ok(worker.run().await?)
}

async fn deposit(
    job: Job,
    redis: Data<redis::Client>,
    me: WorkerContext,
) -> Result<Answer, BoxDynError> {
    let mut connection = redis.get_multiplexed_async_connection().await?;
    // ANCHOR: effects
    // Not idempotent: every run adds one more.
    let _: u64 = redis::cmd("INCR")
        .arg("deposits:counter")
        .query_async(&mut connection)
        .await?;
    // Idempotent: a second run adds a member that is already there.
    let _: u64 = redis::cmd("SADD")
        .arg("deposits:set")
        .arg(job.index)
        .query_async(&mut connection)
        .await?;
    // ANCHOR_END: effects
    // Said once the effects are done: a kill on this line comes after them.
    say!("{}: job {} taken", me.name(), job.index);
    let started = std::time::Instant::now();
    let answer = tokio::task::spawn_blocking(move || job.work.run()).await?;
    let ms = started.elapsed().as_millis();
    say!("{}: job {} done in {ms} ms: {answer}", me.name(), job.index);
    Ok(answer)
}
