//! Runs `pipe_latency`: the round-trip latency of one small message over each transport.
//! (How long a round trip takes is a claim of the release-mode run, not of a test.)

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_pipe_latency");

/// A short `--json` run: every transport, unpinned and pinned, and every echo checked.
#[test]
fn rows_are_all_checked() {
    let rows = testing::json_rows(BIN, &["--json", "--round-trips", "100", "--runs", "1"]);
    let stdout: Vec<String> = rows.iter().map(ToString::to_string).collect();
    let stdout = stdout.join("\n");
    assert_eq!(rows.len(), 6, "{stdout}");
    for row in &rows {
        assert_eq!(row["program"], "pipe_latency", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(row["round_trips"], 100, "{row}");
        assert!(row["median_us"].as_f64().unwrap() > 0.0, "{row}");
        assert!(row["p99_us"].as_f64() >= row["median_us"].as_f64(), "{row}");
    }
    for transport in ["ipc-channel", "OS pipe", "crossbeam"] {
        for pinning in ["unpinned", "pinned to CPU"] {
            let found = rows.iter().any(|row| {
                row["variant"].as_str().unwrap().starts_with(transport)
                    && row["workload"].as_str().unwrap().contains(pinning)
            });
            assert!(found, "no {transport} row {pinning}: {stdout}");
        }
    }
}

/// Without `--json`: a table with the latency columns, and what they mean under it.
#[test]
fn the_table_has_the_latency_columns() {
    let ran = testing::run(BIN, &["--round-trips", "50", "--runs", "2"]);
    ran.success();
    for column in ["median_us", "mean_us", "p99_us"] {
        assert!(ran.stdout.contains(column), "{}", ran.stdout);
    }
    assert!(ran.stdout.contains("Fastest of 2 runs"), "{}", ran.stdout);
    assert!(ran.stdout.contains("one round trip"), "{}", ran.stdout);
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--round-trips", "0"][..],
        &["--round-trips", "many"],
        &["--runs", "0"],
        &["--bench"],
    ] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
