//! The convoy effect (David Beazley, "Understanding the Python GIL", 2010): next to a
//! CPU-bound thread, every short I/O operation of another thread costs about one switch
//! interval, however fast the I/O itself is.
//!
//! An I/O thread does `--ops` operations. Each one waits `--io-us` microseconds with the
//! GIL released (the I/O: a sleep inside `allow_threads`), then handles the answer with a
//! few microseconds of work under the GIL. We time every operation, first with the I/O
//! thread alone, then next to a CPU-bound thread that hashes under the GIL the whole time.
//!
//!     cargo run --release -p gil --bin gil_convoy
//!     cargo run --release -p gil --bin gil_convoy -- --switch-interval 1ms
//!     cargo run --release -p gil --bin gil_convoy -- --timeline gil_convoy.svg
//!
//! What to look for: alone, an operation takes its own I/O time and a little (about
//! 0.15 ms on the course machine: a 50 µs sleep oversleeps by the timer's slack). Next to
//! the CPU thread the median is about the switch interval, 5 ms: when its I/O is done, the
//! I/O thread finds the GIL taken by the CPU thread, which never lets go by itself, so it
//! waits a whole interval before it may set the drop request. That caps it near 200
//! operations per second, dozens of times slower than alone. `--switch-interval 1ms` cuts
//! the wait to about 1 ms, at the price of switching five times as often. The counters say
//! why: the CPU thread has to be asked (a `drop_requests` of the I/O thread) and forced
//! (`forced_drops`) nearly every time the I/O thread wants the GIL back; the other times,
//! the CPU thread had not woken up yet and the GIL was still free (more of those with a
//! short interval or on a busy machine: about a quarter at 1 ms). The timeline (a
//! short separate run) shows each of the I/O thread's slivers of I/O followed by about
//! 5 ms of waiting while the CPU thread holds the GIL.

use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::hashes::{chain_start, hash_me};
use common::measure::fmt_duration;
use common::report::Report;
use common::timeline::Timeline;
use gil::Gil;
use gil::SwitchIntervalFlag;
use gil::convoy::{self, ConvoyRun, HANDLE_ROUNDS};
use gil::io::Parsed;

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

/// Operations in the run drawn by `--timeline`: few enough to see each one.
const TIMELINE_OPS: u64 = 10;

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    let io_time = Duration::from_micros(args.io_us);
    // ANCHOR: io
    let io = || thread::sleep(io_time); // the I/O, run with the GIL released
    // ANCHOR_END: io
    if !args.json {
        println!(
            "gil_convoy: {} operations, each {} of I/O then {HANDLE_ROUNDS} hash rounds under \
             the GIL; switch interval {}",
            args.ops,
            fmt_duration(io_time),
            fmt_duration(args.switch.interval),
        );
    }

    // ANCHOR: compare
    let alone = convoy::run(&Gil::new(args.switch.interval), args.ops, false, io);
    let with_cpu = convoy::run(&Gil::new(args.switch.interval), args.ops, true, io);
    // ANCHOR_END: compare

    // Every operation's answer, computed without a GIL: a run that got one wrong is void.
    let reference: Vec<Parsed> = (0..args.ops)
        .map(|op| hash_me(&chain_start(op), HANDLE_ROUNDS))
        .collect();
    let mut report = Report::new("gil_convoy");
    for (variant, run) in [("alone", &alone), ("next to a CPU thread", &with_cpu)] {
        let cpu = run.cpu.as_ref();
        report
            .add(
                "io_ops",
                variant,
                if cpu.is_some() { 2 } else { 1 },
                run.elapsed.as_secs_f64(),
                run.answers == reference,
            )
            .extra("median_ms", ms(run.median()))
            .extra("p99_ms", ms(run.p99()))
            .extra("ops_per_s", run.ops_per_s().round())
            .extra("forced_drops", cpu.map_or(0, |cpu| cpu.forced_drops))
            .extra("drop_requests", run.io.drop_requests);
    }
    report.print(args.json);
    if !args.json {
        explain(&alone, &with_cpu, &args);
    }

    if let Some(path) = &args.timeline {
        // A fresh GIL that records, and a short run, so the picture shows single operations.
        let timeline = Timeline::new();
        let gil = Gil::new(args.switch.interval).with_timeline(timeline.clone());
        convoy::run(&gil, TIMELINE_OPS.min(args.ops), true, io);
        let title = format!(
            "gil_convoy: {} I/O operations of {} next to a CPU-bound thread, switch interval {}",
            TIMELINE_OPS.min(args.ops),
            fmt_duration(io_time),
            fmt_duration(args.switch.interval),
        );
        if let Err(e) = timeline.save_if_asked(Some(path), &title) {
            eprintln!("error: could not write the timeline: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The lines under the table: the two medians, their ratio, and what the counters say.
fn explain(alone: &ConvoyRun, with_cpu: &ConvoyRun, args: &Args) {
    println!("median_ms, p99_ms: one operation, from the start of its I/O to the end of");
    println!("its work under the GIL. forced_drops: times the CPU thread dropped the GIL");
    println!("because asked; drop_requests: times the I/O thread asked.");
    println!(
        "Alone, an operation takes {} (median): its I/O and a little; the GIL is free.",
        fmt_duration(alone.median())
    );
    println!(
        "Next to the CPU thread: {} (median), {:.0}× as long; the switch interval is {}.",
        fmt_duration(with_cpu.median()),
        with_cpu.median().as_secs_f64() / alone.median().as_secs_f64(),
        fmt_duration(args.switch.interval),
    );
    let Some(cpu) = &with_cpu.cpu else { return };
    let io = &with_cpu.io;
    let own_drops = match io.forced_drops {
        0 => String::new(),
        n => format!(", and after {n} forced drops of its own"),
    };
    println!(
        "The I/O thread took the GIL {} times: at its start and after each operation{own_drops}.",
        io.acquisitions
    );
    // Each take that found the CPU thread holding the GIL cost it one forced drop; the
    // others found the GIL still free (the CPU thread had not woken up to take it yet).
    println!(
        "{} times the CPU thread held it and had to be asked to drop it;",
        cpu.forced_drops
    );
    println!(
        "{} times it was still free (the CPU thread had not yet woken up to take it).",
        io.acquisitions.saturating_sub(cpu.forced_drops),
    );
    println!(
        "The CPU thread let go by itself {} times: it never blocks.",
        cpu.releases
    );
}

/// Milliseconds, as a number for the table.
fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}
