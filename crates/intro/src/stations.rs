//! Latency and throughput are independent: eight service stations, each taking one unit
//! of time, arranged two ways.
//!
//! The Python notes ("Latency and Throughput are independent") put it so: a system
//! consists of 8 service stations that take 1 unit of time each.
//!
//! - If each job must go through each station (a [`Design::Pipeline`]), the throughput
//!   can be 1 job per unit of time, while the latency is 8.
//! - If each job needs only one station and any station will do (a [`Design::Farm`]),
//!   the throughput can be 8 jobs per unit of time, and the latency is 1.
//!
//! Here the stations are real: each is an OS thread, linked to the others by crossbeam
//! channels. In the pipeline station `i` passes every job it has served to station
//! `i + 1`; in the farm all stations take jobs from one shared channel. [`run`] sends
//! `jobs` jobs through, all waiting at the door at time 0, and returns an [`Outcome`]:
//! each job's latency, the throughput once the system is full, the total time and the
//! order in which the jobs came out.
//!
//! # One station, two clocks
//!
//! A station's service is a wait of one unit (like a pizza oven, not like a sum), so
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
    /// One unit of service.
    fn serve(&self);
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
    fn serve(&self) {
        thread::sleep(self.unit);
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
    /// What the participants share; see [`Timeline`].
    state: Mutex<Timeline>,
    /// Signalled when time moves or a hand-off happens.
    changed: Condvar,
}

/// The shared state of a [`VirtualClock`].
#[derive(Default)]
struct Timeline {
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
            state: Mutex::new(Timeline::default()),
            changed: Condvar::new(),
        }
    }

    /// Locks the shared state.
    fn lock(&self) -> MutexGuard<'_, Timeline> {
        self.state.lock().expect("no participant panicked")
    }

    /// Waits for a signal, unless (and until) there is a deadlock to report.
    fn wait<'a>(&self, state: MutexGuard<'a, Timeline>) -> MutexGuard<'a, Timeline> {
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
    fn handed_off(&self, state: &mut Timeline) {
        state.handoffs += 1;
        state.awake += state.stuck;
        state.stuck = 0;
        self.changed.notify_all();
    }

    /// When nobody is awake, moves time to the earliest alarm and wakes its sleepers.
    fn advance(&self, state: &mut Timeline) {
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
    fn serve(&self) {
        let mut state = self.lock();
        let until = state.now + self.unit;
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
    while let Some(mut job) = clock.take(&input) {
        // Latency starts when the first station takes the job.
        job.started.get_or_insert(clock.now());
        clock.serve(); // one unit of time
        clock.pass(&output, job);
    }
    clock.close(output); // the next station (or the exit) sees we are done
    clock.leave();
}

/// What one run measured. Times are in units of service (exact in virtual time).
#[derive(Clone, Debug)]
pub struct Outcome {
    /// How the stations were arranged.
    pub design: Design,
    /// How many stations there were.
    pub stations: usize,
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

/// Jobs per unit once the system is full: the system is full from the unit
/// in which the first job comes out, so count every job over the units from
/// that one to the last exit. A pipeline of `s` stations: first out at `s`,
/// last at `n + s - 1`, `n` jobs in `n` units: 1. A farm: `s` jobs a unit.
pub fn throughput(finished: &[f64]) -> f64 {
    let first = finished.iter().copied().fold(f64::INFINITY, f64::min);
    let last = finished.iter().copied().fold(0.0, f64::max);
    if finished.is_empty() {
        return 0.0;
    }
    finished.len() as f64 / (last - first + 1.0)
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
    clock.enter(); // this thread: it feeds the door and collects the exits
    let t0 = clock.now();
    let (door, first) = unbounded();
    let (exit, exits) = unbounded();
    let done = thread::scope(|scope| {
        let spawn = |input: Receiver<Job>, output: Sender<Job>| {
            clock.enter();
            scope.spawn(move || station(clock, input, output));
        };
        match design {
            // Station i takes what station i - 1 passes: one line.
            Design::Pipeline => {
                let mut input = first;
                for _ in 1..stations {
                    let (next, next_input) = unbounded();
                    spawn(input, next);
                    input = next_input;
                }
                spawn(input, exit);
            }
            // Every station takes from the door and passes to the exit.
            Design::Farm => {
                for _ in 0..stations {
                    spawn(first.clone(), exit.clone());
                }
                drop((first, exit));
            }
        }
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
    outcome(design, stations, clock.unit(), t0, jobs, &done)
}

/// Turns the jobs as they came out, with their exit times, into an [`Outcome`].
fn outcome(
    design: Design,
    stations: usize,
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
        design,
        stations,
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
        assert_eq!(throughput(&[]), 0.0);
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
