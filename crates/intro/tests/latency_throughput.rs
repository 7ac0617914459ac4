//! `latency_throughput` on its virtual clock (exact whole units): the pipeline of 8 has
//! latency 8 and 1 job a unit and takes N + 7 units, the farm latency 1 and 8 jobs a
//! unit in ⌈N / 8⌉ units; with s stations, s and 1 against 1 and s; every job comes out
//! once; the notes give the ideal and the conclusion; bad input is refused.
//!
//!     cargo test -p intro --test latency_throughput

use common::testing::{self, count};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_latency_throughput");

/// The rows of a virtual run, pipeline first, with `args` added.
fn virtual_rows(args: &[&str]) -> (Value, Value) {
    let mut all = vec!["--virtual", "--json"];
    all.extend(args);
    let rows = testing::json_rows(BIN, &all);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["pipeline", "farm"], "{rows:?}");
    (rows[0].clone(), rows[1].clone())
}

/// A figure of a row, in units.
fn figure(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {row}"))
}

/// Latency (mean, least, most), jobs per unit and total units of a row.
fn figures(row: &Value) -> [f64; 5] {
    [
        "latency_units",
        "latency_min",
        "latency_max",
        "jobs_per_unit",
        "units",
    ]
    .map(|key| figure(row, key))
}

/// The Python notes' claims, for 8 stations: the pipeline's every job takes 8 units and
/// one comes out a unit, N + 7 units in all; the farm's take 1 and 8 come out a unit,
/// ⌈N / 8⌉ units in all. Every job came out once (the answer checked: ok).
#[test]
fn eight_stations_as_a_pipeline_and_as_a_farm() {
    for jobs in [64, 40] {
        let (pipeline, farm) = virtual_rows(&["--jobs", &jobs.to_string()]);
        let n = jobs as f64;
        assert_eq!(
            figures(&pipeline),
            [8.0, 8.0, 8.0, 1.0, n + 7.0],
            "{pipeline}"
        );
        assert_eq!(figures(&farm), [1.0, 1.0, 1.0, 8.0, n / 8.0], "{farm}");
        for row in [&pipeline, &farm] {
            assert_eq!(row["ok"], true, "{row}");
            assert_eq!(count(row, "workers"), 8, "{row}");
            assert_eq!(row["workload"], format!("{jobs} jobs"));
            assert!(row.get("speedup").is_none(), "{row}");
        }
        // The time is the units' (20 ms each): 71 units, 1.42 s.
        assert_eq!(figure(&pipeline, "seconds"), (n + 7.0) * 20.0 / 1000.0);
    }
}

/// N + 7 against ⌈N / 8⌉: the farm's last unit may be part full.
#[test]
fn totals_are_n_plus_seven_and_n_over_eight_rounded_up() {
    for jobs in [1usize, 9, 17] {
        let (pipeline, farm) = virtual_rows(&["--jobs", &jobs.to_string()]);
        assert_eq!(figure(&pipeline, "units"), jobs as f64 + 7.0, "{pipeline}");
        assert_eq!(figure(&farm, "units"), jobs.div_ceil(8) as f64, "{farm}");
        assert_eq!(figure(&pipeline, "latency_max"), 8.0, "{pipeline}");
        assert_eq!(figure(&farm, "latency_max"), 1.0, "{farm}");
    }
}

/// With s stations: the pipeline's latency is s and its throughput 1, the farm's 1 and
/// s (jobs a multiple of s, so the farm's last unit is full).
#[test]
fn other_station_counts_give_s_and_1_against_1_and_s() {
    for stations in [1, 3, 5, 12] {
        let jobs = 4 * stations;
        let (pipeline, farm) = virtual_rows(&[
            "--stations",
            &stations.to_string(),
            "--jobs",
            &jobs.to_string(),
        ]);
        let s = stations as f64;
        let n = jobs as f64;
        assert_eq!(
            figures(&pipeline),
            [s, s, s, 1.0, n + s - 1.0],
            "{pipeline}"
        );
        assert_eq!(figures(&farm), [1.0, 1.0, 1.0, s, 4.0], "{farm}");
        assert_eq!(count(&farm, "workers"), stations as u64);
    }
}

/// The table is followed by the ideal, the check against it, and the conclusion, all
/// computed from the figures.
#[test]
fn the_notes_give_the_ideal_and_the_conclusion() {
    let ran = testing::run(BIN, &["--virtual", "--jobs", "16"]);
    let stdout = &ran.success().stdout;
    for line in [
        "Ideal for the pipeline: latency 8, 1 job a unit, 23 units (N + 7).",
        "Ideal for the farm: latency 1, 8 jobs a unit, 2 units (⌈N / 8⌉).",
        "On the virtual clock the runs took exactly the ideal number of units.",
        "Latency does not fix throughput: the pipeline's jobs take 8.00 units each and \
         it finishes 1.00 a unit; the farm's take 1.00 each and it finishes 8.00.",
        "Little's law: latency × throughput = 8.0 (pipeline) and 8.0 (farm): on average, \
         while the line is full, 8 jobs inside, one at each station.",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in\n{stdout}"
        );
    }
}

/// Little's law is stated only when the line was full: not for 3 jobs through 8
/// stations (the farm never fills), nor for 17 (its last unit is part full, so its
/// throughput is not 8); one station is one line, and one of a thing is singular.
#[test]
fn littles_law_only_when_the_line_is_full() {
    for jobs in ["3", "17"] {
        let ran = testing::run(BIN, &["--virtual", "--jobs", jobs]);
        let stdout = &ran.success().stdout;
        assert!(!stdout.contains("Little's law"), "{stdout}");
        assert!(
            stdout.contains("Latency does not fix throughput"),
            "{stdout}"
        );
    }
    let ran = testing::run(BIN, &["--virtual", "--stations", "1", "--jobs", "1"]);
    let stdout = &ran.success().stdout;
    for line in [
        "1 job through 1 station of one unit (20 ms), on a virtual clock: exact whole \
         units, no waiting:",
        "Ideal for the pipeline: latency 1, 1 job a unit, 1 unit (N).",
        "Ideal for the farm: latency 1, 1 job a unit, 1 unit (N).",
        "With one station the pipeline and the farm are the same line.",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in\n{stdout}"
        );
    }
    assert!(!stdout.contains("Little's law"), "{stdout}");
    assert!(!stdout.contains("1 units"), "{stdout}");
}

/// Real time runs the same stations: every job comes out once (no speed asserted).
#[test]
fn the_wall_clock_run_serves_every_job_once() {
    let rows = testing::json_rows(BIN, &["--jobs", "10", "--unit-ms", "2", "--json"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in &rows {
        assert_eq!(row["ok"], true, "{row}");
        assert!(figure(row, "latency_min") >= 1.0, "{row}");
    }
}

/// No jobs, no stations, a zero unit, and sizes past the ranges are refused.
#[test]
fn bad_input_is_refused() {
    testing::assert_refused(
        BIN,
        &[
            &["--jobs", "0"],
            &["--jobs", "10001"],
            &["--stations", "0"],
            &["--stations", "65"],
            &["--unit-ms", "0"],
            &["--unit-ms", "x"],
        ],
    );
}
