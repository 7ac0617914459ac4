//! The promises of `pipes::pool`, each checked with real worker processes. This test
//! binary is its own worker: started with the hidden role argument, it serves jobs instead.
//!
//!     cargo test -p pipes --test pool

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use common::process::{self, ProcessError};
use common::testing;
use pipes::pool::{self, JobFailure, JobResult, ProcessPool};
use serde::{Deserialize, Serialize};

/// The role in which this binary serves jobs.
const WORKER: &str = "pool-test-worker";

/// How long any wait in these scenarios may last before it counts as a hang.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the test's workers can be asked to do.
#[derive(Debug, Serialize, Deserialize)]
enum Job {
    Double(u64),
    /// Answer with the worker's pid.
    Pid,
    /// Write the worker's pid into `started`, then wait for `release` to exist: a job that
    /// stays busy until the test lets it go (or gives up after `PATIENCE`).
    WaitFor {
        started: PathBuf,
        release: PathBuf,
    },
    /// Panic: a failing job, not a dying worker.
    Panic,
    /// Abort the whole worker process mid-job.
    Abort,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
enum Out {
    Doubled(u64),
    Pid(u32),
    /// `true` if released, `false` if nobody released the job in time.
    Released(bool),
}

fn main() -> ExitCode {
    if let Some(role) = process::child_role() {
        assert_eq!(role, WORKER, "unknown role");
        // One line instead of a backtrace for the job that panics on purpose.
        std::panic::set_hook(Box::new(|info| {
            let pid = std::process::id();
            eprintln!("pool test worker {pid}, as the test expects (not a failure): {info}");
        }));
        return common::exit_code("pool test worker", pool::serve(work));
    }
    // Every scenario has its own deadlines; this one catches a hang nothing else did.
    thread::spawn(|| {
        thread::sleep(6 * PATIENCE);
        eprintln!("the pool tests hung for {:?}: giving up", 6 * PATIENCE);
        std::process::exit(1);
    });
    let scenarios: [(&str, testing::Scenario); 8] = [
        (
            "every job's result arrives exactly once, with the right value",
            every_result_once,
        ),
        (
            "the workers are other processes, with pids of their own",
            workers_are_other_processes,
        ),
        (
            "results arrive as jobs finish, not in submission order",
            results_as_they_finish,
        ),
        (
            "a panicking job fails alone and its worker carries on",
            panic_fails_one_job,
        ),
        (
            "a worker killed mid-job: that job fails with the signal, the rest arrive",
            killed_mid_job,
        ),
        (
            "a worker that died while idle gets no job, and no job is lost",
            idle_death_loses_no_job,
        ),
        (
            "with every worker dead, the remaining jobs are reported not run",
            all_dead_means_not_run,
        ),
        (
            "a dropped pool leaves no worker process behind",
            drop_leaves_no_children,
        ),
    ];
    testing::run_scenarios(&scenarios)
}

/// The worker's part: one job in, one answer out.
fn work(job: Job) -> Out {
    match job {
        Job::Double(n) => Out::Doubled(2 * n),
        Job::Pid => Out::Pid(std::process::id()),
        Job::WaitFor { started, release } => {
            // Write, then rename: the test never reads a half-written pid.
            let partial = started.with_extension("partial");
            fs::write(&partial, std::process::id().to_string()).expect("write pid");
            fs::rename(&partial, &started).expect("publish pid");
            let deadline = Instant::now() + PATIENCE;
            while !release.exists() {
                if Instant::now() > deadline {
                    return Out::Released(false);
                }
                thread::sleep(Duration::from_millis(1));
            }
            Out::Released(true)
        }
        Job::Panic => panic!("a job that panics on purpose"),
        Job::Abort => std::process::abort(),
    }
}

fn start(workers: usize) -> Result<ProcessPool<Job, Out>, String> {
    ProcessPool::start(WORKER, workers).map_err(|e| e.to_string())
}

fn check(condition: bool, what: impl Into<String>) -> Result<(), String> {
    if condition { Ok(()) } else { Err(what.into()) }
}

/// The results sorted by job index, after checking there is exactly one per job.
fn one_per_job(
    mut results: Vec<JobResult<Out>>,
    jobs: usize,
) -> Result<Vec<JobResult<Out>>, String> {
    results.sort_by_key(|result| result.job);
    let indices: Vec<usize> = results.iter().map(|result| result.job).collect();
    check(
        indices == (0..jobs).collect::<Vec<_>>(),
        format!("expected one result for each of jobs 0..{jobs}, got {indices:?}"),
    )?;
    Ok(results)
}

fn every_result_once() -> Result<(), String> {
    let mut pool = start(3)?;
    let results = one_per_job(pool.run((0..60).map(Job::Double)).collect(), 60)?;
    let pids = pool.pids();
    let mut used = BTreeSet::new();
    for result in &results {
        let n = result.job as u64;
        check(
            matches!(result.outcome, Ok(Out::Doubled(d)) if d == 2 * n),
            format!("job {n}: {:?}", result.outcome),
        )?;
        let worker = result.worker.ok_or(format!("job {n} names no worker"))?;
        check(
            pids[worker.index] == worker.pid,
            format!(
                "job {n}: {worker} but the pool says pid {}",
                pids[worker.index]
            ),
        )?;
        check(result.elapsed().is_some(), format!("job {n} was not timed"))?;
        used.insert(worker.index);
    }
    // Demand-driven dispatch hands every idle worker a job at the start.
    check(used.len() == 3, format!("only workers {used:?} ran jobs"))?;
    // `map` gives the same answers, in submission order.
    let mapped = pool.map((0..10).map(Job::Double));
    let expected: Vec<Out> = (0..10).map(|n| Out::Doubled(2 * n)).collect();
    let got: Vec<&Out> = mapped
        .iter()
        .filter_map(|outcome| outcome.as_ref().ok())
        .collect();
    check(
        got == expected.iter().collect::<Vec<_>>(),
        format!("map gave {mapped:?}"),
    )
}

fn workers_are_other_processes() -> Result<(), String> {
    let mut pool = start(3)?;
    let pids = pool.pids();
    let distinct: BTreeSet<u32> = pids.iter().copied().collect();
    check(
        distinct.len() == 3,
        format!("pids {pids:?} are not distinct"),
    )?;
    check(
        !distinct.contains(&std::process::id()),
        format!("a worker has the parent's pid {}", std::process::id()),
    )?;
    for result in pool.run((0..6).map(|_| Job::Pid)) {
        let worker = result.worker.ok_or("a Pid job names no worker")?;
        check(
            result.outcome.as_ref().ok() == Some(&Out::Pid(worker.pid)),
            format!("{worker} answered {:?}", result.outcome),
        )?;
    }
    Ok(())
}

/// A scratch directory of this test process.
fn scratch(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("pool-test-{}-{name}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn results_as_they_finish() -> Result<(), String> {
    let dir = scratch("finish-order")?;
    let release = dir.join("release");
    let mut pool = start(2)?;
    let mut jobs = vec![Job::WaitFor {
        started: dir.join("started"),
        release: release.clone(),
    }];
    jobs.extend((1..=3).map(Job::Double));
    let mut run = pool.run(jobs);
    // Job 0 holds worker 0 until released, so jobs 1..=3 all go to worker 1 and their
    // results must come out first, although job 0 was submitted first.
    let first: Vec<usize> = run.by_ref().take(3).map(|result| result.job).collect();
    check(
        first == [1, 2, 3],
        format!("first three results: jobs {first:?}"),
    )?;
    fs::write(&release, "go").map_err(|e| e.to_string())?;
    let last = run.next().ok_or("job 0 never came back")?;
    check(
        last.job == 0 && last.outcome.as_ref().ok() == Some(&Out::Released(true)),
        format!("expected job 0 released, got {last}: {:?}", last.outcome),
    )?;
    check(run.next().is_none(), "a fifth result")?;
    drop(run);
    fs::remove_dir_all(&dir).map_err(|e| e.to_string())
}

fn panic_fails_one_job() -> Result<(), String> {
    let mut pool = start(1)?;
    let worker_pid = pool.pids()[0];
    let results = one_per_job(
        pool.run([Job::Double(1), Job::Panic, Job::Pid]).collect(),
        3,
    )?;
    match &results[1].outcome {
        Err(JobFailure::Panicked { message }) => check(
            message.contains("on purpose"),
            format!("panic message: {message}"),
        )?,
        other => return Err(format!("job 1 should have panicked: {other:?}")),
    }
    // The same process, still alive, ran the job after the panic.
    check(
        results[2].outcome.as_ref().ok() == Some(&Out::Pid(worker_pid)),
        format!("after the panic: {:?}", results[2].outcome),
    )?;
    check(pool.live_workers() == 1, "the worker was lost")
}

fn killed_mid_job() -> Result<(), String> {
    let dir = scratch("killed")?;
    let started = dir.join("started");
    let mut pool = start(2)?;
    let mut jobs = vec![Job::WaitFor {
        started: started.clone(),
        release: dir.join("never-created"),
    }];
    jobs.extend((1..=8).map(Job::Double));

    // As `kill -9` from another terminal would: wait until the job is running, then kill
    // the process running it, while this thread is busy collecting results.
    let killer = thread::spawn(move || -> Result<u32, String> {
        let pid = read_pid_when_written(&started)?;
        testing::kill(pid)?;
        Ok(pid)
    });
    let results = one_per_job(pool.run(jobs).collect(), 9)?;
    let killed = killer.join().map_err(|_| "the killer thread panicked")??;

    let victim = results[0].worker.ok_or("job 0 names no worker")?;
    check(
        victim.pid == killed,
        format!("job 0 blames {victim}, we killed {killed}"),
    )?;
    match &results[0].outcome {
        Err(JobFailure::WorkerDied {
            cause: ProcessError::Crashed { status, .. },
        }) => check(
            process::describe(*status) == "killed by signal 9 (SIGKILL)",
            process::describe(*status),
        )?,
        other => return Err(format!("job 0 should have died with its worker: {other:?}")),
    }
    let report = results[0].to_string();
    for needle in [
        "job 0".to_string(),
        format!("worker {}", victim.index),
        format!("pid {killed}"),
        "SIGKILL".to_string(),
    ] {
        check(
            report.contains(&needle),
            format!("report lacks {needle:?}: {report}"),
        )?;
    }
    for result in &results[1..] {
        let n = result.job as u64;
        check(
            result.outcome.as_ref().ok() == Some(&Out::Doubled(2 * n)),
            format!("job {n}: {:?}", result.outcome),
        )?;
    }
    check(
        pool.live_workers() == 1,
        format!("{} workers alive", pool.live_workers()),
    )?;
    // The survivor keeps serving.
    let again = pool.map([Job::Double(21)]);
    check(
        again.first().and_then(|outcome| outcome.as_ref().ok()) == Some(&Out::Doubled(42)),
        format!("after the death: {again:?}"),
    )?;
    fs::remove_dir_all(&dir).map_err(|e| e.to_string())
}

fn idle_death_loses_no_job() -> Result<(), String> {
    let mut pool = start(2)?;
    let dead = pool.pids()[0];
    testing::kill(dead)?;
    wait_until_gone(dead)?;
    let results = one_per_job(pool.run((0..4).map(Job::Double)).collect(), 4)?;
    for result in &results {
        let worker = result.worker.ok_or("a job names no worker")?;
        check(
            worker.index == 1 && result.outcome.is_ok(),
            format!("job {}: {result} {:?}", result.job, result.outcome),
        )?;
    }
    check(
        pool.live_workers() == 1,
        format!("{} workers alive", pool.live_workers()),
    )
}

fn all_dead_means_not_run() -> Result<(), String> {
    let mut pool = start(2)?;
    let mut jobs = vec![Job::Abort, Job::Abort];
    jobs.extend((2..5).map(Job::Double));
    let results = one_per_job(pool.run(jobs).collect(), 5)?;
    let mut victims = BTreeSet::new();
    for result in &results[..2] {
        match (&result.outcome, result.worker) {
            (
                Err(JobFailure::WorkerDied {
                    cause: ProcessError::Crashed { status, .. },
                }),
                Some(worker),
            ) if process::describe(*status).contains("SIGABRT") => {
                victims.insert(worker.index);
            }
            (other, _) => return Err(format!("job {}: {other:?}", result.job)),
        }
    }
    check(victims.len() == 2, "both aborts blamed the same worker")?;
    for result in &results[2..] {
        check(
            matches!(result.outcome, Err(JobFailure::NotRun)) && result.worker.is_none(),
            format!("job {}: {result}", result.job),
        )?;
    }
    check(pool.live_workers() == 0, "a worker survived an abort")?;
    // A pool with no workers answers at once: nothing runs, nothing hangs.
    let later = pool.map([Job::Double(1)]);
    check(
        matches!(later.as_slice(), [Err(JobFailure::NotRun)]),
        format!("a dead pool gave {later:?}"),
    )
}

fn drop_leaves_no_children() -> Result<(), String> {
    let mut pool = start(3)?;
    let pids = pool.pids();
    check(
        pool.map((0..3).map(Job::Double)).iter().all(Result::is_ok),
        "jobs failed",
    )?;
    check(
        pids.iter()
            .all(|pid| testing::children_of(std::process::id()).contains(pid)),
        "the workers are not our children",
    )?;
    drop(pool);
    // Dropping closed the channels and waited: no process left, not even a zombie.
    for pid in &pids {
        check(
            !testing::is_alive(*pid),
            format!("worker {pid} outlived its pool"),
        )?;
        check(
            !testing::children_of(std::process::id()).contains(pid),
            format!("worker {pid} is still our child"),
        )?;
    }
    Ok(())
}

/// Waits (up to `PATIENCE`) until a worker has written its pid into `path`.
fn read_pid_when_written(path: &Path) -> Result<u32, String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(text) = fs::read_to_string(path) {
            return text.trim().parse().map_err(|e| format!("pid file: {e}"));
        }
        if Instant::now() > deadline {
            return Err(format!("no pid in {} after {PATIENCE:?}", path.display()));
        }
        thread::sleep(Duration::from_millis(1));
    }
}

fn wait_until_gone(pid: u32) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    while testing::is_alive(pid) {
        if Instant::now() > deadline {
            return Err(format!("{pid} still alive after SIGKILL"));
        }
        thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}
