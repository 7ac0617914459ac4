//! worker threads take URLs from a queue, fetch pages from the cat server and print each <title>
//!
//!     cargo run -p pools --bin fetch_titles
//!     cargo run -p pools --bin fetch_titles -- --workers 2 --pages 10 --delay-ms 300
//!     cargo run -p pools --bin fetch_titles -- --url https://www.rust-lang.org/ https://docs.rs/
//!
//! The Python course notebook's URL-fetching threads, against the cat server started inside
//! this program (page `n` is titled `Cat page n`). Each worker prints `Starting thread :`
//! when it takes a URL, the page's title, then `Finished thread :`; `Execution time = …`
//! ends the run. What to look for: the threads start their pages before the first one has
//! finished, and which thread takes which page changes from run to run, yet every page is
//! printed exactly once, with its own title. The notebook's threads are daemons that loop
//! for ever and are never joined; here the queue is closed once every URL is in it, so each
//! worker's loop ends and every thread is joined before the summary.

use std::error::Error;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use cat_server::{CatServer, Config};
use clap::Parser;
use common::measure;
use crossbeam::channel::{self, Receiver};
use pools::net::{self, FetchError, title_of};

/// Worker threads take URLs from a queue and print each page's <title>.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: u16,

    /// Pages to fetch from the cat server: /pages/1 to /pages/N
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=1_000))]
    pages: u64,

    /// Milliseconds the cat server waits before sending each page
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(0..=5_000))]
    delay_ms: u64,

    /// Fetch these URLs instead of starting a cat server
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = net::parse_url,
          conflicts_with_all = ["pages", "delay_ms"])]
    url: Vec<String>,
}

/// What a worker reports for each URL it took from the queue: the URL's place in the list,
/// and the page's title (`None` if it has none) or why there is no page.
type Fetched = (usize, Result<Option<String>, FetchError>);

fn main() -> ExitCode {
    common::exit_code("fetch_titles", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (delay, pages) = (Duration::from_millis(args.delay_ms), args.pages as usize);
    // Our own server, unless URLs were given; it stops when `server` is dropped.
    let server = CatServer::start_if(args.url.is_empty(), Config::delayed(delay).pages(pages))?;
    let urls: Vec<String> = match &server {
        Some(server) => (1..=pages)
            .map(|n| server.url(&format!("/pages/{n}")))
            .collect(),
        None => args.url.clone(),
    };
    let (count, workers) = (urls.len(), usize::from(args.workers));
    println!("Fetching {count} pages with {workers} threads");
    let (fetched, took) = measure::time(|| fetch_titles(&urls, workers));
    println!("Execution time = {:.5}", took.as_secs_f64());
    if server.is_some() {
        let one_thread = delay.as_secs_f64() * count as f64;
        println!("(one thread, waiting for each page in turn, would need about {one_thread:.2} s)");
    }
    Ok(check(&urls, &fetched, server.is_some())?)
}

/// Starts `workers` threads named `Thread-1`, `Thread-2`, …, puts every URL in the queue,
/// and returns what each thread fetched, in the order it fetched it.
fn fetch_titles(urls: &[String], workers: usize) -> Vec<Vec<Fetched>> {
    // The URL queue. Python uses `queue.Queue`; a crossbeam channel does the same job here,
    // and one thing more: it can be closed. When the sender is dropped, the receivers get
    // the URLs still queued, then the end. Every worker holds a clone of the receiving end,
    // and each URL goes to exactly one of them: whichever asks first.
    // ANCHOR: queue
    let (queue, queued) = channel::unbounded::<(usize, &str)>();
    // Scoped threads may borrow `urls`; each one's result comes back
    // when it is joined.
    thread::scope(|scope| {
        let threads: Vec<_> = (1..=workers)
            .map(|n| {
                let queued = queued.clone();
                thread::Builder::new()
                    .name(format!("Thread-{n}"))
                    .spawn_scoped(scope, move || worker(queued))
                    .expect("the system starts a thread")
            })
            .collect();
        for url in urls.iter().map(String::as_str).enumerate() {
            queue.send(url).expect("the workers are still receiving");
        }
        // Close the queue: once it is empty, every worker's loop ends.
        drop(queue);
        let joined = threads.into_iter().map(|thread| thread.join());
        joined
            .map(|fetched| fetched.expect("a worker does not panic"))
            .collect()
    })
    // ANCHOR_END: queue
}

/// One worker thread: take a URL, fetch it, print its title, until the queue is closed
/// and empty.
fn worker(queued: Receiver<(usize, &str)>) -> Vec<Fetched> {
    let me = thread::current().name().unwrap_or("unnamed").to_string();
    let mut fetched = Vec::new();
    // ANCHOR: worker
    for (index, url) in queued {
        // One `println!` per line: it holds stdout's lock for the whole
        // line, the job of Python's `print_lock`.
        println!("Starting thread : {me}");
        let body = net::fetch(url);
        let title = body.map(|b| title_of(&String::from_utf8_lossy(&b)));
        match &title {
            Ok(Some(title)) => println!("{me}: {url} -> \"{title}\""),
            Ok(None) => println!("{me}: {url} -> (no title)"),
            Err(e) => println!("{me}: {url} -> failed: {e}"),
        }
        println!("Finished thread : {me}");
        fetched.push((index, title));
    }
    // ANCHOR_END: worker
    fetched
}

/// Prints the summary, and checks that every URL was fetched exactly once and, from our
/// own server, has the title it should (page n is titled "Cat page n").
fn check(urls: &[String], by_thread: &[Vec<Fetched>], ours: bool) -> Result<(), String> {
    let shares: Vec<String> = (by_thread.iter().zip(1..))
        .map(|(fetched, n)| format!("Thread-{n} took {}", fetched.len()))
        .collect();
    let mut fetched: Vec<&Fetched> = by_thread.iter().flatten().collect();
    fetched.sort_by_key(|(index, _)| *index);
    let once = fetched.iter().map(|(index, _)| *index).eq(0..urls.len());
    let failed = fetched.iter().filter(|(_, title)| title.is_err()).count();
    let expected = |index: usize| Some(format!("Cat page {}", index + 1));
    let wrong = |(index, title): &&&Fetched| matches!(title, Ok(t) if *t != expected(*index));
    let wrong_titles = fetched.iter().filter(|page| ours && wrong(page)).count();
    let (pages, threads, shares) = (fetched.len() - failed, by_thread.len(), shares.join(", "));
    println!("Fetched {pages} pages with {threads} threads ({shares})");
    let mut problems = Vec::new();
    match once {
        true => println!("Every URL was taken from the queue exactly once."),
        false => problems.push(format!("{} fetches for {} URLs", fetched.len(), urls.len())),
    }
    if failed > 0 {
        problems.push(format!("{failed} of {} URLs failed", urls.len()));
    }
    if wrong_titles > 0 {
        problems.push(format!("{wrong_titles} pages had the wrong title"));
    }
    problems.iter().for_each(|problem| println!("✗ {problem}"));
    problems.is_empty().then_some(()).ok_or(problems.join("; "))
}
