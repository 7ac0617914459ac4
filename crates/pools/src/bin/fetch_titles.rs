//! Seed 001's URL-fetching threads: worker threads take URLs from a queue, download each
//! page and print its `<title>`.
//!
//! The pages come from the course's cat server, started inside this program on 127.0.0.1;
//! page `n` is titled `Cat page n`.
//!
//!     cargo run -p pools --bin fetch_titles
//!     cargo run -p pools --bin fetch_titles -- --workers 2 --pages 10 --delay-ms 300
//!     cargo run -p pools --bin fetch_titles -- --url https://www.rust-lang.org/ https://docs.rs/
//!
//! What to look for: which thread fetches which page changes from run to run, and the
//! pages come out of order, yet every page is printed exactly once, with its own title.
//! Each page takes `--delay-ms` to arrive, and the threads wait for their pages at the
//! same time, so 4 threads finish 20 pages in about a quarter of the time one would take.
//!
//! The seed's threads are *daemon* threads that loop for ever on `url_queue.get()`; the
//! main thread waits in `url_queue.join()` and the program ends with the workers still
//! blocked. Here the queue is closed once every URL is in it: each worker's loop ends when
//! the queue is closed *and* empty, and every thread is joined before the summary.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use cat_server::{CatServer, Config};
use clap::Parser;
use crossbeam::channel::{self, Receiver, Sender};
use pools::net::{self, FetchError};

/// Worker threads take URLs from a queue and print each page's <title> (seed 001).
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
    #[arg(long, value_name = "URL", num_args = 1.., value_parser = pools::net::parse_url,
          conflicts_with_all = ["pages", "delay_ms"])]
    url: Vec<String>,
}

// ANCHOR: fetched
/// What a worker reports back for each URL it took from the queue.
struct Fetched {
    /// The URL's position in the list: how the main thread checks that each was done once.
    index: usize,
    /// The name of the thread that fetched it, e.g. `Thread-2`.
    thread: String,
    /// The page's title (`None` if it has none), or why there is no page.
    title: Result<Option<String>, FetchError>,
}
// ANCHOR_END: fetched

fn main() -> ExitCode {
    let args = Args::parse();
    let workers = usize::from(args.workers);

    // Start the cat server unless URLs were given; it stops when `server` is dropped.
    let delay = Duration::from_millis(args.delay_ms);
    let (server, urls) = if args.url.is_empty() {
        let config = Config {
            delay,
            pages: args.pages as usize,
            ..Config::default()
        };
        match CatServer::start(config) {
            Ok(server) => {
                let urls = (1..=args.pages)
                    .map(|n| server.url(&format!("/pages/{n}")))
                    .collect::<Vec<_>>();
                (Some(server), urls)
            }
            Err(e) => {
                eprintln!("error: the cat server did not start: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        (None, args.url.clone())
    };

    println!("Fetching {} pages with {workers} threads", urls.len());
    let started = Instant::now();
    let fetched = fetch_titles(&urls, workers);
    let elapsed = started.elapsed();

    let all_right = summarise(&urls, &fetched, workers, elapsed, server.is_some());
    if server.is_some() {
        let one_thread = delay.as_secs_f64() * urls.len() as f64;
        println!("(one thread, waiting for each page in turn, would need about {one_thread:.2} s)");
    }
    if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ANCHOR: queue
/// Starts `workers` threads named `Thread-1`, `Thread-2`, …, puts every URL in the queue,
/// and returns what the workers reported, in the order they finished.
fn fetch_titles(urls: &[String], workers: usize) -> Vec<Fetched> {
    // The URL queue. The seed uses `queue.Queue`; a crossbeam channel does the same job
    // here, and one thing more: it can be closed. When the last sender is dropped, the
    // receivers get the URLs still queued, then the end. (Lecture 2's `queues::Queue`,
    // like Python's, cannot be closed: each worker would need a stop message, as in
    // `producer_consumer`.) Every worker holds a clone of the receiving end, and each URL
    // goes to exactly one of them: whichever asks first.
    let (queue, queued) = channel::unbounded::<(usize, &str)>();
    // Results travel back on a second channel, so the printing stays with the workers
    // (as in the seed) and the checking stays with the main thread.
    let (report, reports) = channel::unbounded::<Fetched>();

    // Scoped threads may borrow `urls`: the scope joins them all before it returns.
    thread::scope(|scope| {
        for n in 1..=workers {
            let (queued, report) = (queued.clone(), report.clone());
            thread::Builder::new()
                .name(format!("Thread-{n}"))
                .spawn_scoped(scope, move || worker(queued, report))
                .expect("the system starts a thread");
        }
        for (index, url) in urls.iter().enumerate() {
            queue
                .send((index, url))
                .expect("the workers are still receiving");
        }
        // Close the queue: once it is empty, every worker's loop ends.
        drop(queue);
        // Drop our copy of the reports sender too, so that `reports` ends when the last
        // worker has finished, and not never.
        drop(report);
        reports.iter().collect()
    })
}

/// One worker thread: take a URL, fetch it, print its title, until the queue is closed
/// and empty.
fn worker(queued: Receiver<(usize, &str)>, report: Sender<Fetched>) {
    let me = thread::current().name().unwrap_or("unnamed").to_string();
    for (index, url) in queued {
        let title = net::fetch(url).map(|body| net::title_of(&String::from_utf8_lossy(&body)));
        // One `println!` per line: it holds stdout's lock for the whole line, the job the
        // seed's `print_lock` does.
        match &title {
            Ok(Some(title)) => println!("{me}: {url} -> \"{title}\""),
            Ok(None) => println!("{me}: {url} -> (no title)"),
            Err(e) => println!("{me}: {url} -> failed: {e}"),
        }
        let fetched = Fetched {
            index,
            thread: me.clone(),
            title,
        };
        if report.send(fetched).is_err() {
            return; // nobody is listening any more
        }
    }
}
// ANCHOR_END: queue

// ANCHOR: summary
/// Prints the summary, and checks that every URL was fetched exactly once and, from our
/// own server, has the title it should. Returns whether all was right.
fn summarise(
    urls: &[String],
    fetched: &[Fetched],
    workers: usize,
    elapsed: Duration,
    titles_known: bool,
) -> bool {
    let mut times_done = vec![0; urls.len()];
    let mut per_thread: BTreeMap<usize, usize> = BTreeMap::new();
    let mut failed = 0;
    let mut wrong_titles = 0;
    for done in fetched {
        times_done[done.index] += 1;
        // `Thread-12` sorts after `Thread-2` by its number, not its text.
        let number = done
            .thread
            .trim_start_matches("Thread-")
            .parse()
            .unwrap_or(0);
        *per_thread.entry(number).or_default() += 1;
        match &done.title {
            Err(_) => failed += 1,
            // Page n of the cat server is titled "Cat page n".
            Ok(title) if titles_known => {
                let expected = format!("Cat page {}", done.index + 1);
                if title.as_deref() != Some(expected.as_str()) {
                    eprintln!("{}: expected the title \"{expected}\"", urls[done.index]);
                    wrong_titles += 1;
                }
            }
            Ok(_) => {}
        }
    }

    let shares: Vec<String> = per_thread
        .iter()
        .map(|(n, count)| format!("Thread-{n} took {count}"))
        .collect();
    println!(
        "Fetched {} pages with {workers} threads in {:.2} s ({})",
        fetched.len() - failed,
        elapsed.as_secs_f64(),
        shares.join(", ")
    );
    let once = times_done.iter().all(|&times| times == 1);
    if once {
        println!("Every URL was taken from the queue exactly once.");
    } else {
        for (url, times) in urls.iter().zip(&times_done).filter(|(_, t)| **t != 1) {
            println!("✗ {url} was fetched {times} times");
        }
    }
    if failed > 0 {
        println!("✗ {failed} of {} URLs failed", urls.len());
    }
    if wrong_titles > 0 {
        println!("✗ {wrong_titles} pages had the wrong title");
    }
    once && failed == 0 && wrong_titles == 0
}
// ANCHOR_END: summary
