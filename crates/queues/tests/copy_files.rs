//! Runs `copy_files`: worker threads copy real files from a job queue, printing under a
//! lock.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copy_files"))
        .args(args)
        .output()
        .expect("the program runs")
}

/// `Thread-2 copied file_07.txt (12345 bytes)` into `(2, "file_07.txt", 12345)`, checking
/// every piece of the line, so that a line with another thread's words in it fails.
fn parse_copy(line: &str) -> Option<(u32, &str, u64)> {
    let rest = line.strip_prefix("Thread-")?;
    let (thread, rest) = rest.split_once(" copied ")?;
    let (file, rest) = rest.split_once(" (")?;
    let bytes = rest.strip_suffix(" bytes)")?;
    let number = file.strip_prefix("file_")?.strip_suffix(".txt")?;
    let well_formed = number.len() >= 2 && number.bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(())?;
    Some((thread.parse().ok()?, file, bytes.parse().ok()?))
}

/// `made 50 files (12345 bytes) in /tmp/…/from` into `(50, 12345, "/tmp/…/from")`.
fn parse_made(line: &str) -> Option<(u32, u64, &str)> {
    let rest = line.strip_prefix("made ")?;
    let (files, rest) = rest.split_once(" files (")?;
    let (bytes, dir) = rest.split_once(" bytes) in ")?;
    Some((files.parse().ok()?, bytes.parse().ok()?, dir))
}

/// Every file is copied exactly once, the copies' sizes add up to what was made, the
/// program reports every copy identical, every line of output is one whole line of a
/// known form, and the temp directory is gone afterwards.
#[test]
fn every_file_copied_once_with_whole_lines() {
    let out = run(&["--files", "60", "--workers", "8", "--size", "4096"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();

    let (files, made_bytes, from) = parse_made(lines[0]).expect(&stdout);
    assert_eq!(files, 60, "{stdout}");

    let mut copied: BTreeMap<&str, u64> = BTreeMap::new();
    let mut last_copy = 0;
    for (index, line) in lines.iter().enumerate().skip(1) {
        if let Some((thread, file, bytes)) = parse_copy(line) {
            assert!((1..=8).contains(&thread), "{line}");
            assert!(
                copied.insert(file, bytes).is_none(),
                "{file} twice: {stdout}"
            );
            last_copy = index;
        }
    }
    let expected: Vec<String> = (1..=60).map(|i| format!("file_{i:02}.txt")).collect();
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
    assert!(
        tail[0].starts_with("60 files copied by 8 threads in "),
        "{stdout}"
    );
    assert_eq!(
        tail[1],
        "every copy checked against its source: 60 of 60 identical"
    );
    let scratch = Path::new(from)
        .parent()
        .expect("from is inside the scratch dir");
    assert_eq!(tail[2], format!("removed {}", scratch.display()));
    assert!(!scratch.exists(), "{} is still there", scratch.display());
    assert_eq!(lines.len(), 1 + 60 + 3, "{stdout}");
}

/// One worker copies everything; the file names widen past 99 files.
#[test]
fn one_worker_and_many_files() {
    let out = run(&["--files", "120", "--workers", "1", "--size", "10"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let copies: Vec<_> = stdout.lines().filter_map(parse_copy).collect();
    assert_eq!(copies.len(), 120, "{stdout}");
    assert!(copies.iter().all(|&(thread, _, _)| thread == 1), "{stdout}");
    // A single worker takes the jobs in the order they were queued.
    assert_eq!(copies[0].1, "file_001.txt");
    assert_eq!(copies[119].1, "file_120.txt");
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
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
