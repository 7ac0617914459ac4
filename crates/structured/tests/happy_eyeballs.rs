//! The exercise solution `happy_eyeballs`: attempts start 250 ms apart or as soon as one
//! fails, the first to connect cancels the rest, and with no winner every failure is
//! reported.
//!
//!     cargo build -p structured --examples && cargo test -p structured --test happy_eyeballs

use std::time::Duration;

use common::testing;

/// The lines of one part of the output, without their time stamps.
fn part<'a>(stdout: &'a str, title: &str, end: &str) -> Vec<&'a str> {
    let lines = stdout.lines().skip_while(|line| !line.starts_with(title));
    let mut lines: Vec<&str> = lines.skip(1).collect();
    let last = lines.iter().position(|l| l.starts_with(end)).expect("end");
    lines.truncate(last + 1);
    let untimed = |l: &'a str| l.trim().split_once(" s  ").map_or(l, |(_, rest)| rest);
    lines.into_iter().map(untimed).collect()
}

/// The winner connects while a hung attempt and a later one are cancelled mid-connect;
/// a refusal starts the next attempt at once; when all refuse, all four errors come back.
#[test]
fn the_first_to_connect_cancels_the_rest_and_every_failure_is_kept() {
    let example = testing::example(env!("CARGO_BIN_EXE_nursery"), "happy_eyeballs");
    let (code, stdout) = testing::run_within(
        example.to_str().expect("a UTF-8 path"),
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{stdout}");

    let won = part(&stdout, "happy eyeballs:", "winner:");
    assert_eq!(
        won[..6],
        [
            "2001:db8::1: connecting",
            "2001:db8::2: connecting",
            "2001:db8::2: refused",
            "192.0.2.1: connecting", // at once, not 250 ms after the last start
            "192.0.2.2: connecting",
            "192.0.2.1: connected",
        ],
        "{stdout}"
    );
    // The two cancelled attempts, in either order, and nothing else before the verdict.
    let mut cancelled = won[6..8].to_vec();
    cancelled.sort_unstable();
    assert_eq!(
        cancelled,
        ["192.0.2.2: cancelled", "2001:db8::1: cancelled"]
    );
    assert!(won[8].starts_with("winner: 192.0.2.1 after "), "{stdout}");
    let seconds: f64 = won[8]["winner: 192.0.2.1 after ".len()..]
        .trim_end_matches(" s")
        .parse()
        .expect("seconds");
    assert!(seconds >= 0.65, "sleeps never end early: {seconds}");

    let lost = part(&stdout, "every address refuses:", "no winner:");
    let refusals = lost.iter().filter(|l| l.ends_with(": refused")).count();
    assert_eq!(refusals, 4, "{stdout}");
    assert!(lost.last().unwrap().ends_with("4 child tasks failed:"));
    let errors: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("no winner:"))
        .skip(1)
        .map(str::trim)
        .collect();
    assert_eq!(
        errors,
        [
            "2001:db8::1: connection refused",
            "2001:db8::2: connection refused",
            "192.0.2.1: connection refused",
            "192.0.2.2: connection refused",
        ]
    );
}
