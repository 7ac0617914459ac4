//! 20 hash chains on threads that must hold the simulated GIL take as long as serial; without it, and as processes, they scale
//!
//!     cargo run --release -p gil --bin gil_cpu
//!     cargo run --release -p gil --bin gil_cpu -- --threads 5
//!     cargo run --release -p gil --bin gil_cpu -- --scale 0.05 --timeline gil.svg
//!
//! The tech talk's "threads should make it faster! … What?": its twenty `hash_me` chains
//! under the model of CPython's GIL, four ways: `serial`; `gil-threads`, threads sharing
//! ONE GIL, as CPython's do; `threads`, a GIL each (free-threaded CPython's aim);
//! `processes`, a GIL per worker process. What to look for: `gil-threads` takes as long
//! as `serial` however many threads it has; the other two take about half as long on 2
//! cores. Under one GIL the threads hand it over every few ms (`switches`) because a
//! waiter asked (`forced_drops`), and wait for it (`gil_wait_s`); the timeline of a
//! `gil-threads` run shows them taking turns.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{self, Comparison};
use common::measure::fmt_duration;
use common::process;
use common::report::Report;
use common::timeline::Timeline;
use gil::{Gil, SwitchIntervalFlag, cpu};

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

    /// Multiply the rounds of every chain by F, from 0.001 (a quick test) to 100
    #[arg(long, value_name = "F", default_value_t = 1.0,
          value_parser = |f: &str| common::term::parse_f64_in(f, 0.001..=100.0))]
    scale: f64,

    #[command(flatten)]
    switch: SwitchIntervalFlag,

    /// Rounds: the four variants take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Draw who held the GIL when, in the last `gil-threads` run, into this SVG file
    #[arg(long, value_name = "FILE.svg", conflicts_with = "json")]
    timeline: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "gil-cpu-worker";

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(WORKER, cpu::serve)]) {
        return exit;
    }
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("gil_cpu", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let chains = cpu::chains(args.scale);
    let (threads, interval) = (usize::from(args.threads), args.switch.interval);
    let processes = args
        .processes
        .map_or_else(common::default_workers, usize::from);
    let mut drawn = None; // who held the GIL, in a gil-threads run
    let mut report = Report::new("gil_cpu").json(args.json);
    let fastest = Comparison::new("hash_me")
        .title(format!(
            "hash_me: {} SHA-256 chains of {} rounds, a tick before each; switch interval {}",
            chains.len(),
            chains[0].rounds,
            fmt_duration(interval)
        ))
        .rounds(usize::from(args.runs))
        .agree(|a: &cpu::Run, b| a.digests == b.digests) // the serial run's digests
        .variant_run("serial", 1, || Ok(row(cpu::run_serial(&chains, interval))))
        // ANCHOR: compare
        .variant_run("gil-threads", threads, || {
            // Each run draws who held the GIL on a fresh timeline: the last
            // one is kept.
            let timeline = drawn.insert(Timeline::new()).clone();
            let gil = Gil::new(interval).with_timeline(timeline);
            Ok(row(cpu::run_gil_threads(&chains, threads, gil)))
        })
        .variant_run("threads", threads, || {
            Ok(row(cpu::run_threads(&chains, threads, interval)))
        })
        .variant_run("processes", processes, || {
            let pool = cpu::run_processes(&chains, processes, WORKER)?;
            Ok(row(pool.run)
                .took(pool.total)
                .seconds("startup_s", pool.startup)
                .seconds("work_s", pool.work))
        })
        .run(&mut report)?;
    // ANCHOR_END: compare
    let (serial, shared) = (&fastest[0], &fastest[1]);
    let gil = shared.run.answer.gil;
    report.note(format!(
        "gil-threads: {threads} thread(s), one GIL: only the holder hashes. A waiter asks for\n\
         the GIL after a switch interval ({}); the holder drops it at its next tick:\n\
         a forced drop. The GIL changed hands every {}, and the threads waited {:.1}× the\n\
         run's length for it. So {:.2}× serial's speed: one core's work at a time.\n\
         (The tech talk: 4.83 s serial, 6.01 s on 5 threads, 1.91 s on 5 processes.)",
        fmt_duration(interval),
        fmt_duration(shared.took / gil.switches.max(1) as u32),
        gil.waited.as_secs_f64() / shared.took.as_secs_f64(),
        serial.took.as_secs_f64() / shared.took.as_secs_f64(),
    ));
    report.note(
        "threads: a GIL each: no waits, no drop requests, every core busy. That is what\n\
         free-threaded CPython (3.13t, PEP 703) aims for. processes: a GIL per worker, as each\n\
         Python worker has its own interpreter; startup_s is spawning them, work_s the hashing.\n\
         switches: a GIL's every change of holder, a thread's first take included.",
    );
    report.finish()?;
    let title = format!(
        "gil_cpu: {threads} threads sharing one GIL, switch interval {}",
        fmt_duration(interval)
    );
    let drawn = drawn.expect("every round runs gil-threads");
    Ok(drawn.save_if_asked(args.timeline.as_deref(), &title)?)
}

/// A run's digests, and its GILs' counters as columns of the table.
fn row(run: cpu::Run) -> compare::Run<cpu::Run> {
    let gil = run.gil;
    compare::Run::new(run)
        .extra("gils", gil.gils)
        .extra("switches", gil.switches)
        .extra("forced_drops", gil.forced_drops)
        .seconds("gil_wait_s", gil.waited)
}
