//! Runs `copy_files`: worker threads copy real files from a job queue, printing under a
//! lock, in the Python course notebook's words.

use std::collections::BTreeMap;
use std::path::Path;

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_copy_files"), args)
}

/// `file_07.txt`, checking that the number is at least two digits and nothing else.
fn file_name(file: &str) -> Option<&str> {
    let number = file.strip_prefix("file_")?.strip_suffix(".txt")?;
    let well_formed = number.len() >= 2 && number.bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(file)
}

/// `Starting thread : Thread-2 (copying file_07.txt)` into `(2, "file_07.txt")`, checking
/// every piece of the line, so that a line with another thread's words in it fails.
fn parse_start(line: &str) -> Option<(u32, &str)> {
    let rest = line.strip_prefix("Starting thread : Thread-")?;
    let (thread, rest) = rest.split_once(" (copying ")?;
    let file = file_name(rest.strip_suffix(')')?)?;
    Some((thread.parse().ok()?, file))
}

/// `Finished thread : Thread-2 (copied file_07.txt, 12345 bytes)` into
/// `(2, "file_07.txt", 12345)`, checking every piece of the line.
fn parse_copy(line: &str) -> Option<(u32, &str, u64)> {
    let rest = line.strip_prefix("Finished thread : Thread-")?;
    let (thread, rest) = rest.split_once(" (copied ")?;
    let (file, rest) = rest.split_once(", ")?;
    let bytes = rest.strip_suffix(" bytes)")?;
    Some((thread.parse().ok()?, file_name(file)?, bytes.parse().ok()?))
}

/// `made 50 files (12345 bytes) in /tmp/…/from` into `(50, 12345, "/tmp/…/from")`.
fn parse_made(line: &str) -> Option<(u32, u64, &str)> {
    let rest = line.strip_prefix("made ")?;
    let (files, rest) = rest.split_once(" files (")?;
    let (bytes, dir) = rest.split_once(" bytes) in ")?;
    Some((files.parse().ok()?, bytes.parse().ok()?, dir))
}

/// `Execution time = 0.01234 (60 files, 8 threads)` into `(60, 8)`, checking that the
/// time has the notebook's five decimals.
fn parse_execution_time(line: &str) -> Option<(u32, u32)> {
    let rest = line.strip_prefix("Execution time = ")?;
    let (seconds, rest) = rest.split_once(" (")?;
    let (_, decimals) = seconds.split_once('.')?;
    (decimals.len() == 5 && seconds.parse::<f64>().is_ok()).then_some(())?;
    let (files, threads) = rest.strip_suffix(" threads)")?.split_once(" files, ")?;
    Some((files.parse().ok()?, threads.parse().ok()?))
}

/// Every file is started and copied exactly once, by one thread, its start before its
/// finish; the copies' sizes add up to what was made, the program reports every copy
/// identical, every line of output is one whole line of a known form, and the temp
/// directory is gone afterwards.
#[test]
fn every_file_copied_once_with_whole_lines() {
    let ran = run(&["--files", "60", "--workers", "8", "--size", "4096"]);
    let stdout = &ran.success().stdout;
    let lines = ran.lines();

    let (files, made_bytes, from) = parse_made(lines[0]).expect(stdout);
    assert_eq!(files, 60, "{stdout}");

    let mut started: BTreeMap<&str, (u32, usize)> = BTreeMap::new();
    let mut copied: BTreeMap<&str, u64> = BTreeMap::new();
    let mut last_copy = 0;
    for (index, line) in lines.iter().enumerate().skip(1) {
        if let Some((thread, file)) = parse_start(line) {
            assert!((1..=8).contains(&thread), "{line}");
            let first = started.insert(file, (thread, index));
            assert!(first.is_none(), "{file} started twice: {stdout}");
            last_copy = index;
        } else if let Some((thread, file, bytes)) = parse_copy(line) {
            assert!((1..=8).contains(&thread), "{line}");
            assert_eq!(
                started.get(file).map(|&(by, _)| by),
                Some(thread),
                "{file} finished before it started, or by another thread: {stdout}"
            );
            assert!(
                copied.insert(file, bytes).is_none(),
                "{file} twice: {stdout}"
            );
            last_copy = index;
        }
    }
    let expected: Vec<String> = (1..=60).map(|i| format!("file_{i:02}.txt")).collect();
    assert_eq!(
        started.keys().copied().collect::<Vec<_>>(),
        expected,
        "{stdout}"
    );
    assert_eq!(
        copied.keys().copied().collect::<Vec<_>>(),
        expected,
        "{stdout}"
    );
    assert_eq!(copied.values().sum::<u64>(), made_bytes, "{stdout}");
    for bytes in copied.values() {
        assert!((2048..=4096).contains(bytes), "{stdout}");
    }

    // After the copies, exactly these three lines: nothing torn, nothing extra.
    let tail = &lines[last_copy + 1..];
    assert_eq!(tail.len(), 3, "{stdout}");
    assert_eq!(parse_execution_time(tail[0]), Some((60, 8)), "{stdout}");
    assert_eq!(
        tail[1],
        "every copy checked against its source: 60 of 60 identical"
    );
    let scratch = Path::new(from)
        .parent()
        .expect("from is inside the scratch dir");
    assert_eq!(tail[2], format!("removed {}", scratch.display()));
    assert!(!scratch.exists(), "{} is still there", scratch.display());
    assert_eq!(lines.len(), 1 + 2 * 60 + 3, "{stdout}");
}

/// One worker copies everything; the file names widen past 99 files.
#[test]
fn one_worker_and_many_files() {
    let ran = run(&["--files", "120", "--workers", "1", "--size", "10"]);
    let stdout = &ran.success().stdout;
    let starts: Vec<_> = stdout.lines().filter_map(parse_start).collect();
    let copies: Vec<_> = stdout.lines().filter_map(parse_copy).collect();
    assert_eq!((starts.len(), copies.len()), (120, 120), "{stdout}");
    assert!(copies.iter().all(|&(thread, _, _)| thread == 1), "{stdout}");
    // A single worker takes the jobs in the order they were queued, and finishes each
    // before it starts the next.
    assert_eq!(copies[0].1, "file_001.txt");
    assert_eq!(copies[119].1, "file_120.txt");
    let lines = ran.lines();
    for pair in lines[1..=240].chunks(2) {
        let (start, finish) = (parse_start(pair[0]), parse_copy(pair[1]));
        assert_eq!(start.map(|s| s.1), finish.map(|f| f.1), "{stdout}");
    }
    assert!(stdout.contains("120 of 120 identical"), "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--workers", "0"][..],
        &["--files", "0"],
        &["--size", "0"],
        &["--size", "big"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
