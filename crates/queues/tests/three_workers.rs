//! Runs `three_workers`: three threads sleep and print at their own pace, at the same time.

use std::collections::BTreeMap;

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_three_workers"), args)
}

/// `Thread-1: 2/4 - 0.101 s` into `("Thread-1", 2, 4, 0.101)`.
fn parse(line: &str) -> Option<(&str, u32, u32, f64)> {
    let (name, rest) = line.split_once(": ")?;
    let (progress, time) = rest.split_once(" - ")?;
    let (counter, n) = progress.split_once('/')?;
    let seconds = time.strip_suffix(" s")?;
    Some((
        name,
        counter.parse().ok()?,
        n.parse().ok()?,
        seconds.parse().ok()?,
    ))
}

/// `total 0.6 s; the slowest thread alone takes 0.6 s; one after the other would take
/// 1.2 s` into `(0.6, 0.6, 1.2)`.
fn parse_summary(line: &str) -> Option<(f64, f64, f64)> {
    let rest = line.strip_prefix("total ")?;
    let (total, rest) = rest.split_once(" s; the slowest thread alone takes ")?;
    let (slowest, rest) = rest.split_once(" s; one after the other would take ")?;
    let sum = rest.strip_suffix(" s")?;
    Some((
        total.parse().ok()?,
        slowest.parse().ok()?,
        sum.parse().ok()?,
    ))
}

/// Each thread prints its lines in order, the threads' lines are mixed together, and the
/// summary names the slowest thread and the three in a row.
///
/// Delays here are 0.05, 0.1 and 0.15 s, six times each: the slowest thread needs 0.9 s,
/// the three in a row 1.8 s. No wall-clock bound is asserted: the overlap is read from
/// the order of the lines. Had the threads run one after another, every line of Thread-1
/// would come before the first of Thread-3; running at once, Thread-3 prints its first
/// line (at 0.15 s) while Thread-1 still has lines to print (until 0.3 s).
#[test]
fn threads_overlap_while_they_sleep() {
    let (stdout, drawn) = testing::run_drawing_timeline(
        env!("CARGO_BIN_EXE_three_workers"),
        &["--scale", "0.1", "--count", "6"],
    );
    let lines: Vec<&str> = stdout.lines().collect();

    // Every thread: lines 1/6 … 6/6, in that order, at times that never go back.
    let mut by_thread: BTreeMap<&str, Vec<(usize, u32, f64)>> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some((name, counter, n, seconds)) = parse(line) {
            assert_eq!(n, 6, "{line}");
            by_thread
                .entry(name)
                .or_default()
                .push((index, counter, seconds));
        }
    }
    assert_eq!(
        by_thread.keys().copied().collect::<Vec<_>>(),
        ["Thread-1", "Thread-2", "Thread-3"],
        "{stdout}"
    );
    for (name, printed) in &by_thread {
        let counters: Vec<u32> = printed.iter().map(|&(_, counter, _)| counter).collect();
        assert_eq!(counters, [1, 2, 3, 4, 5, 6], "{name}: {stdout}");
        assert!(
            printed.windows(2).all(|w| w[0].2 <= w[1].2),
            "{name}: {stdout}"
        );
    }

    // Interleaved: every thread has started printing before the slowest one finishes.
    let slowest_last = by_thread["Thread-3"].last().unwrap().0;
    for (name, printed) in &by_thread {
        assert!(
            printed[0].0 < slowest_last,
            "{name} waited for Thread-3: {stdout}"
        );
    }

    // Overlap: the slowest thread starts printing before the fastest one has finished.
    let slowest_first = by_thread["Thread-3"][0].0;
    let fastest_last = by_thread["Thread-1"].last().unwrap().0;
    assert!(
        slowest_first < fastest_last,
        "Thread-3 waited for Thread-1 to finish: {stdout}"
    );

    // The summary: the slowest thread alone, and the three in a row.
    let (_total, slowest, one_after_another) = lines
        .iter()
        .find_map(|line| parse_summary(line))
        .expect(&stdout);
    assert_eq!((slowest, one_after_another), (0.9, 1.8), "{stdout}");

    // The timeline: one row per thread.
    for name in ["Thread-1", "Thread-2", "Thread-3"] {
        assert!(drawn.contains(name), "no row for {name}");
    }
}

/// At scale 1 and the default count, the summary promises the slide's figures. The run is
/// not timed here: this only checks the arithmetic of the promise, with `--count 1` to
/// keep it short (1.5 s).
#[test]
fn summary_names_the_slowest_thread_and_the_sum() {
    let ran = run(&["--scale", "1", "--count", "1"]);
    let stdout = &ran.success().stdout;
    let summary = stdout.lines().last().expect(stdout);
    let (_, slowest, one_after_another) = parse_summary(summary).expect(stdout);
    assert_eq!((slowest, one_after_another), (1.5, 3.0), "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--count", "0"][..],
        &["--scale", "0"],
        &["--scale", "-1"],
        &["--scale", "nan"],
        &["--scale", "11"],
        &["--workers", "3"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
