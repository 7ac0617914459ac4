//! `fetch_titles`: every page's title is printed exactly once, by one of the worker
//! threads, and it is the right title.
//!
//!     cargo test -p pools --test fetch_titles

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use cat_server::{CatServer, Config};

/// Runs `fetch_titles`; a run that has not ended within a minute fails the test and is
/// killed instead of hanging it.
fn fetch_titles(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_fetch_titles"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fetch_titles");
    let pid = child.id().to_string();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || done.send(child.wait_with_output()));
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("wait for fetch_titles"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("fetch_titles {args:?} did not finish within 60 s");
        }
    }
}

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

/// The scenario of the seed: 3 threads, 12 pages, each title printed once and correct.
#[test]
fn every_page_title_is_printed_exactly_once_and_correct() {
    let out = fetch_titles(&["--workers", "3", "--pages", "12", "--delay-ms", "10"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let lines = title_lines(&stdout);
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
}

/// The queue is first in, first out: a single worker takes the pages in order.
#[test]
fn one_worker_fetches_the_pages_in_queue_order() {
    let out = fetch_titles(&["--workers", "1", "--pages", "6", "--delay-ms", "0"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let lines = title_lines(&stdout);
    let order: Vec<usize> = lines.iter().map(|line| page_number(&line.url)).collect();
    assert_eq!(order, [1, 2, 3, 4, 5, 6], "{stdout}");
    assert!(lines.iter().all(|line| line.thread == 1));
    assert!(stdout.contains("(Thread-1 took 6)"), "{stdout}");
}

/// More threads than pages: the idle threads take nothing and still end.
#[test]
fn spare_threads_end_when_the_queue_is_closed() {
    let out = fetch_titles(&["--workers", "8", "--pages", "2", "--delay-ms", "0"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(title_lines(&stdout).len(), 2, "{stdout}");
}

/// `--url` fetches the URLs given; a page that fails is reported on its line and in the
/// summary, and the exit status says so.
#[test]
fn fetches_the_urls_given_and_reports_a_failure() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let good = server.url("/pages/5");
    let missing = server.url("/status/404");
    let out = fetch_titles(&["--workers", "2", "--url", &good, &missing]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
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
        let out = fetch_titles(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}
