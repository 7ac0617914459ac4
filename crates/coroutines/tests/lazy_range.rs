//! `lazy_range`: the notebook's cell, the eager/lazy comparison with its answers checked
//! and its memory column, the itertools pipeline, and the flags.
//!
//!     cargo test -p coroutines --test lazy_range

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_lazy_range");

/// The notebook's cell: two `next`s, a `for` over the rest, then the end (`None`).
#[test]
fn the_notebook_cell_steps_through_lazy_range_5() {
    let ran = testing::run(BIN, &["--count", "1000", "--rounds", "1"]);
    let lines = ran.success().lines();
    let cell: Vec<&str> = lines.iter().skip(2).take(4).map(|l| l.trim()).collect();
    let gives: Vec<&str> = cell
        .iter()
        .map(|l| l.rsplit("  ").next().unwrap().trim())
        .collect();
    assert_eq!(
        gives,
        ["Some(0)", "Some(1)", "2 3 4", "None (StopIteration)"],
        "{}",
        ran.stdout
    );
    assert!(cell[2].starts_with("for x in iterator:"), "{}", ran.stdout);
}

/// Both variants sum the same numbers and get the right answer, and each row says how
/// far the resident set grew (the sizes are the release comparison's claim, not a test's).
#[test]
fn both_ranges_give_the_sum_with_their_peak_memory() {
    let rows = testing::json_rows(BIN, &["--count", "100000", "--rounds", "1", "--json"]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["eager_range (Vec)", "lazy_range (Iterator)"]);
    for row in &rows {
        assert_eq!(row["program"], "lazy_range", "{row}");
        assert_eq!(row["workload"], "sum", "{row}");
        assert_eq!(row["ok"], true, "{row}");
        testing::count(row, "peak_rss_kb");
    }
    assert_eq!(rows[0]["speedup"], 1.0);
}

/// `--json` prints the rows and nothing else: no transcript, no pipeline.
#[test]
fn json_prints_only_the_rows() {
    let rows = testing::json_rows(BIN, &["--count", "10", "--rounds", "2", "--json"]);
    assert_eq!(rows.len(), 2);
}

/// The pipeline: each stage's Python spelling, its Rust spelling and its values.
#[test]
fn the_pipeline_shows_python_rust_and_the_values() {
    let ran = testing::run(BIN, &["--count", "10", "--rounds", "1"]);
    let out = &ran.success().stdout;
    let pipeline = &out[out.find("A generator pipeline").expect("a pipeline")..];
    for expected in [
        "  Python  islice(count(10, 5), 2, 6)\n  Rust    (10..).step_by(5).skip(2).take(4)",
        "          20 25 30 35\n",
        "  Python  groupby(small(), key=digits)\n  Rust    small().chunk_by(digits)",
        "          1: [1 4 9]  2: [16 25 36 49 64 81]  3: [100 121 144 169 196]\n",
        "  Python  a, b = tee(small()); next(b)\n          (y - x for x, y in zip(a, b))\n",
        "  Rust    let (a, b) = small().tee();\n",
        "          3 5 7 9 11 13 15 17 19 21 23 25 27\n",
        "          1 5 14 30 55 91 140 204 285 385 506 650 819 1015\n",
    ] {
        assert!(pipeline.contains(expected), "{expected:?} in\n{pipeline}");
    }
    let tagged = |from: &str| pipeline.lines().filter(|l| l.ends_with(from)).count();
    assert_eq!(
        (tagged("  std"), tagged("  itertools")),
        (5, 2),
        "{pipeline}"
    );
    assert!(
        pipeline.lines().all(|l| l.chars().count() <= 76),
        "{pipeline}"
    );
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--count", "0"][..],
        &["--count", "100000001"],
        &["--count", "ten"],
        &["--rounds", "0"],
        &["--rounds", "21"],
        &["--verbose"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
