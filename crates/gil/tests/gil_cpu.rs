//! `gil_cpu`, run as a student runs it: every variant reports a checked row, threads
//! under one GIL are forced to hand it over, and bad flags are refused. Nothing here
//! depends on how fast the machine is.

use common::testing::{self, count};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gil_cpu");

/// The JSON rows of a successful run.
fn rows(args: &[&str]) -> Vec<Value> {
    testing::json_rows(BIN, args)
}

/// A small run: the four variants, in order, named exactly so, each with the serial
/// run's digests, and the GIL counters each one must show whatever the timing.
#[test]
fn four_variants_all_right_and_their_gils() {
    // Two threads under one GIL, neither of which ever lets go of its own accord: the
    // second thread, once it asks for the GIL, waits one switch interval (100 µs here),
    // then sets the drop request, and the holder drops at its next tick, one SHA-256
    // later. For no forced drop to happen, the holder would have to hash all twenty
    // chains (a million rounds: about 0.1 s of CPU in this debug build, a thousand switch
    // intervals) before the second thread, started right after it, had waited a single
    // interval. Even a loaded machine runs a new thread far sooner than that.
    let rows = rows(&[
        "--scale",
        "0.1",
        "--runs",
        "1",
        "--threads",
        "2",
        "--processes",
        "2",
        "--switch-interval",
        "100us",
        "--json",
    ]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|row| row["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["serial", "gil-threads", "threads", "processes"]);

    for row in &rows {
        assert_eq!(row["program"], "gil_cpu", "{row}");
        assert_eq!(row["workload"], "hash_me", "{row}");
        // ok: this variant's digests equal the serial run's, chain by chain.
        assert_eq!(row["ok"], true, "{row}");
        assert!(row["seconds"].as_f64().unwrap() > 0.0, "{row}");
        let workers = if row["variant"] == "serial" { 1 } else { 2 };
        assert_eq!(count(row, "workers"), workers, "{row}");
        assert!(row["gil_wait_s"].as_f64().is_some(), "{row}");
    }
    let (serial, shared, own, processes) = (&rows[0], &rows[1], &rows[2], &rows[3]);

    // One shared GIL: forced drops, and after each the GIL goes to another thread (forced
    // switching), so each is a switch, on top of the first thread's first take.
    assert_eq!(count(shared, "gils"), 1, "{shared}");
    assert!(count(shared, "forced_drops") > 0, "{shared}");
    assert!(
        count(shared, "switches") > count(shared, "forced_drops"),
        "{shared}"
    );

    // A GIL per thread or per process: each taken once, by its only thread, never forced.
    for (row, gils) in [(serial, 1), (own, 2), (processes, 2)] {
        assert_eq!(count(row, "gils"), gils, "{row}");
        assert_eq!(count(row, "switches"), gils, "{row}");
        assert_eq!(count(row, "forced_drops"), 0, "{row}");
    }
    // Only the process pool splits its time into start-up and work.
    for row in &rows {
        let split = row.get("startup_s").is_some() && row.get("work_s").is_some();
        assert_eq!(split, row["variant"] == "processes", "{row}");
    }
}

/// One thread alone on the shared GIL never meets anyone to hand it to.
#[test]
fn one_thread_is_never_forced() {
    let rows = rows(&[
        "--scale",
        "0.01",
        "--runs",
        "1",
        "--threads",
        "1",
        "--processes",
        "1",
        "--json",
    ]);
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(count(row, "workers"), 1, "{row}");
        assert_eq!(count(row, "forced_drops"), 0, "{row}");
        assert_eq!(count(row, "switches"), 1, "{row}");
    }
}

/// Without `--json`: a checked line per variant with its GIL counters, the table, the
/// explanation, and the timeline when asked for.
#[test]
fn the_transcript_explains_and_draws_the_timeline() {
    let (stdout, drawn) = testing::run_drawing_timeline(BIN, &["--scale", "0.01", "--runs", "1"]);
    for variant in ["serial", "gil-threads", "threads", "processes"] {
        let line = stdout
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("{variant} ")))
            .unwrap_or_else(|| panic!("no {variant} line:\n{stdout}"));
        assert!(line.contains("Duration"), "{line}");
        assert!(line.contains("answers ✓"), "{line}");
    }
    assert!(stdout.contains("forced drop"), "{stdout}");
    assert!(stdout.contains("| workload"), "{stdout}");
    assert!(stdout.contains("free-threaded"), "{stdout}");
    assert!(drawn.contains("Thread-1"), "no row for Thread-1");
}

/// Invalid values are refused by the flag parser, with exit code 2.
#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "17"],
        &["--processes", "0"],
        &["--scale", "0"],
        &["--scale", "1000"],
        &["--scale", "lots"],
        &["--scale", "-1"],
        &["--scale", "NaN"],
        &["--runs", "0"],
        &["--switch-interval", "0ms"],
        &["--switch-interval", "2s"],
        &["--switch-interval", "soon"],
        &["--json", "--timeline", "x.svg"],
        &["--no-such-flag"],
    ] {
        let output = testing::run(BIN, args);
        assert_eq!(output.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?} explains itself");
    }
}
