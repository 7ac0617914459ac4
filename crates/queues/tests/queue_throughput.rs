//! The `queue_throughput` comparison, run small: every row checks its messages and passes.

use common::testing;
use serde_json::Value;

/// Runs the program with `args` and returns its JSON lines, parsed.
fn json_rows(args: &[&str]) -> Vec<Value> {
    testing::json_rows(env!("CARGO_BIN_EXE_queue_throughput"), args)
}

/// 10 000 messages, 1 and 4 producers: six variants each, every one delivered every
/// message exactly once, and reports a positive rate.
#[test]
fn every_variant_delivers_every_message() {
    let rows = json_rows(&["--messages", "10000", "--runs", "1", "--json"]);
    assert_eq!(rows.len(), 2 * 6, "six variants for each producer count");
    for row in &rows {
        assert_eq!(row["program"], "queue_throughput");
        assert_eq!(row["ok"], true, "row failed its check: {row}");
        assert!(row["msgs_per_s"].as_f64().unwrap() > 0.0, "{row}");
    }
    let producers: Vec<u64> = rows
        .iter()
        .map(|r| r["workers"].as_u64().unwrap())
        .collect();
    assert_eq!(producers, [[1; 6], [4; 6]].concat());
}

/// The speedup column is against the textbook queue, the "before".
#[test]
fn the_textbook_queue_is_the_baseline() {
    let rows = json_rows(&[
        "--messages",
        "10000",
        "--runs",
        "1",
        "--producers",
        "2",
        "--json",
    ]);
    assert_eq!(rows[0]["variant"], "textbook queue (before)");
    assert_eq!(rows[0]["speedup"], 1.0);
}

/// Messages that do not divide evenly among the producers still all arrive.
#[test]
fn an_uneven_share_still_adds_up() {
    let rows = json_rows(&[
        "--messages",
        "1001",
        "--runs",
        "1",
        "--producers",
        "3",
        "--json",
    ]);
    assert!(rows.iter().all(|row| row["ok"] == true));
}

/// Invalid sizes are refused by the flag parser, with clap's exit code 2.
#[test]
fn zero_messages_is_refused() {
    let ran = testing::run(env!("CARGO_BIN_EXE_queue_throughput"), &["--messages", "0"]);
    assert_eq!(ran.code(), Some(2));
}
