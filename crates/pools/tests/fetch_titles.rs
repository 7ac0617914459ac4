//! `fetch_titles`: every page's title is printed exactly once, by one of the worker
//! threads, and it is the right title; each fetch is framed by the Python notebook's
//! `Starting thread :` and `Finished thread :` lines, and `Execution time =` ends the run.
//!
//!     cargo test -p pools --test fetch_titles

use std::collections::BTreeMap;

use cat_server::{CatServer, Config};
use common::testing::{self, Ran};

const BIN: &str = env!("CARGO_BIN_EXE_fetch_titles");

/// One `Thread-2: http://127.0.0.1:PORT/pages/7 -> "Cat page 7"` line, taken apart.
#[derive(Debug)]
struct TitleLine {
    thread: usize,
    url: String,
    title: String,
}

fn title_lines(stdout: &str) -> Vec<TitleLine> {
    stdout
        .lines()
        .filter_map(|line| {
            let (thread, rest) = line.strip_prefix("Thread-")?.split_once(": ")?;
            let (url, title) = rest.split_once(" -> ")?;
            Some(TitleLine {
                thread: thread.parse().ok()?,
                url: url.to_string(),
                title: title.strip_prefix('"')?.strip_suffix('"')?.to_string(),
            })
        })
        .collect()
}

/// The page number at the end of a `…/pages/N` URL.
fn page_number(url: &str) -> usize {
    let (_, n) = url.rsplit_once("/pages/").expect("a page URL");
    n.parse().expect("a page number")
}

/// Checks the notebook's framing: each thread's lines go `Starting thread : Thread-N`, its
/// title line, `Finished thread : Thread-N`, fetch after fetch (other threads' lines may
/// come between), `fetches` times in all; then one `Execution time = 0.12345` line.
fn assert_framed_like_the_notebook(stdout: &str, fetches: usize) {
    // Per thread, the sequence of what it printed: 'S', 'T' (title) or 'F'.
    let mut by_thread: BTreeMap<String, String> = BTreeMap::new();
    for line in stdout.lines() {
        let (thread, what) = if let Some(name) = line.strip_prefix("Starting thread : ") {
            (name, 'S')
        } else if let Some(name) = line.strip_prefix("Finished thread : ") {
            (name, 'F')
        } else if let Some((name, _)) = line.split_once(": http") {
            (name, 'T')
        } else {
            continue;
        };
        by_thread.entry(thread.to_string()).or_default().push(what);
    }
    let mut framed = 0;
    for (thread, sequence) in &by_thread {
        assert!(thread.starts_with("Thread-"), "{thread}: {stdout}");
        assert_eq!(sequence.len() % 3, 0, "{thread}: {sequence}\n{stdout}");
        assert!(
            sequence.as_bytes().chunks(3).all(|fetch| fetch == b"STF"),
            "{thread}: {sequence}\n{stdout}"
        );
        framed += sequence.len() / 3;
    }
    assert_eq!(framed, fetches, "{stdout}");
    let times: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Execution time = "))
        .collect();
    assert_eq!(times.len(), 1, "{stdout}");
    let (whole, decimals) = times[0].split_once('.').expect("a decimal point");
    assert!(whole.parse::<u64>().is_ok(), "{stdout}");
    assert_eq!(decimals.len(), 5, "Python's {{0:.5f}}: {stdout}");
}

/// The scenario of the notebook: 3 threads, 12 pages, each title printed once and correct.
#[test]
fn every_page_title_is_printed_exactly_once_and_correct() {
    let ran = testing::run(
        BIN,
        &["--workers", "3", "--pages", "12", "--delay-ms", "10"],
    );
    let stdout = &ran.success().stdout;
    let lines = title_lines(stdout);
    assert_eq!(lines.len(), 12, "{stdout}");

    let mut times_printed = BTreeMap::new();
    for line in &lines {
        let n = page_number(&line.url);
        assert_eq!(line.title, format!("Cat page {n}"), "{stdout}");
        assert!((1..=3).contains(&line.thread), "{stdout}");
        *times_printed.entry(n).or_insert(0) += 1;
    }
    let expected: BTreeMap<usize, i32> = (1..=12).map(|n| (n, 1)).collect();
    assert_eq!(times_printed, expected, "{stdout}");
    assert!(
        stdout.contains("Fetched 12 pages with 3 threads"),
        "{stdout}"
    );
    assert!(stdout.contains("Every URL was taken from the queue exactly once."));
    assert_framed_like_the_notebook(stdout, 12);
}

/// The queue is first in, first out: a single worker takes the pages in order.
#[test]
fn one_worker_fetches_the_pages_in_queue_order() {
    let ran = testing::run(BIN, &["--workers", "1", "--pages", "6", "--delay-ms", "0"]);
    let stdout = &ran.success().stdout;
    let lines = title_lines(stdout);
    let order: Vec<usize> = lines.iter().map(|line| page_number(&line.url)).collect();
    assert_eq!(order, [1, 2, 3, 4, 5, 6], "{stdout}");
    assert!(lines.iter().all(|line| line.thread == 1));
    assert!(stdout.contains("(Thread-1 took 6)"), "{stdout}");
    assert_framed_like_the_notebook(stdout, 6);
}

/// More threads than pages: the idle threads take nothing and still end.
#[test]
fn spare_threads_end_when_the_queue_is_closed() {
    let ran = testing::run(BIN, &["--workers", "8", "--pages", "2", "--delay-ms", "0"]);
    let stdout = &ran.success().stdout;
    assert_eq!(title_lines(stdout).len(), 2, "{stdout}");
    assert_framed_like_the_notebook(stdout, 2);
}

/// `--url` fetches the URLs given; a page that fails is reported on its line and in the
/// summary, and the exit status says so.
#[test]
fn fetches_the_urls_given_and_reports_a_failure() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let good = server.url("/pages/5");
    let missing = server.url("/status/404");
    let ran: Ran = testing::run(BIN, &["--workers", "2", "--url", &good, &missing]);
    let stdout = &ran.stdout;
    assert_eq!(ran.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{good} -> \"Cat page 5\"")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{missing} -> failed: 404 Not Found")),
        "{stdout}"
    );
    assert!(stdout.contains("✗ 1 of 2 URLs failed"), "{stdout}");
    assert_eq!(server.requests(), 2);
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--workers", "0"][..],
        &["--pages", "0"],
        &["--delay-ms", "lots"],
        &["--url", "nonsense"],
        &["--url", "http://127.0.0.1:1/", "--pages", "3"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
