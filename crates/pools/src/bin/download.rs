//! downloads from the cat server: sequential vs 5–30 threads vs processes; I/O-bound work scales with waiting workers
//!
//!     cargo run -p pools --bin download                            # 80 sites, about 9 s
//!     cargo run --release -p pools --bin download -- --count 160   # the full curve
//!     cargo run -p pools --bin download -- --count 20 --workers 4 --verbose
//!     cargo run --release -p pools --bin download -- --url https://www.rust-lang.org/
//!
//! The Real Python notes' `download_all_sites`, against the cat server started inside this
//! program (it waits 50 ms before every answer: the distant website). A download is almost
//! all waiting, so the time falls in step with the workers: `expected_s` is the ideal,
//! ⌈sites / workers⌉ rounds of one latency. The process pool has one process per CPU and
//! overlaps only that many waits. `clients`: the HTTP clients built, one per thread
//! (`thread_local!`) or one in all (shared client). Every variant must read the same bytes
//! as the sequential run, each site once. Debug timings are close: downloads wait, they do
//! not compute.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::compare::Comparison;
use common::process;
use common::report::Report;
use pools::download::{self, Sites};
use pools::net;

/// Download a list of sites sequentially, in thread pools and in a process pool.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Thread-pool sizes to time, comma-separated
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_values_t = [5, 10, 15, 20, 30],
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Vec<u16>,

    /// Worker processes in the process pool [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    processes: Option<u16>,

    /// Milliseconds the cat server waits before every answer: the network's latency
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(0..=5_000))]
    delay_ms: u64,

    /// How many sites to download (the Real Python notes download 160)
    #[arg(long, value_name = "N", default_value_t = 80,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    count: u64,

    /// Download these URLs (repeated up to --count) instead of starting a cat server
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = net::parse_url,
          conflicts_with = "delay_ms")]
    url: Vec<String>,

    /// Print `Read N from URL` for every download, as Python does
    #[arg(long)]
    verbose: bool,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long, conflicts_with = "verbose")]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(download::WORKER, download::serve)]) {
        return exit;
    }
    common::exit_code("download", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let delay = Duration::from_millis(args.delay_ms);
    let sites = &Sites::new(&args.url, args.count as usize, delay)?;
    let (urls, count, verbose) = (&sites.urls[..], sites.urls.len(), args.verbose);
    let largest = usize::from(*args.workers.iter().max().expect("clap requires a size"));
    let processes = args
        .processes
        .map_or_else(common::default_workers, usize::from);

    let mut comparison = Comparison::new("download")
        .title(sites.title())
        .rounds(1)
        .agree(|a, b| sites.agree(a, b))
        .variant_run("sequential", 1, || {
            sites.here(1, || download::sequential(urls, verbose))
        });
    for workers in args.workers.iter().map(|&w| usize::from(w)) {
        comparison = comparison.variant_run("threads", workers, move || {
            sites.here(workers, || download::threads(urls, workers, verbose))
        });
    }
    let mut report = Report::new("download").json(args.json);
    let fastest = comparison
        // The largest pool again, its threads sharing one client: what Rust allows, and
        // Python's `requests.Session` does not.
        .variant_run("threads, shared client", largest, || {
            sites.here(largest, || download::threads_shared(urls, largest, verbose))
        })
        .variant_run("processes", processes, || {
            sites.checked(processes, || download::processes(urls, processes, verbose))
        })
        .run(&mut report)?;

    let one = fastest[0].took.as_secs_f64() * 1e3 / count as f64;
    if !args.url.is_empty() {
        report.note(format!(
            "One download took {one:.1} ms in the sequential run."
        ));
    } else {
        let latency = args.delay_ms;
        report.note(format!(
            "expected_s: ⌈{count} / workers⌉ rounds of one latency ({latency} ms)."
        ));
        report.note(format!(
            "A download took {one:.1} ms: the latency plus the HTTP round trip."
        ));
    }
    report.note("processes: the time includes starting the worker processes, as in Python.");
    report.note("clients: HTTP clients built: one per thread that downloaded (thread_local!,");
    report.note("like Python's Session per thread), or one for all the threads (shared client).");
    Ok(report.finish()?)
}
