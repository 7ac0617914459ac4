//! 10 threads that wait 100 ms with the GIL released finish in about one wait, not ten
//!
//!     cargo run --release -p gil --bin gil_io
//!     cargo run --release -p gil --bin gil_io -- --threads 20 --delay-ms 50
//!     cargo run --release -p gil --bin gil_io -- --timeline gil_io.svg
//!
//! The Real Python notes on speeding up a program with concurrency find that threads speed
//! up I/O: Python's I/O releases the GIL while it waits. Here under the model of the GIL,
//! each "download" waits `--delay-ms` (a sleep), then parses with a little Python work
//! under the GIL. `serial` does them in turn; `threads releasing the GIL` wait inside
//! `allow_threads`, as `socket.recv` does; `threads holding the GIL` wait with it, like an
//! extension that forgot to release it. What to look for: releasing, the threads take
//! about one delay (`max_in_flight` = 10: all waits overlap); holding, `threads × delay`,
//! one wait at a time, the others queued for the GIL (`waited_s`). In the timeline the
//! releasing threads' waits stand side by side; the holding threads' form a staircase.

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
use gil::io::{self, Blocking, InFlight, Parsed};
use gil::{Gil, SwitchIntervalFlag};

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

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("gil_io", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (sites, delay) = (args.threads, Duration::from_millis(args.delay_ms));
    let timeline = Timeline::new();
    // One variant: every download under a fresh GIL, the threaded ones `blocking` this way.
    // `waits` is how many delays its downloads would take alone, in a row or all at once.
    let downloads = |blocking: Option<Blocking>, waits: u32| {
        let gil = Gil::new(args.switch.interval).with_timeline(timeline.clone());
        let in_flight = InFlight::default();
        let fetch = |_site| thread::sleep(delay); // the network
        let answers: Vec<Parsed> = match blocking {
            None => io::download_serial(&gil, sites, fetch, PARSE_ROUNDS, &in_flight),
            Some(how) => io::download_threads(&gil, sites, how, fetch, PARSE_ROUNDS, &in_flight),
        };
        let stats = gil.stats();
        compare::Run::new(answers)
            .seconds("expected_s", delay * waits)
            .extra("max_in_flight", in_flight.max())
            .extra(
                "releases",
                stats.threads.iter().map(|t| t.releases).sum::<u64>(),
            )
            .extra("switches", stats.switches)
            .extra("forced_drops", stats.forced_drops())
            .seconds("waited_s", stats.threads.iter().map(|t| t.waited).sum())
    };
    let all = u32::try_from(sites)?; // at most 1000
    let mut report = Report::new("gil_io").json(args.json);
    let fastest = Comparison::new("downloads")
        .title(format!(
            "gil_io: {sites} downloads, each a {} wait then {PARSE_ROUNDS} hash rounds under the \
             GIL; switch interval {}",
            fmt_duration(delay),
            fmt_duration(args.switch.interval)
        ))
        .rounds(1)
        // Each site's parsed answer, computed without a GIL.
        .expect(
            (0..sites)
                .map(|site| hash_me(&chain_start(site), PARSE_ROUNDS))
                .collect(),
        )
        .variant_run("serial", 1, || Ok(downloads(None, all)))
        .variant_run("threads releasing the GIL", all as usize, || {
            Ok(downloads(Some(Blocking::ReleasesTheGil), 1))
        })
        .variant_run("threads holding the GIL", all as usize, || {
            Ok(downloads(Some(Blocking::HoldsTheGil), all))
        })
        .run(&mut report)?;
    let speedup = |i: usize| fastest[0].took.as_secs_f64() / fastest[i].took.as_secs_f64();
    report.note(
        "expected_s: the waits alone, one after another or all at once. max_in_flight: the most\n\
         downloads inside their wait at the same moment. releases: times a thread released the\n\
         GIL around its wait; waited_s: the threads' waits for the GIL, added up.",
    );
    report.note(format!(
        "Releasing the GIL, the threads wait together: {:.1}× as fast as serial.\n\
         Holding it, they wait one after another: {:.2}× — no better than one thread.",
        speedup(1),
        speedup(2)
    ));
    report.finish()?;
    let title = format!(
        "gil_io: {sites} downloads of {} ms: serial, threads releasing the GIL, threads holding it",
        args.delay_ms
    );
    Ok(timeline.save_if_asked(args.timeline.as_deref(), &title)?)
}
