//! The engine: apalis, with its Redis backend. A producer pushes jobs into a queue on the
//! broker; workers, in processes of their own, take them, run them and store each result
//! beside its job; the producer waits for the results by their ids.
//!
//! What the engine promises is **at-least-once** delivery. A worker holds the jobs it took
//! on a lease that its heartbeat renews. When a worker dies, its heartbeat stops; once
//! [`MISSED_HEARTBEATS`] have gone by, a live worker puts the dead one's jobs back in the
//! queue, and they run again, whether or not they had already run. apalis's own default
//! waits 30 s × 10 heartbeats; the course waits 1 s × 3, so a crash is over in seconds.

use std::error::Error;
use std::time::{Duration, Instant};

use apalis::prelude::*;
use apalis_redis::{Config, RedisStorage};

use crate::broker::{self, BrokerError, PATIENCE};
use crate::jobs::{Answer, Job};

/// The queue `worker` and `submit --redis` use unless told otherwise.
pub const QUEUE: &str = "course-jobs";

/// How often a worker tells the broker it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// How often an idle worker asks the queue for a job (apalis's default: at each
/// heartbeat only).
pub const IDLE_POLL: Duration = Duration::from_millis(20);

/// How often `submit` asks the broker for the results still missing.
pub const POLL: Duration = Duration::from_millis(25);

/// Heartbeats a worker may miss before its jobs are given to another.
pub const MISSED_HEARTBEATS: usize = 3;

/// Where a worker finds its jobs, and how many it runs at once.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub url: String,
    pub queue: String,
    pub name: String,
    pub concurrency: usize,
}

/// The queue's settings, the same for the producer and every worker: the course's
/// heartbeat, and `prefetch` jobs taken at a time.
pub fn config(queue: &str, prefetch: usize) -> Config {
    Config::default()
        .queue(queue)
        .heartbeat_interval(HEARTBEAT)
        .missed_heartbeats(MISSED_HEARTBEATS)
        .batch_size(prefetch.max(1))
}

/// The queue `queue` on the broker at `url`, connected within [`PATIENCE`].
pub async fn queue(
    url: &str,
    queue: &str,
    prefetch: usize,
) -> Result<RedisStorage<Job>, BrokerError> {
    let silent = format!("no answer within {} s", PATIENCE.as_secs());
    let connection = tokio::time::timeout(PATIENCE, apalis_redis::connect(url))
        .await
        .map_err(|_| broker::no_broker(url, silent))?
        .map_err(|e| broker::no_broker(url, e))?;
    Ok(RedisStorage::new(connection).with_config(config(queue, prefetch)))
}

/// A worker: takes jobs from the queue, `concurrency` at a time, until Ctrl-C or SIGTERM.
/// An idle worker asks the queue again every [`IDLE_POLL`]: nothing on the broker wakes
/// a worker in another process when a job arrives.
pub async fn work(me: &WorkerSettings) -> Result<(), Box<dyn Error>> {
    // ANCHOR: worker
    let jobs = queue(&me.url, &me.queue, me.concurrency).await?;
    let worker = WorkerBuilder::new(me.name.as_str())
        .backend(jobs.poll_with_interval(IDLE_POLL))
        .concurrency(me.concurrency)
        .build(run_job);
    say_ready(me);
    worker.run_until(stopped()).await?;
    // ANCHOR_END: worker
    common::say!("{}: stopped", me.name);
    Ok(())
}

/// The line that says a worker is connected and takes jobs (the parent waits for it).
fn say_ready(me: &WorkerSettings) {
    common::say!(
        "{}: ready (pid {}), taking jobs from queue {:?} at {}, {} at a time",
        me.name,
        std::process::id(),
        me.queue,
        me.url,
        me.concurrency
    );
}

/// One job, as the worker runs it: its CPU-bound work on one of tokio's blocking
/// threads, off the async thread that keeps the heartbeat going.
async fn run_job(job: Job, me: WorkerContext) -> Result<Answer, BoxDynError> {
    // ANCHOR: run_job
    let name = me.name();
    common::say!("{name}: job {} taken: {}", job.index, job.work);
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || job.work.run()).await?;
    let ms = started.elapsed().as_millis();
    common::say!("{name}: job {} done in {ms} ms: {answer}", job.index);
    Ok(answer)
    // ANCHOR_END: run_job
}

/// The job number of a worker's "job N taken" line.
pub fn parse_taken(line: &str) -> Option<u64> {
    let (_, rest) = line.split_once(": job ")?;
    rest.split_once(" taken")?.0.parse().ok()
}

/// The job number and time of a worker's "job N done in M ms" line.
pub fn parse_done(line: &str) -> Option<(u64, Duration)> {
    let (_, rest) = line.split_once(": job ")?;
    let (job, rest) = rest.split_once(" done in ")?;
    let (ms, _) = rest.split_once(" ms")?;
    Some((job.parse().ok()?, Duration::from_millis(ms.parse().ok()?)))
}

/// Resolves on Ctrl-C or SIGTERM: how a worker is asked to stop.
async fn stopped() -> Result<(), std::io::Error> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        pressed = tokio::signal::ctrl_c() => pressed,
        _ = terminate.recv() => Ok(()),
    }
}

/// A job's result as the broker kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The job's index in the run.
    pub index: u64,
    pub answer: Answer,
}

/// Sends `jobs` to the queue and waits for all their results, at most `limit`: Celery's
/// `delay()` for each job, then `get()` for each result. Ids of the run's own (`run`)
/// keep results of earlier runs on the same queue apart. It asks for the results still
/// missing every [`POLL`]. (apalis's own `wait_for` rests only when nothing came: while
/// results trickle in, it asks again and again without a pause.)
pub async fn submit(
    url: &str,
    queue_name: &str,
    run: &str,
    jobs: &[Job],
    limit: Duration,
) -> Result<Vec<Finished>, Box<dyn Error>> {
    let mut storage = queue(url, queue_name, 1).await?;
    // ANCHOR: submit
    let ids: Vec<TaskId> = jobs
        .iter()
        .map(|job| TaskId::from_string(format!("{run}-{:06}", job.index)))
        .collect();
    let tasks = jobs
        .iter()
        .zip(&ids)
        .map(|(job, id)| TaskBuilder::new(*job).task_id(id.clone()))
        .map(TaskBuilder::build);
    storage.push_all(&mut futures::stream::iter(tasks)).await?;
    // ANCHOR_END: submit
    let deadline = Instant::now() + limit;
    let (mut missing, mut finished) = (ids, Vec::with_capacity(jobs.len()));
    // ANCHOR: results
    while !missing.is_empty() {
        if Instant::now() > deadline {
            return Err(waited_in_vain(&finished, &missing, limit).into());
        }
        tokio::time::sleep(POLL).await;
        let asked = missing.clone();
        let results: Vec<Stored> = storage.check_status(asked).await?;
        for result in results {
            missing.retain(|id| *id != result.task_id);
            finished.push(finished_job(result)?);
        }
    }
    // ANCHOR_END: results
    finished.sort_by_key(|done| done.index);
    Ok(finished)
}

/// A result as the broker kept it, as one of ours.
fn finished_job(result: TaskResult<Answer>) -> Result<Finished, String> {
    let id = result.task_id.to_string();
    let index = index_of(&id).ok_or(format!("{id}: a result of no job of ours"))?;
    let answer = result
        .result
        .map_err(|e| format!("job {index} failed: {e}"))?;
    Ok(Finished { index, answer })
}

/// A job's result as the broker keeps it.
type Stored = TaskResult<Answer>;

fn waited_in_vain(finished: &[Finished], missing: &[TaskId], limit: Duration) -> String {
    let (got, sent) = (finished.len(), finished.len() + missing.len());
    format!(
        "{got} of {sent} results within {} s: is a worker taking jobs from the queue? \
         (start one: cargo run -p distributed --bin worker)",
        limit.as_secs()
    )
}

/// The job index in a task id `RUN-INDEX`.
fn index_of(task_id: &str) -> Option<u64> {
    task_id.rsplit('-').next()?.parse().ok()
}

/// A name for one run, unique on this machine at this time: `PID-MICROSECONDS`.
pub fn run_name() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}-{}",
        std::process::id(),
        since.as_micros() % 1_000_000_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_id_gives_back_its_job_index() {
        assert_eq!(index_of("4711-123456-17"), Some(17));
        assert_eq!(index_of("nothing"), None);
    }

    #[test]
    fn a_done_line_gives_its_job_and_time() {
        let line = "w1: job 12 done in 41 ms: 3fa9…";
        assert_eq!(parse_done(line), Some((12, Duration::from_millis(41))));
        assert_eq!(
            parse_done("w1: job 12 taken: hash chain 12 (9 rounds)"),
            None
        );
        assert_eq!(
            parse_taken("w1: job 12 taken: hash chain 12 (9 rounds)"),
            Some(12)
        );
        assert_eq!(parse_done("w1: ready (pid 7), taking jobs"), None);
    }

    #[test]
    fn the_course_notices_a_dead_worker_in_seconds_not_minutes() {
        let config = config("q", 2);
        assert_eq!(config.orphaned_duration(), Duration::from_secs(3));
        assert!(Config::default().orphaned_duration() >= Duration::from_secs(300));
        assert_eq!(config.batch_size, 2);
    }
}
