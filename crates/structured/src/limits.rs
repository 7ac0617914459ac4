//! 10 000 of each: sleeping tokio tasks, threads and processes, in time and in memory.
//!
//! The Python slides: "10000 processes: a big problem, 10000 threads: a big problem, 10000
//! coroutines: not a problem", and a trio nursery of 10 000 tasks, each asleep in
//! `trio.sleep(10000)`, that mapped 87 MB. Here every unit of each [`Kind`] does the same:
//! it says it has started, sleeps `sleep`, then hands in its index. The sum of the indices,
//! `n (n - 1) / 2`, proves that each unit ran and finished once.
//!
//! All are asleep at once, as in trio, where no task runs before the nursery's body
//! awaits: tasks on one thread start only when the spawning loop is done, and threads and
//! processes wait at a start line that opens when the last one has started. A unit that
//! finished before the last one started would show in [`Measured::alive`].
//!
//! **Spawn time** runs from before the first spawn until every unit has started.
//! **Memory** is what the units add, each kind measured in a fresh child process (this
//! program, re-executed: [`common::process::run_in_fresh_child`]), because a process that
//! has just freed 10 000 threads would give the next kind pages that cost it nothing:
//!
//! - tasks and threads: the growth of the measuring process's peak resident size
//!   ([`MemoryProbe`]). A thread's figure is the stack pages it touched and the C
//!   library's record of it (its thread-local storage among them). Its guard page is not
//!   in it: that page is `PROT_NONE`, address space that is never resident. Nor is the
//!   kernel's own 16 KiB stack per thread.
//! - processes: the sum of the children's *proportional* set size, `Pss` in
//!   `/proc/<pid>/smaps_rollup`: a page shared by k processes (the program's code, the C
//!   library) counts 1/k for each, so the sum is what the children take together, their
//!   shared code once. Their resident sizes would count that code once per child; their
//!   private pages alone would not count it at all.
//! - every kind, beside those: what the kernel itself added while all units were alive,
//!   which no process's memory shows: a 16 KiB kernel stack per thread or process, and
//!   page tables (`KernelStack` and `PageTables` in `/proc/meminfo`; these are the
//!   machine's, so other programs move them a little too). The kernel's task structures
//!   (a few KiB each) are not in it. The machine's `MemAvailable` would include them, but
//!   on a machine where anything else runs it moves by hundreds of MB on its own.
//!
//! A spawn the machine refuses (a thread limit, `ulimit -u`, `ulimit -v`, memory) ends
//! that kind's run: the units that did start finish their sleep, and the run reports how
//! far it got and the error ([`Measured::refused`]).

use std::error::Error;
use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use common::compare::Run;
use common::measure::{MemoryProbe, status_field_kb};
use common::process;
use common::report::Row;
use coroutines::lazy::grouped;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tokio_util::task::TaskTracker;

/// The role of the child process that measures one kind.
pub const ROLE: &str = "limits-run";

/// The role of a process unit: [`sleeper`].
pub const SLEEPER: &str = "limits-sleeper";

/// Beyond the sleep, how long a measuring child may take before it is killed.
const SLACK: Duration = Duration::from_secs(120);

/// A unit of concurrency (`--kinds tasks,threads,processes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Kind {
    /// A tokio task on the `current_thread` runtime: one thread, as trio.
    #[value(name = "tasks")]
    Task,
    /// An OS thread, `std::thread::Builder` with Rust's default stack (2 MiB reserved).
    #[value(name = "threads")]
    Thread,
    /// A process: this program started again, in a role that only sleeps.
    #[value(name = "processes")]
    Process,
}

impl Kind {
    /// Every kind, in the table's order.
    pub const ALL: [Kind; 3] = [Kind::Task, Kind::Thread, Kind::Process];

    /// The kind's name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Task => "tokio tasks",
            Kind::Thread => "threads",
            Kind::Process => "processes",
        }
    }

    /// One unit's name: `a task`, `a thread`, `a process`.
    pub fn one(self) -> &'static str {
        match self {
            Kind::Task => "a task",
            Kind::Thread => "a thread",
            Kind::Process => "a process",
        }
    }
}

/// One run to measure: `count` units of `kind`, each sleeping `sleep_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// What to spawn.
    pub kind: Kind,
    /// How many.
    pub count: usize,
    /// How long each sleeps, in milliseconds.
    pub sleep_ms: u64,
    /// Draw a progress bar on stderr (the parent says so only for a terminal).
    pub progress: bool,
}

impl Job {
    /// How long each unit sleeps.
    pub fn sleep(&self) -> Duration {
        Duration::from_millis(self.sleep_ms)
    }
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Units that started (all asked for, unless a spawn was refused).
    pub started: usize,
    /// Units alive at once: started and not yet finished when the last one had started.
    pub alive: usize,
    /// The sum of the indices the units handed in when they finished.
    pub sum: u64,
    /// From before the first spawn until every unit had started.
    pub spawn_seconds: f64,
    /// From before the first spawn until the last unit had finished (and was reaped).
    pub total_seconds: f64,
    /// What the units added to memory, in kB (see the module docs), if it can be read.
    pub memory_kb: Option<u64>,
    /// What the kernel added for the units (kernel stacks, page tables), in kB.
    pub kernel_kb: Option<i64>,
    /// The error of the spawn the machine refused, if one was.
    pub refused: Option<String>,
}

impl Measured {
    /// Microseconds of spawn time per unit.
    pub fn us_per_unit(&self) -> f64 {
        self.spawn_seconds * 1e6 / self.started.max(1) as f64
    }

    /// Kilobytes of memory per unit.
    pub fn kb_per_unit(&self) -> Option<f64> {
        Some(self.memory_kb? as f64 / self.started.max(1) as f64)
    }

    /// This run as a row of the comparison: the sum of the indices is its answer, the
    /// spawn time its time, and the figures its columns (see [`NOTES`]).
    pub fn row(&self) -> Run<u64> {
        if self.alive < self.started {
            let alive = grouped(self.alive as u64);
            eprintln!("warning: only {alive} units were alive at once: raise --sleep-ms");
        }
        let mb = |kb: f64| kb / 1024.0;
        let mut run = Run::new(self.sum)
            .took(Duration::from_secs_f64(self.spawn_seconds))
            .extra("us_per_unit", self.us_per_unit());
        if let (Some(kb), Some(per_unit)) = (self.memory_kb, self.kb_per_unit()) {
            run = run
                .extra("rss_mb", mb(kb as f64))
                .extra("kb_per_unit", per_unit);
        }
        if let Some(kb) = self.kernel_kb {
            run = run.extra("kernel_mb", mb(kb as f64));
        }
        run.extra("total_s", self.total_seconds)
    }
}

/// A spawn the machine refused, and how far the run had got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The kind whose spawn was refused.
    pub kind: Kind,
    /// Units that had started before it.
    pub started: usize,
    /// Units the run asked for.
    pub asked: usize,
    /// The operating system's error, e.g. `Resource temporarily unavailable (os error 11)`.
    pub error: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: refused after {} of {}: {}",
            self.kind.name(),
            grouped(self.started as u64),
            grouped(self.asked as u64),
            self.error
        )
    }
}

impl Error for Refused {}

impl Refused {
    /// What the transcript says: how far the run got, the error, and the limits it may
    /// have met ([`machine_limits`]), in lines narrow enough for a slide.
    pub fn lines(&self) -> Vec<String> {
        let reached = self
            .to_string()
            .trim_end_matches(&self.error)
            .trim()
            .to_string();
        let mut lines = vec![reached, format!("  {}", self.error)];
        let mut line = "  limits:".to_string();
        for limit in machine_limits() {
            if line.len() + limit.len() > 72 {
                lines.push(line + ",");
                line = format!("{:10}{limit}", "");
            } else {
                line = format!(
                    "{line}{} {limit}",
                    if line.ends_with(':') { "" } else { "," }
                );
            }
        }
        lines.push(line);
        lines
    }
}

/// In the parent: measures `job` in a fresh child process. A refused spawn is the error
/// [`Refused`]; a run that went wrong otherwise is the child's own error.
pub fn measure(job: Job) -> Result<Measured, Box<dyn Error>> {
    let measured: Measured = process::run_in_fresh_child(ROLE, job, job.sleep() + SLACK)?;
    match measured.refused {
        Some(error) => Err(Box::new(Refused {
            kind: job.kind,
            started: measured.started,
            asked: job.count,
            error,
        })),
        None => Ok(measured),
    }
}

/// In the measuring child: measures each job the parent sends.
pub fn serve() -> Result<(), process::ProcessError> {
    process::serve_jobs(measure_here)
}

/// Measures `job` in this process.
pub fn measure_here(job: Job) -> Result<Measured, String> {
    let progress = Progress::new(job);
    let measured = match job.kind {
        Kind::Task => {
            let event_loop = coroutines::asyncio::event_loop().map_err(|e| e.to_string())?;
            Ok(event_loop.block_on(tasks(job, &progress)))
        }
        Kind::Thread => Ok(threads(job, &progress)),
        Kind::Process => processes(job, &progress).map_err(|e| e.to_string()),
    };
    progress.bar.finish_and_clear();
    measured
}

/// What every unit of a run shares: how long it sleeps, and what the units report.
#[derive(Debug, Default)]
pub struct Tally {
    sleep: Duration,
    started: AtomicUsize,
    finished: AtomicUsize,
    sum: AtomicU64,
}

impl Tally {
    /// A tally for units that each sleep `sleep`.
    pub fn new(sleep: Duration) -> Tally {
        Tally {
            sleep,
            ..Tally::default()
        }
    }

    /// A unit has started.
    pub fn start(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    /// Unit `index` has finished.
    pub fn finish(&self, index: u64) {
        self.sum.fetch_add(index, Ordering::Relaxed);
        self.finished.fetch_add(1, Ordering::Release);
    }

    /// How many units have started so far.
    pub fn started(&self) -> usize {
        self.started.load(Ordering::Acquire)
    }

    /// How many units have finished so far.
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::Acquire)
    }
}

/// One task: it says it has started, sleeps, and hands in its index. Its future holds
/// the index, a pointer to the tally and tokio's `Sleep`, nothing else.
// ANCHOR: task
// Not an `async fn`, which keeps its arguments twice (as arguments and
// as locals): 136 bytes here, 152 as an `async fn`.
#[allow(clippy::manual_async_fn)]
fn task(index: u64, tally: Arc<Tally>) -> impl Future<Output = ()> {
    async move {
        tally.start();
        tokio::time::sleep(tally.sleep).await;
        tally.finish(index);
    }
}
// ANCHOR_END: task

/// The size of one task's future, the state machine of [`task`]: what tokio stores in
/// each task, between its own header and trailer.
pub fn task_future_bytes() -> usize {
    std::mem::size_of_val(&task(0, Arc::default()))
}

/// `job.count` tasks on the runtime that awaits this. A `TaskTracker` waits for them
/// all without keeping a handle per task: it only counts them.
// ANCHOR: tasks
async fn tasks(job: Job, progress: &Progress) -> Measured {
    let tally = Arc::new(Tally::new(job.sleep()));
    let tracker = TaskTracker::new();
    let meter = Meter::start();
    for index in 0..job.count {
        tracker.spawn(task(index as u64, tally.clone()));
        progress.spawned(index + 1);
    }
    tracker.close();
    // One thread runs every task: none starts before we wait, here.
    while tally.started() < job.count {
        tokio::task::yield_now().await;
    }
    let asleep = meter.all_started(&tally, progress);
    tracker.wait().await;
    meter.finish(&tally, asleep, None, None)
}
// ANCHOR_END: tasks

/// `job.count` threads in a scope, which joins every one of them. Each waits at a start
/// line (a lock we hold while spawning) before its sleep, so all sleep at once. A refused
/// spawn stops the spawning; the threads that did start sleep and are joined.
fn threads(job: Job, progress: &Progress) -> Measured {
    let tally = Tally::new(job.sleep());
    let start_line = RwLock::new(());
    let meter = Meter::start();
    let (asleep, refused) = thread::scope(|scope| {
        let closed = start_line.write();
        let (mut spawned, mut refused) = (0, None);
        // ANCHOR: thread
        for index in 0..job.count {
            let (tally, start_line) = (&tally, &start_line);
            let unit = thread::Builder::new().spawn_scoped(scope, move || {
                tally.start();
                drop(start_line.read()); // waits until the line opens
                thread::sleep(tally.sleep);
                tally.finish(index as u64);
            });
            if let Err(error) = unit {
                refused = Some(error.to_string());
                break;
            }
            spawned += 1;
            progress.spawned(spawned);
        }
        // ANCHOR_END: thread
        while tally.started() < spawned {
            thread::yield_now();
        }
        let asleep = meter.all_started(&tally, progress);
        drop(closed); // the line opens: every thread sleeps now
        (asleep, refused)
    });
    meter.finish(&tally, asleep, None, refused)
}

/// `job.count` processes, each this program in the [`SLEEPER`] role. They share one end of
/// a socket pair as stdin and stdout: each writes `ready`, then reads until its input
/// ends, which it does for all of them at once when we shut down our side for writing
/// (the start line opens) or die; then each sleeps and writes `done <index>`.
fn processes(job: Job, progress: &Progress) -> io::Result<Measured> {
    let (ours, theirs) = UnixStream::pair()?;
    let tally = Tally::new(job.sleep());
    let meter = Meter::start();
    let mut sleepers = Sleepers(Vec::with_capacity(job.count));
    let mut refused = None;
    for index in 0..job.count {
        let mut command = process::child_command(SLEEPER)?;
        command.args([index.to_string(), job.sleep_ms.to_string()]);
        let end = OwnedFd::from(theirs.try_clone()?);
        command.stdin(Stdio::from(end.try_clone()?));
        command.stdout(Stdio::from(end));
        match command.spawn() {
            Ok(child) => sleepers.0.push(child),
            Err(error) => {
                refused = Some(error.to_string());
                break;
            }
        }
        progress.spawned(index + 1);
    }
    drop(theirs); // only the children hold their end now
    let spawned = sleepers.0.len();
    let mut reports = Reports::new(&ours, job.sleep() + SLACK)?;
    while tally.started() < spawned {
        reports.next(&tally)?;
    }
    let asleep = meter.all_started(&tally, progress);
    let pss_kb = sleepers.0.iter().map(|child| pss_kb(child.id())).sum();
    ours.shutdown(Shutdown::Write)?; // the line opens: every process sleeps now
    while tally.finished() < spawned {
        reports.next(&tally)?;
    }
    sleepers.reap()?;
    Ok(meter.finish(&tally, asleep, pss_kb, refused))
}

/// The sleeping children of a run. Dropped before they were reaped (an error on the way),
/// it kills and reaps those still running: no child outlives its run.
struct Sleepers(Vec<Child>);

impl Sleepers {
    /// Waits for every child; one that did not exit cleanly is an error.
    fn reap(&mut self) -> io::Result<()> {
        for mut child in self.0.drain(..) {
            let status = child.wait()?;
            if !status.success() {
                let how = process::describe(status);
                return Err(io::Error::other(format!("a sleeper ended with {how}")));
            }
        }
        Ok(())
    }
}

impl Drop for Sleepers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The lines the sleepers write, read from our end of their socket.
struct Reports<'a> {
    lines: BufReader<&'a UnixStream>,
}

impl<'a> Reports<'a> {
    /// Reads from `ours`, giving up when no line comes for `patience`.
    fn new(ours: &'a UnixStream, patience: Duration) -> io::Result<Reports<'a>> {
        ours.set_read_timeout(Some(patience))?;
        Ok(Reports {
            lines: BufReader::new(ours),
        })
    }

    /// Reads one line, `ready` or `done <index>`, into `tally`. Linux queues a short write
    /// to a Unix stream socket whole, so the lines of different children never mix.
    fn next(&mut self, tally: &Tally) -> io::Result<()> {
        let mut line = String::new();
        if self.lines.read_line(&mut line)? == 0 {
            return Err(io::Error::other("the sleepers ended without reporting"));
        }
        match line.trim().split_once(' ') {
            None if line.trim() == "ready" => tally.start(),
            Some(("done", index)) => tally.finish(index.parse().map_err(io::Error::other)?),
            _ => return Err(io::Error::other(format!("a sleeper said {line:?}"))),
        }
        Ok(())
    }
}

/// A process unit, in the child: says `ready`, waits at the start line (until its input
/// ends: the parent opened the line, or died), sleeps, and says `done <index>`. Should
/// the parent die, the kernel ends this process too (`child_command` asks it to).
// ANCHOR: sleeper
pub fn sleeper() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().rev(); // … <index> <sleep_ms>
    let sleep_ms: u64 = args.next().ok_or("no sleep")?.parse()?;
    let index: u64 = args.next().ok_or("no index")?.parse()?;
    let mut parent = io::stdout().lock();
    parent.write_all(b"ready\n")?;
    parent.flush()?;
    io::stdin().read_to_end(&mut Vec::new())?;
    thread::sleep(Duration::from_millis(sleep_ms));
    parent.write_all(format!("done {index}\n").as_bytes())?;
    Ok(parent.flush()?)
}
// ANCHOR_END: sleeper

/// `Pss` of process `pid`, in kB, from `/proc/<pid>/smaps_rollup`.
fn pss_kb(pid: u32) -> Option<u64> {
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    status_field_kb(&rollup, "Pss")
}

/// The machine's `MemAvailable`, in kB.
pub fn available_kb() -> Option<u64> {
    status_field_kb(&fs::read_to_string("/proc/meminfo").ok()?, "MemAvailable")
}

/// The memory the kernel holds for every thread and process on the machine, in kB: their
/// kernel stacks and page tables.
fn kernel_kb() -> Option<u64> {
    let meminfo = fs::read_to_string("/proc/meminfo").ok()?;
    Some(status_field_kb(&meminfo, "KernelStack")? + status_field_kb(&meminfo, "PageTables")?)
}

/// [`kernel_kb`] once it has settled (or after 2 s): the kernel frees the stacks of
/// threads that ended a little after they ended, so the kernel's memory may still be
/// falling from an earlier run.
fn settled_kernel_kb() -> Option<u64> {
    let mut before = kernel_kb()?;
    for _ in 0..20 {
        thread::sleep(Duration::from_millis(100));
        let now = kernel_kb()?;
        if now.abs_diff(before) < 1024 {
            return Some(now);
        }
        before = now;
    }
    Some(before)
}

/// The clock and the memory gauges of one run, started just before the first spawn.
struct Meter {
    probe: MemoryProbe,
    kernel_kb: Option<u64>,
    began: Instant,
}

/// The moment every unit had started.
struct Asleep {
    spawn: Duration,
    alive: usize,
    kernel_kb: Option<i64>,
}

impl Meter {
    fn start() -> Meter {
        Meter {
            probe: MemoryProbe::start(),
            kernel_kb: settled_kernel_kb(),
            began: Instant::now(),
        }
    }

    /// Called once every unit has started: the spawn time, how many are alive, and what
    /// the kernel added.
    fn all_started(&self, tally: &Tally, progress: &Progress) -> Asleep {
        let spawn = self.began.elapsed();
        let alive = tally.started() - tally.finished();
        let growth = |(before, now): (u64, u64)| now as i64 - before as i64;
        let kernel_kb = self.kernel_kb.zip(kernel_kb()).map(growth);
        progress.asleep();
        Asleep {
            spawn,
            alive,
            kernel_kb,
        }
    }

    /// Called once every unit has finished. `memory_kb` where the units' memory is not
    /// this process's growth (processes).
    fn finish(
        &self,
        tally: &Tally,
        asleep: Asleep,
        memory_kb: Option<u64>,
        refused: Option<String>,
    ) -> Measured {
        Measured {
            started: tally.started(),
            alive: asleep.alive,
            sum: tally.sum.load(Ordering::Acquire),
            spawn_seconds: asleep.spawn.as_secs_f64(),
            total_seconds: self.began.elapsed().as_secs_f64(),
            memory_kb: memory_kb.or_else(|| self.probe.peak_growth_kb()),
            kernel_kb: asleep.kernel_kb,
            refused,
        }
    }
}

/// The progress bar of a run on a terminal (stderr), hidden anywhere else.
struct Progress {
    bar: ProgressBar,
    job: Job,
}

impl Progress {
    fn new(job: Job) -> Progress {
        let bar = if job.progress {
            let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} {elapsed}")
                .expect("a valid template");
            ProgressBar::new(job.count as u64).with_style(style)
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(format!("spawning {}", job.kind.name()));
        Progress { bar, job }
    }

    /// `spawned` units so far: moves the bar every 1/200 of the run, not on every unit.
    fn spawned(&self, spawned: usize) {
        if spawned.is_multiple_of((self.job.count / 200).max(1)) || spawned == self.job.count {
            self.bar.set_position(spawned as u64);
        }
    }

    fn asleep(&self) {
        let sleep = self.job.sleep().as_secs_f64();
        let kind = self.job.kind.name();
        self.bar
            .set_message(format!("{kind}: all asleep for {sleep} s"));
    }
}

/// The processes a run starts by default, and the most it starts without a warning: each
/// is a whole program, with its own memory and a process id.
pub const SAFE_PROCESSES: usize = 1_000;

/// What the Python slides measured of their 10 000 sleeping trio tasks, printed as
/// they said it: `pmap`'s total, address space mapped (most of it never touched), not
/// resident memory. Python's figures per unit come from `scripts/python/limits.py`.
pub const PYTHON_SLIDES: [&str; 3] = [
    "The Python slides: 10 000 trio tasks asleep in one nursery, 87 MB mapped (pmap's",
    "total: address space, most of it never touched; not resident memory).",
    "Python's side: python3 scripts/python/limits.py",
];

/// `count` units of `kind`, with what a thread reserves: `10 000 threads (2048 KiB
/// stacks)`. Rust's default stack is 2 MiB, unless `RUST_MIN_STACK` (bytes) says otherwise.
pub fn described(kind: Kind, count: usize) -> String {
    let stack = std::env::var("RUST_MIN_STACK")
        .ok()
        .and_then(|s| s.parse::<usize>().ok());
    let units = format!("{} {}", grouped(count as u64), kind.name());
    match kind {
        Kind::Thread => format!("{units} ({} KiB stacks)", stack.unwrap_or(2 << 20) >> 10),
        _ => units,
    }
}

/// What runs of `(kind, count)` past this machine's limits will meet, said before trying:
/// threads or processes past [`common::limits::thread_limit`], processes past
/// [`SAFE_PROCESSES`].
pub fn warnings(runs: &[(Kind, usize)]) -> Vec<String> {
    let limit = common::limits::thread_limit();
    let mut warnings = Vec::new();
    for &(kind, count) in runs {
        if kind != Kind::Task && count > limit.max {
            warnings.push(format!(
                "{} is past what this machine allows at once (about {}: nine tenths of the \
                 tightest of {}); trying anyway: expect a refusal",
                described(kind, count),
                grouped(limit.max as u64),
                limit.limits.join(", ")
            ));
        }
        if kind == Kind::Process && count > SAFE_PROCESSES {
            warnings.push(format!(
                "{}: each is a whole program with a pid of its own; more than {} may slow \
                 this machine down",
                described(kind, count),
                grouped(SAFE_PROCESSES as u64)
            ));
        }
    }
    warnings
}

/// What the table's columns mean, printed under it.
pub const NOTES: [&str; 7] = [
    "seconds: until every unit had started (us_per_unit: per unit); total_s: until the",
    "last had finished and was joined or reaped. No speedup column: the kinds run",
    "different counts, so only per-unit figures compare (the last line).",
    "rss_mb: what the units added: tasks and threads, the peak RSS growth of the process",
    "that ran them; processes, the sum of the children's Pss (shared code split among",
    "them). kernel_mb: what the kernel added (its stacks, page tables): /proc/meminfo's,",
    "so other programs on the machine move it a little too.",
];

/// The last line: what a thread and a process cost per unit, next to a task.
pub fn conclusion(rows: &[Row]) -> String {
    let per_unit = |kind: Kind, key: &str| {
        let row = rows.iter().find(|row| row.variant == kind.name())?;
        let value = row.extra.get(key)?.as_f64()?;
        (value > 0.0).then_some(value)
    };
    let mut parts = Vec::new();
    for kind in [Kind::Thread, Kind::Process] {
        let times = |key| Some(per_unit(kind, key)? / per_unit(Kind::Task, key)?);
        if let (Some(memory), Some(time)) = (times("kb_per_unit"), times("us_per_unit")) {
            let one = kind.one();
            parts.push(format!(
                "{one} {memory:.0}× the memory, {time:.0}× the spawn time"
            ));
        }
    }
    match parts.is_empty() {
        true => "Shown: what each kind costs per unit, where the machine let it run.".into(),
        false => format!(
            "Shown: per unit, next to a sleeping task, {}.",
            parts.join("; ")
        ),
    }
}

/// The limits a refused spawn runs into: the kernel's limits on threads and processes
/// ([`common::limits::thread_limit`]), `ulimit -v` where one is set, and the memory the
/// machine has available.
pub fn machine_limits() -> Vec<String> {
    let mut limits = common::limits::thread_limit().limits;
    if let Some(bytes) = common::limits::soft_limit("Max address space") {
        limits.push(format!("ulimit -v {} kB", bytes >> 10));
    }
    if let Some(kb) = available_kb() {
        limits.push(format!("MemAvailable {} MB", kb >> 10));
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(kind: Kind, count: usize) -> Job {
        Job {
            kind,
            count,
            sleep_ms: 200,
            progress: false,
        }
    }

    /// Tasks and threads each run once, all asleep at once: the indices add up and no unit
    /// finished before the last one started.
    #[test]
    fn every_task_and_thread_sleeps_and_finishes_once() {
        for kind in [Kind::Task, Kind::Thread] {
            let measured = measure_here(job(kind, 300)).unwrap();
            assert_eq!(measured.sum, 300 * 299 / 2, "{kind:?}");
            assert_eq!((measured.started, measured.alive), (300, 300), "{kind:?}");
            assert!(measured.total_seconds >= 0.2, "{measured:?}");
            assert_eq!(measured.refused, None);
        }
    }

    /// A task's future is tokio's `Sleep`, the index and a pointer to the tally. Past 144
    /// bytes (with the tracker's 8, and tokio's 104 of header, ids and trailer) tokio's
    /// task cell, aligned to 128 bytes, would grow from 256 bytes to 384.
    #[test]
    fn a_task_stays_in_a_cell_of_256_bytes() {
        let sleep = std::mem::size_of::<tokio::time::Sleep>();
        let bytes = task_future_bytes();
        assert!(bytes >= sleep + 16 && bytes <= 144, "{bytes} bytes");
    }

    /// Threads or processes past the machine's limit are warned about before they are
    /// tried, tasks never; processes past the safe number are warned about too.
    #[cfg(target_os = "linux")]
    #[test]
    fn runs_past_the_limits_are_warned_about() {
        let past = common::limits::thread_limit().max + 1;
        let warned = warnings(&[(Kind::Task, past), (Kind::Thread, past)]);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("threads (2048 KiB stacks) is past what this machine"));
        assert!(warned[0].contains("kernel.pid_max"), "{warned:?}");
        assert!(warnings(&[(Kind::Thread, 10), (Kind::Process, SAFE_PROCESSES)]).is_empty());
        let warned = warnings(&[(Kind::Process, SAFE_PROCESSES + 1)]);
        assert!(
            warned
                .iter()
                .any(|w| w.contains("1 001 processes: each is a whole program"))
        );
    }

    /// Per-unit figures divide by the units that started.
    #[test]
    fn per_unit_figures() {
        let measured = Measured {
            started: 1000,
            alive: 1000,
            sum: 0,
            spawn_seconds: 0.002,
            total_seconds: 1.0,
            memory_kb: Some(400),
            kernel_kb: None,
            refused: None,
        };
        assert_eq!(measured.us_per_unit(), 2.0);
        assert_eq!(measured.kb_per_unit(), Some(0.4));
    }

    /// A refusal says what was reached, with spaces between thousands.
    #[test]
    fn a_refusal_says_how_far_it_got() {
        let refused = Refused {
            kind: Kind::Thread,
            started: 29_417,
            asked: 100_000,
            error: "Resource temporarily unavailable (os error 11)".into(),
        };
        assert_eq!(
            refused.to_string(),
            "threads: refused after 29 417 of 100 000: Resource temporarily unavailable \
             (os error 11)"
        );
        let lines = refused.lines();
        assert_eq!(lines[0], "threads: refused after 29 417 of 100 000:");
        assert_eq!(lines[1], "  Resource temporarily unavailable (os error 11)");
        assert!(
            lines[2].starts_with("  limits: kernel.pid_max "),
            "{lines:?}"
        );
        assert!(
            lines.iter().all(|line| line.chars().count() <= 76),
            "{lines:?}"
        );
    }
}
