//! One run through the broker, as the programs make it: start worker processes, send the
//! jobs, wait for every result, check each against the same job done here, and keep who
//! ran what, so jobs that ran twice can be counted.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use common::report::{Report, Row};

use crate::broker::{Broker, BrokerError};
use crate::engine::{self, Finished, WorkerSettings};
use crate::jobs::{Answer, Job};
use crate::workers::{Event, Workers};

/// How long a run may take before it is given up: long enough for a crashed worker's jobs
/// to come back and run again, short enough that nothing hangs.
pub const LIMIT: Duration = Duration::from_secs(120);

/// A broker of the program's own, on a free port of 127.0.0.1, said on stderr.
pub fn own_broker() -> Result<Broker, BrokerError> {
    let broker = Broker::start(0)?;
    eprintln!(
        "broker: redis-server {} at {}, pid {}",
        broker.version(),
        broker.url(),
        broker.pid()
    );
    Ok(broker)
}

/// Where a run's workers run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The broker the workers and the sender use.
    pub url: String,
    /// The worker processes to start, and the jobs each runs at once.
    pub workers: usize,
    pub concurrency: usize,
    /// Worker `i` runs in network namespace `netns[i % len]`; empty: on this host.
    pub netns: Vec<String>,
    /// The role the workers are started in: `workers::ROLE`, the course's worker.
    pub role: &'static str,
}

impl Plan {
    /// `workers` course workers on this host, each running one job at a time.
    pub fn here(url: &str, workers: usize) -> Plan {
        Plan {
            url: url.to_string(),
            workers,
            concurrency: 1,
            netns: Vec::new(),
            role: crate::workers::ROLE,
        }
    }
}

/// A job a worker took or finished, as it said so.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub worker: usize,
    pub job: u64,
    pub at: Instant,
}

/// What a run came to.
#[derive(Debug)]
pub struct Outcome {
    /// From the first job sent to the last result back.
    pub seconds: f64,
    /// Every result, by job.
    pub finished: Vec<Finished>,
    /// Every job a worker said it took, and it finished, in the order they said it.
    pub taken: Vec<Seen>,
    pub done: Vec<Seen>,
    /// Whether every result equals the answer computed here.
    pub right: bool,
    /// The workers' names, by index.
    pub names: Vec<String>,
}

impl Outcome {
    /// The jobs delivered more than once (taken by a worker, then again), with how many
    /// times each was taken.
    pub fn delivered_again(&self) -> BTreeMap<u64, usize> {
        more_than_once(&self.taken)
    }

    /// The jobs finished more than once, with how many times each was finished.
    pub fn finished_again(&self) -> BTreeMap<u64, usize> {
        more_than_once(&self.done)
    }

    /// Seconds from `died` until job `job` was taken again, if it was.
    pub fn taken_again_after(&self, died: Instant, job: u64) -> Option<f64> {
        let back = self
            .taken
            .iter()
            .find(|seen| seen.at > died && seen.job == job);
        back.map(|seen| (seen.at - died).as_secs_f64())
    }

    /// How many jobs worker `worker` finished.
    pub fn done_by(&self, worker: usize) -> usize {
        self.done.iter().filter(|d| d.worker == worker).count()
    }
}

fn more_than_once(seen: &[Seen]) -> BTreeMap<u64, usize> {
    let mut times = BTreeMap::new();
    for seen in seen {
        *times.entry(seen.job).or_insert(0) += 1;
    }
    times.retain(|_, times| *times > 1);
    times
}

/// Runs `jobs` on the plan's workers through the broker. `watch` sees every worker event
/// as it comes, with the workers at hand: where `worker_crash` kills one.
pub fn through_broker(
    plan: &Plan,
    jobs: &[Job],
    expected: &[Answer],
    mut watch: impl FnMut(&Event, &mut Workers),
) -> Result<Outcome, Box<dyn Error>> {
    let run = engine::run_name();
    // A queue of the run's own: nothing left from another run can reach these workers.
    let queue = format!("course:{run}");
    let settings: Vec<WorkerSettings> = (0..plan.workers)
        .map(|i| WorkerSettings {
            url: plan.url.clone(),
            queue: queue.clone(),
            name: format!("worker-{}", i + 1),
            concurrency: plan.concurrency,
        })
        .collect();
    let netns = plan.netns.clone();
    let hosts = |i: usize| netns.get(i % netns.len().max(1)).cloned();
    let mut workers = Workers::start(plan.role, &settings, hosts)?;
    workers.wait_until_ready(crate::broker::PATIENCE * 2)?;
    let started: Vec<String> = (workers.names().iter().zip(workers.pids()))
        .map(|(name, pid)| format!("{name} pid {pid}"))
        .collect();
    eprintln!("  ready: {}", started.join(", "));
    let (url, owned) = (plan.url.clone(), jobs.to_vec());
    let sender = std::thread::spawn(move || -> Result<_, String> {
        let runtime = crate::workers::runtime().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let finished = runtime
            .block_on(engine::submit(&url, &queue, &run, &owned, LIMIT))
            .map_err(|e| e.to_string())?;
        Ok((started.elapsed(), finished))
    });
    let (mut taken, mut done) = (Vec::new(), Vec::new());
    let mut keep = |event: &Event| match *event {
        Event::Taken {
            worker, job, at, ..
        } => taken.push(Seen { worker, job, at }),
        Event::Done {
            worker, job, at, ..
        } => done.push(Seen { worker, job, at }),
        _ => {}
    };
    let mut gone = Vec::new();
    while !sender.is_finished() {
        let Ok(event) = workers.events().recv_timeout(Duration::from_millis(20)) else {
            continue;
        };
        if let Event::Gone { worker } = event {
            if !workers.was_killed(worker) {
                return Err(workers.died(worker).into());
            }
            gone.push(worker);
        }
        keep(&event);
        watch(&event, &mut workers);
    }
    let (elapsed, finished) = sender.join().map_err(|_| "the sender panicked")??;
    // Every result is in. The workers' last lines may still be on their way: stop the
    // workers and read until each one's output has ended.
    workers.stop();
    let deadline = Instant::now() + Duration::from_secs(10);
    while gone.len() < plan.workers {
        let left = deadline.saturating_duration_since(Instant::now());
        match workers.events().recv_timeout(left) {
            Ok(Event::Gone { worker }) => gone.push(worker),
            Ok(event) => {
                keep(&event);
                watch(&event, &mut workers);
            }
            Err(_) => break,
        }
    }
    let right = all_right(&finished, expected);
    Ok(Outcome {
        seconds: elapsed.as_secs_f64(),
        finished,
        taken,
        done,
        right,
        names: workers.names().to_vec(),
    })
}

/// Whether the results, by job, are exactly the `expected` answers.
pub fn all_right(finished: &[Finished], expected: &[Answer]) -> bool {
    finished.iter().map(|f| &f.answer).eq(expected)
}

/// A row's rates: `jobs` done in `seconds`, as jobs per second and milliseconds a job.
pub fn rates(row: &mut Row, jobs: usize, seconds: f64) {
    row.extra("jobs_per_s", jobs as f64 / seconds)
        .extra("ms_per_job", 1e3 * seconds / jobs as f64);
}

/// The name of a run through the broker with `workers` workers.
pub fn variant(workers: u64) -> String {
    format!(
        "broker, {workers} worker{}",
        if workers == 1 { "" } else { "s" }
    )
}

/// The jobs on this machine's rayon pool: a row, and the answers to check against.
pub fn local_row(report: &mut Report, workload: &str, jobs: &[Job]) -> Vec<Answer> {
    let started = Instant::now();
    let answers = crate::jobs::run_locally(jobs);
    let seconds = started.elapsed().as_secs_f64();
    let row = report.add(
        workload,
        "local rayon pool",
        rayon::current_num_threads(),
        seconds,
        true,
    );
    rates(row, jobs.len(), seconds);
    answers
}

/// What the rows say, in words: the speedup of workers, the cost of a job's trip.
pub fn notes(report: &mut Report, main: &str, tiny: &str, tiny_jobs: u64) {
    let seconds = |workload: &str, variant: &str| {
        let row = report
            .rows()
            .iter()
            .find(|row| row.workload == workload && row.variant == variant);
        row.map(|row| row.seconds)
    };
    let (one, two) = (variant(1), variant(2));
    let speedup = seconds(main, &one).zip(seconds(main, &two));
    let trip = seconds(tiny, &one).zip(seconds(tiny, "local rayon pool"));
    if let Some((one, two)) = speedup {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        report.note(format!(
            "{main}: 2 workers took {:.2}× less time than 1, on {cores} cores.",
            one / two
        ));
    }
    if let Some((broker, pool)) = trip {
        let n = tiny_jobs as f64;
        report.note(format!(
            "{tiny}: through the broker a job costs {:.2} ms (to the queue, to a worker, its result back), on the local pool {:.1} µs.",
            1e3 * broker / n,
            1e6 * pool / n
        ));
    }
}

/// What a run with a killed worker says, in words: when the killed job came back, and
/// what was lost (nothing) and done twice.
pub fn crash_notes(
    report: &mut Report,
    outcome: &Outcome,
    sent: usize,
    job: u64,
    recovery: Option<f64>,
) {
    use crate::engine::{HEARTBEAT, MISSED_HEARTBEATS};
    report.note(format!(
        "worker-1 finished {} jobs, then died with job {job}; worker-2 took that job again {} \
         after (the engine waits {MISSED_HEARTBEATS} missed heartbeats of {} s).",
        outcome.done_by(0),
        recovery.map_or("never".to_string(), |s| format!("{s:.1} s")),
        HEARTBEAT.as_secs()
    ));
    let twice: Vec<String> = outcome
        .delivered_again()
        .keys()
        .map(u64::to_string)
        .collect();
    report.note(format!(
        "{} of {} results arrived, {}; jobs delivered twice: {}; finished twice: {}. \
         At-least-once: nothing lost, some work done again, and since the jobs are \
         idempotent the results do not show it.",
        outcome.finished.len(),
        sent,
        if outcome.right {
            "every one right"
        } else {
            "SOME WRONG"
        },
        if twice.is_empty() {
            "none".to_string()
        } else {
            twice.join(", ")
        },
        outcome.finished_again().len(),
    ));
}
