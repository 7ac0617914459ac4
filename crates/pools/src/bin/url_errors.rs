//! Seed 001's `future_to_url`: a pool of threads loads a list of URLs, some of which fail,
//! and each result is printed as soon as it is ready, success or failure.
//!
//!     cargo run -p pools --bin url_errors
//!     cargo run -p pools --bin url_errors -- --timeout-ms 100 --delay-ms 200
//!     cargo run -p pools --bin url_errors -- --url https://www.rust-lang.org/ http://localhost:1/
//!
//! The list mixes good pages of the course's cat server with four ways of failing:
//!
//! - `/status/404`: the server answers, with an error status;
//! - `/slow`: the server answers too late, after the client's timeout (`--timeout-ms`);
//! - a port nothing listens on: the connection is refused at once;
//! - `/drop`: the server accepts the request and hangs up without answering.
//!
//! What to look for: the lines come in the order the downloads *finish*, not the order of
//! the list (the refused connection first, the timeout last). A failure is reported on its
//! own line, with its kind, and changes nothing for the other URLs: in Python the
//! exception is stored in the future and raised by `future.result()`; here the job returns
//! a `Result` and the error is an ordinary value. The program checks every outcome against
//! the one it arranged, and says so at the end.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cat_server::{CatServer, Config};
use clap::Parser;
use pools::net::{self, FetchError};
use pools::thread_pool::{ThreadPool, as_completed};
use reqwest::StatusCode;

/// Load URLs in a thread pool; report each page's size or its error (seed 001).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads (the seed's max_workers=5)
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: u16,

    /// Milliseconds the client waits for a whole response before giving up
    #[arg(long, value_name = "MS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    timeout_ms: u64,

    /// Milliseconds the cat server waits before each answer
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(0..=5_000))]
    delay_ms: u64,

    /// Load these URLs instead of the cat server's list
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = pools::net::parse_url,
          conflicts_with = "delay_ms")]
    url: Vec<String>,
}

// ANCHOR: expected
/// What a URL of the list was set up to do.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Page,
    Status(StatusCode),
    Timeout,
    Refused,
    Closed,
}

impl Expect {
    fn matches(self, outcome: &Result<usize, FetchError>) -> bool {
        match (self, outcome) {
            (Expect::Page, Ok(_)) => true,
            (Expect::Status(want), Err(FetchError::Status(got))) => want == *got,
            (Expect::Timeout, Err(FetchError::TimedOut(_)))
            | (Expect::Refused, Err(FetchError::Refused))
            | (Expect::Closed, Err(FetchError::Closed)) => true,
            _ => false,
        }
    }
}

/// The cat server's list: good pages, with the four failures in between.
fn cat_server_urls(server: &CatServer, timeout: Duration) -> Vec<(String, Expect)> {
    // A port with nothing listening: ask the system for a free port, note it, and close
    // it again at once (the listener is dropped at the end of the statement).
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_or(1, |address| address.port());
    // Ten times the client's patience: the server would answer, but far too late.
    let slow_ms = timeout.as_millis() * 10;
    vec![
        (server.url("/pages/1"), Expect::Page),
        (
            server.url("/status/404"),
            Expect::Status(StatusCode::NOT_FOUND),
        ),
        (server.url("/cats/1.jpg"), Expect::Page),
        (server.url(&format!("/slow?ms={slow_ms}")), Expect::Timeout),
        (server.url("/pages/2"), Expect::Page),
        (format!("http://127.0.0.1:{closed_port}/"), Expect::Refused),
        (server.url("/cats/2.jpg"), Expect::Page),
        (server.url("/drop"), Expect::Closed),
    ]
}
// ANCHOR_END: expected

fn main() -> ExitCode {
    let args = Args::parse();
    let timeout = Duration::from_millis(args.timeout_ms);

    // Our own server, unless URLs were given; it stops when `server` is dropped.
    let server = if args.url.is_empty() {
        let config = Config {
            delay: Duration::from_millis(args.delay_ms),
            ..Config::default()
        };
        match CatServer::start(config) {
            Ok(server) => Some(server),
            Err(e) => {
                eprintln!("error: the cat server did not start: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let list: Vec<(String, Option<Expect>)> = match &server {
        Some(server) => cat_server_urls(server, timeout)
            .into_iter()
            .map(|(url, expect)| (url, Some(expect)))
            .collect(),
        None => args.url.iter().map(|url| (url.clone(), None)).collect(),
    };
    let urls: Vec<String> = list.iter().map(|(url, _)| url.clone()).collect();

    println!(
        "Loading {} URLs with {} threads, {} ms timeout:",
        urls.len(),
        args.workers,
        timeout.as_millis()
    );
    let started = Instant::now();
    let outcomes = load_all(&urls, usize::from(args.workers), timeout);
    let elapsed = started.elapsed();

    // Every URL had its outcome printed; now count them, and check them when we know
    // what each URL was set up to do.
    let pages = outcomes.iter().filter(|o| o.is_ok()).count();
    println!(
        "{pages} of {} URLs loaded, {} failed, in {:.2} s",
        outcomes.len(),
        outcomes.len() - pages,
        elapsed.as_secs_f64()
    );
    let surprises: Vec<&str> = list
        .iter()
        .zip(&outcomes)
        .filter(|((_, expect), outcome)| expect.is_some_and(|e| !e.matches(outcome)))
        .map(|((url, _), _)| url.as_str())
        .collect();
    if server.is_none() {
        ExitCode::SUCCESS
    } else if surprises.is_empty() {
        println!("Every URL ended the way it was set up to: failures stayed with their URL.");
        ExitCode::SUCCESS
    } else {
        for url in surprises {
            println!("✗ {url} did not end the way it was set up to");
        }
        ExitCode::FAILURE
    }
}

// ANCHOR: future_to_url
/// Submits one job per URL, prints each outcome as it completes, and returns the outcomes
/// in the order of `urls`.
fn load_all(urls: &[String], workers: usize, timeout: Duration) -> Vec<Result<usize, FetchError>> {
    let pool = ThreadPool::new(workers);
    // Python keeps a dict `future_to_url`; here the handles are in the order of `urls`,
    // and `as_completed` hands back each one's position with its result.
    let handles = urls
        .iter()
        .map(|url| {
            let url = url.clone();
            pool.submit(move || load_url(&url, timeout))
        })
        .collect();
    let mut outcomes: Vec<Option<Result<usize, FetchError>>> = vec![None; urls.len()];
    for (index, result) in as_completed(handles) {
        let url = &urls[index];
        // The outer `Result` says whether the job ran to the end (it could panic); the
        // inner one is the download's own success or failure.
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(panicked) => Err(FetchError::Other(panicked.to_string())),
        };
        match &outcome {
            Ok(size) => println!("'{url}' page is {size} bytes"),
            Err(error) => println!("'{url}' generated an exception: {error}"),
        }
        outcomes[index] = Some(outcome);
    }
    outcomes
        .into_iter()
        .map(|outcome| outcome.expect("as_completed yields every job once"))
        .collect()
}

/// The seed's `load_url`: the page's size in bytes, or why there is none.
fn load_url(url: &str, timeout: Duration) -> Result<usize, FetchError> {
    net::fetch_with_timeout(url, timeout).map(|body| body.len())
}
// ANCHOR_END: future_to_url
