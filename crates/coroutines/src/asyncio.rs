//! asyncio's tasks, `gather`, `TaskGroup`, `Queue` and `loop.stop()`, written with tokio.
//!
//! Everything here runs on tokio's `current_thread` runtime ([`event_loop`]): one thread
//! for every task, as asyncio's event loop. A spawned task therefore starts only when the
//! task that spawned it awaits, and the lines come out in the order the Python originals
//! print them. Time is tokio's clock: the tests pause it
//! (`#[tokio::test(start_paused = true)]`), so every sleep takes no real time and every
//! measured time is exact.
//!
//! The lessons, one section each:
//!
//! - [`create_tasks`]: the Python slides' three tasks that sleep and return their names
//!   reversed; together they take one sleep, not three;
//! - [`breakfast`]: the Python course notebook's minitask 7, [`BREAKFAST`] cooked
//!   [`Way::Sequential`]ly (the sum of the steps) or concurrently (the longest step);
//! - [`forgotten`] and [`awaited`]: the Python slides' `asyncio.Queue` workers, never
//!   awaited (main returns and they are dropped) and then awaited;
//! - [`two_loops`]: the notebook's two `display_date` loops; when the second is done it
//!   stops the loop, and the first is cancelled in its nap.
//!
//! What the lessons print goes through a [`Transcript`], so a test can read it.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, sleep, sleep_until};

/// asyncio's event loop in tokio's terms: a `current_thread` runtime (one thread runs
/// every task) with its timers and I/O enabled.
pub fn event_loop() -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Where a lesson's lines go: printed as they are said (unless quiet), and kept, so the
/// tests can read what a program would have printed, and in which order.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    /// Every line said so far. A std `Mutex` is right here: it is held for one `push`,
    /// never across an `.await`.
    lines: Arc<Mutex<Vec<String>>>,
    /// Print each line on stdout as it is said.
    echo: bool,
}

impl Transcript {
    /// A transcript that prints every line as it is said, and keeps it.
    pub fn printing() -> Transcript {
        Transcript {
            echo: true,
            ..Transcript::default()
        }
    }

    /// A transcript that only keeps its lines (for tests).
    pub fn quiet() -> Transcript {
        Transcript::default()
    }

    /// Says one line.
    pub fn say(&self, line: impl Into<String>) {
        let line = line.into();
        if self.echo {
            // Not `println!`, which panics, in the task that printed, when stdout is a
            // pipe closed early (`| head`): the line is kept all the same.
            let _ = writeln!(std::io::stdout(), "{line}");
        }
        self.lock().push(line);
    }

    /// Every line said so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.lines.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------
// Tasks: create, then await.

/// The names of the Python slides' three tasks, in the order they are created.
pub const NAMES: [&str; 3] = ["first", "second", "third"];

/// One of the Python slides' tasks: says it started, sleeps, says it finished, and
/// returns its name reversed.
// ANCHOR: task
pub async fn task(
    name: &'static str,
    nap: Duration, // how long it sleeps
    out: Transcript,
) -> String {
    out.say(format!("{name} task started"));
    sleep(nap).await;
    out.say(format!("{name} task finished"));
    name.chars().rev().collect()
}
// ANCHOR_END: task

/// The Python slides' `main`: creates the three tasks (none runs yet: this task has not
/// awaited), then awaits each one's result in turn. They sleep at the same time, so the
/// whole takes one `nap`. Returns the results in creation order.
pub async fn create_tasks(nap: Duration, out: &Transcript) -> Result<Vec<String>, JoinError> {
    // ANCHOR: create_tasks
    let mut handles = Vec::new();
    for name in NAMES {
        handles.push(tokio::spawn(task(name, nap, out.clone())));
        out.say(format!("{name} task created"));
    }
    let mut results = Vec::new();
    for (number, handle) in (1..).zip(handles) {
        let result = handle.await?; // the first await: now the tasks run
        out.say(format!("result of task #{number}: {result}"));
        results.push(result);
    }
    // ANCHOR_END: create_tasks
    out.say("done");
    Ok(results)
}

// ---------------------------------------------------------------------------------------
// The kettle: one step after the other, or all at once.

/// One step of the breakfast, and how many of the notebook's seconds it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What the step does, as the notebook prints it: `"boiling kettle"`.
    pub task: &'static str,
    /// How long it takes, in the notebook's seconds.
    pub seconds: u32,
}

/// The Python course notebook's breakfast (minitask 7): the kettle boils for 3 s; the cups
/// take 2 s to clean, and can be cleaned while the water boils.
pub const BREAKFAST: [Step; 2] = [
    Step {
        task: "boiling kettle",
        seconds: 3,
    },
    Step {
        task: "cleaning cups",
        seconds: 2,
    },
];

/// The notebook's `perform_task`: says the step starts, waits while it happens (one of
/// the notebook's seconds lasts `unit` here), says it is done.
// ANCHOR: perform_task
pub async fn perform_task(step: Step, unit: Duration, out: Transcript) {
    out.say(format!("{} starting", step.task));
    sleep(unit * step.seconds).await;
    out.say(format!("{} is done", step.task));
}
// ANCHOR_END: perform_task

/// The ways to cook the breakfast: the notebook's first `main`, then the three
/// concurrent answers to its minitask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Way {
    /// Await one step, then the next: the notebook's `await perform_task(...)` twice.
    Sequential,
    /// Spawn a task per step, then await the handles: `asyncio.create_task`.
    Spawn,
    /// Await both futures at once in this task: `asyncio.gather`.
    Join,
    /// Spawn the steps into a group that is awaited as a whole: `asyncio.TaskGroup`.
    JoinSet,
}

impl Way {
    /// Every way, in the lecture's order.
    pub const ALL: [Way; 4] = [Way::Sequential, Way::Spawn, Way::Join, Way::JoinSet];

    /// The way's name in the transcript.
    pub fn name(self) -> &'static str {
        match self {
            Way::Sequential => "sequential",
            Way::Spawn => "spawn",
            Way::Join => "join!",
            Way::JoinSet => "JoinSet",
        }
    }

    /// What the way does, in one line, with the asyncio spelling it mirrors.
    pub fn how(self) -> &'static str {
        match self {
            Way::Sequential => "await one step, then the other (the notebook's main)",
            Way::Spawn => "tokio::spawn each step, then await the handles (create_task)",
            Way::Join => "tokio::join! both futures in this task (asyncio.gather)",
            Way::JoinSet => "spawn into a JoinSet, await them all (asyncio.TaskGroup)",
        }
    }
}

/// The notebook's first `main`: each step is awaited before the next starts, so the
/// breakfast takes the sum of the steps.
pub async fn sequential(steps: [Step; 2], unit: Duration, out: &Transcript) {
    // ANCHOR: sequential
    for step in steps {
        perform_task(step, unit, out.clone()).await;
    }
    // ANCHOR_END: sequential
}

/// Both steps spawned as tasks before either is awaited: they run at the same time.
pub async fn spawned(steps: [Step; 2], unit: Duration, out: &Transcript) -> Result<(), JoinError> {
    // ANCHOR: spawned
    let mut handles = Vec::new();
    for step in steps {
        handles.push(tokio::spawn(perform_task(step, unit, out.clone())));
    }
    for handle in handles {
        handle.await?;
    }
    // ANCHOR_END: spawned
    Ok(())
}

/// Both futures awaited at once by `join!`, inside this one task: no task is spawned.
/// `join!` takes the futures written out; for a `Vec` of them, `futures::future::join_all`.
pub async fn joined(steps: [Step; 2], unit: Duration, out: &Transcript) {
    // ANCHOR: joined
    let [kettle, cups] = steps;
    tokio::join!(
        perform_task(kettle, unit, out.clone()),
        perform_task(cups, unit, out.clone()),
    );
    // ANCHOR_END: joined
}

/// Both steps spawned into a `JoinSet`, awaited as a group. Like a `TaskGroup`, the group
/// cannot be forgotten: dropping a `JoinSet` aborts the tasks still in it.
pub async fn join_set(steps: [Step; 2], unit: Duration, out: &Transcript) {
    // ANCHOR: join_set
    let mut group = JoinSet::new();
    for step in steps {
        group.spawn(perform_task(step, unit, out.clone()));
    }
    group.join_all().await; // the end of `async with TaskGroup()`
    // ANCHOR_END: join_set
}

/// Cooks `steps` the `way` asked, one of the notebook's seconds lasting `unit`, and
/// returns how long it took on tokio's clock.
pub async fn breakfast(
    way: Way,
    steps: [Step; 2],
    unit: Duration,
    out: &Transcript,
) -> Result<Duration, JoinError> {
    let started = Instant::now();
    match way {
        Way::Sequential => sequential(steps, unit, out).await,
        Way::Spawn => spawned(steps, unit, out).await?,
        Way::Join => joined(steps, unit, out).await,
        Way::JoinSet => join_set(steps, unit, out).await,
    }
    Ok(started.elapsed())
}

/// What the breakfast should take the `way` asked, in the notebook's seconds: the sum of
/// the steps one after the other, the longest step when they overlap.
pub fn expected_seconds(way: Way, steps: &[Step]) -> u32 {
    let seconds = steps.iter().map(|step| step.seconds);
    match way {
        Way::Sequential => seconds.sum(),
        _ => seconds.max().unwrap_or(0),
    }
}

// ---------------------------------------------------------------------------------------
// The queue: workers draining an async channel.

/// The jobs' queue, shared by the workers. tokio's `mpsc` channel has many senders but
/// one receiver; behind tokio's `Mutex` the one receiver serves many workers. The lock is
/// held only while a worker waits for its next job, never while it does the job, and
/// tokio's `Mutex` is fair (first come, first served), so the workers take jobs in turn.
/// (A multi-consumer channel, `async-channel`, which smol re-exports as `smol::channel`,
/// would let every worker hold a clone of the receiver instead.)
pub type Jobs = Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<u32>>>;

/// A queue holding jobs `0..jobs`, filled before any worker starts, as in the Python
/// slides. Its sender is dropped here: once the jobs are taken, `recv()` answers `None`,
/// which is how a worker knows the queue is empty (Python's `while not queue.empty()`).
pub fn queue_of(jobs: u32) -> Jobs {
    let (put, get) = mpsc::unbounded_channel(); // asyncio.Queue(): no size limit
    for job in 0..jobs {
        put.send(job).expect("the receiver is right here");
    }
    Arc::new(tokio::sync::Mutex::new(get))
}

/// What the queue's workers did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueRun {
    /// The jobs started, in the order they were started.
    pub started: Vec<u32>,
    /// The jobs finished, in the order they were finished.
    pub done: Vec<u32>,
    /// How many jobs each worker finished: worker 1 first.
    pub done_by_worker: Vec<usize>,
    /// From the start until `main` returned, on tokio's clock.
    pub elapsed: Duration,
}

/// What the workers write down, and the lines they print, stamped with the time since
/// the queue was started.
#[derive(Debug, Clone)]
pub struct Log {
    out: Transcript,
    started: Instant,
    run: Arc<Mutex<QueueRun>>,
}

impl Log {
    /// A log for `workers` workers, its clock starting now.
    fn new(workers: usize, out: &Transcript) -> Log {
        let run = QueueRun {
            done_by_worker: vec![0; workers],
            ..QueueRun::default()
        };
        Log {
            out: out.clone(),
            started: Instant::now(),
            run: Arc::new(Mutex::new(run)),
        }
    }

    fn started(&self, name: usize, job: u32) {
        self.say(format!("Task named {name} started with parameter {job}"));
        self.lock().started.push(job);
    }

    fn finished(&self, name: usize, job: u32) {
        self.say(format!("Task named {name} finished with parameter {job}"));
        let mut run = self.lock();
        run.done.push(job);
        run.done_by_worker[name - 1] += 1;
    }

    fn say(&self, line: String) {
        let at = self.started.elapsed().as_secs_f64();
        self.out.say(format!("{at:6.2} s  {line}"));
    }

    /// What happened, `main` having returned now.
    fn run(&self) -> QueueRun {
        let mut run = self.lock().clone();
        run.elapsed = self.started.elapsed();
        run
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueRun> {
        self.run.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The Python slides' worker `task(name, queue)`: takes the next job until the queue is
/// empty; a job is `job_time` of waiting (a download, say).
// ANCHOR: worker
pub async fn worker(name: usize, jobs: Jobs, job_time: Duration, log: Log) {
    loop {
        // The lock guard is dropped at the end of this statement, before
        // the job: meanwhile the other workers can take the next jobs.
        let Some(job) = jobs.lock().await.recv().await else {
            break; // the queue is empty and its sender gone
        };
        log.started(name, job);
        sleep(job_time).await;
        log.finished(name, job);
    }
}
// ANCHOR_END: worker

/// The Python slides' bug: `main` creates the workers and returns without awaiting them.
/// With `linger` zero (the slides' `main`), it never awaits at all, so on one thread the
/// workers never even start; otherwise it awaits that long first. Then `main` is over and
/// `runtime` with it, which drops every task it still has: a job cut in its sleep never
/// finishes. Returns what the workers got done.
pub fn forgotten(
    runtime: Runtime,
    workers: usize,
    jobs: u32,
    job_time: Duration,
    linger: Duration,
    out: &Transcript,
) -> QueueRun {
    let (log, elapsed) = runtime.block_on(async {
        let log = Log::new(workers, out);
        forgetful_main(workers, jobs, job_time, linger, &log).await;
        let elapsed = log.started.elapsed();
        (log, elapsed)
    });
    // The end of `main`: `#[tokio::main]` drops its runtime here, and every task with it.
    drop(runtime);
    QueueRun {
        elapsed,
        ..log.lock().clone()
    }
}

/// The Python slides' `main`, bug and all: spawns the workers and forgets them.
async fn forgetful_main(
    workers: usize,
    jobs: u32,
    job_time: Duration,
    linger: Duration,
    log: &Log,
) {
    // ANCHOR: forgotten
    let queue = queue_of(jobs);
    for name in 1..=workers {
        tokio::spawn(worker(name, queue.clone(), job_time, log.clone()));
    }
    if !linger.is_zero() {
        sleep(linger).await; // main does something else for a while
    }
    // and returns: nothing awaits the workers
    // ANCHOR_END: forgotten
}

/// The fix: `main` keeps the workers' handles and awaits every one, so it returns only
/// when the queue is drained. `ceil(jobs / workers)` rounds of `job_time`.
pub async fn awaited(
    workers: usize,
    jobs: u32,
    job_time: Duration,
    out: &Transcript,
) -> Result<QueueRun, JoinError> {
    let log = Log::new(workers, out);
    // ANCHOR: awaited
    let queue = queue_of(jobs);
    let mut handles = Vec::new();
    for name in 1..=workers {
        let worker = worker(name, queue.clone(), job_time, log.clone());
        handles.push(tokio::spawn(worker));
    }
    for handle in handles {
        handle.await?; // main returns only when every worker has
    }
    // ANCHOR_END: awaited
    Ok(log.run())
}

// ---------------------------------------------------------------------------------------
// display_date: two loops, and the second stops the event loop.

/// The Python course notebook's two loops: how long each runs and how long it naps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    /// How long each loop runs, in the notebook's seconds (50 there).
    pub seconds: u32,
    /// How long one of the notebook's seconds lasts here.
    pub unit: Duration,
    /// Fixes the random naps: the same number, the same naps.
    pub seed: u64,
}

/// The naps of loop `num`, in the notebook's seconds: 0 to 5, as Python's
/// `random.randint(0, 5)`. Each loop draws from its own generator, so its naps do not
/// depend on which loop woke first.
pub fn naps(seed: u64, num: u32) -> impl Iterator<Item = u32> {
    let mut rng = StdRng::seed_from_u64(seed.rotate_left(8) ^ u64::from(num));
    std::iter::repeat_with(move || rng.random_range(0..=5))
}

/// The notebook's `display_date(num, loop)`: prints the time, naps a random while, again
/// and again until its time is up; loop 2 is handed `stop` and uses it when done, as
/// the notebook's `if num == 2: loop.stop()`. `clock` is when the program started.
///
/// One change from the notebook: the loop sleeps until a planned instant rather than for
/// a nap from whenever it woke, so a late wake-up (a busy machine, a real clock's
/// millisecond) does not push every later one back: which loop ends first depends on the
/// random naps only, and the same `seed` tells the same story on any machine.
pub async fn display_date(
    num: u32,
    dates: Dates,
    clock: Instant,
    out: Transcript,
    stop: Option<oneshot::Sender<()>>,
) {
    // ANCHOR: display_date
    let end_time = clock + dates.unit * dates.seconds;
    let mut naps = naps(dates.seed, num);
    let mut wake = clock; // when this loop means to be awake
    loop {
        let time = clock.elapsed().as_secs_f64();
        out.say(format!("Loop: {num} Time: {time:.2} s"));
        if wake + dates.unit >= end_time {
            break;
        }
        wake += dates.unit * naps.next().unwrap_or(0);
        sleep_until(wake).await; // waking late once does not delay the rest
    }
    if let Some(stop) = stop {
        let _ = stop.send(()); // loop.stop()
    }
    // ANCHOR_END: display_date
}

/// How the two loops ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRun {
    /// When loop 2 stopped the loop, on tokio's clock since the start.
    pub stopped_at: Duration,
    /// Loop 1 was still napping and was cancelled (not already finished).
    pub first_cancelled: bool,
}

/// The notebook's `ensure_future` twice and `run_forever()`: both loops run until loop 2
/// says stop; then loop 1, still in a nap, is aborted, which is what the end of the
/// runtime does to every task left (asyncio: the loop stops and never resumes it).
pub async fn two_loops(dates: Dates, out: &Transcript) -> Result<DateRun, JoinError> {
    let clock = Instant::now();
    // ANCHOR: two_loops
    let (stop, stopped) = oneshot::channel();
    let one = display_date(1, dates, clock, out.clone(), None);
    let two = display_date(2, dates, clock, out.clone(), Some(stop));
    let (first, second) = (tokio::spawn(one), tokio::spawn(two));
    let _ = stopped.await; // loop.run_forever(), until loop 2 calls stop
    first.abort(); // what ending the runtime does to each task left
    let first_cancelled = first.await.is_err_and(|e| e.is_cancelled());
    // ANCHOR_END: two_loops
    let stopped_at = clock.elapsed();
    second.await?;
    Ok(DateRun {
        stopped_at,
        first_cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breakfast_takes_the_sum_or_the_longest_step() {
        assert_eq!(expected_seconds(Way::Sequential, &BREAKFAST), 5);
        for way in [Way::Spawn, Way::Join, Way::JoinSet] {
            assert_eq!(expected_seconds(way, &BREAKFAST), 3, "{way:?}");
        }
    }

    #[test]
    fn naps_are_python_randint_0_to_5_and_fixed_by_a_random_seed() {
        let first: Vec<u32> = naps(7, 1).take(200).collect();
        assert!(first.iter().all(|nap| *nap <= 5));
        assert!(
            (0..=5).all(|n| first.contains(&n)),
            "every nap length comes up"
        );
        assert_eq!(first, naps(7, 1).take(200).collect::<Vec<_>>());
        assert_ne!(first, naps(7, 2).take(200).collect::<Vec<_>>());
        assert_ne!(first, naps(8, 1).take(200).collect::<Vec<_>>());
    }

    #[test]
    fn a_transcript_keeps_its_lines_in_order() {
        let out = Transcript::quiet();
        out.clone().say("one");
        out.say(String::from("two"));
        assert_eq!(out.lines(), ["one", "two"]);
    }
}
