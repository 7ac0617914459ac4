//! Seed 004's lesson, under the GIL: threads still speed up I/O, because Python's I/O
//! releases the GIL while it waits.
//!
//! Each "download" waits `--delay-ms` (the network: a sleep), then parses the answer with a
//! little Python work under the GIL (a short ticked hash chain). Three ways to do
//! `--threads` of them, each under a GIL of its own:
//!
//! - **serial**: one thread downloads them in turn;
//! - **threads releasing the GIL**: a thread per download, waiting inside `allow_threads`,
//!   as `socket.recv` or `time.sleep` do (`Py_BEGIN_ALLOW_THREADS` in C);
//! - **threads holding the GIL**: the same threads, but the wait keeps the GIL, as in an
//!   extension module that forgot to release it around its blocking call.
//!
//! Every variant's parsed answers are checked against answers computed without a GIL.
//!
//!     cargo run --release -p gil --bin gil_io
//!     cargo run --release -p gil --bin gil_io -- --threads 20 --delay-ms 50
//!     cargo run --release -p gil --bin gil_io -- --timeline gil_io.svg
//!
//! What to look for: serial takes `threads × delay` (1 s by default). Threads that
//! release the GIL take about one delay (0.1 s): the GIL only guards running Python code,
//! and waiting is not running, so all ten waits overlap (`max_in_flight` = 10). Threads
//! that hold it are back at `threads × delay`: one wait at a time (`max_in_flight` = 1),
//! the others queued for the GIL (`waited_s`, their waits added up, is several seconds).
//! In the timeline the releasing threads' waits stand side by side; the holding threads'
//! form a staircase.

use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::hashes::{chain_start, hash_me};
use common::measure::{self, fmt_duration};
use common::report::Report;
use common::timeline::Timeline;
use gil::SwitchIntervalFlag;
use gil::io::{self, Blocking, InFlight, Parsed};
use gil::{Gil, GilStats};

/// Threads that wait for I/O overlap under the GIL, if the wait releases it.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many downloads, and threads in the threaded variants
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=1_000))]
    threads: u64,

    /// Milliseconds each download waits for the network
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..=5_000))]
    delay_ms: u64,

    #[command(flatten)]
    switch: SwitchIntervalFlag,

    /// Draw who held the GIL and who waited, in all three variants, into this SVG file
    #[arg(long, value_name = "FILE.svg", conflicts_with = "json")]
    timeline: Option<PathBuf>,

    /// Print the rows as JSON lines, nothing else
    #[arg(long)]
    json: bool,
}

/// Hash rounds of "parsing" after each download, under the GIL: well under a millisecond.
const PARSE_ROUNDS: u64 = 1_000;

/// The three ways of doing the downloads.
#[derive(Clone, Copy)]
enum Variant {
    Serial,
    Threads(Blocking),
}

impl Variant {
    const ALL: [Variant; 3] = [
        Variant::Serial,
        Variant::Threads(Blocking::ReleasesTheGil),
        Variant::Threads(Blocking::HoldsTheGil),
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::Serial => "serial",
            Variant::Threads(Blocking::ReleasesTheGil) => "threads releasing the GIL",
            Variant::Threads(Blocking::HoldsTheGil) => "threads holding the GIL",
        }
    }

    /// What the waits alone would take: all in a row, or all at once.
    fn expected(self, threads: u64, delay: Duration) -> Duration {
        match self {
            Variant::Threads(Blocking::ReleasesTheGil) => delay,
            Variant::Serial | Variant::Threads(Blocking::HoldsTheGil) => {
                delay * u32::try_from(threads).expect("--threads is at most 1000")
            }
        }
    }
}

// ANCHOR: variant
/// What one variant's run gave.
struct Measured {
    /// Each site's parsed answer, in site order.
    answers: Vec<Parsed>,
    /// Wall time of all the downloads.
    took: Duration,
    /// The GIL's counters.
    stats: GilStats,
    /// The most downloads that were inside their wait at the same moment.
    max_in_flight: usize,
}

/// Does every download one variant's way, under a fresh GIL.
fn run(variant: Variant, args: &Args, timeline: &Timeline) -> Measured {
    let gil = Gil::new(args.switch.interval).with_timeline(timeline.clone());
    let in_flight = InFlight::default();
    let delay = Duration::from_millis(args.delay_ms);
    let fetch = |_site: u64| thread::sleep(delay); // the network
    let (sites, rounds) = (args.threads, PARSE_ROUNDS);
    let (answers, took) = measure::time(|| match variant {
        Variant::Serial => io::download_serial(&gil, sites, fetch, rounds, &in_flight),
        Variant::Threads(blocking) => {
            io::download_threads(&gil, sites, blocking, fetch, rounds, &in_flight)
        }
    });
    Measured {
        answers,
        took,
        stats: gil.stats(),
        max_in_flight: in_flight.max(),
    }
}
// ANCHOR_END: variant

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    let delay = Duration::from_millis(args.delay_ms);
    let timeline = Timeline::new();
    if !args.json {
        println!(
            "gil_io: {} downloads, each a {} wait then {PARSE_ROUNDS} hash rounds under the GIL; \
             switch interval {}",
            args.threads,
            fmt_duration(delay),
            fmt_duration(args.switch.interval),
        );
    }

    // What every variant must answer: each site's parsed answer, computed without a GIL.
    let reference: Vec<Parsed> = (0..args.threads)
        .map(|site| hash_me(&chain_start(site), PARSE_ROUNDS))
        .collect();

    let mut report = Report::new("gil_io");
    for variant in Variant::ALL {
        let Measured {
            answers,
            took,
            stats,
            max_in_flight,
        } = run(variant, &args, &timeline);
        let workers = match variant {
            Variant::Serial => 1,
            Variant::Threads(_) => stats.threads.len(),
        };
        let releases: u64 = stats.threads.iter().map(|t| t.releases).sum();
        let waited: Duration = stats.threads.iter().map(|t| t.waited).sum();
        let ok = answers == reference;
        report
            .add("downloads", variant.name(), workers, took.as_secs_f64(), ok)
            .extra(
                "expected_s",
                variant.expected(args.threads, delay).as_secs_f64(),
            )
            .extra("max_in_flight", max_in_flight)
            .extra("releases", releases)
            .extra("switches", stats.switches)
            .extra("forced_drops", stats.forced_drops())
            .extra("waited_s", round4(waited.as_secs_f64()));
    }
    report.print(args.json);
    if !args.json {
        explain(&report);
    }

    let title = format!(
        "gil_io: {} downloads of {} ms: serial, threads releasing the GIL, threads holding it",
        args.threads, args.delay_ms
    );
    if let Err(e) = timeline.save_if_asked(args.timeline.as_deref(), &title) {
        eprintln!("error: could not write the timeline: {e}");
        return ExitCode::FAILURE;
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The lines under the table: what the columns mean, and the two speedups in words.
fn explain(report: &Report) {
    println!("expected_s: the waits alone, one after another or all at once.");
    println!("max_in_flight: the most downloads inside their wait at the same moment.");
    println!("releases: times a thread released the GIL around its wait;");
    println!("waited_s: the threads' waits for the GIL, added up.");
    let speedup = |variant: Variant| {
        let row = report
            .rows()
            .iter()
            .find(|row| row.variant == variant.name());
        row.map_or(f64::NAN, |row| row.speedup)
    };
    println!(
        "Releasing the GIL, the threads wait together: {:.1}× as fast as serial.",
        speedup(Variant::Threads(Blocking::ReleasesTheGil))
    );
    println!(
        "Holding it, they wait one after another: {:.2}× — no better than one thread.",
        speedup(Variant::Threads(Blocking::HoldsTheGil))
    );
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
