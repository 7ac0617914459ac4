//! `when_not_to`: every way's sum is right at every size, the table has every size and way
//! in order, the crossover the program states is the one its own rows give (by
//! `intro::crossover`'s rule), the verdict lines agree with the table, `--plot` draws the
//! three sums, and bad sizes are refused.
//!
//!     cargo test -p intro --test when_not_to

use std::time::Duration;

use common::testing::{self, count};
use intro::crossover::{self, Row, Way};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_when_not_to");

/// Small runs: a debug build, and a machine that runs other tests at once.
const SMALL: [&str; 5] = ["--largest", "100000", "--threes", "--rounds", "1"];

/// The way a row's `variant` names.
fn way(row: &Value) -> Way {
    let variant = row["variant"].as_str().unwrap();
    let way = Way::ALL.into_iter().find(|way| way.label() == variant);
    way.unwrap_or_else(|| panic!("no way called {variant}"))
}

/// Every way at every size, in order (sizes ascending, serial first), each sum checked
/// against n (n − 1) / 2 by the harness: `ok`.
#[test]
fn every_sum_is_right_at_every_size() {
    let rows = testing::json_rows(BIN, &[&SMALL[..], &["--json"]].concat());
    let sizes = crossover::sizes(100_000, true);
    assert_eq!(sizes, [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]);
    assert_eq!(rows.len(), sizes.len() * 3, "{rows:?}");
    let expected = sizes
        .iter()
        .flat_map(|&size| Way::ALL.map(|way| (size, way)));
    for (row, (size, expected_way)) in rows.iter().zip(expected) {
        assert_eq!(row["program"], "when_not_to");
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(count(row, "numbers"), size as u64, "{row}");
        assert_eq!(way(row), expected_way, "{row}");
        assert_eq!(
            row["workload"],
            format!("sum of {}", crossover::size_name(size))
        );
        assert_eq!(
            count(row, "workers"),
            expected_way.workers() as u64,
            "{row}"
        );
        assert!(row["seconds"].as_f64().unwrap() > 0.0, "{row}");
    }
}

/// The crossover each parallel row states is the one this run's rows give, recomputed
/// here from their seconds with `intro::crossover::crossover`: the smallest size from
/// which the way is faster than serial at every larger size too.
#[test]
fn the_stated_crossover_is_what_the_rows_say() {
    let json = testing::json_rows(BIN, &["--largest", "1000000", "--rounds", "2", "--json"]);
    let rows: Vec<Row> = json
        .iter()
        .map(|row| Row {
            size: count(row, "numbers") as usize,
            way: way(row),
            workers: count(row, "workers") as usize,
            best: Duration::from_secs_f64(row["seconds"].as_f64().unwrap()),
            sum: crossover::expected_sum(count(row, "numbers") as usize),
            ok: row["ok"] == true,
        })
        .collect();
    for (row, json) in rows.iter().zip(&json) {
        match row.way {
            Way::Serial => assert!(json.get("crossover").is_none(), "{json}"),
            way => {
                let stated = json["crossover"].as_u64().map(|n| n as usize);
                // The JSON's seconds have four figures: a way within 0.2 % of serial
                // at some size may fall either side of it here. Only then may they differ.
                let near_tie = crossover::speedups(&rows, way)
                    .iter()
                    .any(|&(_, speedup)| (speedup - 1.0).abs() < 0.002);
                if !near_tie {
                    assert_eq!(stated, crossover::crossover(&rows, way), "{json}");
                }
            }
        }
    }
}

/// The table has a row per size and way, in order, each checked (✓); under it the
/// fixed price of a parallel call and one verdict per parallel way, which agrees with
/// the table's speedup column: from the stated size on, every speedup is at least
/// 1.00×, and at the size just below it is at most 1.00×; "never" means the largest
/// size's speedup is at most 1.00×.
#[test]
fn the_table_and_the_verdicts_agree() {
    let ran = testing::run(BIN, &SMALL);
    ran.success();
    let lines = ran.lines();
    let table: Vec<Vec<&str>> = lines
        .iter()
        .filter(|line| line.starts_with("| sum of"))
        .map(|line| line.split('|').map(str::trim).collect())
        .collect();
    let expected: Vec<(String, &str)> = crossover::sizes(100_000, true)
        .into_iter()
        .flat_map(|size| {
            Way::ALL.map(|way| {
                (
                    format!("sum of {}", crossover::size_name(size)),
                    way.label(),
                )
            })
        })
        .collect();
    let shown: Vec<(String, &str)> = table.iter().map(|r| (r[1].to_string(), r[2])).collect();
    assert_eq!(shown, expected, "{}", ran.stdout);
    assert!(table.iter().all(|r| r[6] == "✓"), "{}", ran.stdout);
    let price = lines
        .iter()
        .find(|l| l.starts_with("At 10², serial takes "));
    assert!(
        price.is_some_and(|l| l.contains("the price of a parallel call")),
        "{}",
        ran.stdout
    );
    for (way, subject) in [(Way::Threads, "std threads "), (Way::Rayon, "rayon ")] {
        // (size, speedup shown) of this way, sizes ascending.
        let speedups: Vec<(String, f64)> = table
            .iter()
            .filter(|r| r[2] == way.label())
            .map(|r| {
                (
                    r[1].trim_start_matches("sum of ").to_string(),
                    r[5].trim_end_matches('×').parse().unwrap(),
                )
            })
            .collect();
        let verdict = lines.iter().find(|l| l.starts_with(subject));
        let verdict =
            verdict.unwrap_or_else(|| panic!("no verdict for {subject}:\n{}", ran.stdout));
        if verdict.contains(" never win") {
            assert!(
                speedups.last().unwrap().1 <= 1.0,
                "{verdict}\n{}",
                ran.stdout
            );
            continue;
        }
        let from = verdict
            .split(" from ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let at = speedups.iter().position(|(size, _)| size == from);
        let at = at.unwrap_or_else(|| panic!("{verdict}: no size {from} in the table"));
        assert!(
            speedups[at..].iter().all(|&(_, s)| s >= 1.0),
            "{verdict}\n{}",
            ran.stdout
        );
        if at > 0 {
            assert!(speedups[at - 1].1 <= 1.0, "{verdict}\n{}", ran.stdout);
        }
    }
}

/// `--plot FILE.svg` draws the three sums (and, with `--json`, says so on stderr only:
/// stdout stays JSON lines).
#[test]
fn the_plot_has_the_three_sums() {
    let path = std::env::temp_dir().join(format!("when_not_to-{}.svg", std::process::id()));
    let path_arg = path.to_str().unwrap();
    let args = [
        "--largest",
        "10000",
        "--rounds",
        "1",
        "--json",
        "--plot",
        path_arg,
    ];
    let ran = testing::run(BIN, &args);
    assert_eq!(ran.json_rows().len(), 9);
    assert!(ran.stderr.contains("plot written to "), "{}", ran.stderr);
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(svg.starts_with("<svg"));
    for text in ["serial", "std threads", "rayon", "time per call", "10⁴"] {
        assert!(svg.contains(text), "{text} missing from the plot");
    }
    // A crossover is marked exactly when the rows have one.
    let crossovers = ran
        .json_rows()
        .iter()
        .filter(|r| r["crossover"].is_u64())
        .count();
    assert_eq!(svg.contains(" faster from "), crossovers > 0);
}

/// Sizes out of range and zero rounds are refused by clap with exit status 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--largest", "0"],
            &["--largest", "99"],
            &["--largest", "100000001"],
            &["--rounds", "0"],
            &["--rounds", "21"],
            &["--plot"],
        ],
    );
}
