//! `cpu_bound`, run as a student runs it: every variant of every workload reports a row,
//! every row's answers were checked, and bad flags are refused.

use common::testing::{self, Ran};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cpu_bound");

fn run(args: &[&str]) -> Ran {
    testing::run(BIN, args)
}

/// The JSON rows of a successful run.
fn rows(args: &[&str]) -> Vec<Value> {
    testing::json_rows(BIN, args)
}

/// A tiny run: both workloads, all four variants, in order, each checked and right.
#[test]
fn a_tiny_run_has_every_variant_of_both_workloads_all_ok() {
    let rows = rows(&["--scale", "0.01", "--runs", "1", "--workers", "2", "--json"]);
    let seen: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["workload"].as_str().unwrap(),
                row["variant"].as_str().unwrap(),
            )
        })
        .collect();
    let mut expected = Vec::new();
    for workload in ["hash_me", "sum_squares"] {
        for variant in ["serial", "threads", "processes", "rayon"] {
            expected.push((workload, variant));
        }
    }
    assert_eq!(seen, expected);

    for row in &rows {
        assert_eq!(row["program"], "cpu_bound", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert!(row["seconds"].as_f64().unwrap() > 0.0, "{row}");
        assert!(row["speedup"].as_f64().unwrap() > 0.0, "{row}");
        let workers = if row["variant"] == "serial" { 1 } else { 2 };
        assert_eq!(row["workers"], workers, "{row}");
        // Only the process pool splits its time into start-up and work.
        let split = row.get("startup_s").is_some() && row.get("work_s").is_some();
        assert_eq!(split, row["variant"] == "processes", "{row}");
    }
}

/// `--workers 1` is honoured by every variant, and one workload can be chosen alone.
#[test]
fn one_worker_and_one_workload() {
    let rows = rows(&[
        "--scale",
        "0.01",
        "--runs",
        "1",
        "--workers",
        "1",
        "--workload",
        "hash_me",
        "--json",
    ]);
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row["workload"], "hash_me", "{row}");
        assert_eq!(row["workers"], 1, "{row}");
        assert_eq!(row["ok"], true, "{row}");
    }
}

/// Without `--json`: a checked line per variant, then the table with the pool's columns.
#[test]
fn the_transcript_shows_each_variant_checked_then_the_table() {
    let output = run(&[
        "--scale",
        "0.01",
        "--runs",
        "1",
        "--workload",
        "sum_squares",
    ]);
    let stdout = &output.success().stdout;
    for variant in ["serial", "threads", "processes", "rayon"] {
        let line = stdout
            .lines()
            .find(|line| line.trim_start().starts_with(variant))
            .unwrap_or_else(|| panic!("no {variant} line:\n{stdout}"));
        assert!(line.contains("Duration"), "{line}");
        assert!(line.contains("answers ✓"), "{line}");
    }
    assert!(stdout.contains("start-up"), "{stdout}");
    let header = stdout
        .lines()
        .find(|line| line.starts_with("| workload"))
        .unwrap_or_else(|| panic!("no table:\n{stdout}"));
    assert!(
        header.contains("startup_s") && header.contains("work_s"),
        "{header}"
    );
}

/// Invalid values are refused by the flag parser, with exit code 2.
#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--scale", "0"][..],
        &["--scale", "-1"],
        &["--scale", "1000"],
        &["--scale", "lots"],
        &["--workers", "0"],
        &["--runs", "0"],
        &["--workload", "fibonacci"],
        &["--no-such-flag"],
    ] {
        let output = run(args);
        assert_eq!(output.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?} explains itself");
    }
}
