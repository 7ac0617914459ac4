//! Runs `spawn_cost` with a handful of units: every row is present and checked. (How much
//! a process costs is a claim of the release-mode run, not of a test.)

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_spawn_cost");

/// `--count 5 --json`: three rows, threads first, every unit's answer checked.
#[test]
fn json_rows_are_present_and_checked() {
    let ran = testing::run(BIN, &["--count", "5", "--json"]);
    let rows = ran.json_rows();
    let stdout = &ran.stdout;
    let variants: Vec<&str> = rows
        .iter()
        .map(|row| row["variant"].as_str().unwrap())
        .collect();
    assert_eq!(
        variants,
        ["threads", "processes", "processes + ipc handshake"],
        "{stdout}"
    );
    for row in &rows {
        assert_eq!(row["program"], "spawn_cost", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(row["workers"], 5, "{row}");
        assert!(row["per_unit_us"].as_f64().unwrap() > 0.0, "{row}");
    }
}

/// Without `--json`: the table, and the ratio in words.
#[test]
fn table_ends_with_the_ratio() {
    let ran = testing::run(BIN, &["--count", "3"]);
    ran.success();
    let stdout = &ran.stdout;
    assert!(stdout.contains("| threads"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.starts_with("a process costs "), "{stdout}");
    assert!(last.contains("× a thread here"), "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--count", "0"][..],
        &["--count", "-4"],
        &["--count", "1e3"],
        &["--runs", "0"],
    ] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
