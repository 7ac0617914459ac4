//! Seed 004's `download_all_sites`: the same 160 downloads one after the other, then in a
//! thread pool of 5, 10, 15, 20 and 30 workers, then in a pool of worker processes.
//!
//! The sites are served by the course's cat server, started inside this program on
//! 127.0.0.1 and told to wait 50 ms before every answer: the part of a distant website.
//!
//!     cargo run --release -p pools --bin download
//!     cargo run --release -p pools --bin download -- --workers 5,30 --delay-ms 100
//!     cargo run -p pools --bin download -- --count 20 --workers 4 --verbose
//!     cargo run --release -p pools --bin download -- --url https://www.rust-lang.org/
//!
//! What to look for: a download is almost all waiting, so the time falls in step with the
//! number of workers: 160 × 50 ms = 8 s one after the other, about 8 s / 30 with 30
//! workers. The `expected_s` column gives that ideal, `⌈160 / workers⌉` rounds of one
//! latency each; the measured times stay close to it. The process pool downloads in
//! parallel too, but only one site per process at a time, with a few processes, and pays
//! for starting them: for waiting on the network, threads are the cheap tool. Each variant
//! checks that every site answered with the same bytes as in the sequential run before its
//! time is shown. `clients` counts the HTTP clients built: one per thread that downloaded
//! (`thread_local!`, the seed's per-thread `requests.Session`). One more row runs the
//! largest pool with a single client shared by all its threads, which Rust allows: it
//! saves building 30 clients and is a little faster.

use std::collections::HashSet;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use cat_server::{CatServer, Config};
use clap::Parser;
use common::measure;
use common::process::{self, ProcessError};
use common::report::Report;
use pipes::pool::{self, ProcessPool};
use pools::net::{self, FetchError};
use pools::thread_pool::ThreadPool;

/// Download a list of sites sequentially, in thread pools and in a process pool (seed 004).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Thread-pool sizes to time, comma-separated
    #[arg(long, value_name = "N,N,...", value_delimiter = ',',
          default_values_t = [5, 10, 15, 20, 30],
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Vec<u16>,

    /// Worker processes in the process pool [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    processes: Option<u16>,

    /// Milliseconds the cat server waits before every answer: the network's latency
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(0..=5_000))]
    delay_ms: u64,

    /// How many sites to download (the seed downloads 160)
    #[arg(long, value_name = "N", default_value_t = 160,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    count: u64,

    /// Download these URLs (repeated up to --count) instead of starting a cat server
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = pools::net::parse_url,
          conflicts_with = "delay_ms")]
    url: Vec<String>,

    /// Print `Read N from URL` for every download, as the seed does
    #[arg(long)]
    verbose: bool,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long, conflicts_with = "verbose")]
    json: bool,
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "download-worker";

/// What one download gives: the size of the body in bytes, or why there is none. A
/// `String` rather than a `FetchError` because process-pool workers send it back through
/// a pipe, and plain text is all the parent needs.
type Outcome = Result<usize, String>;

fn main() -> ExitCode {
    // A worker's command line is the hidden role, not our flags: check for it before clap.
    if let Some(role) = process::child_role() {
        return worker(&role);
    }
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: download_site
/// Downloads one site with this thread's client and returns the size of what it read.
fn download_site(url: &str, verbose: bool) -> Outcome {
    size_of(url, net::fetch(url), verbose)
}

/// The size of a downloaded body; with `--verbose`, also the seed's `Read N from URL`.
fn size_of(url: &str, body: Result<Vec<u8>, FetchError>, verbose: bool) -> Outcome {
    let size = body.map_err(|e| e.to_string())?.len();
    if verbose {
        // `println!` locks stdout for the whole line, so lines printed by different
        // threads never mix (the seeds need a `print_lock` for that).
        println!("Read {size} from {url}");
    }
    Ok(size)
}
// ANCHOR_END: download_site

// ANCHOR: sequential
/// The seed's first version: one download after the other, on this thread.
fn download_sequential(sites: &[String], verbose: bool) -> Vec<Outcome> {
    sites
        .iter()
        .map(|url| download_site(url, verbose))
        .collect()
}
// ANCHOR_END: sequential

// ANCHOR: threads
/// The seed's `ThreadPoolExecutor(max_workers=workers)` and `executor.map`.
fn download_threads(sites: &[String], workers: usize, verbose: bool) -> Vec<Outcome> {
    let pool = ThreadPool::new(workers);
    // Each worker thread builds its own client on its first download (`net::fetch` keeps
    // it in a `thread_local!`) and reuses it, with its open connection, for the rest.
    let outcomes = pool
        .map(
            move |url: String| download_site(&url, verbose),
            sites.to_vec(),
        )
        .map(|result| result.unwrap_or_else(|panicked| Err(panicked.to_string())))
        .collect();
    // Returning drops the pool, like the end of Python's `with` block: the workers are
    // joined, and their clients closed, before the time is taken.
    outcomes
}
// ANCHOR_END: threads

// ANCHOR: shared
/// The same pool, every worker using one client. A reqwest `Client` is `Send + Sync`, so
/// one client can serve every thread at once and Rust needs no `thread_local!` here: the
/// threads share its pool of connections and its one background I/O thread.
fn download_threads_shared(sites: &[String], workers: usize, verbose: bool) -> Vec<Outcome> {
    let client = net::new_client();
    let pool = ThreadPool::new(workers);
    let job = move |url: String| {
        let body = net::fetch_with(&client, &url, net::REQUEST_TIMEOUT);
        size_of(&url, body, verbose)
    };
    pool.map(job, sites.to_vec())
        .map(|result| result.unwrap_or_else(|panicked| Err(panicked.to_string())))
        .collect()
}
// ANCHOR_END: shared

// ANCHOR: processes
/// The seed's `multiprocessing.Pool()` and `pool.map`. Returns the outcomes and how many
/// worker processes downloaded something (each built one client).
fn download_processes(
    sites: &[String],
    processes: usize,
    verbose: bool,
) -> Result<(Vec<Outcome>, usize), ProcessError> {
    // Starting the processes is part of the time, as in the seed, where the pool is
    // created inside `download_all_sites`.
    let mut pool = ProcessPool::<String, Outcome>::start(WORKER, processes)?;
    let mut outcomes = vec![Err("not downloaded".to_string()); sites.len()];
    let mut busy_workers = HashSet::new();
    for result in pool.run(sites.iter().cloned()) {
        let outcome = result
            .outcome
            .unwrap_or_else(|failure| Err(failure.to_string()));
        if let Some(worker) = result.worker {
            if verbose && let Ok(size) = &outcome {
                println!("{worker}: Read {size} from {}", sites[result.job]);
            }
            busy_workers.insert(worker.index);
        }
        outcomes[result.job] = outcome;
    }
    pool.shutdown();
    Ok((outcomes, busy_workers.len()))
}

/// A worker process's whole program: download each URL the parent sends, answer its size.
///
/// The seed gives every process one `requests.Session` with `initializer=`. Here the
/// `thread_local!` client does it: the worker's only thread builds it on its first job
/// and keeps it for the next ones.
fn worker(role: &str) -> ExitCode {
    if role != WORKER {
        eprintln!("download: unknown role {role}");
        return ExitCode::FAILURE;
    }
    common::exit_code(
        "download worker",
        pool::serve(|url: String| download_site(&url, false)),
    )
}
// ANCHOR_END: processes

/// Where the sites come from: the cat server started here, or the URLs given.
struct Sites {
    /// Kept alive until the end; dropping it stops the server.
    server: Option<CatServer>,
    urls: Vec<String>,
    /// The server's delay, when it is ours: the latency the `expected_s` column assumes.
    delay: Option<Duration>,
}

impl Sites {
    fn new(args: &Args) -> std::io::Result<Sites> {
        let count = args.count as usize;
        if !args.url.is_empty() {
            let urls = args.url.iter().cycle().take(count).cloned().collect();
            return Ok(Sites {
                server: None,
                urls,
                delay: None,
            });
        }
        let delay = Duration::from_millis(args.delay_ms);
        // `pages` is the length of the server's site list: pages and cat pictures, taking
        // turns, 80 of each by default (the seed's two sites, 80 times).
        let server = CatServer::start(Config {
            delay,
            pages: count,
            ..Config::default()
        })?;
        let urls = server.site_list();
        Ok(Sites {
            server: Some(server),
            urls,
            delay: Some(delay),
        })
    }

    /// Requests the server has received so far (0 when the sites are remote).
    fn requests(&self) -> u64 {
        self.server.as_ref().map_or(0, CatServer::requests)
    }
}

// ANCHOR: check
/// What a variant's run is checked against: the sizes the sequential run read.
struct Expected {
    sizes: Vec<usize>,
    /// Our own server sends the same bytes every time and counts its requests; a real
    /// website's pages change between two requests, so only their number is checked.
    exact: bool,
}

impl Expected {
    /// `true` when every site answered, with the expected number of bytes, and (on our
    /// server) each exactly once: `requests` is how many the server received meanwhile.
    fn check(&self, variant: &str, outcomes: &[Outcome], requests: u64) -> bool {
        let mut ok = outcomes.len() == self.sizes.len();
        for (index, (outcome, &expected)) in outcomes.iter().zip(&self.sizes).enumerate() {
            match outcome {
                Ok(size) if !self.exact || *size == expected => {}
                Ok(size) => {
                    eprintln!("{variant}: site {index} read {size} bytes, expected {expected}");
                    ok = false;
                }
                Err(e) => {
                    eprintln!("{variant}: site {index} failed: {e}");
                    ok = false;
                }
            }
        }
        if self.exact && requests != self.sizes.len() as u64 {
            eprintln!(
                "{variant}: the server saw {requests} requests for {} sites",
                self.sizes.len()
            );
            ok = false;
        }
        ok
    }
}
// ANCHOR_END: check

/// The variant of [`download_threads_shared`].
const SHARED: &str = "threads, shared client";

/// One variant's measurements: its transcript line, then its row in the report.
struct Measured {
    variant: &'static str,
    workers: usize,
    seconds: f64,
    ok: bool,
    /// HTTP clients built during the run, in this process or in its worker processes.
    clients: usize,
}

/// Times a variant that runs in this process, and checks what it read.
fn measure_here(
    sites: &Sites,
    expected: &Expected,
    (variant, workers): (&'static str, usize),
    download: impl FnOnce() -> Vec<Outcome>,
) -> Measured {
    let requests_before = sites.requests();
    let clients_before = net::clients_built();
    let (outcomes, took) = measure::time(download);
    Measured {
        variant,
        workers,
        seconds: took.as_secs_f64(),
        ok: expected.check(variant, &outcomes, sites.requests() - requests_before),
        clients: net::clients_built() - clients_before,
    }
}

fn run(args: &Args) -> Result<bool, Box<dyn Error>> {
    common::warn_if_debug!();
    if cfg!(debug_assertions) {
        eprintln!("(downloads spend their time waiting, not computing: debug timings are close)");
    }
    let sites = Sites::new(args)?;
    let count = sites.urls.len();
    let verbose = args.verbose;
    // With --json, stdout carries the JSON rows and nothing else.
    let say = |line: String| {
        if !args.json {
            println!("{line}");
        }
    };
    match (&sites.server, sites.delay) {
        (Some(server), Some(delay)) => say(format!(
            "Downloading {count} sites from the cat server at {} ({} ms per request)",
            server.url("/"),
            delay.as_millis()
        )),
        _ => say(format!("Downloading {count} sites from the URLs given")),
    }

    // The sequential run comes first: it is the baseline of the speedups and of the
    // check. Its sizes are what every other variant must read; it is checked too, against
    // itself, which leaves "every site answered, each once".
    let requests_before = sites.requests();
    let clients_before = net::clients_built();
    let (outcomes, took) = measure::time(|| download_sequential(&sites.urls, verbose));
    let expected = Expected {
        sizes: outcomes.iter().map(|o| *o.as_ref().unwrap_or(&0)).collect(),
        exact: sites.server.is_some(),
    };
    let mut runs = vec![Measured {
        variant: "sequential",
        workers: 1,
        seconds: took.as_secs_f64(),
        ok: expected.check("sequential", &outcomes, sites.requests() - requests_before),
        clients: net::clients_built() - clients_before,
    }];
    say(transcript(&runs[0], count));

    for &workers in &args.workers {
        let workers = usize::from(workers);
        let run = measure_here(&sites, &expected, ("threads", workers), || {
            download_threads(&sites.urls, workers, verbose)
        });
        say(transcript(&run, count));
        runs.push(run);
    }

    // The largest pool again, its threads sharing one client: what Rust allows, and
    // Python's `requests.Session` does not.
    if let Some(&workers) = args.workers.iter().max() {
        let workers = usize::from(workers);
        let run = measure_here(&sites, &expected, (SHARED, workers), || {
            download_threads_shared(&sites.urls, workers, verbose)
        });
        say(transcript(&run, count));
        runs.push(run);
    }

    let processes = args.processes.map_or_else(default_processes, usize::from);
    let requests_before = sites.requests();
    let (result, took) = measure::time(|| download_processes(&sites.urls, processes, verbose));
    let (outcomes, clients) = result?;
    let run = Measured {
        variant: "processes",
        workers: processes,
        seconds: took.as_secs_f64(),
        ok: expected.check("processes", &outcomes, sites.requests() - requests_before),
        clients,
    };
    say(transcript(&run, count));
    runs.push(run);

    // The latency the `expected_s` column assumes: the server's delay, or for real sites
    // the average time of one download in the sequential run.
    let latency = sites
        .delay
        .map_or(runs[0].seconds / count as f64, |delay| delay.as_secs_f64());
    let mut report = Report::new("download");
    for run in &runs {
        report
            .add("download", run.variant, run.workers, run.seconds, run.ok)
            .extra("expected_s", expected_seconds(count, run.workers, latency))
            .extra("clients", run.clients);
    }
    say(String::new());
    report.print(args.json);
    say(format!(
        "expected_s: ⌈{count} / workers⌉ rounds of one latency ({:.0} ms) each, ≈ {count} × latency / workers.",
        latency * 1e3
    ));
    if sites.server.is_some() {
        let per_download = runs[0].seconds / count as f64;
        say(format!(
            "A download takes a little longer than the delay ({:.1} ms each in the sequential run):",
            per_download * 1e3
        ));
        say("the HTTP round trip and the server's timer add their share.".into());
    }
    say("processes: the time includes starting the worker processes, as in the seed.".into());
    say("clients: HTTP clients built during the run: one per thread that downloaded".into());
    say(
        "(thread_local!, as the seed keeps a Session per thread), or one for all (shared client)."
            .into(),
    );
    Ok(report.all_ok())
}

/// `Downloaded 160 in 8.04 seconds`, the seed's line, after the variant's name.
fn transcript(run: &Measured, count: usize) -> String {
    let who = match run.variant {
        "sequential" => "sequential".to_string(),
        "threads" => format!("{} threads", run.workers),
        SHARED => format!("{} threads, 1 client", run.workers),
        _ => format!("{} processes", run.workers),
    };
    let check = if run.ok { "" } else { "  ✗ check failed" };
    format!(
        "{who:>20}: Downloaded {count} in {:.3} seconds{check}",
        run.seconds
    )
}

// ANCHOR: expected
/// The ideal time with `workers` downloading at once: the sites go out in rounds of
/// `workers`, each round lasting one latency. 160 sites on 30 workers is 6 rounds (the
/// last one only 10 sites), not 5.33.
fn expected_seconds(count: usize, workers: usize, latency: f64) -> f64 {
    let rounds = count.div_ceil(workers);
    let seconds = rounds as f64 * latency;
    (seconds * 1e3).round() / 1e3
}
// ANCHOR_END: expected

fn default_processes() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
