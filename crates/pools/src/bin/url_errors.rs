//! 404, timeout, refused and dropped connections are reported per URL; the other URLs succeed
//!
//!     cargo run -p pools --bin url_errors
//!     cargo run -p pools --bin url_errors -- --timeout-ms 100 --delay-ms 200
//!     cargo run -p pools --bin url_errors -- --url https://www.rust-lang.org/ http://localhost:1/
//!
//! The Python course notebook's `future_to_url`: a pool of threads loads a list of URLs and
//! prints each result as soon as it is ready. The list mixes good pages of the cat server
//! with four ways of failing: `/status/404` (an error status), `/slow` (an answer after the
//! client's `--timeout-ms`), a port nothing listens on (refused at once) and `/drop` (the
//! server hangs up without answering). What to look for: the lines come in the order the
//! downloads *finish* (the refused connection first, the timeout last), and a failure stays
//! on its own line: Python stores the exception in the future, here the job returns a
//! `Result` and the error is an ordinary value. The program checks every outcome against
//! the one it arranged.

use std::error::Error;
use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use cat_server::{CatServer, Config};
use clap::Parser;
use common::measure;
use pools::net::{self, FetchError};
use pools::thread_pool::{ThreadPool, as_completed};
use reqwest::StatusCode;

/// Load URLs in a thread pool; report each page's size or its error.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads (Python's max_workers=5)
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
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = net::parse_url,
          conflicts_with = "delay_ms")]
    url: Vec<String>,
}

/// A page's size in bytes, or why there is none.
type Outcome = Result<usize, FetchError>;

/// What became of a URL, in the words of the list below.
fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Ok(_) => "page",
        Err(FetchError::Status(StatusCode::NOT_FOUND)) => "404",
        Err(FetchError::TimedOut(_)) => "timeout",
        Err(FetchError::Refused) => "refused",
        Err(FetchError::Closed) => "closed",
        Err(_) => "another failure",
    }
}

/// The cat server's list, good pages with the four failures in between, each URL with
/// what it is set up to do.
fn cat_server_urls(server: &CatServer, timeout: Duration) -> Vec<(String, Option<&str>)> {
    // A port with nothing listening: ask the system for a free port, note it, and close
    // it again at once (the listener is dropped at the end of the statement).
    let closed_port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    let refused = format!("http://127.0.0.1:{}/", closed_port.map_or(1, |a| a.port()));
    // Ten times the client's patience: the server would answer, but far too late.
    let slow = server.url(&format!("/slow?ms={}", timeout.as_millis() * 10));
    let list = [
        (server.url("/pages/1"), "page"),
        (server.url("/status/404"), "404"),
        (server.url("/cats/1.jpg"), "page"),
        (slow, "timeout"),
        (server.url("/pages/2"), "page"),
        (refused, "refused"),
        (server.url("/cats/2.jpg"), "page"),
        (server.url("/drop"), "closed"),
    ];
    list.into_iter()
        .map(|(url, set_up)| (url, Some(set_up)))
        .collect()
}

fn main() -> ExitCode {
    common::exit_code("url_errors", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let timeout = Duration::from_millis(args.timeout_ms);
    // Our own server, unless URLs were given; it stops when `server` is dropped.
    let config = Config::delayed(Duration::from_millis(args.delay_ms));
    let server = CatServer::start_if(args.url.is_empty(), config)?;
    let list = match &server {
        Some(server) => cat_server_urls(server, timeout),
        None => args.url.iter().map(|url| (url.clone(), None)).collect(),
    };
    let urls: Vec<String> = list.iter().map(|(url, _)| url.clone()).collect();
    let (count, workers, ms) = (urls.len(), args.workers, timeout.as_millis());
    println!("Loading {count} URLs with {workers} threads, {ms} ms timeout:");
    let (outcomes, took) = measure::time(|| load_all(&urls, usize::from(workers), timeout));
    let loaded = outcomes.iter().flatten().count();
    let failed = count - loaded;
    println!(
        "{loaded} of {count} URLs loaded, {failed} failed, in {:.2} s",
        took.as_secs_f64()
    );

    // Check each outcome when we know what its URL was set up to do.
    let surprises: Vec<&str> = (list.iter().zip(&outcomes))
        .filter(|((_, set_up), outcome)| set_up.is_some_and(|s| s != kind(outcome)))
        .map(|((url, _), _)| url.as_str())
        .collect();
    for url in &surprises {
        println!("✗ {url} did not end the way it was set up to");
    }
    if server.is_some() && surprises.is_empty() {
        println!("Every URL ended the way it was set up to: failures stayed with their URL.");
    }
    match surprises.len() {
        0 => Ok(()),
        n => Err(format!("{n} URLs did not end the way they were set up to").into()),
    }
}

/// Submits one job per URL, prints each outcome as it completes, and returns the outcomes
/// in the order of `urls`.
fn load_all(urls: &[String], workers: usize, timeout: Duration) -> Vec<Outcome> {
    let pool = ThreadPool::new(workers);
    // ANCHOR: future_to_url
    // Python keeps a dict `future_to_url`; here the handles are in the
    // order of `urls`, and `as_completed` hands back each one's position
    // with its result.
    let submit = |url: String| pool.submit(move || load_url(&url, timeout));
    let handles = urls.iter().cloned().map(submit).collect();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; urls.len()];
    for (index, result) in as_completed(handles) {
        let url = &urls[index];
        // The outer `Result` says whether the job ran to the end (it could
        // panic); the inner one is the download's own success or failure.
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(panic) => Err(FetchError::Other(panic.to_string())),
        };
        match &outcome {
            Ok(size) => println!("'{url}' page is {size} bytes"),
            Err(e) => println!("'{url}' generated an exception: {e}"),
        }
        outcomes[index] = Some(outcome);
    }
    // ANCHOR_END: future_to_url
    // `as_completed` yields every job once: every place is filled.
    outcomes.into_iter().flatten().collect()
}

/// Python's `load_url`: the page's size in bytes, or why there is none.
fn load_url(url: &str, timeout: Duration) -> Outcome {
    net::fetch_with_timeout(url, timeout).map(|body| body.len())
}
