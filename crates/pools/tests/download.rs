//! `download`: every variant downloads every site, with the bytes of the sequential run,
//! and the flags are checked.
//!
//!     cargo test -p pools --test download

use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use cat_server::{CatServer, Config};
use serde_json::Value;

/// Runs `download`; a run that has not ended within a minute fails the test and is killed
/// instead of hanging it.
fn download(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_download"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start download");
    let pid = child.id().to_string();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || done.send(child.wait_with_output()));
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("wait for download"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("download {args:?} did not finish within 60 s");
        }
    }
}

/// The JSON rows of a `--json` run, after checking it succeeded.
fn json_rows(args: &[&str]) -> Vec<Value> {
    let out = download(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

/// (variant, workers) of each row.
fn variants(rows: &[Value]) -> Vec<(String, u64)> {
    rows.iter()
        .map(|row| {
            let variant = row["variant"].as_str().expect("a variant").to_string();
            (variant, row["workers"].as_u64().expect("workers"))
        })
        .collect()
}

/// A small run of every variant against the cat server: all rows checked and right.
#[test]
fn every_variant_downloads_every_site_with_the_same_bytes() {
    let rows = json_rows(&[
        "--count",
        "24",
        "--workers",
        "2,4",
        "--processes",
        "2",
        "--delay-ms",
        "20",
        "--json",
    ]);
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
    let rows = json_rows(&[
        "--count",
        "12",
        "--workers",
        "3",
        "--processes",
        "1",
        "--delay-ms",
        "10",
        "--json",
    ]);
    let clients: Vec<u64> = rows
        .iter()
        .map(|r| r["clients"].as_u64().unwrap())
        .collect();
    // 12 sites of 10 ms over 3 threads: every thread gets some of them.
    assert_eq!(clients, [1, 3, 1, 1]);
}

/// The transcript: the seed's `Downloaded N in S seconds` line per variant, then the table.
#[test]
fn prints_the_seed_lines_then_the_table() {
    let out = download(&[
        "--count",
        "8",
        "--workers",
        "2",
        "--processes",
        "1",
        "--delay-ms",
        "0",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Downloading 8 sites from the cat server at http://127.0.0.1:"));
    let downloaded = stdout
        .lines()
        .filter(|line| line.contains(": Downloaded 8 in "))
        .count();
    assert_eq!(downloaded, 4, "{stdout}");
    assert!(stdout.contains("| workload | variant"), "{stdout}");
    assert!(!stdout.contains('✗'), "{stdout}");
}

/// `--verbose` prints the seed's `Read N from URL` once per site and variant.
#[test]
fn verbose_prints_every_read() {
    let out = download(&[
        "--count",
        "6",
        "--workers",
        "2",
        "--processes",
        "1",
        "--delay-ms",
        "0",
        "--verbose",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let reads: Vec<&str> = stdout
        .lines()
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
    let rows = json_rows(&[
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
    ]);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row["ok"] == true));
    // 4 variants × 6 downloads, every one of them from this server.
    assert_eq!(server.requests(), 24);
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
        let out = download(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}
