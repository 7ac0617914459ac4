//! The exercise solution `gather`: three tasks run at once on our executor and their
//! results come back in the order given, not the order they finished; awaiting each task
//! as it is spawned runs them one at a time.
//!
//!     cargo build -p coroutines --examples && cargo test -p coroutines --test gather

use std::time::Duration;

use common::testing;

/// The lines of one part of the output, from its title to the `took` line.
fn part<'a>(stdout: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with(title))
        .skip(1)
        .collect();
    let end = lines.iter().position(|l| l.contains("took")).expect("took");
    lines.truncate(end + 1);
    lines.iter().map(|l| l.trim()).collect()
}

/// The seconds of a `took 0.30 s: …` line.
fn took(line: &str) -> f64 {
    let rest = line.strip_prefix("took ").expect("a took line");
    rest.split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("seconds")
}

/// gather starts all three, they finish second, third, first, and the results are in the
/// order given; one by one, each finishes before the next starts, and the time adds up.
#[test]
fn gather_runs_the_tasks_at_once_and_keeps_their_order() {
    let example = testing::example(env!("CARGO_BIN_EXE_tiny_executor"), "gather");
    let (code, stdout) = testing::run_within(
        example.to_str().expect("a UTF-8 path"),
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{stdout}");
    let results = r#"results, in the order given: ["tsrif", "dnoces", "driht"]"#;

    let gathered = part(&stdout, "gather:");
    assert_eq!(
        gathered[..8],
        [
            "first task started, sleeps 300ms",
            "second task started, sleeps 100ms",
            "third task started, sleeps 200ms",
            "second task finished",
            "third task finished",
            "first task finished",
            results,
            gathered[7],
        ]
    );
    // Real time: at least the longest sleep (sleeps never end early).
    assert!(took(gathered[7]) >= 0.3, "{stdout}");

    let one_by_one = part(&stdout, "one by one:");
    assert_eq!(
        one_by_one[..7],
        [
            "first task started, sleeps 300ms",
            "first task finished",
            "second task started, sleeps 100ms",
            "second task finished",
            "third task started, sleeps 200ms",
            "third task finished",
            results,
        ]
    );
    assert!(took(one_by_one[7]) >= 0.6, "{stdout}");
}
