//! Runs `producer_consumer`: producers put jobs into one queue, consumers take them, and
//! `q.join()` waits for every `task_done()` before `Done`.

use std::collections::BTreeMap;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_producer_consumer"))
        .args(args)
        .output()
        .expect("the program runs")
}

/// `Producer-2 puts job 7` into `(2, 7)`.
fn parse_put(line: &str) -> Option<(u32, u32)> {
    let rest = line.strip_prefix("Producer-")?;
    let (producer, job) = rest.split_once(" puts job ")?;
    Some((producer.parse().ok()?, job.parse().ok()?))
}

/// `Consumer-3 got job 7 from Producer-2` into `(3, (2, 7))`.
fn parse_got(line: &str) -> Option<(u32, (u32, u32))> {
    let rest = line.strip_prefix("Consumer-")?;
    let (consumer, rest) = rest.split_once(" got job ")?;
    let (job, producer) = rest.split_once(" from Producer-")?;
    Some((
        consumer.parse().ok()?,
        (producer.parse().ok()?, job.parse().ok()?),
    ))
}

/// Checks one run with `producers × jobs` jobs and `consumers` consumers: every job put
/// once and consumed exactly once, each put line before its got line, only known
/// consumers, and `Done` last, with no consumer line after it.
fn check_run(args: &[&str], producers: u32, jobs: u32, consumers: u32) {
    let out = run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();

    let mut put_at = BTreeMap::new();
    let mut got_at = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(job) = parse_put(line) {
            assert!(
                put_at.insert(job, index).is_none(),
                "{job:?} put twice: {stdout}"
            );
        }
        if let Some((consumer, job)) = parse_got(line) {
            assert!((1..=consumers).contains(&consumer), "{line}");
            assert!(
                got_at.insert(job, index).is_none(),
                "{job:?} consumed twice: {stdout}"
            );
        }
    }
    let expected: Vec<(u32, u32)> = (1..=producers)
        .flat_map(|p| (0..jobs).map(move |j| (p, j)))
        .collect();
    assert_eq!(
        put_at.keys().copied().collect::<Vec<_>>(),
        expected,
        "{stdout}"
    );
    assert_eq!(
        got_at.keys().copied().collect::<Vec<_>>(),
        expected,
        "{stdout}"
    );
    for job in &expected {
        assert!(
            put_at[job] < got_at[job],
            "{job:?} got before put: {stdout}"
        );
    }

    // `Done` is the last line; every job was consumed before it.
    assert_eq!(lines.last(), Some(&"Done"), "{stdout}");
    let done = lines.len() - 1;
    assert!(got_at.values().all(|&index| index < done), "{stdout}");
    assert!(
        lines[done..]
            .iter()
            .all(|line| !line.starts_with("Consumer-")),
        "{stdout}"
    );
    let total = producers * jobs;
    let summary = format!("q.join() returned: all {total} jobs done, each consumed exactly once");
    assert_eq!(lines[done - 1], summary, "{stdout}");
}

/// The seed's shape: 4 producers × 10 jobs, 3 consumers.
#[test]
fn forty_jobs_each_consumed_once_then_done() {
    check_run(&["--work-ms", "5"], 4, 10, 3);
}

/// The flags change the shape: more consumers than jobs, one consumer, no work at all.
#[test]
fn flags_set_producers_jobs_and_consumers() {
    check_run(
        &[
            "--producers",
            "2",
            "--jobs",
            "3",
            "--consumers",
            "8",
            "--work-ms",
            "1",
        ],
        2,
        3,
        8,
    );
    check_run(
        &[
            "--producers",
            "5",
            "--jobs",
            "20",
            "--consumers",
            "1",
            "--work-ms",
            "0",
        ],
        5,
        20,
        1,
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--consumers", "0"][..],
        &["--producers", "0"],
        &["--jobs", "0"],
        &["--work-ms", "-1"],
        &["--work-ms", "ten"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
