//! downloads from the cat server: 3 and 10 workers on a queue, sequential, join_all, buffer_unordered and a Semaphore; process time vs total time
//!
//!     cargo run -p coroutines --bin async_download                  # about 9 s
//!     cargo run --release -p coroutines --bin async_download -- --delay-ms 100
//!     cargo run -p coroutines --bin async_download -- --url https://www.rust-lang.org/
//!
//! The Python slides' aiohttp workers, against the cat server started inside this program
//! (50 ms before every answer), all on one thread. First their transcript: 10 URLs on a
//! queue, 3 workers, then 10, each run ending on the slides' two figures: `Process time`,
//! the sum of every request's own time, and `Total time`, the clock on the wall. Then the
//! tech talk's 20 cats × 5 downloads, every way. What to look for: `process_s` is about the
//! same in every row, while `seconds` falls as `at_once` grows, close to `expected_s`;
//! join_all has no limit, buffer_unordered and the Semaphore keep it to --limit.

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use common::compare::Comparison;
use common::report::Report;
use coroutines::download::{self, Sites, TRANSCRIPT_URLS, Way};
use tokio::runtime::Runtime;

/// Download cat pictures on one thread: workers on a queue, all at once, and with a limit.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Workers taking URLs from the queue, comma-separated (the Python slides: 3 and 10)
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_values_t = [3, 10],
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    workers: Vec<u16>,

    /// The most downloads at once for buffer_unordered and the Semaphore
    #[arg(long, value_name = "K", default_value_t = 10,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    limit: u16,

    /// Different cat pictures to download (the tech talk has 20)
    #[arg(long, value_name = "N", default_value_t = 20, conflicts_with = "url",
          value_parser = clap::value_parser!(u16).range(1..=100))]
    cats: u16,

    /// Downloads of each cat, or of each --url, in a row (the tech talk: 5)
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u16).range(1..=100))]
    each: u16,

    /// Milliseconds the cat server waits before every answer: the network's latency
    #[arg(long, value_name = "MS", default_value_t = 50, conflicts_with = "url",
          value_parser = clap::value_parser!(u64).range(0..=5_000))]
    delay_ms: u64,

    /// Download these URLs instead of starting a cat server
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = download::parse_url)]
    url: Vec<String>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("async_download", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let delay = Duration::from_millis(args.delay_ms);
    let sites = &Sites::new(&args.url, args.cats.into(), args.each.into(), delay)?;
    // asyncio's event loop runs on one thread; so does this runtime, and every
    // download below runs on it.
    let runtime = &tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let workers = args.workers.iter().map(|&w| usize::from(w));
    if !args.json {
        for workers in workers.clone() {
            transcript(runtime, sites, workers)?;
        }
    }

    let limit = usize::from(args.limit);
    let mut ways = vec![Way::Sequential];
    ways.extend(workers.map(Way::Queue));
    ways.extend([Way::JoinAll, Way::Buffered(limit), Way::Semaphore(limit)]);
    let count = sites.urls.len();
    let mut comparison = Comparison::new("download")
        .title(sites.title())
        .rounds(1)
        .workers_are("at a time")
        .agree(|a, b| sites.agree(a, b));
    for way in ways {
        comparison = comparison.variant_run(way.name(), way.at_once(count), move || {
            sites.run(runtime, way)
        });
    }
    let mut report = Report::new("async_download").json(args.json);
    comparison.run(&mut report)?;
    report.note("process_s: the sum of every request's own time, the Python slides' \"Process");
    report.note("time\"; seconds: the clock on the wall, their \"Total time\".");
    report.note("at_once: the most downloads in flight at once, counted by the client.");
    if args.url.is_empty() {
        let ms = args.delay_ms;
        report.note(format!(
            "expected_s: ⌈{count} / at_once⌉ rounds of one latency ({ms} ms)."
        ));
    }
    report.note("Every row ran on one thread: tokio's current_thread runtime, like asyncio.");
    Ok(report.finish()?)
}

/// The Python slides' run: the first URLs on a queue, `workers` tasks taking them, each
/// printing what it does; then the slides' two figures.
fn transcript(runtime: &Runtime, sites: &Sites, workers: usize) -> Result<(), Box<dyn Error>> {
    let urls = &sites.sites[..sites.sites.len().min(TRANSCRIPT_URLS)];
    let (count, s) = (urls.len(), if urls.len() == 1 { "" } else { "s" });
    println!("{workers} workers, {count} URL{s} on a queue:");
    let started = Instant::now();
    let (tally, _) = sites.download(runtime, Way::Queue(workers), urls, true)?;
    let (process, total) = (tally.process_time, started.elapsed());
    println!("Process time: {:.3} seconds", process.as_secs_f64());
    println!("Total time:   {:.3} seconds", total.as_secs_f64());
    println!();
    Ok(())
}
