//! next to a CPU-bound thread, each short I/O operation waits about one switch interval (5 ms) for the GIL
//!
//!     cargo run --release -p gil --bin gil_convoy
//!     cargo run --release -p gil --bin gil_convoy -- --switch-interval 1ms
//!     cargo run --release -p gil --bin gil_convoy -- --timeline gil_convoy.svg
//!
//! The convoy effect (the Python course notebook's GIL notes; David Beazley, "Understanding
//! the Python GIL", 2010): an I/O thread does `--ops` operations, each `--io-us` of I/O
//! with the GIL released, then a few µs of work under it; alone, then next to a thread that
//! hashes under the GIL all the time. What to look for: alone, an operation takes its I/O
//! and a little (about 0.15 ms); next to the CPU thread the median is about the switch
//! interval, 5 ms: the CPU thread never lets go by itself, so the I/O thread waits a whole
//! interval before it may ask (`drop_requests`) and the holder is forced (`forced_drops`).
//! `--switch-interval 1ms` cuts the wait to about 1 ms. The timeline is a short extra run:
//! each sliver of I/O is followed by about 5 ms of waiting for the GIL.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::compare::{self, Comparison};
use common::hashes::{chain_start, hash_me};
use common::measure::fmt_duration;
use common::report::Report;
use common::timeline::Timeline;
use gil::convoy::{self, ConvoyRun, HANDLE_ROUNDS};
use gil::io::Parsed;
use gil::{Gil, SwitchIntervalFlag};

/// Short I/O operations next to a CPU-bound thread each wait a switch interval.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many I/O operations the I/O thread does, in each run
    #[arg(long, value_name = "N", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    ops: u64,

    /// Microseconds each operation waits for its I/O, with the GIL released
    #[arg(long, value_name = "US", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    io_us: u64,

    #[command(flatten)]
    switch: SwitchIntervalFlag,

    /// Draw a short extra run (10 operations next to the CPU thread) into this SVG file
    #[arg(long, value_name = "FILE.svg", conflicts_with = "json")]
    timeline: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("gil_convoy", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (io_time, interval) = (Duration::from_micros(args.io_us), args.switch.interval);
    let io = || thread::sleep(io_time); // the I/O, run with the GIL released
    // Every operation's answer, computed without a GIL: a run that got one wrong is void.
    let reference: Vec<Parsed> = (0..args.ops)
        .map(|op| hash_me(&chain_start(op), HANDLE_ROUNDS))
        .collect();
    // One run of the I/O thread, alone or next to the CPU thread, and its columns.
    let io_ops = |with_cpu: bool| {
        let run = convoy::run(&Gil::new(interval), args.ops, with_cpu, io);
        let forced = run.cpu.as_ref().map_or(0, |cpu| cpu.forced_drops);
        compare::Run::new(run.clone())
            .took(run.elapsed)
            .extra("median_ms", run.median().as_secs_f64() * 1e3)
            .extra("p99_ms", run.p99().as_secs_f64() * 1e3)
            .extra("ops_per_s", run.ops_per_s().round())
            .extra("forced_drops", forced)
            .extra("drop_requests", run.io.drop_requests)
    };
    let mut report = Report::new("gil_convoy").json(args.json);
    let runs = Comparison::new("io_ops")
        .title(format!(
            "gil_convoy: {} operations, each {} of I/O then {HANDLE_ROUNDS} hash rounds under \
             the GIL; switch interval {}",
            args.ops,
            fmt_duration(io_time),
            fmt_duration(interval)
        ))
        .rounds(1)
        .agree(|run: &ConvoyRun, _| run.answers == reference)
        .variant_run("alone", 1, || Ok(io_ops(false)))
        .variant_run("next to a CPU thread", 2, || Ok(io_ops(true)))
        .run(&mut report)?;
    let (alone, with_cpu) = (&runs[0].run.answer, &runs[1].run.answer);
    report.note(format!(
        "median_ms, p99_ms: one operation, from the start of its I/O to the end of its work\n\
         under the GIL. forced_drops: times the CPU thread dropped the GIL because asked;\n\
         drop_requests: times the I/O thread asked.\n\
         Alone, an operation takes {} (median): its I/O and a little; the GIL is free.\n\
         Next to the CPU thread: {} (median), {:.0}× as long; the switch interval is {}.",
        fmt_duration(alone.median()),
        fmt_duration(with_cpu.median()),
        with_cpu.median().as_secs_f64() / alone.median().as_secs_f64(),
        fmt_duration(interval),
    ));
    if let (Some(cpu), io_thread) = (&with_cpu.cpu, &with_cpu.io) {
        report.note(format!(
            "The I/O thread took the GIL {} times: at its start, after each operation, and after\n\
             its own forced drops ({}). {} times the CPU thread held it and had to be asked to\n\
             drop it; {} times it was still free (the CPU thread had not woken up to take it\n\
             yet). The CPU thread let go by itself {} times: it never blocks.",
            io_thread.acquisitions,
            io_thread.forced_drops,
            cpu.forced_drops,
            io_thread.acquisitions.saturating_sub(cpu.forced_drops),
            cpu.releases,
        ));
    }
    report.finish()?;
    if let Some(path) = &args.timeline {
        // A short run on a GIL that records, so that the picture shows single operations.
        let (timeline, ops) = (Timeline::new(), args.ops.min(10));
        convoy::run(
            &Gil::new(interval).with_timeline(timeline.clone()),
            ops,
            true,
            io,
        );
        let title = format!(
            "gil_convoy: {ops} I/O operations of {} next to a CPU-bound thread, switch interval {}",
            fmt_duration(io_time),
            fmt_duration(interval),
        );
        timeline.save_if_asked(Some(path), &title)?;
    }
    Ok(())
}
