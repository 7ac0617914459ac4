//! One latency does not fix one throughput: eight stations, each spending one time unit
//! on a job, wired two ways.
//!
//! The Python course notebook uses this example to pull the two figures apart:
//!
//! - wired as a [`Design::Pipeline`], a job visits all eight in turn: it spends 8 units
//!   inside, yet once the line is full one job leaves every unit;
//! - wired as a [`Design::Farm`], whichever single station is free does the whole job:
//!   it spends 1 unit inside, and 8 jobs leave every unit.
//!
//! Here the stations are real: each is an OS thread, linked to the others by crossbeam
//! channels. In the pipeline station `i` passes every job it has served to station
//! `i + 1`; in the farm all stations take jobs from one shared channel. [`run`] sends
//! `jobs` jobs through, all waiting at the door at time 0, and returns an [`Outcome`]:
//! each job's latency, the throughput once the system is full, the total time and the
//! order in which the jobs came out.
//!
//! Both designs are *lines* of [`Stage`]s: a stage is one or more identical stations
//! taking from one channel and passing to the next. A pipeline of 8 is 8 stages of one
//! station; a farm of 8 is one stage of 8 stations. [`run_line`] runs any line, e.g. a
//! pipeline whose fourth station takes 3 units (the chapter's exercise), and [`ideal`]
//! says what the arithmetic predicts for it: the latency of a job alone is the sum of the
//! services, and the slowest stage sets the pace of the whole line.
//!
//! # One station, two clocks
//!
//! A station's service is a wait of a unit or more (like a pizza oven, not a sum), so
//! eight stations serve at once even on a two-core machine. Every time-related thing a
//! station does goes through a [`Clock`]: take a job, serve it, pass it on. There are two:
//!
//! - [`WallClock`], used by [`run`] and so by the program: taking and passing are plain
//!   blocking channel operations and serving is `thread::sleep(unit)`. The figures are
//!   real, measured in wall time (unit = 20 ms, say), with every overshoot of the OS.
//! - [`VirtualClock`], used by the tests: the same threads run the same [`station`] code,
//!   but serving waits for a *virtual* clock, which jumps to the next wake-up the moment
//!   every station (and the collector) is either serving or waiting for an empty
//!   channel — what `tokio::time::pause` does for tasks, done here for threads. Latencies
//!   come out as exact whole units and the tests can assert them with `==`.
//!
//! Why threads and a clock of our own rather than tokio tasks on the paused clock? The
//! lesson is about stations working *at the same time*, and threads linked by channels
//! are the plainest picture of that; tokio's paused clock only runs on its single-thread
//! runtime and cannot see a thread blocked on a crossbeam channel. The clock sees every
//! hand-off because the station makes it through the clock (`take` and `pass`), so it
//! knows when nobody can act before time moves on.
//!
//! The task-side analogue of [`VirtualClock`] is
//! [`coroutines::executor::Executor::paused`]: its timer heap jumps to the earliest
//! deadline when no task is ready. It drives tasks polled on one thread, not threads
//! blocked on channels, so the stations need a clock of their own.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender, TryRecvError, unbounded};

/// How the stations are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every job goes through every station, in order: station `i` passes it to `i + 1`.
    Pipeline,
    /// Every job needs one station, any will do: all take from one shared channel.
    Farm,
}

/// A job: its number in the queue at the door, and when a station first took it.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    /// 0, 1, 2, …: the order the jobs waited at the door.
    pub id: usize,
    /// When the first station took the job (the start of its latency), once one has.
    pub started: Option<Duration>,
}

/// Where time comes from for the stations: the wall clock, or a virtual one for tests.
///
/// Every operation that can wait goes through the clock, so a virtual clock can tell
/// when all participants (the stations and the thread that feeds and collects the jobs)
/// are waiting and time may jump. A participant is announced with [`Clock::enter`] by
/// the thread that starts it, before it starts, and ends with [`Clock::leave`].
pub trait Clock: Sync {
    /// The length of one unit of service.
    fn unit(&self) -> Duration;
    /// Time since the clock was made.
    fn now(&self) -> Duration;
    /// Announces one more participant (called before it is spawned).
    fn enter(&self);
    /// The calling participant is done.
    fn leave(&self);
    /// Takes the next item from `input`, waiting for one; `None` once the channel is
    /// empty and every sender has closed it.
    fn take<T>(&self, input: &Receiver<T>) -> Option<T>;
    /// Passes `item` on (the channels are unbounded: passing never waits).
    fn pass<T>(&self, output: &Sender<T>, item: T);
    /// Closes this end of a channel: once all ends are closed, `take` returns `None`.
    fn close<T>(&self, output: Sender<T>);
    /// `units` units of service.
    fn serve_for(&self, units: u32);
    /// One unit of service.
    fn serve(&self) {
        self.serve_for(1);
    }
}

/// Real time: blocking channels and `thread::sleep(unit)`. What the program measures.
pub struct WallClock {
    /// The length of one unit of service.
    unit: Duration,
    /// Time 0, for [`Clock::now`].
    start: Instant,
}

impl WallClock {
    /// A clock whose unit of service is `unit`, starting now.
    pub fn new(unit: Duration) -> WallClock {
        WallClock {
            unit,
            start: Instant::now(),
        }
    }
}

impl Clock for WallClock {
    fn unit(&self) -> Duration {
        self.unit
    }
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
    fn enter(&self) {}
    fn leave(&self) {}
    fn take<T>(&self, input: &Receiver<T>) -> Option<T> {
        input.recv().ok()
    }
    fn pass<T>(&self, output: &Sender<T>, item: T) {
        output.send(item).expect("the next station is still there");
    }
    fn close<T>(&self, output: Sender<T>) {
        drop(output);
    }
    fn serve_for(&self, units: u32) {
        thread::sleep(self.unit * units);
    }
}

/// Virtual time for the tests: serving takes no real time, and the clock jumps to the
/// next wake-up as soon as no participant can act at the current instant.
///
/// A participant is *awake* (it may still act now), *serving* (asleep until its unit is
/// over), *stuck* (it found its channel empty and waits for the next hand-off), or gone.
/// Every hand-off (a take, a pass, a close) wakes the stuck ones to look again; when the
/// last awake participant goes to sleep or gets stuck, time moves to the earliest
/// wake-up. Every channel operation happens under the clock's lock, so "nobody is
/// awake" is never wrong by a message in flight.
pub struct VirtualClock {
    /// The length of one unit of service.
    unit: Duration,
    /// What the participants share; see [`ClockState`].
    state: Mutex<ClockState>,
    /// Signalled when time moves or a hand-off happens.
    changed: Condvar,
}

/// The shared state of a [`VirtualClock`].
#[derive(Default)]
struct ClockState {
    /// Virtual time.
    now: Duration,
    /// Participants that may still act at `now`.
    awake: usize,
    /// Participants waiting for a hand-off.
    stuck: usize,
    /// Wake-up times of the serving participants, earliest first.
    alarms: BinaryHeap<Reverse<Duration>>,
    /// Counts hand-offs, so a stuck participant knows when to look again.
    handoffs: u64,
    /// Everyone is stuck and nobody is serving: no hand-off can ever come.
    deadlock: bool,
}

impl VirtualClock {
    /// A virtual clock at time 0 whose unit of service is `unit`.
    pub fn new(unit: Duration) -> VirtualClock {
        VirtualClock {
            unit,
            state: Mutex::new(ClockState::default()),
            changed: Condvar::new(),
        }
    }

    /// Locks the shared state.
    fn lock(&self) -> MutexGuard<'_, ClockState> {
        self.state.lock().expect("no participant panicked")
    }

    /// Waits for a signal, unless (and until) there is a deadlock to report.
    fn wait<'a>(&self, state: MutexGuard<'a, ClockState>) -> MutexGuard<'a, ClockState> {
        let state = if state.deadlock {
            state
        } else {
            self.changed.wait(state).expect("no participant panicked")
        };
        if state.deadlock {
            drop(state);
            panic!("deadlock: every station waits for a job that cannot come");
        }
        state
    }

    /// A hand-off happened: the stuck participants become awake to look again.
    fn handed_off(&self, state: &mut ClockState) {
        state.handoffs += 1;
        state.awake += state.stuck;
        state.stuck = 0;
        self.changed.notify_all();
    }

    /// When nobody is awake, moves time to the earliest alarm and wakes its sleepers.
    fn advance(&self, state: &mut ClockState) {
        if state.awake > 0 {
            return;
        }
        let Some(&Reverse(next)) = state.alarms.peek() else {
            if state.stuck > 0 {
                state.deadlock = true;
                self.changed.notify_all();
            }
            return;
        };
        state.now = next;
        while state.alarms.peek() == Some(&Reverse(next)) {
            state.alarms.pop();
            state.awake += 1;
        }
        self.changed.notify_all();
    }
}

impl Clock for VirtualClock {
    fn unit(&self) -> Duration {
        self.unit
    }
    fn now(&self) -> Duration {
        self.lock().now
    }
    fn enter(&self) {
        self.lock().awake += 1;
    }
    fn leave(&self) {
        let mut state = self.lock();
        state.awake -= 1;
        self.advance(&mut state);
    }
    fn take<T>(&self, input: &Receiver<T>) -> Option<T> {
        let mut state = self.lock();
        loop {
            match input.try_recv() {
                Ok(item) => {
                    self.handed_off(&mut state);
                    return Some(item);
                }
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {
                    state.awake -= 1;
                    state.stuck += 1;
                    self.advance(&mut state);
                    // Whoever makes the next hand-off counts us awake again.
                    let seen = state.handoffs;
                    while state.handoffs == seen {
                        state = self.wait(state);
                    }
                }
            }
        }
    }
    fn pass<T>(&self, output: &Sender<T>, item: T) {
        let mut state = self.lock();
        output.send(item).expect("the next station is still there");
        self.handed_off(&mut state);
    }
    fn close<T>(&self, output: Sender<T>) {
        let mut state = self.lock();
        drop(output);
        self.handed_off(&mut state);
    }
    fn serve_for(&self, units: u32) {
        let mut state = self.lock();
        let until = state.now + self.unit * units;
        state.alarms.push(Reverse(until));
        state.awake -= 1;
        self.advance(&mut state);
        // Whoever moves time to `until` counts us awake again.
        while state.now < until {
            state = self.wait(state);
        }
    }
}

/// One service station: take a job, serve it for one unit, pass it on; when
/// the input is closed and empty, close the output and go.
pub fn station<C>(clock: &C, input: Receiver<Job>, output: Sender<Job>)
where
    C: Clock,
{
    station_serving(clock, 1, input, output);
}

/// A station whose service takes `units` units: [`station`] is `station_serving(clock, 1, …)`.
pub fn station_serving<C>(clock: &C, units: u32, input: Receiver<Job>, output: Sender<Job>)
where
    C: Clock,
{
    while let Some(mut job) = clock.take(&input) {
        // Latency starts when the first station takes the job.
        job.started.get_or_insert(clock.now());
        clock.serve_for(units); // the service: a wait, like an oven's
        clock.pass(&output, job);
    }
    clock.close(output); // the next station (or the exit) sees we are done
    clock.leave();
}

/// One stage of a line: `copies` identical stations side by side, all taking jobs from
/// one channel and passing them to the next stage's; each serves a job for `service`
/// units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Units of time one job takes at one of the stage's stations (at least 1).
    pub service: u32,
    /// Stations of the stage, serving at once (at least 1).
    pub copies: usize,
}

impl Stage {
    /// One station of one unit: a pipeline is a line of these.
    pub const ONE: Stage = Stage {
        service: 1,
        copies: 1,
    };

    /// One station whose service takes `units` units.
    pub fn serving(units: u32) -> Stage {
        Stage {
            service: units,
            copies: 1,
        }
    }

    /// Jobs per unit the stage passes on once it is busy: `copies / service`.
    pub fn rate(&self) -> f64 {
        self.copies as f64 / f64::from(self.service)
    }
}

impl Design {
    /// Both designs, in the Python notes' order.
    pub const BOTH: [Design; 2] = [Design::Pipeline, Design::Farm];

    /// Its name in tables and rows: `pipeline`, `farm`.
    pub fn name(self) -> &'static str {
        match self {
            Design::Pipeline => "pipeline",
            Design::Farm => "farm",
        }
    }

    /// The Python notes' arithmetic for `jobs` jobs through `stations` stations: see
    /// [`ideal`].
    pub fn ideal(self, jobs: usize, stations: usize) -> Ideal {
        ideal(&self.stages(stations), jobs)
    }

    /// How the total grows with `N` jobs: `N + 7` for a pipeline of 8, `⌈N / 8⌉` for a
    /// farm, `N` for either with one station.
    pub fn formula(self, stations: usize) -> String {
        match (self, stations) {
            (_, 0 | 1) => "N".to_string(),
            (Design::Pipeline, _) => format!("N + {}", stations - 1),
            (Design::Farm, _) => format!("⌈N / {stations}⌉"),
        }
    }

    /// The design as a line of stages: a pipeline of `stations` is `stations` stages of
    /// one station; a farm is one stage of `stations` stations.
    pub fn stages(self, stations: usize) -> Vec<Stage> {
        match self {
            Design::Pipeline => vec![Stage::ONE; stations],
            Design::Farm => vec![Stage {
                service: 1,
                copies: stations,
            }],
        }
    }
}

/// What the arithmetic predicts for a line, in units, when every job waits at the door
/// at time 0: see [`ideal`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ideal {
    /// A job alone (or the first one): the sum of the services.
    pub latency: f64,
    /// Jobs per unit once the line is full: the slowest stage's [`Stage::rate`].
    pub throughput: f64,
    /// From time 0 to the last exit.
    pub total: f64,
}

impl std::fmt::Display for Ideal {
    /// `latency 8, 1 job a unit, 71 units`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let jobs = if self.throughput == 1.0 {
            "job"
        } else {
            "jobs"
        };
        let units = if self.total == 1.0 { "unit" } else { "units" };
        write!(
            f,
            "latency {}, {} {jobs} a unit, {} {units}",
            short(self.latency),
            short(self.throughput),
            short(self.total)
        )
    }
}

/// `count` and the noun, plural unless the count is 1: `1 job`, `8 stations`.
pub fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// A figure in units: whole numbers without decimals, others with three.
fn short(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        format!("{x:.3}")
    }
}

/// The ideal figures of `stages` for `jobs` jobs. The first job takes the sum of the
/// services; after it, each stage needs `⌈jobs / copies⌉ − 1` more rounds of its service
/// to let the others through, and the stage that needs longest decides when the last
/// job is out. A pipeline of `s`: latency `s`, 1 job a unit, `jobs + s − 1` units; a
/// farm of `s`: 1, `s`, `⌈jobs / s⌉`. Exact for pipelines, farms, and lines with one
/// slow station, alone or in as many copies as it takes units (the tests check these).
/// Fewer copies than that start one unit apart, so the last job may come out a unit or
/// so later than this says.
pub fn ideal(stages: &[Stage], jobs: usize) -> Ideal {
    let latency: u32 = stages.iter().map(|stage| stage.service).sum();
    let throughput = stages.iter().map(Stage::rate).fold(f64::INFINITY, f64::min);
    let rounds = |stage: &Stage| {
        (jobs.div_ceil(stage.copies.max(1)) as f64 - 1.0) * f64::from(stage.service)
    };
    let rest = stages.iter().map(rounds).fold(0.0, f64::max);
    let total = if jobs == 0 {
        0.0
    } else {
        f64::from(latency) + rest
    };
    Ideal {
        latency: f64::from(latency),
        throughput,
        total,
    }
}

/// What one run measured. Times are in units of service (exact in virtual time).
#[derive(Clone, Debug)]
pub struct Outcome {
    /// How the stations were arranged.
    pub design: Design,
    /// How many stations there were.
    pub stations: usize,
    /// The line they formed: see [`Design::stages`] and [`run_line`].
    pub stages: Vec<Stage>,
    /// The length of one unit of service.
    pub unit: Duration,
    /// Each job's latency, by job id: from a station first taking it to its exit.
    pub latency: Vec<f64>,
    /// When each job came out, by job id, in units since the run began.
    pub finished: Vec<f64>,
    /// Job ids in the order they came out.
    pub order: Vec<usize>,
    /// From the start of the run to the last job out.
    pub total: Duration,
    /// Jobs per unit once the system is full: see [`throughput`].
    pub throughput: f64,
}

impl Outcome {
    /// The total time in units.
    pub fn total_units(&self) -> f64 {
        in_units(self.total, self.unit)
    }

    /// The mean latency, in units (0 when there were no jobs).
    pub fn latency_mean(&self) -> f64 {
        let jobs = self.latency.len().max(1) as f64;
        self.latency.iter().sum::<f64>() / jobs
    }

    /// Every job came out, each exactly once.
    pub fn each_once(&self) -> bool {
        let mut ids = self.order.clone();
        ids.sort_unstable();
        ids.into_iter().eq(0..self.latency.len())
    }

    /// The smallest and largest latency, in units (0 and 0 when there were no jobs).
    pub fn latency_range(&self) -> (f64, f64) {
        let min = self.latency.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.latency.iter().copied().fold(0.0, f64::max);
        (if self.latency.is_empty() { 0.0 } else { min }, max)
    }
}

/// `time` in units of `unit`, from whole nanoseconds so virtual times stay exact.
fn in_units(time: Duration, unit: Duration) -> f64 {
    time.as_nanos() as f64 / unit.as_nanos() as f64
}

/// Jobs per unit once the system is full: the jobs that came out after the first
/// exit, over the time from the first exit to the last. Exits within half a unit of the
/// first (a farm's first batch: the same instant in virtual time) count as the first.
/// A pipeline of `s` stations: first out at `s`, then one a unit: 1. A farm: `s` jobs
/// out at unit 1, `s` more each unit after: `s`. A line whose slowest station takes 3
/// units: one out every 3 units: 1/3. When every job came out in the first batch, that
/// batch took one unit.
pub fn throughput(finished: &[f64]) -> f64 {
    let first = finished.iter().copied().fold(f64::INFINITY, f64::min);
    let last = finished.iter().copied().fold(0.0, f64::max);
    let in_first = finished.iter().filter(|&&out| out < first + 0.5).count();
    if finished.is_empty() {
        0.0
    } else if in_first == finished.len() {
        in_first as f64
    } else {
        (finished.len() - in_first) as f64 / (last - first)
    }
}

/// Runs `jobs` jobs through `stations` stations arranged as `design`, in real time,
/// each service taking `unit`: what the program measures.
pub fn run(design: Design, jobs: usize, stations: usize, unit: Duration) -> Outcome {
    run_on(&WallClock::new(unit), design, jobs, stations)
}

/// [`run`] on any clock: the tests pass a [`VirtualClock`].
///
/// # Panics
/// If `stations` is 0.
pub fn run_on<C: Clock>(clock: &C, design: Design, jobs: usize, stations: usize) -> Outcome {
    assert!(stations > 0, "a system needs at least one station");
    let mut outcome = run_line(clock, &design.stages(stations), jobs);
    outcome.design = design;
    outcome
}

/// Runs `jobs` jobs through a line of `stages` on `clock`, all waiting at the door at
/// time 0. Its [`Outcome::design`] says [`Design::Pipeline`]: a line is a pipeline whose
/// stages may be slow or farmed ([`run_on`] sets it for a farm).
///
/// # Panics
/// If there is no stage, or a stage has no station or a service of 0 units.
pub fn run_line<C: Clock>(clock: &C, stages: &[Stage], jobs: usize) -> Outcome {
    let served = |stage: &Stage| stage.copies > 0 && stage.service > 0;
    assert!(
        !stages.is_empty() && stages.iter().all(served),
        "a line needs at least one station in every stage, each serving at least a unit"
    );
    clock.enter(); // this thread: it feeds the door and collects the exits
    let t0 = clock.now();
    let done = thread::scope(|scope| {
        // A station thread serving `units` a job, announced to the clock first.
        let spawn = |units: u32, input: Receiver<Job>, output: Sender<Job>| {
            clock.enter();
            scope.spawn(move || station_serving(clock, units, input, output));
        };
        // ANCHOR: wiring
        let (door, mut input) = unbounded();
        for &stage in stages {
            // Every station of a stage takes from one channel, `input`,
            // and passes to the same next one, `output`.
            let (output, next_input) = unbounded();
            for _ in 0..stage.copies {
                spawn(stage.service, input.clone(), output.clone());
            }
            input = next_input; // the next stage takes what this one passes
        }
        let exits = input; // what the last stage passes on
        // ANCHOR_END: wiring
        for id in 0..jobs {
            clock.pass(&door, Job { id, started: None });
        }
        clock.close(door);
        let mut done = Vec::with_capacity(jobs);
        while let Some(job) = clock.take(&exits) {
            done.push((job, clock.now()));
        }
        done
    });
    clock.leave();
    outcome(stages, clock.unit(), t0, jobs, &done)
}

/// Turns the jobs as they came out, with their exit times, into an [`Outcome`].
fn outcome(
    stages: &[Stage],
    unit: Duration,
    t0: Duration,
    jobs: usize,
    done: &[(Job, Duration)],
) -> Outcome {
    let mut latency = vec![f64::NAN; jobs];
    let mut finished = vec![f64::NAN; jobs];
    let mut order = Vec::with_capacity(done.len());
    for &(job, out) in done {
        let started = job.started.expect("a station took the job");
        latency[job.id] = in_units(out - started, unit);
        finished[job.id] = in_units(out - t0, unit);
        order.push(job.id);
    }
    let total = done.last().map_or(Duration::ZERO, |&(_, out)| out - t0);
    Outcome {
        design: Design::Pipeline,
        stations: stages.iter().map(|stage| stage.copies).sum(),
        stages: stages.to_vec(),
        unit,
        throughput: throughput(&finished),
        latency,
        finished,
        order,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit of the tests: any length works in virtual time; an odd one shows it.
    const UNIT: Duration = Duration::from_millis(7);

    /// One run on a fresh virtual clock.
    fn virtual_run(design: Design, jobs: usize, stations: usize) -> Outcome {
        run_on(&VirtualClock::new(UNIT), design, jobs, stations)
    }

    /// Every job came out exactly once: `order` is a permutation of the ids.
    fn assert_each_once(outcome: &Outcome, jobs: usize) {
        let mut ids = outcome.order.clone();
        ids.sort_unstable();
        assert_eq!(ids, (0..jobs).collect::<Vec<_>>());
        assert!(outcome.each_once());
    }

    /// The Python notes' pipeline: 8 stations, every job's latency is 8 units.
    #[test]
    fn pipeline_latency_is_eight() {
        let outcome = virtual_run(Design::Pipeline, 20, 8);
        assert_eq!(outcome.latency, vec![8.0; 20]);
    }

    /// After the first 8 units, one job comes out per unit, in order: job k at k + 8.
    #[test]
    fn pipeline_completes_one_job_per_unit_once_full() {
        let outcome = virtual_run(Design::Pipeline, 20, 8);
        let expected: Vec<f64> = (0..20).map(|k| k as f64 + 8.0).collect();
        assert_eq!(outcome.finished, expected);
        assert_eq!(outcome.order, (0..20).collect::<Vec<_>>());
        assert_eq!(outcome.throughput, 1.0);
    }

    /// N jobs through an 8-station pipeline take N + 7 units.
    #[test]
    fn pipeline_total_is_n_plus_seven() {
        for jobs in [1, 2, 8, 13, 40] {
            let outcome = virtual_run(Design::Pipeline, jobs, 8);
            assert_eq!(outcome.total_units(), jobs as f64 + 7.0, "{jobs} jobs");
            assert_eq!(outcome.total, UNIT * (jobs as u32 + 7));
            assert_each_once(&outcome, jobs);
        }
    }

    /// The Python notes' farm: 8 stations, every job's latency is 1 unit.
    #[test]
    fn farm_latency_is_one() {
        let outcome = virtual_run(Design::Farm, 40, 8);
        assert_eq!(outcome.latency, vec![1.0; 40]);
        assert_eq!(outcome.throughput, 8.0);
    }

    /// 8 jobs come out in each unit, oldest first: jobs 8(k-1)..8k at unit k.
    #[test]
    fn farm_completes_eight_jobs_per_unit() {
        let outcome = virtual_run(Design::Farm, 40, 8);
        let expected: Vec<f64> = (0..40).map(|k| (k / 8 + 1) as f64).collect();
        assert_eq!(outcome.finished, expected);
        // Within a unit the stations race, so only the units are in order.
        for (place, &id) in outcome.order.iter().enumerate() {
            assert_eq!(id / 8, place / 8, "job {id} came out at place {place}");
        }
    }

    /// N jobs through an 8-station farm take ceil(N / 8) units.
    #[test]
    fn farm_total_is_n_over_eight_rounded_up() {
        for jobs in [1, 7, 8, 9, 20, 64] {
            let outcome = virtual_run(Design::Farm, jobs, 8);
            assert_eq!(
                outcome.total_units(),
                jobs.div_ceil(8) as f64,
                "{jobs} jobs"
            );
            assert_each_once(&outcome, jobs);
        }
    }

    /// With s stations: pipeline latency s and throughput 1, farm latency 1 and
    /// throughput s (jobs a multiple of s, so the farm's last unit is full too).
    #[test]
    fn other_station_counts_generalise() {
        for stations in [1, 2, 3, 5, 12] {
            let jobs = 4 * stations;
            let s = stations as f64;
            let pipeline = virtual_run(Design::Pipeline, jobs, stations);
            assert_eq!(pipeline.latency_range(), (s, s), "pipeline of {stations}");
            assert_eq!(pipeline.throughput, 1.0, "pipeline of {stations}");
            assert_eq!(pipeline.total_units(), jobs as f64 + s - 1.0);
            let farm = virtual_run(Design::Farm, jobs, stations);
            assert_eq!(farm.latency_range(), (1.0, 1.0), "farm of {stations}");
            assert_eq!(farm.throughput, s, "farm of {stations}");
            assert_eq!(farm.total_units(), 4.0);
            assert_each_once(&pipeline, jobs);
            assert_each_once(&farm, jobs);
        }
    }

    /// No jobs: nothing comes out, no time passes, and nothing hangs.
    #[test]
    fn no_jobs_take_no_time() {
        for design in [Design::Pipeline, Design::Farm] {
            let outcome = virtual_run(design, 0, 8);
            assert!(outcome.order.is_empty());
            assert_eq!(outcome.total, Duration::ZERO);
            assert_eq!(outcome.throughput, 0.0);
        }
    }

    /// The virtual clock jumps: a long unit costs no real time, and a run of
    /// 1000 hours of virtual service ends as soon as the threads are done.
    #[test]
    fn virtual_units_take_no_real_time() {
        let clock = VirtualClock::new(Duration::from_secs(3600));
        let outcome = run_on(&clock, Design::Pipeline, 993, 8);
        assert_eq!(outcome.total, Duration::from_secs(3600 * 1000));
        assert_eq!(clock.now(), Duration::from_secs(3600 * 1000));
    }

    /// The wall clock runs the same stations: every job out once, the pipeline in
    /// order, every latency at least the service it needs (no speed is asserted).
    #[test]
    fn wall_clock_runs_the_same_stations() {
        let unit = Duration::from_millis(1);
        let pipeline = run(Design::Pipeline, 12, 4, unit);
        assert_eq!(pipeline.order, (0..12).collect::<Vec<_>>());
        assert!(pipeline.latency.iter().all(|&l| l >= 4.0));
        let farm = run(Design::Farm, 12, 4, unit);
        assert_each_once(&farm, 12);
        assert!(farm.latency.iter().all(|&l| l >= 1.0));
    }

    /// The throughput formula on its own: counted from the first exit's unit.
    #[test]
    fn throughput_counts_from_the_first_exit() {
        assert_eq!(throughput(&[8.0, 9.0, 10.0, 11.0]), 1.0);
        assert_eq!(throughput(&[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]), 3.0);
        assert_eq!(throughput(&[5.0]), 1.0);
        assert_eq!(throughput(&[10.0, 13.0, 16.0, 19.0]), 1.0 / 3.0);
        // Wall time: a farm's first batch comes out within a fraction of a unit.
        let farm = throughput(&[1.01, 1.02, 1.03, 2.01, 2.02, 2.03]);
        assert!((farm - 3.0 / 1.02).abs() < 1e-9, "{farm}");
        assert_eq!(throughput(&[]), 0.0);
    }

    /// The chapter's exercise: a line of 8 whose fourth station takes 3 units, on its own
    /// and as 3 copies side by side (a farm inside the pipeline).
    fn slow_line(copies: usize) -> Vec<Stage> {
        let mut stages = vec![Stage::ONE; 8];
        stages[3] = Stage { service: 3, copies };
        stages
    }

    /// One slow station: a job alone takes 10 units (7 + 3), and the slowest station
    /// sets the pace: one job out every 3 units, job k at 10 + 3k. The jobs wait in front
    /// of it, so job k's latency is 10 + 2k.
    #[test]
    fn a_slow_station_sets_the_pace() {
        let jobs = 24;
        let outcome = run_line(&VirtualClock::new(UNIT), &slow_line(1), jobs);
        let exits: Vec<f64> = (0..jobs).map(|k| 10.0 + 3.0 * k as f64).collect();
        assert_eq!(outcome.finished, exits);
        let waits: Vec<f64> = (0..jobs).map(|k| 10.0 + 2.0 * k as f64).collect();
        assert_eq!(outcome.latency, waits);
        assert_eq!(outcome.latency_range(), (10.0, 56.0));
        assert_eq!(outcome.latency_mean(), 33.0);
        assert_eq!(outcome.throughput, 1.0 / 3.0);
        assert_eq!(outcome.total_units(), 3.0 * jobs as f64 + 7.0);
        assert_eq!((outcome.stations, outcome.design), (8, Design::Pipeline));
        assert_each_once(&outcome, jobs);
    }

    /// Three copies of the slow station, side by side: it passes a job every unit again,
    /// nobody waits, every latency is 10 and the line is back to 1 job a unit.
    #[test]
    fn three_copies_of_the_slow_station_restore_the_pace() {
        let jobs = 24;
        let outcome = run_line(&VirtualClock::new(UNIT), &slow_line(3), jobs);
        assert_eq!(outcome.latency, vec![10.0; jobs]);
        assert_eq!(outcome.throughput, 1.0);
        assert_eq!(outcome.total_units(), jobs as f64 + 9.0);
        assert_eq!(outcome.order, (0..jobs).collect::<Vec<_>>());
        assert_eq!(outcome.stations, 10);
    }

    /// The arithmetic of [`ideal`] is what the runs do: first latency, throughput and
    /// total, for pipelines, farms, and lines with a slow or a farmed stage.
    #[test]
    fn runs_take_what_the_ideal_says() {
        let mut lines: Vec<Vec<Stage>> = vec![slow_line(1), slow_line(3)];
        for stations in [1, 3, 8] {
            lines.push(Design::Pipeline.stages(stations));
            lines.push(Design::Farm.stages(stations));
        }
        lines.push(vec![Stage::serving(2), Stage::serving(3)]);
        lines.push(vec![
            Stage {
                service: 1,
                copies: 3,
            },
            Stage::ONE,
        ]);
        for stages in &lines {
            for jobs in [1, 7, 24] {
                let outcome = run_line(&VirtualClock::new(UNIT), stages, jobs);
                let ideal = ideal(stages, jobs);
                let first = outcome
                    .latency
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(first, ideal.latency, "{stages:?}, {jobs} jobs");
                assert_eq!(
                    outcome.total_units(),
                    ideal.total,
                    "{stages:?}, {jobs} jobs"
                );
                assert_each_once(&outcome, jobs);
            }
            let jobs = 24; // a multiple of every stage's copies: the last round is full
            let outcome = run_line(&VirtualClock::new(UNIT), stages, jobs);
            assert_eq!(
                outcome.throughput,
                ideal(stages, jobs).throughput,
                "{stages:?}"
            );
        }
        let pipeline = ideal(&Design::Pipeline.stages(8), 64);
        assert_eq!(
            (pipeline.latency, pipeline.throughput, pipeline.total),
            (8.0, 1.0, 71.0)
        );
        let farm = ideal(&Design::Farm.stages(8), 64);
        assert_eq!((farm.latency, farm.throughput, farm.total), (1.0, 8.0, 8.0));
        assert_eq!(ideal(&slow_line(1), 0).total, 0.0);
        assert_eq!(Design::Farm.ideal(64, 8), farm);
        assert_eq!(pipeline.to_string(), "latency 8, 1 job a unit, 71 units");
        assert_eq!(farm.to_string(), "latency 1, 8 jobs a unit, 8 units");
        let slow = ideal(&slow_line(1), 24).to_string();
        assert_eq!(slow, "latency 10, 0.333 jobs a unit, 79 units");
        assert_eq!(Design::Pipeline.formula(8), "N + 7");
        assert_eq!(Design::Farm.formula(8), "⌈N / 8⌉");
        assert_eq!(Design::Pipeline.formula(1), "N");
    }

    /// One of a thing is singular, in the counts and in the ideal's total.
    #[test]
    fn one_is_singular() {
        assert_eq!(counted(1, "job"), "1 job");
        assert_eq!(counted(8, "station"), "8 stations");
        assert_eq!(counted(0, "job"), "0 jobs");
        let farm = Design::Farm.ideal(3, 8).to_string();
        assert_eq!(farm, "latency 1, 8 jobs a unit, 1 unit");
    }

    /// The two designs are lines: running their stages is running them.
    #[test]
    fn designs_are_lines_of_stages() {
        for design in [Design::Pipeline, Design::Farm] {
            let line = run_line(&VirtualClock::new(UNIT), &design.stages(5), 15);
            let direct = virtual_run(design, 15, 5);
            assert_eq!((line.finished, line.stations), (direct.finished, 5));
            assert_eq!(direct.design, design);
        }
        assert_eq!(Stage::serving(3).rate(), 1.0 / 3.0);
        assert_eq!(Design::BOTH.map(Design::name), ["pipeline", "farm"]);
        assert_eq!(Design::Farm.stages(8)[0].rate(), 8.0);
    }

    /// The wall clock serves a slow station for its units too (no speed is asserted).
    #[test]
    fn the_wall_clock_serves_several_units() {
        let outcome = run_line(&WallClock::new(Duration::from_millis(1)), &slow_line(1), 4);
        assert_eq!(outcome.order, (0..4).collect::<Vec<_>>());
        assert!(
            outcome.latency.iter().all(|&l| l >= 10.0),
            "{:?}",
            outcome.latency
        );
    }

    /// A line without a station cannot serve: refused, not a hang.
    #[test]
    #[should_panic(expected = "at least one station")]
    fn an_empty_stage_is_refused() {
        run_line(
            &VirtualClock::new(UNIT),
            &[Stage {
                service: 1,
                copies: 0,
            }],
            3,
        );
    }

    /// The virtual clock reports a topology that can never finish instead of hanging:
    /// a station waits on a channel whose sender is kept open and never used.
    #[test]
    #[should_panic(expected = "deadlock")]
    fn virtual_clock_reports_a_deadlock() {
        let clock = VirtualClock::new(UNIT);
        let (_never, input) = unbounded::<Job>();
        let (output, _exits) = unbounded();
        clock.enter();
        station(&clock, input, output);
    }
}
