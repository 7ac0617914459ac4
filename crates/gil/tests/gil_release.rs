//! `gil_release`, run as a student runs it: every product is right, the threads inside
//! `allow_threads` release the GIL and are never forced to drop it, and bad flags are
//! refused. Nothing here depends on how fast the machine is.

use common::testing::{self, count};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gil_release");

/// The JSON rows of a successful run.
fn rows(args: &[&str]) -> Vec<Value> {
    testing::json_rows(BIN, args)
}

/// Four rows, each product equal (within rounding) to the reference, and the GIL
/// counters that follow from the code alone.
#[test]
fn products_are_right_and_allow_threads_is_never_forced() {
    let n = 96;
    let rows = rows(&["--n", "96", "--threads", "2", "--runs", "2", "--json"]);
    let names: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["workload"].as_str().unwrap(),
                row["variant"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("matmul-holding-gil", "serial"),
            ("matmul-holding-gil", "threads"),
            ("matmul-allow-threads", "serial"),
            ("matmul-allow-threads", "threads"),
        ]
    );
    for row in &rows {
        assert_eq!(row["program"], "gil_release", "{row}");
        // ok: the product equals the reference product, within rounding.
        assert_eq!(row["ok"], true, "{row}");
        let workers = if row["variant"] == "serial" { 1 } else { 2 };
        assert_eq!(count(row, "workers"), workers, "{row}");
    }
    let (serial_holding, threads_holding) = (&rows[0], &rows[1]);
    let (serial_native, threads_native) = (&rows[2], &rows[3]);

    // Holding the GIL: a tick before every row of the product, and no release.
    for row in [serial_holding, threads_holding] {
        assert_eq!(count(row, "ticks"), n, "{row}");
        assert_eq!(count(row, "releases"), 0, "{row}");
    }
    // allow_threads: one release per thread, around the whole band; the plain kernel never
    // ticks, so a drop request can never be honoured inside it: zero forced drops, always.
    for (row, threads) in [(serial_native, 1), (threads_native, 2)] {
        assert_eq!(count(row, "ticks"), 0, "{row}");
        assert_eq!(count(row, "releases"), threads, "{row}");
        assert_eq!(count(row, "forced_drops"), 0, "{row}");
    }
    // One thread alone with its GIL is never asked for it.
    assert_eq!(count(serial_holding, "forced_drops"), 0);
    assert_eq!(count(serial_holding, "switches"), 1);
}

/// More threads than rows to go round: every thread gets at least one row, and the
/// product is still right.
#[test]
fn more_threads_than_rows() {
    let rows = rows(&["--n", "16", "--threads", "16", "--runs", "1", "--json"]);
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row["ok"], true, "{row}");
    }
    assert_eq!(count(&rows[3], "workers"), 16);
    assert_eq!(count(&rows[3], "releases"), 16);
}

/// Without `--json`: a checked line per variant, the table and the explanation.
#[test]
fn the_transcript_checks_each_product_and_explains() {
    let output = testing::run(BIN, &["--n", "64", "--runs", "1"]);
    let stdout = &output.success().stdout;
    // ✓: the product equals the reference product, within rounding.
    assert_eq!(stdout.matches("answers ✓").count(), 4, "{stdout}");
    assert!(stdout.contains("| workload"), "{stdout}");
    assert!(stdout.contains("allow_threads"), "{stdout}");
}

/// Invalid values are refused by the flag parser, with exit code 2.
#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "17"],
        &["--n", "0"],
        &["--n", "15"],
        &["--n", "100000"],
        &["--n", "big"],
        &["--runs", "0"],
        &["--switch-interval", "0ms"],
        &["--no-such-flag"],
    ] {
        let output = testing::run(BIN, args);
        assert_eq!(output.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?} explains itself");
    }
}
