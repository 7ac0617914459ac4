//! `creator_consumer` and its exercise solution `creator_two_consumers`: every item is
//! processed exactly once, and the sentinel ends every consumer.
//!
//!     cargo test -p pipes --test creator_consumer

use std::path::PathBuf;

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_creator_consumer");

/// The exercise solution, built next to the programs by `cargo test -p pipes`.
fn two_consumers_binary() -> PathBuf {
    testing::example(BIN, "creator_two_consumers")
}

/// The items a consumer says it processed, in order: `<prefix>data found to be processed: N`.
fn processed(stdout: &str, prefix: &str) -> Vec<i64> {
    let marker = format!("{prefix}data found to be processed: ");
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix(&marker))
        .map(|n| n.parse().expect("a number"))
        .collect()
}

/// The Python original's run: 5, 10 and 13 each processed once and doubled, then the
/// sentinel, then the parent's check.
#[test]
fn the_python_data_is_processed_once_and_the_sentinel_stops_the_consumer() {
    let out = testing::run(BIN, &[]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    assert_eq!(processed(stdout, ""), [5, 10, 13], "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    for (item, double) in [(5, "10"), (10, "20"), (13, "26")] {
        let at = lines
            .iter()
            .position(|l| *l == format!("data found to be processed: {item}"))
            .expect("processed line");
        assert_eq!(
            lines[at + 1],
            double,
            "the double follows its item:\n{stdout}"
        );
    }
    assert_eq!(stdout.matches("sentinel found (-1)").count(), 1, "{stdout}");
    assert!(
        stdout.contains("the consumer processed 3 items, sum of doubles 56"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing lost"), "{stdout}");
}

/// A longer run: every one of 1..=500 is processed exactly once, in order, and the
/// consumer's own count and sum agree.
#[test]
fn many_items_are_each_processed_exactly_once() {
    let out = testing::run(BIN, &["--items", "500"]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    let want: Vec<i64> = (1..=500).collect();
    assert_eq!(processed(stdout, ""), want);
    // 2 × (1 + … + 500) = 250500.
    assert!(stdout.contains("the consumer processed 500 items, sum of doubles 250500"));
    assert!(stdout.contains("nothing lost"));
}

/// With no data at all, the sentinel alone ends the consumer.
#[test]
fn the_sentinel_alone_ends_the_consumer() {
    let out = testing::run(BIN, &["--items", "0"]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    assert!(processed(stdout, "").is_empty(), "{stdout}");
    assert!(stdout.contains("sentinel found"), "{stdout}");
    assert!(stdout.contains("the consumer processed 0 items, sum of doubles 0"));
}

/// The exercise: two consumers, each given every other item and a sentinel of its own;
/// both stop at their sentinel and together they process every item exactly once.
#[test]
fn two_consumers_share_the_items_and_both_stop() {
    let out = testing::run(
        two_consumers_binary().to_str().unwrap(),
        &["--items", "200"],
    );
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    let first = processed(stdout, "consumer 1: ");
    let second = processed(stdout, "consumer 2: ");
    // Dealt round-robin: the odd numbers to consumer 1, the even ones to consumer 2.
    assert_eq!(first, (1..=200).step_by(2).collect::<Vec<i64>>());
    assert_eq!(second, (2..=200).step_by(2).collect::<Vec<i64>>());
    for n in [1, 2] {
        assert_eq!(
            stdout
                .matches(&format!("consumer {n}: sentinel found"))
                .count(),
            1,
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!("consumer {n} processed 100 items")),
            "{stdout}"
        );
    }
    assert_eq!(stdout.matches("stopped at its sentinel").count(), 2);
    assert!(stdout.contains("nothing lost"), "{stdout}");
}

/// More consumers than items: the idle ones still get their sentinel and end.
#[test]
fn idle_consumers_still_end() {
    let two_consumers = two_consumers_binary();
    let out = testing::run(
        two_consumers.to_str().unwrap(),
        &["--consumers", "4", "--items", "2"],
    );
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    assert_eq!(
        stdout.matches("stopped at its sentinel").count(),
        4,
        "{stdout}"
    );
    assert!(stdout.contains("consumer 4 processed 0 items"), "{stdout}");
    assert!(stdout.contains("nothing lost"), "{stdout}");
}

/// Nonsense values are refused by the flag parser with exit code 2.
#[test]
fn nonsense_flags_exit_2() {
    for args in [
        &["--items", "lots"][..],
        &["--items", "-3"],
        &["--pause-ms", "x"],
    ] {
        let out = testing::run(BIN, args);
        assert_eq!(out.code(), Some(2), "{args:?}");
    }
    let out = testing::run(
        two_consumers_binary().to_str().unwrap(),
        &["--consumers", "0"],
    );
    assert_eq!(out.code(), Some(2));
}
