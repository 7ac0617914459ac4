//! `gophers`: every design takes exactly the time the arithmetic predicts and moves the
//! books per second that follow from it, burns every book once, and more gophers sharing
//! one cart gain nothing over one; the designs come in the talk's order; the check and
//! each design's line follow the figures (a one-cartload pile says why nothing overlapped);
//! the pictures are one SVG per design naming its gophers and the four steps; bad input is
//! refused.
//!
//!     cargo test -p intro --test gophers

use std::time::Duration;

use common::compare::round_sig;
use common::testing::{self, count};
use intro::gophers::{self, Costs, Design};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gophers");

/// The rows of a `--json` run with `args`.
fn rows(args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.push("--json");
    testing::json_rows(BIN, &all)
}

/// The row of `design`.
fn row(rows: &[Value], design: Design) -> &Value {
    rows.iter()
        .find(|row| row["variant"] == design.name())
        .unwrap_or_else(|| panic!("no row {} in {rows:?}", design.name()))
}

/// A number of a row.
fn number(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {row}"))
}

/// Every design's time and rate, as printed, are the arithmetic's: for the talk's 100
/// books at 1 s an action, and for 37 books in carts of 4 at 250 ms. Every book burned,
/// each once (the row's check).
#[test]
fn every_design_takes_the_predicted_time() {
    let cases = [
        (100, Costs::equal(Duration::from_secs(1), 10), vec![]),
        (
            37,
            Costs::equal(Duration::from_millis(250), 4),
            vec!["--books", "37", "--cart", "4", "--action-ms", "250"],
        ),
    ];
    for (books, costs, args) in cases {
        let rows = rows(&args);
        for design in Design::ALL {
            let row = row(&rows, design);
            let predicted = gophers::predicted(design, books, costs).as_secs_f64();
            assert_eq!(number(row, "seconds"), predicted, "{row}");
            assert_eq!(number(row, "predicted_s"), round_sig(predicted), "{row}");
            let rate = round_sig(books as f64 / predicted);
            assert_eq!(number(row, "books_per_s"), rate, "{row}");
            assert_eq!(row["ok"], true, "{row}");
            assert_eq!(count(row, "burned"), books as u64, "{row}");
            assert_eq!(count(row, "workers"), design.gophers() as u64, "{row}");
            assert_eq!(count(row, "carts"), design.carts() as u64, "{row}");
        }
    }
}

/// The talk's figures for 100 books: 40, 40, 20, 13, 8, 32.5 and 17.5 s; three
/// gophers sharing one cart take the one gopher's time, never more than one at work;
/// the pipeline is 3.08× faster with four at once.
#[test]
fn more_gophers_with_one_cart_gain_nothing_and_the_pipeline_is_three_times_faster() {
    let rows = rows(&[]);
    let seconds: Vec<f64> = rows.iter().map(|r| number(r, "seconds")).collect();
    assert_eq!(seconds, [40.0, 40.0, 20.0, 13.0, 8.0, 32.5, 17.5]);
    let (one, more) = (
        row(&rows, Design::OneGopher),
        row(&rows, Design::MoreGophers),
    );
    assert_eq!(number(more, "seconds"), number(one, "seconds"));
    assert_eq!(number(more, "speedup"), 1.0);
    assert_eq!(count(more, "most_at_once"), 1);
    let pipeline = row(&rows, Design::Pipeline);
    assert_eq!(number(pipeline, "speedup"), 40.0 / 13.0);
    assert_eq!(count(pipeline, "most_at_once"), 4);
    assert_eq!(count(row(&rows, Design::TwoPipelines), "most_at_once"), 8);
}

/// The designs come in the talk's order, in the rows and in the numbered list; a subset
/// keeps that order and the one-gopher baseline.
#[test]
fn the_designs_come_in_the_talks_order() {
    let names = |rows: &[Value]| -> Vec<String> {
        rows.iter()
            .map(|r| r["variant"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&rows(&[])), Design::ALL.map(|d| d.name().to_string()));
    let subset = rows(&["--designs", "two-pipelines,pipeline"]);
    assert_eq!(names(&subset), ["one-gopher", "pipeline", "two-pipelines"]);
    let ran = testing::run(BIN, &[]);
    let stdout = &ran.success().stdout;
    let listed: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            line.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .collect();
    let expected: Vec<String> = Design::ALL
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{}. {}: {}", i + 1, d.name(), d.crew()))
        .collect();
    assert_eq!(listed, expected, "{stdout}");
}

/// The conclusion is computed from the figures: the check, one line per design after the
/// baseline, and the lesson.
#[test]
fn the_conclusion_gives_each_designs_speedup() {
    let ran = testing::run(BIN, &[]);
    let stdout = &ran.success().stdout;
    for line in [
        "Checked: every book burned exactly once, in exactly the predicted time.",
        "more gophers sharing one cart: 1.00× with 3 gophers, 1 cart, 1 at once — \
         the others wait their turn",
        "double everything: 2.00× with 2 gophers, 2 carts, 2 at once — two copies that \
         share nothing",
        "the pipeline: 3.08× with 4 gophers, 4 carts, 4 at once — one action per gopher, \
         carts passed along",
        "two pipelines: 5.00× with 8 gophers, 8 carts, 8 at once — the pipeline, twice, \
         half the pile each",
        gophers::LESSON,
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in\n{stdout}"
        );
    }
    assert!(!stdout.contains("too few cartloads"), "{stdout}");
}

/// One cartload (5 books): nothing overlaps in the pipeline, 1.00×, and its line says
/// why instead of claiming four at once.
#[test]
fn a_small_pile_says_why_the_gophers_did_not_overlap() {
    let ran = testing::run(BIN, &["--books", "5"]);
    let stdout = &ran.success().stdout;
    for line in [
        "Checked: every book burned exactly once, in exactly the predicted time.",
        "the pipeline: 1.00× with 4 gophers, 4 carts, 1 at once — one action per gopher, \
         carts passed along; too few cartloads to keep all 4 at work together",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in\n{stdout}"
        );
    }
}

/// `--pictures DIR`: one SVG per design, named in the talk's order, each naming the
/// design, its gophers and the four steps; the program says where each went.
#[test]
fn pictures_are_one_svg_per_design() {
    let dir = std::env::temp_dir().join(format!("gophers-pictures-{}", std::process::id()));
    let dir_arg = dir.to_str().expect("a UTF-8 temporary path");
    let ran = testing::run(BIN, &["--pictures", dir_arg]);
    let stdout = ran.success().stdout.clone();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the folder was made")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let expected: Vec<String> = Design::ALL.iter().map(|d| d.picture_file()).collect();
    assert_eq!(files, expected);
    let costs = Costs::equal(Duration::from_secs(1), 10);
    for design in Design::ALL {
        let path = dir.join(design.picture_file());
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", path.display());
        assert!(svg.contains(design.name()), "{} unnamed", design.name());
        let gophers = gophers::run_virtual(design, 100, costs).gophers();
        assert_eq!(gophers.len(), design.gophers());
        for name in gophers
            .iter()
            .map(String::as_str)
            .chain(["load", "move", "unload", "return"])
        {
            // plotters writes each text on a line of its own.
            assert!(
                svg.lines().any(|line| line.trim() == name),
                "{name} not in {}",
                path.display()
            );
        }
        let said = format!("picture: {}", path.display());
        assert!(
            stdout.lines().any(|l| l == said),
            "no {said:?} in\n{stdout}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// In real time every book still burns once, and no run beats the arithmetic (a sleep
/// never ends early); how much later it ends is not asserted.
#[test]
fn real_time_burns_every_book_once() {
    let rows = rows(&["--real", "--books", "20", "--action-ms", "1"]);
    assert_eq!(rows.len(), 7);
    for row in &rows {
        assert_eq!(
            (row["ok"].as_bool(), count(row, "burned")),
            (Some(true), 20),
            "{row}"
        );
        assert!(number(row, "overshoot_pct") >= 0.0, "{row}");
    }
}

/// No books, empty carts, free actions, an unknown design, and JSON with pictures are
/// refused.
#[test]
fn bad_input_is_refused() {
    testing::assert_refused(
        BIN,
        &[
            &["--books", "0"],
            &["--books", "10001"],
            &["--cart", "0"],
            &["--action-ms", "0"],
            &["--designs", "more-carts"],
            &["--json", "--pictures", "x"],
        ],
    );
}
