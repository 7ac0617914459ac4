//! Runs `contention` small: every total is exact, on 1 and 2 threads, and the JSON rows
//! carry the names scripts rely on.

use common::testing::{self, Ran};
use gil::contention::{Counter, count};
use serde_json::Value;

/// The variant names, in table order. Scripts compare runs by them: changing one is a
/// breaking change, and must fail here.
const NAMES: [&str; 5] = [
    "one Mutex<u64>",
    "one AtomicU64",
    "adjacent AtomicU64 slots",
    "CachePadded slots",
    "per-thread counters",
];

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_contention"), args)
}

/// Runs the program with `args` and `--json`, and returns its rows, parsed (it must exit
/// with 0, and every stdout line must be a JSON object).
fn json_rows(args: &[&str]) -> Vec<Value> {
    let out = run(&[args, &["--json"]].concat());
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    out.json_rows()
}

#[test]
fn every_counter_is_exact_on_one_and_two_threads() {
    for counter in Counter::ALL {
        for threads in [1, 2] {
            for increments in [1, 1_000, 50_001] {
                let (total, _) = count(counter, threads, increments);
                assert_eq!(
                    total,
                    threads as u64 * increments,
                    "{} × {threads}",
                    counter.name()
                );
            }
        }
    }
}

#[test]
fn json_rows_are_checked_named_and_in_order() {
    let rows = json_rows(&["--increments", "20000", "--runs", "2"]);
    assert_eq!(rows.len(), 2 * NAMES.len(), "{rows:?}");
    for (index, row) in rows.iter().enumerate() {
        let threads = if index < NAMES.len() { 1 } else { 2 };
        assert_eq!(row["program"], "contention");
        assert_eq!(row["variant"], NAMES[index % NAMES.len()], "{row}");
        assert_eq!(row["workers"], threads, "{row}");
        assert_eq!(
            row["workload"],
            if threads == 1 {
                "1 thread"
            } else {
                "2 threads"
            }
        );
        assert_eq!(row["ok"], true, "a total was wrong: {row}");
        assert!(row["increments_per_s"].as_f64().unwrap() > 0.0, "{row}");
    }
    // Speedups are against the Mutex of the same thread count.
    assert_eq!(rows[0]["speedup"], 1.0);
    assert_eq!(rows[NAMES.len()]["speedup"], 1.0);
}

#[test]
fn the_names_in_the_library_are_the_stable_ones() {
    let names: Vec<&str> = Counter::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(names, NAMES);
}

#[test]
fn other_thread_counts_add_up_too() {
    let rows = json_rows(&["--threads", "3,8", "--increments", "999", "--runs", "1"]);
    assert_eq!(rows.len(), 2 * NAMES.len());
    assert!(rows.iter().all(|row| row["ok"] == true), "{rows:?}");
}

/// The table ends with the measured ranking and why; the order itself is timing, not
/// checked.
#[test]
fn the_table_ends_with_a_ranking() {
    let out = run(&["--increments", "1000", "--runs", "1"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let stdout = &out.stdout;
    assert!(
        stdout.contains("| 2 threads | per-thread counters"),
        "{stdout}"
    );
    let ranking = stdout
        .lines()
        .skip_while(|line| *line != "Measured on 2 thread(s), fastest first:")
        .nth(1)
        .unwrap_or_else(|| panic!("no ranking: {stdout}"));
    let mut ranked: Vec<&str> = ranking.trim().split("  >  ").collect();
    ranked.sort();
    let mut names = NAMES.to_vec();
    names.sort();
    assert_eq!(ranked, names, "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "9"],
        &["--threads", "1,,2"],
        &["--increments", "0"],
        &["--runs", "0"],
        &["--runs", "many"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
