//! `download`: every variant downloads every site, with the bytes of the sequential run,
//! and the flags are checked.
//!
//!     cargo test -p pools --test download

use cat_server::{CatServer, Config};
use common::testing;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_download");

/// (variant, workers) of each row.
fn variants(rows: &[Value]) -> Vec<(String, u64)> {
    rows.iter()
        .map(|row| {
            let variant = row["variant"].as_str().expect("a variant").to_string();
            (variant, testing::count(row, "workers"))
        })
        .collect()
}

/// A small run of every variant against the cat server: all rows checked and right.
#[test]
fn every_variant_downloads_every_site_with_the_same_bytes() {
    let rows = testing::json_rows(
        BIN,
        &[
            "--count",
            "24",
            "--workers",
            "2,4",
            "--processes",
            "2",
            "--delay-ms",
            "20",
            "--json",
        ],
    );
    assert_eq!(
        variants(&rows),
        [
            ("sequential".to_string(), 1),
            ("threads".to_string(), 2),
            ("threads".to_string(), 4),
            ("threads, shared client".to_string(), 4),
            ("processes".to_string(), 2),
        ]
    );
    for row in &rows {
        assert_eq!(row["program"], "download", "{row}");
        assert_eq!(row["workload"], "download", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert!(row["seconds"].as_f64().expect("seconds") > 0.0, "{row}");
        assert!(row["speedup"].as_f64().expect("speedup") > 0.0, "{row}");
    }
    assert_eq!(rows[0]["speedup"], 1.0);
    // ⌈24 / workers⌉ rounds of 20 ms.
    let expected: Vec<f64> = rows
        .iter()
        .map(|r| r["expected_s"].as_f64().unwrap())
        .collect();
    assert_eq!(expected, [0.48, 0.24, 0.12, 0.12, 0.24]);
}

/// One client per thread that downloaded (`thread_local!`), one for the shared variant,
/// one per worker process.
#[test]
fn each_thread_builds_one_client_and_the_shared_variant_one_in_all() {
    let rows = testing::json_rows(
        BIN,
        &[
            "--count",
            "12",
            "--workers",
            "3",
            "--processes",
            "1",
            "--delay-ms",
            "10",
            "--json",
        ],
    );
    let clients: Vec<u64> = rows.iter().map(|r| testing::count(r, "clients")).collect();
    // 12 sites of 10 ms over 3 threads: every thread gets some of them.
    assert_eq!(clients, [1, 3, 1, 1]);
}

/// The transcript: a `Duration S seconds` line per variant, each checked, then the table.
#[test]
fn prints_a_line_per_variant_then_the_table() {
    let args = [
        "--count",
        "8",
        "--workers",
        "2",
        "--processes",
        "1",
        "--delay-ms",
        "0",
    ];
    let ran = testing::run(BIN, &args);
    let stdout = &ran.success().stdout;
    assert!(stdout.contains("Downloading 8 sites from the cat server at http://127.0.0.1:"));
    let timed = ran
        .lines()
        .into_iter()
        .filter(|line| line.contains(" worker(s)  Duration ") && line.ends_with("answers ✓"))
        .count();
    assert_eq!(timed, 4, "{stdout}");
    assert!(stdout.contains("| workload | variant"), "{stdout}");
    assert!(!stdout.contains('✗'), "{stdout}");
}

/// `--verbose` prints Python's `Read N from URL` once per site and variant.
#[test]
fn verbose_prints_every_read() {
    let args = [
        "--count",
        "6",
        "--workers",
        "2",
        "--processes",
        "1",
        "--delay-ms",
        "0",
        "--verbose",
    ];
    let ran = testing::run(BIN, &args);
    let stdout = &ran.success().stdout;
    let reads: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|line| line.contains("Read "))
        .collect();
    // sequential, 2 threads, 2 threads with a shared client, 1 process.
    assert_eq!(reads.len(), 4 * 6, "{stdout}");
    assert!(
        reads
            .iter()
            .all(|line| line.contains(" from http://127.0.0.1:"))
    );
    // The process pool's lines name the worker that read.
    assert!(stdout.contains("worker 0 (pid "), "{stdout}");
}

/// `--url` downloads the given URLs, repeated up to `--count`, instead of starting a server.
#[test]
fn downloads_the_urls_given() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let page = server.url("/pages/3");
    let cat = server.url("/cats/3.jpg");
    let rows = testing::json_rows(
        BIN,
        &[
            "--url",
            &page,
            &cat,
            "--count",
            "6",
            "--workers",
            "2",
            "--processes",
            "1",
            "--json",
        ],
    );
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row["ok"] == true));
    // 4 variants × 6 downloads, every one of them from this server.
    assert_eq!(server.requests(), 24);
}

/// A site that fails fails the run: exit status 1, the URL and its error on stderr.
#[test]
fn a_failed_download_fails_the_run() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let missing = server.url("/status/404");
    let ran = testing::run(BIN, &["--url", &missing, "--count", "2", "--json"]);
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!("{missing}: 404 Not Found")),
        "{}",
        ran.stderr
    );
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--workers", "0"][..],
        &["--workers", "2,x"],
        &["--processes", "0"],
        &["--count", "0"],
        &["--delay-ms", "-1"],
        &["--url", "ftp://example.com/"],
        &["--url", "not a url"],
        &["--url", "http://127.0.0.1:1/", "--delay-ms", "10"],
        &["--json", "--verbose"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
