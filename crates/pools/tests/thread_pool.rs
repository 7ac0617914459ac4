//! Runs `thread_pool`: three jobs on a pool of three threads, then `Done!`.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_thread_pool"), args)
}

/// `Thread-2: 3/4 - 0.45 s on pool-worker-1` into `(2, 3)`.
fn parse_line(line: &str) -> Option<(u32, u32)> {
    let rest = line.strip_prefix("Thread-")?;
    let (job, rest) = rest.split_once(": ")?;
    let (counter, _) = rest.split_once('/')?;
    Some((job.parse().ok()?, counter.parse().ok()?))
}

/// The seconds in `wall time 0.90 s: the slowest job alone takes 0.90 s, all three one
/// after another 1.80 s`: (wall, slowest, sum).
fn parse_summary(line: &str) -> (f64, f64, f64) {
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|word| word.trim_end_matches(':').parse().ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{line}");
    (numbers[0], numbers[1], numbers[2])
}

/// Checks one run: every job printed `count` lines in order, `Done!` is the last line and
/// comes after all of them, and the wall time is below the sum of the three jobs (they
/// overlapped) when there are several workers.
fn check_run(args: &[&str], count: u32, overlapped: bool) {
    let out = run(args);
    let stdout = &out.success().stdout;
    let lines = out.lines();
    assert_eq!(lines.last(), Some(&"Done!"), "{stdout}");

    let mut seen = vec![Vec::new(); 3];
    for line in &lines[..lines.len() - 1] {
        if let Some((job, counter)) = parse_line(line) {
            seen[job as usize - 1].push(counter);
        }
    }
    let expected: Vec<u32> = (1..=count).collect();
    for (job, counters) in seen.iter().enumerate() {
        assert_eq!(counters, &expected, "Thread-{}: {stdout}", job + 1);
    }

    let (wall, slowest, sum) = parse_summary(lines[lines.len() - 2]);
    assert!(wall >= slowest, "{stdout}");
    if overlapped {
        assert!(wall < sum, "the jobs did not overlap: {stdout}");
    }
}

/// The Python slides' shape: three workers, so the three jobs run side by side.
#[test]
fn done_comes_last_and_the_jobs_overlap() {
    check_run(&["--scale", "0.1"], 4, true);
}

/// The same with a rayon pool.
#[test]
fn rayon_engine_does_the_same() {
    check_run(
        &["--engine", "rayon", "--scale", "0.1", "--count", "3"],
        3,
        true,
    );
}

/// One worker: the jobs take turns, `Done!` still comes last.
#[test]
fn one_worker_runs_them_in_turn() {
    check_run(
        &["--workers", "1", "--scale", "0.02", "--count", "2"],
        2,
        false,
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--workers", "0"][..],
        &["--count", "0"],
        &["--scale", "0"],
        &["--scale", "fast"],
        &["--engine", "tokio"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
