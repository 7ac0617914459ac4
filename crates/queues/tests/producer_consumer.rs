//! Runs `producer_consumer`: producers put jobs into one queue, consumers take them, and
//! `q.join()` waits for every `task_done()` before `Done`; each job's four lines are the
//! Python slides' (`Starting producing`, `Produced`, `Starting consuming`, `Consumed`).

use std::collections::BTreeMap;

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_producer_consumer"), args)
}

/// The four lines of a job, in the order they must come.
const STEPS: [&str; 4] = [
    "Starting producing",
    "Produced",
    "Starting consuming",
    "Consumed",
];

/// One of the four lines of a job, as `(step, thread number, (producer, job))`, the step
/// an index into [`STEPS`]: `Producer-2 thread: Produced 7` is `(1, 2, (2, 7))`, and
/// `Consumer-3 thread: Consumed 7 from Producer-2` is `(3, 3, (2, 7))`. Every piece of the
/// line is checked, so that a line with another thread's words in it is no step.
fn parse(line: &str) -> Option<(usize, u32, (u32, u32))> {
    let (thread, rest) = line.split_once(" thread: ")?;
    let (kind, number) = thread.split_once('-')?;
    let number: u32 = number.parse().ok()?;
    let (step, job) = STEPS
        .iter()
        .enumerate()
        .find_map(|(step, words)| Some((step, rest.strip_prefix(words)?.strip_prefix(' ')?)))?;
    match kind {
        "Producer" if step < 2 => Some((step, number, (number, job.parse().ok()?))),
        "Consumer" if step >= 2 => {
            let (job, producer) = job.split_once(" from Producer-")?;
            Some((step, number, (producer.parse().ok()?, job.parse().ok()?)))
        }
        _ => None,
    }
}

/// Where a step was printed (its line's index) and by which thread (its number).
type Seen = (usize, u32);

/// Checks one run with `producers × jobs` jobs and `consumers` consumers: each of the four
/// lines of every job printed exactly once (so every job put once and consumed exactly
/// once), in the order of [`STEPS`], consumed by one known consumer, and `Done` last, with
/// no consumer line after it.
fn check_run(args: &[&str], producers: u32, jobs: u32, consumers: u32) {
    let ran = run(args);
    let stdout = &ran.success().stdout;
    let lines = ran.lines();

    // For each job, where each of its steps was printed and by which thread.
    let mut steps: BTreeMap<(u32, u32), [Option<Seen>; 4]> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some((step, thread, job)) = parse(line) {
            if step >= 2 {
                assert!((1..=consumers).contains(&thread), "{line}");
            }
            let seen = &mut steps.entry(job).or_default()[step];
            assert!(seen.is_none(), "{job:?}: {} twice: {stdout}", STEPS[step]);
            *seen = Some((index, thread));
        }
    }
    let expected: Vec<(u32, u32)> = (1..=producers)
        .flat_map(|p| (0..jobs).map(move |j| (p, j)))
        .collect();
    assert_eq!(
        steps.keys().copied().collect::<Vec<_>>(),
        expected,
        "{stdout}"
    );
    let mut consumed_at = Vec::new();
    for (job, seen) in &steps {
        let seen: Vec<Seen> = seen
            .iter()
            .enumerate()
            .map(|(step, seen)| {
                seen.unwrap_or_else(|| panic!("{job:?}: no {}: {stdout}", STEPS[step]))
            })
            .collect();
        assert!(
            seen.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "{job:?}: its four lines out of order: {stdout}"
        );
        assert_eq!(seen[2].1, seen[3].1, "{job:?}: two consumers: {stdout}");
        consumed_at.push(seen[3].0);
    }

    // `Done` is the last line; every job was consumed before it.
    assert_eq!(lines.last(), Some(&"Done"), "{stdout}");
    let done = lines.len() - 1;
    assert!(consumed_at.iter().all(|&index| index < done), "{stdout}");
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

/// The Python slides' shape: 4 producers × 10 jobs, 3 consumers.
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
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
