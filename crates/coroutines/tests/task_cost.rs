//! `task_cost`: every way runs every unit once, with all units alive at once; per-unit
//! figures are reported; threads beyond what the machine allows are skipped and said so.
//! (How fast each way is, is the release comparison's claim, not a test's.)
//!
//!     cargo test -p coroutines --test task_cost

use common::testing;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_task_cost");

/// (workload, variant, workers) of each row.
fn variants(rows: &[Value]) -> Vec<(String, String, u64)> {
    rows.iter()
        .map(|row| {
            let text = |key: &str| row[key].as_str().expect(key).to_string();
            (
                text("workload"),
                text("variant"),
                testing::count(row, "workers"),
            )
        })
        .collect()
}

/// Two sizes, three ways each: every row's sum of indices checked, per-unit time and
/// bytes measured.
#[test]
fn every_way_spawns_and_completes_every_unit() {
    let rows = testing::json_rows(BIN, &["--units", "50,400", "--rounds", "1", "--json"]);
    let mut expected = Vec::new();
    for (count, workload) in [(50, "50 units"), (400, "400 units")] {
        for variant in ["threads", "tokio tasks", "our executor's tasks"] {
            expected.push((workload.to_string(), variant.to_string(), count));
        }
    }
    assert_eq!(variants(&rows), expected);
    for row in &rows {
        assert_eq!(row["program"], "task_cost", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert!(
            row["us_per_unit"].as_f64().expect("us_per_unit") > 0.0,
            "{row}"
        );
        assert!(row.get("bytes_per_unit").is_some(), "{row}");
    }
    // Speedups are against the threads of the same size.
    assert_eq!(rows[0]["speedup"], 1.0);
    assert_eq!(rows[3]["speedup"], 1.0);
}

/// More threads than `--max-threads` are not started: that row is missing, and the notes
/// say why.
#[test]
fn threads_over_the_limit_are_skipped_and_explained() {
    let ran = testing::run(
        BIN,
        &["--units", "20,300", "--rounds", "1", "--max-threads", "100"],
    );
    ran.success();
    let threads_rows: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|line| line.starts_with("| ") && line.contains("| threads "))
        .collect();
    assert_eq!(threads_rows.len(), 1, "{}", ran.stdout);
    assert!(threads_rows[0].starts_with("| 20 units "), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("threads × 300: not run: over --max-threads 100."),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("64 KiB stacks"), "{}", ran.stdout);
}

/// By default the cap is what the machine allows, far less than 100 000 threads here:
/// that threads row is skipped and the notes name the kernel's limits. (On a machine that
/// allows 100 000 threads at once there is nothing to check.)
#[test]
fn more_threads_than_the_machine_allows_are_not_started() {
    if common::limits::thread_limit().max >= 100_000 {
        return;
    }
    let ran = testing::run(BIN, &["--units", "100000", "--rounds", "1"]);
    ran.success();
    assert!(!ran.stdout.contains("| threads "), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("threads × 100000: not run: this machine allows about"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("\n  kernel.pid_max "), "{}", ran.stdout);
}

/// Out-of-range flags are refused with status 2 and a message, never a panic.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        ["--units", "0"],
        ["--units", "2000000"],
        ["--stack-kb", "1"],
        ["--rounds", "0"],
        ["--max-threads", "0"],
    ] {
        let ran = testing::run(BIN, &args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error:"), "{args:?}: {}", ran.stderr);
    }
}
