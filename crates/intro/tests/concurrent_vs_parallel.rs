//! `concurrent_vs_parallel`: both placements compute the right chains; on one core the two
//! jobs share one CPU (never on it at once, CPU time no more than wall time), on two cores
//! each has a CPU of its own; the picture draws both runs' jobs on one axis; bad input is
//! refused.
//!
//!     cargo test -p intro --test concurrent_vs_parallel

use common::affinity::cpus_available;
use common::testing::{self, count};

const BIN: &str = env!("CARGO_BIN_EXE_concurrent_vs_parallel");

/// Short chains: about ten milliseconds of hashing per job.
const QUICK: [&str; 2] = ["--scale", "0.02"];

/// One row per placement, in order, both with the right answers; on one core two jobs
/// cannot be on the CPU at the same instant and cannot use more CPU time than wall time.
#[test]
fn one_core_shares_a_cpu_and_both_placements_are_right() {
    let rows = testing::json_rows(BIN, &[QUICK[0], QUICK[1], "--json"]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    let expected = match cpus_available() {
        1 => vec!["one core"],
        _ => vec!["one core", "two cores"],
    };
    assert_eq!(variants, expected, "{rows:?}");
    for (row, cores) in rows.iter().zip([1, 2]) {
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(count(row, "workers"), cores, "{row}");
        assert_eq!(row["workload"], "2 hash chains of 180000 rounds");
    }
    let one = &rows[0];
    let (wall, cpu) = (
        one["seconds"].as_f64().unwrap(),
        one["cpu_s"].as_f64().unwrap(),
    );
    // One CPU's clock runs at most as fast as the wall clock (the 1 % is rounding to
    // four figures and the two clocks' reading times).
    assert!(
        cpu <= wall * 1.01,
        "one core used {cpu} s of CPU in {wall} s: {one}"
    );
    // A turn may keep a preempted job "running" for under 50 µs; nothing more overlaps.
    let both = one["both_running_s"].as_f64().unwrap();
    assert!(
        both <= wall * 0.1,
        "both jobs ran at once for {both} s on one CPU: {one}"
    );
}

/// The notes say where each job ran: both on one CPU, then on two different CPUs.
#[test]
fn the_notes_name_the_cpus_of_each_run() {
    let ran = testing::run(BIN, &QUICK);
    let stdout = &ran.success().stdout;
    assert!(stdout.contains("one core: both jobs on CPU "), "{stdout}");
    assert!(stdout.contains("Concurrent: dealing with two things at once."));
    if cpus_available() >= 2 {
        let after = stdout
            .split("the jobs on CPUs ")
            .nth(1)
            .expect("a two-core note");
        let cpus: Vec<&str> = after.split(';').next().unwrap().split(" and ").collect();
        assert_eq!(cpus.len(), 2, "{stdout}");
        assert_ne!(cpus[0], cpus[1], "two cores, one CPU: {stdout}");
        assert!(stdout.contains("Parallel: doing two things at once."));
        assert!(stdout.contains("One core took "), "{stdout}");
    }
}

/// The picture has both runs' two jobs, each in a row named after its placement.
#[test]
fn the_timeline_draws_both_runs_on_one_axis() {
    let (stdout, svg) = testing::run_drawing_timeline(BIN, &QUICK);
    assert!(stdout.contains("timeline written to"), "{stdout}");
    let mut rows = vec!["one core: job 0", "one core: job 1"];
    if cpus_available() >= 2 {
        rows.extend(["two cores: job 0", "two cores: job 1"]);
    }
    for row in rows {
        assert!(svg.contains(row), "no row {row} in the picture");
    }
}

/// Scales outside 0.001..=10, no runs, and a picture with JSON are refused.
#[test]
fn bad_input_is_refused() {
    testing::assert_refused(
        BIN,
        &[
            &["--scale", "0"],
            &["--scale", "11"],
            &["--runs", "0"],
            &["--json", "--timeline", "x.svg"],
        ],
    );
}
