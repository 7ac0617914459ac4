//! `prime_procs_speedup`: 1 against 2 worker processes, every answer checked, the bounds
//! the job sizes allow beside each speedup. (The speedups themselves are a claim of the
//! release-mode run, not of a test.)

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_prime_procs_speedup");

/// The comparison checks its answers and prints the bound beside the speedup.
#[test]
fn rows_are_checked_and_carry_their_bounds() {
    let rows = testing::json_rows(BIN, &["--json", "--runs", "1"]);
    let summary: Vec<(&str, &str, u64, f64, f64)> = rows
        .iter()
        .map(|row| {
            assert_eq!(row["program"], "prime_procs_speedup");
            assert_eq!(row["ok"], true, "answers checked: {row}");
            (
                row["workload"].as_str().unwrap(),
                row["variant"].as_str().unwrap(),
                row["workers"].as_u64().unwrap(),
                row["bound"].as_f64().unwrap(),
                row["order_bound"].as_f64().unwrap(),
            )
        })
        .collect();
    // The largest number of `procs.py` is two thirds of the work: 1.5× at best, and only
    // if it starts first. Forty equal jobs can use both processes fully.
    assert_eq!(
        summary,
        [
            ("procs-py", "1 process", 1, 1.0, 1.0),
            ("procs-py", "2 processes", 2, 1.507, 1.248),
            ("procs-py", "2 processes, largest first", 2, 1.507, 1.507),
            ("balanced", "1 process", 1, 1.0, 1.0),
            ("balanced", "2 processes", 2, 2.0, 2.0),
        ]
    );
}

/// Without `--json`: the table with its two bound columns, and what they mean under it.
#[test]
fn the_table_explains_its_bounds() {
    let ran = testing::run(BIN, &["--runs", "2"]);
    ran.success();
    let stdout = &ran.stdout;
    assert!(
        stdout.contains("| bound") && stdout.contains("order_bound"),
        "{stdout}"
    );
    assert!(stdout.contains("Fastest of 2 runs per variant"), "{stdout}");
    assert!(stdout.contains("bound: the best speedup"), "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2, and a worker number is not a flag
/// of this program: the comparison chooses its own.
#[test]
fn nonsense_flags_exit_with_code_2() {
    for args in [
        &["--runs", "0"][..],
        &["--runs", "many"],
        &["--workers", "3"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {ran:?}");
        assert!(ran.stdout.is_empty(), "{args:?} printed a table");
    }
}
