//! Seed 003's "threads should make it faster! … What?": twenty SHA-256 chains under the
//! GIL, serially, on threads sharing one GIL, on threads without a shared GIL, and on
//! processes.
//!
//! The Python lecture hashes `hash_me(500_000)` twenty times and finds that threads do
//! not help at all, while processes halve the time on two cores. This program runs the
//! same chains through the `gil` crate's model of CPython's GIL, four ways, all calling
//! the same ticked kernel:
//!
//! - `serial`: one thread holding its own GIL;
//! - `gil-threads`: `--threads` threads sharing ONE GIL, as CPython's threads do;
//! - `threads`: the same threads, each with a GIL of its own (no lock to share: what
//!   free-threaded CPython 3.13t aims for);
//! - `processes`: a pool of worker processes, each with its own GIL, as Python's
//!   `ProcessPoolExecutor` gives each worker its own interpreter.
//!
//! Run it:
//!
//!     cargo run --release -p gil --bin gil_cpu
//!     cargo run --release -p gil --bin gil_cpu -- --threads 5
//!     cargo run --release -p gil --bin gil_cpu -- --scale 0.05 --timeline gil.svg
//!
//! What to look for: `gil-threads` takes as long as `serial`, or a little longer, however
//! many threads you give it, while `threads` and `processes` take about half as long on 2
//! cores. The GIL's counters say why: under one shared GIL the threads hand it over
//! hundreds of times (`switches`), almost always because a waiting thread asked the
//! holder to let go (`forced_drops`), and together they spend about (threads − 1) times
//! the run's length waiting for it (`gil_wait_s`). With a GIL each, nobody waits and
//! nobody is asked: each GIL is taken once, by its only thread. `--timeline FILE.svg`
//! draws the first `gil-threads` run: the threads hold the GIL in turns, never two at
//! once (with `--scale 0.05` the run is short enough to see each turn).
//!
//! Every variant's digests are checked against the serial run before its time is shown.
//! The variants take turns, `--runs` rounds of them, and each variant's fastest run counts.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::measure::{self, FastestRuns, fmt_duration};
use common::process;
use common::report::Report;
use common::timeline::Timeline;
use gil::cpu::{self, Chain, Digest, Run};
use gil::{Gil, SwitchIntervalFlag};

/// Time twenty hash chains under a model of CPython's GIL: serially, on threads sharing
/// one GIL, on threads with a GIL each, and on processes.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads of the `gil-threads` and `threads` variants
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
    threads: u16,

    /// Worker processes of the `processes` variant [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=16))]
    processes: Option<u16>,

    /// Multiply the rounds of every chain by F, e.g. 0.1 or 10
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f64,

    #[command(flatten)]
    switch: SwitchIntervalFlag,

    /// Rounds: the four variants take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Draw who held the GIL when, in the first `gil-threads` run, into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

/// Scales from a thousandth of the Python work (a quick test) to a hundred times it.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=100.0)
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "gil-cpu-worker";

fn main() -> ExitCode {
    // A worker's command line is the hidden role, not our flags: check for it before clap.
    if let Some(role) = process::child_role() {
        if role != WORKER {
            eprintln!("gil_cpu: unknown role {role}");
            return ExitCode::FAILURE;
        }
        return common::exit_code("gil_cpu worker", cpu::serve());
    }
    let args = Args::parse();
    common::warn_if_debug!();

    let mut report = Report::new("gil_cpu");
    let Comparison { fastest, timeline } = match compare(&args, &mut report) {
        Ok(comparison) => comparison,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    report.print(args.json);
    if !args.json {
        explain(&args, &fastest);
        let title = format!(
            "gil_cpu: {} threads sharing one GIL (switch interval {})",
            args.threads,
            fmt_duration(args.switch.interval)
        );
        if let Err(e) = timeline.save_if_asked(args.timeline.as_deref(), &title) {
            eprintln!("error: cannot write the timeline: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

impl Args {
    /// `--processes`, or else the CPUs this process may use (at most 16, like the flag).
    fn processes(&self) -> usize {
        let cpus = || std::thread::available_parallelism().map_or(1, |n| n.get().min(16));
        self.processes.map_or_else(cpus, usize::from)
    }
}

/// The four ways of running the chains, in the order they take turns and are listed.
#[derive(Clone, Copy)]
enum Variant {
    Serial,
    GilThreads,
    Threads,
    Processes,
}

/// One timed run of a variant. For the process pool, `startup_and_work` splits its time.
struct Timed {
    run: Run,
    took: Duration,
    startup_and_work: Option<(Duration, Duration)>,
}

// ANCHOR: variants
impl Variant {
    const ALL: [Variant; 4] = [
        Variant::Serial,
        Variant::GilThreads,
        Variant::Threads,
        Variant::Processes,
    ];

    /// The name in the table and in the JSON rows.
    fn name(self) -> &'static str {
        match self {
            Variant::Serial => "serial",
            Variant::GilThreads => "gil-threads",
            Variant::Threads => "threads",
            Variant::Processes => "processes",
        }
    }

    /// Runs every chain once, this variant's way, and times it. `timeline`, if given,
    /// records who held the shared GIL of `gil-threads`.
    fn run(
        self,
        chains: &[Chain],
        args: &Args,
        timeline: Option<Timeline>,
    ) -> Result<Timed, Box<dyn Error>> {
        let threads = usize::from(args.threads);
        let interval = args.switch.interval;
        let timed = |(run, took)| Timed {
            run,
            took,
            startup_and_work: None,
        };
        Ok(match self {
            Variant::Serial => timed(measure::time(|| cpu::run_serial(chains, interval))),
            Variant::GilThreads => {
                let mut gil = Gil::new(interval);
                if let Some(timeline) = timeline {
                    gil = gil.with_timeline(timeline);
                }
                timed(measure::time(|| cpu::run_gil_threads(chains, threads, gil)))
            }
            Variant::Threads => timed(measure::time(|| {
                cpu::run_threads(chains, threads, interval)
            })),
            Variant::Processes => {
                let pool = cpu::run_processes(chains, args.processes(), WORKER)?;
                Timed {
                    run: pool.run,
                    took: pool.total,
                    startup_and_work: Some((pool.startup, pool.work)),
                }
            }
        })
    }
}
// ANCHOR_END: variants

/// What [`compare`] found.
struct Comparison {
    /// The fastest run of each variant, in [`Variant::ALL`] order.
    fastest: Vec<Timed>,
    /// Who held the GIL when, in the first `gil-threads` run.
    timeline: Timeline,
}

// ANCHOR: compare
/// Runs the four variants in turn, `--runs` rounds, keeps each one's fastest run, and adds
/// a row per variant to `report`.
///
/// The first serial run is the reference (its kernel is checked against Python's
/// `hashlib` by `common`'s tests): every run of every variant must give exactly its
/// digests, and a variant's line is printed only once they are checked.
fn compare(args: &Args, report: &mut Report) -> Result<Comparison, Box<dyn Error>> {
    let chains = cpu::chains(args.scale);
    if !args.json {
        println!(
            "hash_me: {} SHA-256 chains of {} rounds, a tick (a \"bytecode\") before each round",
            chains.len(),
            chains[0].rounds,
        );
        println!(
            "switch interval {}; {} thread(s), {} process(es)",
            fmt_duration(args.switch.interval),
            args.threads,
            args.processes()
        );
    }
    let mut reference: Option<Vec<Digest>> = None;
    let mut timeline = None;
    let mut fastest = FastestRuns::new(Variant::ALL.len());
    for round in 0..args.runs {
        for (slot, variant) in Variant::ALL.into_iter().enumerate() {
            // Only the first gil-threads run is drawn, on a timeline whose time zero is
            // the moment it starts: one picture, not several on top of each other.
            let draw = (round == 0 && matches!(variant, Variant::GilThreads)).then(Timeline::new);
            if let Some(drawn) = &draw {
                timeline = Some(drawn.clone()); // a clone shares the records
            }
            let timed = variant.run(&chains, args, draw)?;
            // The serial run comes first in each round: the first one is the reference.
            let reference = reference.get_or_insert_with(|| timed.run.digests.clone());
            let ok = timed.run.digests == *reference;
            fastest.record(slot, timed.took, timed, ok);
        }
    }
    let mut fastest_runs = Vec::new();
    for (variant, (timed, ok)) in Variant::ALL.into_iter().zip(fastest.into_fastest()) {
        record(report, variant, &timed, ok, args.json);
        fastest_runs.push(timed);
    }
    if !args.json {
        println!();
    }
    Ok(Comparison {
        fastest: fastest_runs,
        timeline: timeline.expect("the first round runs gil-threads"),
    })
}
// ANCHOR_END: compare

/// Adds the row of a checked variant, with the GIL's counters as extra columns, and
/// without `--json` prints its line.
fn record(report: &mut Report, variant: Variant, timed: &Timed, ok: bool, json: bool) {
    let seconds = timed.took.as_secs_f64();
    let gil = &timed.run.gil;
    let row = report.add("hash_me", variant.name(), timed.run.workers, seconds, ok);
    row.extra("gils", gil.gils)
        .extra("switches", gil.switches)
        .extra("forced_drops", gil.forced_drops)
        .extra("gil_wait_s", round3(gil.waited.as_secs_f64()));
    if let Some((startup, work)) = timed.startup_and_work {
        row.extra("startup_s", round3(startup.as_secs_f64()))
            .extra("work_s", round3(work.as_secs_f64()));
    }
    if json {
        return;
    }
    let check = if ok {
        "answers ✓"
    } else {
        "WRONG ANSWERS ✗"
    };
    println!(
        "  {:<11} {:>2} worker(s)  Duration {seconds:.3} seconds  {check}",
        variant.name(),
        timed.run.workers,
    );
    println!(
        "  {:<11} {}: {}, {}, {} waiting for a GIL",
        "",
        counted(gil.gils, "GIL", "GILs"),
        counted(gil.switches, "switch", "switches"),
        counted(gil.forced_drops, "forced drop", "forced drops"),
        fmt_duration(gil.waited),
    );
    if let Some((startup, work)) = timed.startup_and_work {
        println!(
            "  {:<11} start-up {} + work {}",
            "",
            fmt_duration(startup),
            fmt_duration(work)
        );
    }
}

/// `1 switch`, `164 switches`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the table means, worked out from the fastest runs (in [`Variant::ALL`] order).
fn explain(args: &Args, fastest: &[Timed]) {
    let [serial, shared, ..] = fastest else {
        unreachable!("one fastest run per variant");
    };
    let per_switch =
        shared.took / u32::try_from(shared.run.gil.switches.max(1)).unwrap_or(u32::MAX);
    let waiting = shared.run.gil.waited.as_secs_f64() / shared.took.as_secs_f64();
    let speed = serial.took.as_secs_f64() / shared.took.as_secs_f64();
    println!(
        "Fastest of {} run(s) per variant; the variants took turns.",
        args.runs
    );
    println!(
        "gil-threads: {}, one GIL. Only the holder hashes; the others sleep in",
        counted(u64::from(args.threads), "thread", "threads")
    );
    println!(
        "take_gil. A sleeper asks for the GIL after a switch interval ({}), and the",
        fmt_duration(args.switch.interval)
    );
    println!("holder drops it at its next tick (a forced drop): the GIL changed hands once");
    println!(
        "every {} on average, and the threads spent {waiting:.1}× the run's length waiting",
        fmt_duration(per_switch)
    );
    println!("for it. So {speed:.2}× serial's speed: taking turns, the threads do one core's");
    println!("work at a time. (The Python lecture: 4.83 s serial, 6.01 s on 5 threads, 1.91 s");
    println!("on 5 processes.)");
    println!("threads: the same threads with a GIL each: no waits, no drop requests, every");
    println!("core busy. That is what free-threaded CPython (3.13t, PEP 703) aims for.");
    println!("processes: each worker process has its own GIL, as each Python worker has its");
    println!("own interpreter; startup_s is spawning the workers, work_s the hashing.");
    println!("switches count a GIL's every change of holder, a thread's first take included;");
    println!("gil_wait_s adds up every thread's waits for a GIL.");
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_accepts_its_range_only() {
        assert_eq!(parse_scale("0.01"), Ok(0.01));
        for bad in ["0", "-1", "1000", "NaN", "lots"] {
            assert!(parse_scale(bad).is_err(), "{bad}");
        }
    }
}
