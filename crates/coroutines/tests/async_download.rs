//! `async_download`: every way downloads every URL once, with the bytes of the sequential
//! run, as many at once as it says; the transcript has the Python slides' lines and two
//! figures; the flags are checked.
//!
//!     cargo test -p coroutines --test async_download

use cat_server::{CatServer, Config};
use common::testing;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_async_download");

/// (variant, workers, at_once) of each row.
fn ways(rows: &[Value]) -> Vec<(String, u64, u64)> {
    rows.iter()
        .map(|row| {
            let variant = row["variant"].as_str().expect("a variant").to_string();
            let workers = testing::count(row, "workers");
            (variant, workers, testing::count(row, "at_once"))
        })
        .collect()
}

/// 4 cats × 3 downloads, every way: all checked, each as concurrent as it says (the
/// client's own count of downloads in flight), and the ideal time in whole rounds.
#[test]
fn every_way_downloads_every_url_once_as_many_at_once_as_it_says() {
    let args = [
        "--cats",
        "4",
        "--each",
        "3",
        "--delay-ms",
        "20",
        "--workers",
        "2,3",
        "--limit",
        "2",
        "--json",
    ];
    let rows = testing::json_rows(BIN, &args);
    let expected = [
        ("sequential", 1),
        ("workers on a queue", 2),
        ("workers on a queue", 3),
        ("join_all", 12),
        ("buffer_unordered", 2),
        ("Semaphore", 2),
    ];
    // at_once equals the limit by construction: each way starts its first downloads in
    // one poll, before any answer can come back.
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|&(name, k)| (name.to_string(), k, k))
        .collect();
    assert_eq!(ways(&rows), expected);
    for row in &rows {
        assert_eq!(row["program"], "async_download", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert!(row["process_s"].as_f64().expect("process_s") > 0.0, "{row}");
    }
    // ⌈12 / at_once⌉ rounds of 20 ms.
    let ideal: Vec<f64> = rows
        .iter()
        .map(|row| row["expected_s"].as_f64().expect("expected_s"))
        .collect();
    assert_eq!(ideal, [0.24, 0.12, 0.08, 0.02, 0.12, 0.12]);
}

/// The Python slides' transcript for each number of workers: every URL taken once and
/// downloaded once, every worker finishing, then `Process time` and `Total time`.
#[test]
fn the_transcript_has_the_slides_lines_and_two_figures() {
    let args = [
        "--cats",
        "4",
        "--each",
        "1",
        "--delay-ms",
        "0",
        "--workers",
        "2",
    ];
    let ran = testing::run(BIN, &args);
    let stdout = &ran.success().stdout;
    let lines = ran.lines();
    assert_eq!(lines[0], "2 workers, 4 URLs on a queue:", "{stdout}");
    for cat in 1..=4 {
        let url = format!("/cats/{cat}.jpg");
        let getting = lines
            .iter()
            .filter(|l| l.contains(" getting URL: ") && l.ends_with(&url))
            .count();
        // Once in the transcript; the comparison prints no such lines.
        assert_eq!(getting, 1, "{url} in {stdout}");
    }
    let downloaded = lines
        .iter()
        .filter(|l| l.starts_with("Task named ") && l.contains(" bytes in "))
        .count();
    assert_eq!(downloaded, 4, "{stdout}");
    for name in [1, 2] {
        assert!(lines.contains(&format!("Task named {name} finished").as_str()));
    }
    let figures = lines
        .iter()
        .position(|l| l.starts_with("Process time: "))
        .expect("the process time");
    assert!(lines[figures + 1].starts_with("Total time:   "), "{stdout}");
    assert!(stdout.contains("Downloading 4 URLs (4 cats × 1) from the cat server"));
    assert!(stdout.contains("| workload | variant"), "{stdout}");
    assert!(!stdout.contains('✗'), "{stdout}");
}

/// `--url` downloads the URLs given, each `--each` times, instead of starting a server.
#[test]
fn downloads_the_urls_given() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let page = server.url("/pages/3");
    let cat = server.url("/cats/3.jpg");
    let args = [
        "--url",
        &page,
        &cat,
        "--each",
        "2",
        "--workers",
        "2",
        "--json",
    ];
    let rows = testing::json_rows(BIN, &args);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|row| row["ok"] == true), "{rows:?}");
    assert!(rows.iter().all(|row| row.get("expected_s").is_none()));
    // 5 ways × 4 downloads, every one of them from this server.
    assert_eq!(server.requests(), 20);
}

/// A URL that fails fails the run: exit status 1, the URL and its error on stderr.
#[test]
fn a_failed_download_fails_the_run() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let missing = server.url("/status/404");
    let ran = testing::run(BIN, &["--url", &missing, "--json"]);
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    let said = format!("{missing}: HTTP status client error (404 Not Found)");
    assert!(ran.stderr.contains(&said), "{}", ran.stderr);
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--workers", "0"][..],
        &["--workers", "3,x"],
        &["--limit", "0"],
        &["--cats", "0"],
        &["--cats", "101"],
        &["--each", "0"],
        &["--delay-ms", "-1"],
        &["--url", "ftp://example.com/"],
        &["--url", "not a url"],
        &["--url", "http://127.0.0.1:1/", "--delay-ms", "10"],
        &["--url", "http://127.0.0.1:1/", "--cats", "3"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(ran.stderr.contains("error"), "{args:?} explains itself");
    }
}
