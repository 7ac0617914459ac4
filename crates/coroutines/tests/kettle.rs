//! `kettle`: the breakfast takes the sum of its steps awaited one after the other, and
//! the longest step in each concurrent way.
//!
//!     cargo test -p coroutines --test kettle

use std::time::Duration;

use common::testing;
use coroutines::asyncio::{BREAKFAST, Transcript, Way, breakfast, expected_seconds};

const BIN: &str = env!("CARGO_BIN_EXE_kettle");

const SECOND: Duration = Duration::from_secs(1);

/// On tokio's paused clock, with the notebook's own seconds: sequential awaits take 5 s,
/// spawned tasks, `join!` and a `JoinSet` take 3 s, exactly.
#[tokio::test(start_paused = true)]
async fn sequential_takes_five_seconds_and_every_concurrent_way_three() {
    for way in Way::ALL {
        let took = breakfast(way, BREAKFAST, SECOND, &Transcript::quiet())
            .await
            .unwrap();
        let expected = if way == Way::Sequential { 5 } else { 3 };
        assert_eq!(took, SECOND * expected, "{way:?}, virtual time");
        assert_eq!(expected_seconds(way, &BREAKFAST), expected);
    }
}

/// Sequentially the cups start only when the kettle is done; concurrently both start at
/// once and the cups, the shorter step, are done first.
#[tokio::test(start_paused = true)]
async fn concurrent_ways_start_both_steps_before_either_is_done() {
    let sequential = [
        "boiling kettle starting",
        "boiling kettle is done",
        "cleaning cups starting",
        "cleaning cups is done",
    ];
    let concurrent = [
        "boiling kettle starting",
        "cleaning cups starting",
        "cleaning cups is done",
        "boiling kettle is done",
    ];
    for way in Way::ALL {
        let out = Transcript::quiet();
        breakfast(way, BREAKFAST, SECOND, &out).await.unwrap();
        let expected = if way == Way::Sequential {
            sequential
        } else {
            concurrent
        };
        assert_eq!(out.lines(), expected, "{way:?}");
    }
}

/// The program cooks the breakfast the four ways in turn, each with its transcript and
/// an `Executed in` line that gives the notebook's seconds it should take.
#[test]
fn the_program_cooks_every_way_in_turn() {
    let ran = testing::run(BIN, &["--scale", "0.01"]);
    let stdout = &ran.success().stdout;
    for way in ["sequential:", "spawn:", "join!:", "JoinSet:"] {
        assert_eq!(occurrences(stdout, way), 1, "{way}\n{stdout}");
    }
    let executed: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|line| line.starts_with("Executed in "))
        .collect();
    assert_eq!(executed.len(), 4, "{stdout}");
    assert!(
        executed[0].ends_with("the sum of the steps is 5."),
        "{stdout}"
    );
    for line in &executed[1..] {
        assert!(line.ends_with("the longest step is 3."), "{line}");
    }
    assert_eq!(occurrences(stdout, " is done"), 8, "{stdout}");
}

/// `--way` cooks it one way only.
#[test]
fn one_way_only() {
    let ran = testing::run(BIN, &["--way", "join-set", "--scale", "0.01"]);
    let stdout = &ran.success().stdout;
    assert_eq!(occurrences(stdout, "Executed in "), 1, "{stdout}");
    assert!(stdout.contains("JoinSet: "), "{stdout}");
}

/// How many times `what` occurs in `text`.
fn occurrences(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

/// Nonsense flags are refused with exit status 2 and a message.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--scale", "0"][..],
        &["--scale", "20"],
        &["--way", "gather"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error"), "{}", ran.stderr);
    }
}
