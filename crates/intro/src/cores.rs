//! Concurrency is not parallelism: the same two CPU-bound jobs on one core, then on two.
//!
//! The Python slides open with Rob Pike's line: *concurrency is about **dealing** with many
//! things at once, parallelism is about **doing** many things at once*. Concurrency needs
//! only one core, whose time the tasks share in overlapping periods; parallelism needs a
//! core per task. This module makes the difference something to measure.
//!
//! Two threads each compute a hash chain (the tech talk's `hash_me`, from
//! [`common::hashes`]), first with both threads pinned to **one** CPU, then with each on a
//! CPU of its own ([`Placement`]). For each run, [`run`] returns an [`Outcome`]:
//!
//! - **wall time**: on one core the two jobs take turns, so the pair takes about twice
//!   as long as one job; on two cores they run side by side and take about as long as one.
//! - **CPU time**: the same work costs the same CPU time either way. One core is not
//!   slower; it is shared.
//! - **who ran when**: each job works in slices of [`SLICE_ROUNDS`] rounds and notes,
//!   between slices, the time, its own CPU time and the CPU it is on. From those notes it
//!   finds its [`Turn`]s, the stretches it really held a CPU, and draws them on a
//!   [`Timeline`]: on one core the two rows take turns, on two cores they are two bars side
//!   by side.
//!
//! ```no_run
//! use intro::cores::{self, JOB_ROUNDS, Placement};
//!
//! for placement in [Placement::OneCore, Placement::TwoCores] {
//!     let outcome = cores::run(placement, JOB_ROUNDS)?;
//!     println!(
//!         "{placement}: wall {:.2} s, CPU {:.2} s, both at once {:.2} s",
//!         outcome.wall.as_secs_f64(),
//!         outcome.cpu.as_secs_f64(),
//!         outcome.overlap().as_secs_f64(),
//!     );
//! }
//! # Ok::<(), intro::cores::CoresError>(())
//! ```
//!
//! Pinning uses Linux's `sched_setaffinity` on each worker thread only: the caller's own
//! CPUs are never changed.

use std::fmt;
use std::io;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use common::affinity::current_cpu;
pub use common::affinity::{allowed_cpus, cpus_available, pin_current_thread};
use common::hashes::{DIGEST_LEN, chain_start, hash_me};
use common::measure::{now_ns, thread_cpu_ns};
use common::timeline::Timeline;

/// How many jobs run at once: the lesson's "two things".
pub const JOBS: usize = 2;

/// Rounds of SHA-256 in one job: about half a second of one core on the course machine (2
/// CPUs with SHA instructions, about 55 ns a round; the workload is optimised in every
/// build). Expect a different figure on other hardware.
pub const JOB_ROUNDS: u64 = 9_000_000;

/// Rounds a job does between two notes of time and CPU time: about 0.1 ms on the course
/// machine, far shorter than the few milliseconds the kernel lets a thread run before
/// it hands the CPU to the next, and long enough that taking a note (about 0.5 µs: the
/// thread's CPU clock is a system call) costs about 0.5 %.
pub const SLICE_ROUNDS: u64 = 2_000;

/// A slice whose wall time exceeds its CPU time by more than this was interrupted: its
/// thread spent that long off the CPU, so the slice ends a [`Turn`].
///
/// The other job's turns last milliseconds; a few microseconds off the CPU (an interrupt,
/// a kernel thread) do not count as a break.
pub const BREAK_NS: u64 = 50_000;

/// One answer: the last digest of a job's hash chain.
pub type Digest = [u8; DIGEST_LEN];

/// Where the two jobs may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Both jobs pinned to the same CPU: concurrent, never parallel.
    OneCore,
    /// Each job pinned to a CPU of its own: parallel.
    TwoCores,
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Placement::OneCore => "one core",
            Placement::TwoCores => "two cores",
        })
    }
}

impl Placement {
    /// The CPU each job is pinned to: the first CPU this thread may use for both jobs,
    /// or the first two for one each.
    ///
    /// An error when two cores are asked for and only one CPU is available.
    pub fn cpus(self) -> Result<[usize; JOBS], CoresError> {
        let allowed = allowed_cpus().map_err(CoresError::Pin)?;
        match (self, allowed.as_slice()) {
            (_, []) => Err(CoresError::TooFewCpus { available: 0 }),
            (Placement::OneCore, [first, ..]) => Ok([*first, *first]),
            (Placement::TwoCores, [first, second, ..]) => Ok([*first, *second]),
            (Placement::TwoCores, [_]) => Err(CoresError::TooFewCpus { available: 1 }),
        }
    }
}

/// Why an experiment could not run.
#[derive(Debug)]
pub enum CoresError {
    /// The placement needs more CPUs than this process may use.
    TooFewCpus {
        /// How many it may use.
        available: usize,
    },
    /// The kernel refused to read or set a thread's CPUs.
    Pin(io::Error),
}

impl fmt::Display for CoresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoresError::TooFewCpus { available } => write!(
                f,
                "two cores needed, but this process may use {available} CPU(s)"
            ),
            CoresError::Pin(e) => write!(f, "cannot pin a thread to a CPU: {e}"),
        }
    }
}

impl std::error::Error for CoresError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CoresError::TooFewCpus { .. } => None,
            CoresError::Pin(e) => Some(e),
        }
    }
}

/// A job's note between two slices: when, how much CPU time so far, and on which CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// [`now_ns`] when the note was taken (the clock of the [`Timeline`]).
    pub wall_ns: u64,
    /// The job's thread's CPU time so far, in nanoseconds.
    pub cpu_ns: u64,
    /// The CPU the job was on when it took the note.
    pub cpu: usize,
}

impl Tick {
    /// A note taken now, on the calling thread.
    fn now() -> Tick {
        Tick {
            wall_ns: now_ns(),
            cpu_ns: thread_cpu_ns(),
            cpu: current_cpu(),
        }
    }
}

/// A stretch of time a job held a CPU without a break: consecutive slices, each with no
/// more than [`BREAK_NS`] off the CPU, all on the same CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    /// [`now_ns`] when the turn's first slice started.
    pub start_ns: u64,
    /// [`now_ns`] when its last slice ended.
    pub end_ns: u64,
    /// CPU time the job used during the turn, in nanoseconds.
    pub cpu_ns: u64,
    /// The CPU it ran on.
    pub cpu: usize,
}

impl Turn {
    /// The turn's length on the clock.
    pub fn wall(&self) -> Duration {
        Duration::from_nanos(self.end_ns - self.start_ns)
    }

    /// The part of the turn the job was, by its own CPU clock, *not* running: at most
    /// [`BREAK_NS`] a slice. Another thread may have run during this time, never more.
    pub fn off_cpu(&self) -> Duration {
        Duration::from_nanos((self.end_ns - self.start_ns).saturating_sub(self.cpu_ns))
    }
}

/// Finds a job's turns in its notes: each pair of consecutive ticks is a slice; a slice
/// longer than its CPU time by more than [`BREAK_NS`], or one that changed CPU, was
/// interrupted, is left out and ends the turn before it.
///
/// A left-out slice is at most [`SLICE_ROUNDS`] of work, too short to see in a chart of a
/// job; but one is left out at every break, so on one core, where a job has a break every
/// few milliseconds, its turns add up to a few per cent less than its CPU time.
pub fn turns(ticks: &[Tick]) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    // Whether the previous slice was kept, so this one continues its turn.
    let mut continuing = false;
    for pair in ticks.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let wall_ns = to.wall_ns.saturating_sub(from.wall_ns);
        let cpu_ns = to.cpu_ns.saturating_sub(from.cpu_ns);
        let unbroken = wall_ns.saturating_sub(cpu_ns) <= BREAK_NS && from.cpu == to.cpu;
        if !unbroken {
            continuing = false;
        } else if continuing && let Some(turn) = turns.last_mut() {
            turn.end_ns = to.wall_ns;
            turn.cpu_ns += cpu_ns;
        } else {
            turns.push(Turn {
                start_ns: from.wall_ns,
                end_ns: to.wall_ns,
                cpu_ns,
                cpu: from.cpu,
            });
            continuing = true;
        }
    }
    turns
}

/// How long turns of `a` and turns of `b` covered the same instants: how long the two jobs
/// ran at the same time. Each list must be in time order and not overlap itself, as
/// [`turns`] gives them.
pub fn overlap(a: &[Turn], b: &[Turn]) -> Duration {
    let mut both_ns = 0;
    for x in a {
        for y in b {
            let start = x.start_ns.max(y.start_ns);
            let end = x.end_ns.min(y.end_ns);
            both_ns += end.saturating_sub(start);
        }
    }
    Duration::from_nanos(both_ns)
}

/// What one job did.
#[derive(Debug, Clone)]
pub struct JobResult {
    /// Which job: 0 or 1; job `i` hashes the chain that starts at `chain_start(i)`.
    pub job: usize,
    /// The CPU it was pinned to.
    pub pinned_to: usize,
    /// How many CPUs its thread was allowed once pinned (from `sched_getaffinity` on the
    /// worker itself): 1 when the pinning took effect.
    pub allowed_cpus: usize,
    /// The answer: the chain's last digest.
    pub digest: Digest,
    /// CPU time its thread used for the work.
    pub cpu: Duration,
    /// The stretches it held a CPU, in time order.
    pub turns: Vec<Turn>,
}

impl JobResult {
    /// The time inside its turns the job was not on a CPU (see [`Turn::off_cpu`]).
    pub fn off_cpu(&self) -> Duration {
        self.turns.iter().map(Turn::off_cpu).sum()
    }
}

/// What [`run`] measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Where the jobs ran.
    pub placement: Placement,
    /// Rounds in each job.
    pub rounds: u64,
    /// From starting the two threads to having joined both.
    pub wall: Duration,
    /// CPU time of both jobs together (each thread's own CPU clock, so nothing else this
    /// process does is counted).
    pub cpu: Duration,
    /// Job 0, then job 1.
    pub jobs: Vec<JobResult>,
    /// One row per job (`job 0`, `job 1`), one span per turn, coloured by CPU (`cpu 0`).
    pub timeline: Timeline,
}

impl Outcome {
    /// Each job's answer, job 0 first.
    pub fn answers(&self) -> Vec<Digest> {
        self.jobs.iter().map(|job| job.digest).collect()
    }

    /// CPU time over wall time: about 1 when the jobs shared one core, about 2 when each
    /// had its own.
    pub fn cpu_per_wall(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }

    /// How long both jobs were running at the same instant: about 0 on one core, about
    /// the whole wall time on two.
    pub fn overlap(&self) -> Duration {
        overlap(&self.jobs[0].turns, &self.jobs[1].turns)
    }
}

/// The right answers for jobs of `rounds` rounds, computed in one go on the calling
/// thread: what [`Outcome::answers`] must equal.
pub fn expected_answers(rounds: u64) -> Vec<Digest> {
    (0..JOBS as u64)
        .map(|job| hash_me(&chain_start(job), rounds))
        .collect()
}

/// Job `job`: its hash chain of `rounds` rounds, worked in slices of [`SLICE_ROUNDS`],
/// with a [`Tick`] before the first slice and after each one.
fn hash_in_slices(job: usize, rounds: u64) -> (Digest, Vec<Tick>) {
    let mut ticks = vec![Tick::now()];
    let mut digest = hash_me(&chain_start(job as u64), 1);
    let mut left = rounds - 1;
    while left > 0 {
        let slice = left.min(SLICE_ROUNDS);
        // A chain continued from its digest is the same chain: only
        // the bookkeeping between slices is new.
        digest = hash_me(&digest, slice);
        left -= slice;
        ticks.push(Tick::now());
    }
    (digest, ticks)
}

/// Job `job` on the calling thread, pinned to `cpu`: it starts once every job is placed.
fn worker(job: usize, cpu: usize, rounds: u64, start_line: &Barrier) -> io::Result<JobResult> {
    // ANCHOR: worker
    let pinned = pin_current_thread(cpu); // sched_setaffinity
    // Pinned or not, wait at the start line: the other job waits
    // there too, and would otherwise wait for ever.
    start_line.wait();
    pinned?;
    // The kernel's own account of the pinning, read on this thread.
    let allowed_cpus = allowed_cpus()?.len();
    let cpu_before = thread_cpu_ns(); // this thread's CPU clock
    let (digest, ticks) = hash_in_slices(job, rounds);
    let cpu_time = Duration::from_nanos(thread_cpu_ns() - cpu_before);
    // ANCHOR_END: worker
    Ok(JobResult {
        job,
        pinned_to: cpu,
        allowed_cpus,
        digest,
        cpu: cpu_time,
        turns: turns(&ticks),
    })
}

/// Runs the two jobs of `rounds` rounds each on two threads, placed as asked.
///
/// # Panics
///
/// If `rounds` is 0 (a chain needs at least one round), or a job panics.
pub fn run(placement: Placement, rounds: u64) -> Result<Outcome, CoresError> {
    assert!(rounds >= 1, "a job needs at least one round");
    let timeline = Timeline::new(); // its time zero: now
    let cpus = placement.cpus()?; // [a, a] on one core, [a, b] on two
    let start_line = Barrier::new(JOBS);
    let started = Instant::now();
    let jobs = thread::scope(|s| {
        let workers: Vec<_> = (0..JOBS)
            .map(|job| {
                let (cpu, start_line) = (cpus[job], &start_line);
                s.spawn(move || worker(job, cpu, rounds, start_line))
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a job panicked"))
            .collect::<io::Result<Vec<_>>>()
    });
    let wall = started.elapsed();
    let jobs = jobs.map_err(CoresError::Pin)?;
    for job in &jobs {
        for turn in &job.turns {
            let (row, label) = (format!("job {}", job.job), format!("cpu {}", turn.cpu));
            timeline.record(row, label, turn.start_ns, turn.end_ns);
        }
    }
    Ok(Outcome {
        placement,
        rounds,
        wall,
        cpu: jobs.iter().map(|job| job.cpu).sum(),
        jobs,
        timeline,
    })
}

/// Several runs on one time axis, for one picture: each run's rows, named after its
/// placement (`one core: job 0`), timed from that run's own start. On one core the two
/// rows take turns over about twice the length; on two cores they are two bars side by
/// side.
pub fn one_axis(outcomes: &[&Outcome]) -> Timeline {
    let picture = Timeline::new();
    for outcome in outcomes {
        let start = outcome.timeline.origin_ns();
        let at = |ns: u64| picture.origin_ns() + ns.saturating_sub(start);
        for job in &outcome.jobs {
            for turn in &job.turns {
                let row = format!("{}: job {}", outcome.placement, job.job);
                let label = format!("cpu {}", turn.cpu);
                picture.record(row, label, at(turn.start_ns), at(turn.end_ns));
            }
        }
    }
    picture
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rounds for the quick tests: a few milliseconds, and not a whole number of slices.
    const FEW_ROUNDS: u64 = 3 * SLICE_ROUNDS + 7;

    /// Rounds for a job long enough (about 0.1 s in any build: the workload is always
    /// optimised) that two jobs on one core must take turns: the kernel hands a busy CPU
    /// to the other runnable thread every few milliseconds.
    const TURN_ROUNDS: u64 = JOB_ROUNDS / 4;

    /// A note at `wall_us` µs with `cpu_us` µs of CPU time used, on `cpu`.
    fn tick(wall_us: u64, cpu_us: u64, cpu: usize) -> Tick {
        Tick {
            wall_ns: wall_us * 1_000,
            cpu_ns: cpu_us * 1_000,
            cpu,
        }
    }

    /// Slicing a chain changes nothing: every length, around the slice size, gives the
    /// digest of the chain hashed in one go.
    #[test]
    fn a_chain_in_slices_is_the_chain() {
        for rounds in [1, 2, SLICE_ROUNDS, SLICE_ROUNDS + 1, FEW_ROUNDS] {
            let (digest, ticks) = hash_in_slices(1, rounds);
            assert_eq!(digest, hash_me(&chain_start(1), rounds), "{rounds} rounds");
            // One tick before the work, one after each slice of the rounds after the first.
            let slices = (rounds - 1).div_ceil(SLICE_ROUNDS);
            assert_eq!(ticks.len() as u64, 1 + slices, "{rounds} rounds");
        }
    }

    /// Both placements give each job the digest of its own chain, computed in one go, and
    /// the two jobs' answers differ (they hash different chains).
    #[test]
    fn both_placements_compute_the_right_answers() {
        let expected = expected_answers(FEW_ROUNDS);
        assert_ne!(expected[0], expected[1]);
        let one = run(Placement::OneCore, FEW_ROUNDS).expect("one core");
        assert_eq!(one.answers(), expected);
        if cpus_available() >= 2 {
            let two = run(Placement::TwoCores, FEW_ROUNDS).expect("two cores");
            assert_eq!(two.answers(), expected);
        }
    }

    /// On one core both workers are pinned, by the kernel's own account, to the same
    /// single CPU, and every turn of either job ran there.
    #[test]
    fn one_core_pins_both_jobs_to_the_same_cpu() {
        let outcome = run(Placement::OneCore, FEW_ROUNDS).expect("one core");
        let cpu = outcome.jobs[0].pinned_to;
        assert_eq!(allowed_cpus().unwrap().first(), Some(&cpu));
        for job in &outcome.jobs {
            assert_eq!(job.pinned_to, cpu, "job {}", job.job);
            assert_eq!(job.allowed_cpus, 1, "job {} may use one CPU", job.job);
            assert!(job.turns.iter().all(|turn| turn.cpu == cpu), "{job:?}");
        }
    }

    /// On two cores each worker may use one CPU, a different one for each job, and ran
    /// only there; with a single CPU, asking for two is an error, not a panic.
    #[test]
    fn two_cores_pin_the_jobs_apart_or_are_refused() {
        let result = run(Placement::TwoCores, FEW_ROUNDS);
        if cpus_available() < 2 {
            let error = result.expect_err("two cores on one CPU");
            assert!(matches!(error, CoresError::TooFewCpus { available: 1 }));
            return;
        }
        let outcome = result.expect("two cores");
        let [a, b] = [&outcome.jobs[0], &outcome.jobs[1]];
        assert_ne!(a.pinned_to, b.pinned_to);
        for job in [a, b] {
            assert_eq!(job.allowed_cpus, 1, "job {} may use one CPU", job.job);
            assert!(job.turns.iter().all(|t| t.cpu == job.pinned_to), "{job:?}");
        }
    }

    /// The lesson's picture of one core: the jobs take turns (job 0, job 1, job 0 ... in
    /// the order the turns start) and never run at the same instant. Their turns may
    /// overlap only by the time each job was, by its own CPU clock, off the CPU inside its
    /// turns: on one CPU, two threads cannot both be running. (A little slack covers the
    /// two clocks ticking at slightly different rates.)
    #[test]
    fn on_one_core_the_jobs_take_turns_and_never_run_at_once() {
        let outcome = run(Placement::OneCore, TURN_ROUNDS).expect("one core");
        assert_eq!(outcome.answers(), expected_answers(TURN_ROUNDS));

        let mut starts: Vec<(u64, usize)> = outcome
            .jobs
            .iter()
            .flat_map(|job| job.turns.iter().map(|turn| (turn.start_ns, job.job)))
            .collect();
        starts.sort_unstable();
        let handovers = starts.windows(2).filter(|w| w[0].1 != w[1].1).count();
        assert!(handovers >= 2, "the jobs never took turns: {starts:?}");

        let allowed = outcome.jobs[0].off_cpu() + outcome.jobs[1].off_cpu();
        let slack = Duration::from_millis(1) + outcome.wall / 1_000;
        let both = outcome.overlap();
        assert!(
            both <= allowed + slack,
            "both jobs ran at once for {both:?}, more than the {allowed:?} they were off a CPU"
        );
    }

    /// The timeline has one row per job, one span per turn, each labelled with its CPU.
    #[test]
    fn the_timeline_draws_every_turn() {
        let outcome = run(Placement::OneCore, FEW_ROUNDS).expect("one core");
        assert_eq!(outcome.timeline.rows(), ["job 0", "job 1"]);
        let spans = outcome.timeline.spans();
        let turns: usize = outcome.jobs.iter().map(|job| job.turns.len()).sum();
        assert_eq!(spans.len(), turns);
        let cpu = format!("cpu {}", outcome.jobs[0].pinned_to);
        assert!(spans.iter().all(|span| span.label == cpu), "{spans:?}");
    }

    /// One picture of two runs: each run's rows under its placement's name, every span
    /// kept, and each run timed from its own start (both begin at the picture's zero).
    #[test]
    fn one_axis_keeps_every_span_of_both_runs() {
        let one = run(Placement::OneCore, FEW_ROUNDS).expect("one core");
        let again = run(Placement::OneCore, FEW_ROUNDS).expect("one core");
        let picture = one_axis(&[&one, &again]);
        let rows = ["job 0", "job 1"].map(|job| format!("one core: {job}"));
        assert_eq!(picture.rows(), rows);
        let spans = picture.spans();
        assert_eq!(
            spans.len(),
            one.timeline.spans().len() + again.timeline.spans().len()
        );
        let first = |timeline: &Timeline| {
            let start = timeline.spans().iter().map(|s| s.start_ns).min().unwrap();
            start - timeline.origin_ns()
        };
        assert_eq!(
            first(&picture),
            first(&one.timeline).min(first(&again.timeline))
        );
    }

    /// Slices without a break join into one turn; a slice with more than [`BREAK_NS`] off
    /// the CPU is left out and ends the turn; so is a slice that changed CPU.
    #[test]
    fn turns_end_at_breaks_and_cpu_changes() {
        let ticks = [
            tick(0, 0, 3),
            tick(40, 40, 3),
            tick(85, 80, 3),     // 5 µs off the CPU: still the same turn
            tick(3_085, 120, 3), // 3 ms off the CPU: a break, left out
            tick(3_125, 160, 3),
            tick(3_165, 200, 5), // moved to CPU 5: left out
            tick(3_205, 240, 5),
        ];
        let found = turns(&ticks);
        let expected = [
            Turn {
                start_ns: 0,
                end_ns: 85_000,
                cpu_ns: 80_000,
                cpu: 3,
            },
            Turn {
                start_ns: 3_085_000,
                end_ns: 3_125_000,
                cpu_ns: 40_000,
                cpu: 3,
            },
            Turn {
                start_ns: 3_165_000,
                end_ns: 3_205_000,
                cpu_ns: 40_000,
                cpu: 5,
            },
        ];
        assert_eq!(found, expected);
        assert_eq!(found[0].off_cpu(), Duration::from_micros(5));
        assert!(turns(&ticks[..1]).is_empty(), "one note is no slice");
    }

    /// Overlap counts only the instants both lists cover.
    #[test]
    fn overlap_counts_the_instants_both_ran() {
        let turn = |start_ns, end_ns| Turn {
            start_ns,
            end_ns,
            cpu_ns: end_ns - start_ns,
            cpu: 0,
        };
        let a = [turn(0, 10), turn(20, 30)];
        let taking_turns = [turn(10, 20), turn(30, 40)];
        let side_by_side = [turn(5, 25)];
        assert_eq!(overlap(&a, &taking_turns), Duration::ZERO);
        assert_eq!(overlap(&a, &side_by_side), Duration::from_nanos(5 + 5));
        assert_eq!(overlap(&a, &a), Duration::from_nanos(20));
    }

    /// A job of no rounds is a caller's bug: a chain has at least one round.
    #[test]
    #[should_panic(expected = "at least one round")]
    fn zero_rounds_are_refused() {
        let _ = run(Placement::OneCore, 0);
    }
}
