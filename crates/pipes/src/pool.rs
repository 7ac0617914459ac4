//! A pool of worker processes: Rust's `multiprocessing.Pool` / `ProcessPoolExecutor`.
//!
//! The pool starts N workers, each this same program started again in a role you name
//! (see [`common::process`]). The parent holds the queue of jobs and hands them out; the
//! workers send results back, and the parent passes each one on **as soon as it arrives**,
//! in finishing order, not submission order:
//!
//! ```no_run
//! use common::process;
//! use pipes::pool::{self, ProcessPool};
//!
//! fn main() -> std::process::ExitCode {
//!     // A worker serves jobs until the parent closes its channel, then stops.
//!     let squarer = process::role("squarer", || pool::serve(|n: u64| n * n));
//!     if let Some(exit) = process::run_child([squarer]) {
//!         return exit;
//!     }
//!     let mut pool = ProcessPool::<u64, u64>::start("squarer", 2).expect("spawn failed");
//!     for result in pool.run([3, 1, 2]) {
//!         let worker = result.worker.expect("every job ran");
//!         println!("job {} on {worker}: {:?}", result.job, result.outcome);
//!     }
//!     std::process::ExitCode::SUCCESS
//! } // dropping the pool closes every channel and waits for the workers to end
//! ```
//!
//! # Handing out jobs on demand
//!
//! Python's `procs.py` puts every job into one shared queue and lets the workers race for
//! them. An [`ipc_channel`] receiver cannot be shared that way: it belongs to exactly one
//! process. So each worker has its own job channel, and the parent is the queue. It gives
//! every worker one job, waits for *any* worker to answer ([`IpcReceiverSet`] watches all
//! the result channels at once), and gives the worker that answered its next job. A worker
//! therefore holds at most one job at a time, and a fast worker simply comes back more
//! often. It also means the order of the job list is the order in which jobs *start*: put
//! the largest jobs first and the small ones fill the gaps at the end.
//!
//! # When a worker dies
//!
//! A worker can end in two very different ways while running a job:
//!
//! - **the job panics**: the worker catches the panic (like a Python worker catching an
//!   exception), reports [`JobFailure::Panicked`] with the message, and carries on;
//! - **the process dies** (killed by a signal, `abort`, out of memory): its result channel
//!   closes, the parent asks the operating system how it ended, and reports the job it was
//!   running as [`JobFailure::WorkerDied`], naming the worker, its pid and e.g.
//!   `killed by signal 9 (SIGKILL)`. The other workers keep going and their results still
//!   arrive. When no worker is left, every job still in the queue is reported
//!   [`JobFailure::NotRun`]. The parent never waits on a dead worker: a closed channel
//!   wakes it like a message does.
//!
//! A worker that dies *between* jobs costs only its place: the next run notices its closed
//! channel before handing out anything, and gives it no job.
//!
//! The failed job is **not retried**. The job may be what killed the worker (a poison job
//! would then kill every worker in turn), and running it twice may not be safe; the caller
//! sees the failure and decides. Python's `ProcessPoolExecutor` is harsher: when one worker
//! dies abruptly it declares the whole pool broken, fails *every* pending future with
//! `BrokenProcessPool`, and refuses new work. Here one death costs one job and one worker.
//!
//! A job that never returns (an endless loop) is not a death: its run waits for it. Give
//! such jobs their own deadline.
//!
//! # spawn, not fork
//!
//! Python's `multiprocessing` has two classic ways to start a worker:
//!
//! - **fork** (Python's default on Linux until 3.14) clones the running parent. The child
//!   gets a copy-on-write copy of the parent's whole memory (modules already imported, data
//!   already loaded) and its open files, which makes starting cheap. But it gets only the
//!   thread that called `fork`. Every other thread is simply absent, and any lock one of
//!   them held at that instant (inside `malloc`, around stdout, in a logger) is copied
//!   *locked*, with no owner left to unlock it: the child's first attempt to take it waits
//!   for ever. That is why POSIX lets the child of a multi-threaded program call only
//!   async-signal-safe functions (no allocation, no printing) until it calls `exec`.
//! - **spawn** (Python's default on Windows and macOS) starts a fresh interpreter that
//!   imports the main module and runs the target. Nothing is copied from the parent's
//!   memory: the child gets the program, its arguments and environment, and must receive
//!   everything else as (pickled) messages. Slower to start, but no stale locks. Since
//!   3.14, Linux defaults to *forkserver*: a clean, single-threaded server process started
//!   early forks the workers, so the forking process has no other threads.
//!
//! A Rust program cannot tell whether some library has started a thread, and has no
//! interpreter state it could repair after a `fork`. So the course, like most Rust
//! programs, only ever forks to `exec` at once: each worker is this binary started again
//! with a hidden role argument, which `main` checks before anything else. That is *spawn*:
//! a worker inherits no memory, every job and result crosses as a serde-encoded
//! [`Message`] (the Rust face of "only picklable objects"), and the start-up costs a few
//! milliseconds per worker.
//!
//! Start the pool from a thread that lives as long as the pool (usually the main thread):
//! on Linux the workers are set to die with the *thread* that started them, which is what
//! stops a killed parent from leaving orphan workers behind.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::iter::{Enumerate, Fuse};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitStatus;
use std::time::Duration;

use common::measure::now_ns;
use common::panic_text;
use common::process::{self, Child, Message, ProcessError};
use ipc_channel::ipc::{IpcMessage, IpcReceiverSet, IpcSelectionResult};
use ipc_channel::{IpcError, TrySelectError};
use serde::{Deserialize, Serialize};

/// What a worker sends back for each job: the outcome, and when the job started and
/// ended on the worker's own clock (the machine's monotonic clock, shared by processes).
#[derive(Serialize, Deserialize)]
struct Done<Out> {
    /// `Err` carries the message of a job that panicked.
    outcome: Result<Out, String>,
    started_ns: u64,
    ended_ns: u64,
}

/// A worker's place in the pool and its process id, e.g. `worker 1 (pid 4242)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkerId {
    /// Its index in the pool, from 0, in the order the workers were started.
    pub index: usize,
    /// Its process id (never the parent's).
    pub pid: u32,
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker {} (pid {})", self.index, self.pid)
    }
}

/// Why a job has no result.
#[derive(Debug)]
pub enum JobFailure {
    /// The job panicked. The worker caught the panic and carries on with other jobs.
    Panicked { message: String },
    /// The worker process died while the job was in its hands. How it ended is in `cause`,
    /// usually [`ProcessError::Crashed`] with the exit status. The job is not retried.
    WorkerDied { cause: ProcessError },
    /// The job never started: every worker process had died.
    NotRun,
    /// The worker's answer could not be decoded (the two sides disagree on the types), or
    /// the parent could not watch the workers' channels.
    Ipc { error: String },
}

impl fmt::Display for JobFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobFailure::Panicked { message } => write!(f, "the job panicked: {message}"),
            JobFailure::WorkerDied { cause } => match cause {
                ProcessError::Crashed { status, .. } => {
                    write!(f, "its worker died mid-job: {}", process::describe(*status))
                }
                other => write!(f, "its worker died mid-job: {other}"),
            },
            JobFailure::NotRun => write!(f, "not run: no worker process was left"),
            JobFailure::Ipc { error } => write!(f, "no usable answer: {error}"),
        }
    }
}

impl std::error::Error for JobFailure {}

/// The result of one job, as the pool hands it over.
#[derive(Debug)]
pub struct JobResult<Out> {
    /// The job's position in the list given to [`ProcessPool::run`], from 0.
    pub job: usize,
    /// The worker that ran it (or was running it when it died); `None` if it never started.
    pub worker: Option<WorkerId>,
    /// When the job started and ended, read with [`now_ns`] *inside the worker*: the time
    /// of the work alone, without the trips through the channels. `None` unless the worker
    /// answered.
    pub span_ns: Option<(u64, u64)>,
    /// The job's output, or why there is none.
    pub outcome: Result<Out, JobFailure>,
}

impl<Out> JobResult<Out> {
    /// How long the job ran, measured in the worker.
    pub fn elapsed(&self) -> Option<Duration> {
        self.span_ns
            .map(|(start, end)| Duration::from_nanos(end.saturating_sub(start)))
    }

    fn failed(job: usize, worker: Option<WorkerId>, failure: JobFailure) -> Self {
        JobResult {
            job,
            worker,
            span_ns: None,
            outcome: Err(failure),
        }
    }
}

/// `job 3 done by worker 1 (pid 4242)`, or `job 3 failed on worker 1 (pid 4242): its
/// worker died mid-job: killed by signal 9 (SIGKILL)`.
impl<Out> fmt::Display for JobResult<Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.outcome.is_ok() {
            "done by"
        } else {
            "failed on"
        };
        match self.worker {
            Some(worker) => write!(f, "job {} {verb} {worker}", self.job)?,
            None => write!(f, "job {}", self.job)?,
        }
        match &self.outcome {
            Ok(_) => Ok(()),
            Err(failure) => write!(f, ": {failure}"),
        }
    }
}

/// One worker process, as the parent sees it.
struct Worker<Job: Message, Out: Message> {
    /// The process and the sending end of its job channel. Its result channel has been
    /// moved into the pool's [`IpcReceiverSet`].
    child: Child<Job, Done<Out>>,
    /// The job it is running now, by index in the current run; `None` while idle. Never
    /// more than one: a worker gets its next job only after it answered the last.
    running: Option<usize>,
    /// `false` once its result channel has closed: the process is gone, it gets no jobs.
    alive: bool,
}

/// A pool of worker processes fed from a job queue held by the parent.
///
/// `Job` and `Out` are the messages that cross the process boundary; the workers must
/// call [`serve`] with the same two types.
pub struct ProcessPool<Job: Message, Out: Message> {
    role: String,
    /// The workers, in the order they were started: a worker's index is its place here.
    workers: Vec<Worker<Job, Out>>,
    /// Every worker's result channel in one set, so that a single blocking `select` wakes
    /// up for whichever worker answers first, or whose channel closes because it died.
    results: IpcReceiverSet,
    /// The set's id for each result channel → the index of the worker it belongs to.
    worker_of: HashMap<u64, usize>,
}

impl<Job: Message, Out: Message> ProcessPool<Job, Out> {
    /// Starts `workers` processes: this program again, in `role`. Each must call [`serve`]
    /// when it finds that role (see the module example). Returns once every worker has
    /// connected; a worker that fails to start is an error, and the ones already started
    /// are stopped.
    pub fn start(role: &str, workers: usize) -> Result<Self, ProcessError> {
        if workers == 0 {
            let why = io::Error::new(io::ErrorKind::InvalidInput, "a pool needs a worker");
            return Err(ProcessError::Io(why));
        }
        let mut pool = ProcessPool {
            role: role.to_string(),
            workers: Vec::with_capacity(workers),
            results: IpcReceiverSet::new()?,
            worker_of: HashMap::new(),
        };
        for index in 0..workers {
            let mut child = Child::spawn(role)?;
            let receiver = child
                .take_receiver()
                .expect("a newly spawned child still has its receiver");
            let id = pool.results.add(receiver)?;
            pool.worker_of.insert(id, index);
            pool.workers.push(Worker {
                child,
                running: None,
                alive: true,
            });
        }
        Ok(pool)
    }

    /// The role the workers were started in.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// How many workers were started.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// How many workers are still alive, as far as the pool has seen.
    pub fn live_workers(&self) -> usize {
        self.workers.iter().filter(|worker| worker.alive).count()
    }

    /// The workers' process ids, by worker index.
    pub fn pids(&self) -> Vec<u32> {
        self.workers
            .iter()
            .map(|worker| worker.child.pid())
            .collect()
    }

    /// Runs `jobs` on the workers and yields each job's result as soon as it arrives, in
    /// finishing order. Jobs are taken from `jobs` one at a time, only when a worker is
    /// free for one. Every job yields exactly one [`JobResult`]; `job` is its position.
    ///
    /// Dropping the iterator early stops handing out jobs and waits for the ones already
    /// running, so the next run starts with idle workers.
    pub fn run<I>(&mut self, jobs: I) -> Run<'_, Job, Out, I::IntoIter>
    where
        I: IntoIterator<Item = Job>,
    {
        // A worker that died while idle has already closed its channel: notice it now, so
        // no job is handed to a dead worker.
        let mut ready = VecDeque::new();
        self.collect_events(Wait::No, &mut ready);
        Run {
            pool: self,
            queue: jobs.into_iter().enumerate().fuse(),
            ready,
        }
    }

    /// Like Python's `executor.map`: runs `jobs` and returns their outcomes in submission
    /// order (waiting for all of them).
    pub fn map<I>(&mut self, jobs: I) -> Vec<Result<Out, JobFailure>>
    where
        I: IntoIterator<Item = Job>,
    {
        let mut results: Vec<JobResult<Out>> = self.run(jobs).collect();
        results.sort_by_key(|result| result.job);
        results.into_iter().map(|result| result.outcome).collect()
    }

    /// Closes every job channel (each worker's loop ends) and waits for the workers to
    /// exit. Returns how each one ended, by worker index: a worker that died earlier shows
    /// up here as an error too. Dropping the pool does the same, silently.
    pub fn shutdown(mut self) -> Vec<Result<ExitStatus, ProcessError>> {
        self.stop_workers()
    }

    fn stop_workers(&mut self) -> Vec<Result<ExitStatus, ProcessError>> {
        let mut workers = std::mem::take(&mut self.workers);
        // Close all channels first, so the workers wind down together, then reap them.
        for worker in &mut workers {
            worker.child.close();
        }
        workers
            .into_iter()
            .map(|worker| worker.child.join())
            .collect()
    }

    fn any_running(&self) -> bool {
        self.workers.iter().any(|worker| worker.running.is_some())
    }

    /// Waits for the workers' news (with [`Wait::Yes`], until there is some) and turns it
    /// into results: an answer finishes a job, a closed channel means a worker is gone.
    fn collect_events(&mut self, wait: Wait, into: &mut VecDeque<JobResult<Out>>) {
        let events = match wait {
            Wait::Yes => self.results.select(),
            Wait::No => match self.results.try_select() {
                Ok(events) => Ok(events),
                Err(TrySelectError::Empty) => Ok(Vec::new()),
                Err(TrySelectError::IoError(e)) => Err(e),
            },
        };
        let events = match events {
            Ok(events) => events,
            Err(error) => return self.abandon_running(&error, into),
        };
        for event in events {
            match event {
                IpcSelectionResult::MessageReceived(id, message) => {
                    let index = self.worker_of[&id];
                    into.extend(self.answered(index, message));
                }
                IpcSelectionResult::ChannelClosed(id) => {
                    let index = self.worker_of[&id];
                    into.extend(self.gone(index));
                }
            }
        }
    }

    /// Worker `index` answered: its job is done, and the worker is free again.
    fn answered(&mut self, index: usize, message: IpcMessage) -> Option<JobResult<Out>> {
        let id = self.id(index);
        let job = self.workers[index].running.take()?;
        let result = match message.to::<Done<Out>>() {
            Ok(done) => JobResult {
                job,
                worker: Some(id),
                span_ns: Some((done.started_ns, done.ended_ns)),
                outcome: done
                    .outcome
                    .map_err(|message| JobFailure::Panicked { message }),
            },
            Err(error) => JobResult::failed(
                job,
                Some(id),
                JobFailure::Ipc {
                    error: error.to_string(),
                },
            ),
        };
        Some(result)
    }

    /// Worker `index`'s result channel closed: the process is gone. The job it held, if
    /// any, fails with the reason (e.g. `killed by signal 9 (SIGKILL)`); it is not retried.
    // ANCHOR: failure
    fn gone(&mut self, index: usize) -> Option<JobResult<Out>> {
        let id = self.id(index);
        let worker = &mut self.workers[index];
        if !worker.alive {
            // Already reported when a job could not be handed to it.
            return None;
        }
        worker.alive = false;
        // The channel closes when the process ends, so its exit status
        // is at hand.
        let cause = worker.child.why_gone();
        let job = worker.running.take()?;
        Some(JobResult::failed(
            job,
            Some(id),
            JobFailure::WorkerDied { cause },
        ))
    }
    // ANCHOR_END: failure

    /// The parent can no longer watch the channels (an OS error, not a worker's fault).
    /// Nothing running can be waited for any more: stop those workers, fail their jobs.
    fn abandon_running(&mut self, error: &io::Error, into: &mut VecDeque<JobResult<Out>>) {
        for index in 0..self.workers.len() {
            let id = self.id(index);
            let worker = &mut self.workers[index];
            if let Some(job) = worker.running.take() {
                let _ = worker.child.kill();
                worker.alive = false;
                let error = format!("could not wait for the workers: {error}");
                into.push_back(JobResult::failed(job, Some(id), JobFailure::Ipc { error }));
            }
        }
    }

    fn id(&self, index: usize) -> WorkerId {
        WorkerId {
            index,
            pid: self.workers[index].child.pid(),
        }
    }
}

impl<Job: Message, Out: Message> Drop for ProcessPool<Job, Out> {
    fn drop(&mut self) {
        // Ending the workers is the pool's job, whoever forgets to call `shutdown`.
        let _ = self.stop_workers();
    }
}

impl<Job: Message, Out: Message> fmt::Debug for ProcessPool<Job, Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessPool")
            .field("role", &self.role)
            .field("pids", &self.pids())
            .field("live_workers", &self.live_workers())
            .finish()
    }
}

/// Whether [`ProcessPool::collect_events`] may block.
#[derive(Clone, Copy)]
enum Wait {
    Yes,
    No,
}

/// The results of one [`ProcessPool::run`], as they finish.
pub struct Run<'pool, Job: Message, Out: Message, I: Iterator<Item = Job>> {
    pool: &'pool mut ProcessPool<Job, Out>,
    /// The job queue, numbered: a job is taken only when a worker is free to run it.
    queue: Fuse<Enumerate<I>>,
    /// Results received but not handed out yet (one wake-up can bring several).
    ready: VecDeque<JobResult<Out>>,
}

impl<Job: Message, Out: Message, I: Iterator<Item = Job>> Run<'_, Job, Out, I> {
    /// Gives the next job in the queue to every live worker that has none.
    // ANCHOR: dispatch
    fn dispatch(&mut self) {
        for index in 0..self.pool.workers.len() {
            let worker = &self.pool.workers[index];
            if !worker.alive || worker.running.is_some() {
                continue;
            }
            let Some((job, input)) = self.queue.next() else {
                return; // the queue is empty
            };
            match worker.child.send(input) {
                Ok(()) => self.pool.workers[index].running = Some(job),
                // It died since we last looked. The job was in its hands as
                // far as we can tell, so it fails like any job whose worker
                // died (no retry).
                Err(_) => {
                    self.pool.workers[index].running = Some(job);
                    self.ready.extend(self.pool.gone(index));
                }
            }
        }
    }
    // ANCHOR_END: dispatch
}

impl<Job: Message, Out: Message, I: Iterator<Item = Job>> Iterator for Run<'_, Job, Out, I> {
    type Item = JobResult<Out>;

    fn next(&mut self) -> Option<JobResult<Out>> {
        loop {
            if let Some(result) = self.ready.pop_front() {
                return Some(result);
            }
            self.dispatch();
            if !self.ready.is_empty() {
                continue; // a job could not be handed over: report that first
            }
            if !self.pool.any_running() {
                // No one is working: the queue is empty, or no worker is left to take it.
                let (job, _) = self.queue.next()?;
                return Some(JobResult::failed(job, None, JobFailure::NotRun));
            }
            // Sleep until some worker answers or dies; a dead worker wakes us too.
            self.pool.collect_events(Wait::Yes, &mut self.ready);
        }
    }
}

impl<Job: Message, Out: Message, I: Iterator<Item = Job>> Drop for Run<'_, Job, Out, I> {
    fn drop(&mut self) {
        // Jobs still running belong to this run: wait for them (and drop their results),
        // so that the next run starts with idle workers and no stale answers.
        while self.pool.any_running() {
            self.pool.collect_events(Wait::Yes, &mut self.ready);
        }
    }
}

/// The worker's side: connects to the parent, then runs `work` on each job it receives
/// and sends back the output, until the parent closes the channel (or dies).
///
/// Each job is timed here, in the worker, with [`now_ns`]. A job that panics is caught and
/// reported as [`JobFailure::Panicked`]; the worker goes on to the next job.
pub fn serve<Job, Out>(mut work: impl FnMut(Job) -> Out) -> Result<(), ProcessError>
where
    Job: Message,
    Out: Message,
{
    // ANCHOR: worker
    let parent = process::connect_to_parent::<Job, Done<Out>>()?;
    loop {
        let job = match parent.rx.recv() {
            Ok(job) => job,
            // The parent closed its end: no more jobs, and that is a normal
            // end.
            Err(IpcError::Disconnected) => return Ok(()),
            Err(error) => return Err(ProcessError::Ipc(error.to_string())),
        };
        let started_ns = now_ns();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| work(job)));
        let ended_ns = now_ns();
        let done = Done {
            outcome: outcome.map_err(|panic| panic_text(&*panic).into()),
            started_ns,
            ended_ns,
        };
        if parent.tx.send(done).is_err() {
            return Ok(()); // the parent is gone: nobody wants the answer
        }
    }
    // ANCHOR_END: worker
}

/// What [`map_timed`] measured, besides the outputs.
#[derive(Debug)]
pub struct TimedMap<Out> {
    /// The outputs, in job order.
    pub outputs: Vec<Out>,
    /// Starting the pool: spawning every worker and waiting for each to connect.
    pub startup: Duration,
    /// Handing out the jobs and collecting the outputs.
    pub work: Duration,
    /// Everything: start-up, work, and closing the pool (the workers exit and are
    /// waited for). What a user waits for, as Python's `with ProcessPoolExecutor()` block.
    pub total: Duration,
}

/// Python's `with ProcessPoolExecutor(workers) as pool: pool.map(f, jobs)`, timed: a pool
/// of `workers` processes, each this program started again in `role` (its `main` hands
/// that role to [`serve`] before anything else), runs every job once.
///
/// Start-up and work are timed apart: a process costs milliseconds to start, a thread
/// microseconds, and whether that matters depends on how much work follows. A job that
/// failed (its worker died, say) has no output to compare: that is an error.
pub fn map_timed<Job: Message + Clone, Out: Message>(
    role: &str,
    workers: usize,
    jobs: &[Job],
) -> Result<TimedMap<Out>, Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let mut pool = ProcessPool::<Job, Out>::start(role, workers)?;
    let startup = started.elapsed();
    // `map` hands the jobs out one at a time, as workers come free, and returns the
    // outputs in job order.
    let outcomes = pool.map(jobs.iter().cloned());
    let work = started.elapsed() - startup;
    pool.shutdown();
    let outputs = outcomes
        .into_iter()
        .collect::<Result<Vec<Out>, JobFailure>>()?;
    Ok(TimedMap {
        outputs,
        startup,
        work,
        total: started.elapsed(),
    })
}

/// How long demand-driven dispatch takes to run jobs of these costs on `workers`
/// workers, in the jobs' own cost units, if each job costs exactly its estimate and
/// handing over is free: every job, in the given order, goes to the worker that is free
/// first (the lowest-numbered one on a tie, as [`ProcessPool::run`] does).
// ANCHOR: makespan
pub fn makespan(costs: &[u64], workers: usize) -> u64 {
    let mut free_at = vec![0_u64; workers.max(1)];
    for &cost in costs {
        let free = free_at.iter_mut().min().expect("at least one worker");
        *free += cost;
    }
    free_at.into_iter().max().unwrap_or(0)
}
// ANCHOR_END: makespan

/// The speedup over one worker that `workers` workers reach *in this order*, by the
/// same model as [`makespan`].
pub fn predicted_speedup(costs: &[u64], workers: usize) -> f64 {
    let total: u64 = costs.iter().sum();
    match makespan(costs, workers) {
        0 => 1.0,
        span => total as f64 / span as f64,
    }
}

/// The best speedup over one worker that `workers` workers can reach, whatever the
/// order: Amdahl's argument applied to a list of jobs. A job runs on one core, so the
/// run lasts at least as long as its largest job, and `workers` cores at best divide the
/// total by `workers`: `total / max(largest, total / workers)`.
// ANCHOR: speedup_bound
pub fn speedup_bound(costs: &[u64], workers: usize) -> f64 {
    let total = costs.iter().sum::<u64>() as f64;
    let largest = costs.iter().copied().max().unwrap_or(0) as f64;
    let shortest_possible = largest.max(total / workers.max(1) as f64);
    if shortest_possible == 0.0 {
        1.0
    } else {
        total / shortest_possible
    }
}
// ANCHOR_END: speedup_bound

#[cfg(test)]
mod tests {
    use super::*;

    /// Costs shaped like the NUMBERS of Fluent Python's `procs.py` (in millions of
    /// divisions, rounded): a tiny job, two mid-size, one large, one that stops at once.
    const PROCS_PY_LIKE: [u64; 5] = [0, 6, 9, 29, 0];

    #[test]
    fn the_largest_job_bounds_the_speedup() {
        // 44 units in all, 29 of them in one job: no schedule beats 44 / 29.
        assert_eq!(speedup_bound(&PROCS_PY_LIKE, 2), 44.0 / 29.0);
        // With equal jobs, the cores are the limit.
        assert_eq!(speedup_bound(&[5; 8], 2), 2.0);
        assert_eq!(speedup_bound(&[5; 8], 1), 1.0);
        assert_eq!(speedup_bound(&[], 4), 1.0);
    }

    #[test]
    fn the_given_order_starts_the_largest_job_late() {
        // Given order: worker 0 takes 0 then 9 then 0, worker 1 takes 6 and then the 29,
        // which starts at 6 and ends at 35.
        assert_eq!(makespan(&PROCS_PY_LIKE, 2), 35);
        assert_eq!(predicted_speedup(&PROCS_PY_LIKE, 2), 44.0 / 35.0);
        // Largest first: the 29 starts at once, the rest fit beside it.
        let mut largest_first = PROCS_PY_LIKE;
        largest_first.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(makespan(&largest_first, 2), 29);
        assert_eq!(
            predicted_speedup(&largest_first, 2),
            speedup_bound(&PROCS_PY_LIKE, 2)
        );
    }

    #[test]
    fn one_worker_runs_everything_in_turn() {
        assert_eq!(makespan(&PROCS_PY_LIKE, 1), 44);
        assert_eq!(predicted_speedup(&PROCS_PY_LIKE, 1), 1.0);
    }

    #[test]
    fn failures_read_as_sentences() {
        let result: JobResult<u64> = JobResult::failed(
            4,
            Some(WorkerId { index: 1, pid: 42 }),
            JobFailure::Panicked {
                message: "boom".into(),
            },
        );
        assert_eq!(
            result.to_string(),
            "job 4 failed on worker 1 (pid 42): the job panicked: boom"
        );
        let never: JobResult<u64> = JobResult::failed(7, None, JobFailure::NotRun);
        assert_eq!(
            never.to_string(),
            "job 7: not run: no worker process was left"
        );
    }
}
