//! Runs the real program, piped (not a terminal), and checks its transcript and the frames
//! the spinner drew in each mode.

use std::process::{Command, Output};

use common::term::frames_in_report;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spinner_async"))
        .args(args)
        .output()
        .expect("the program runs")
}

fn stdout_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn frames(stdout: &str) -> u64 {
    stdout
        .lines()
        .find_map(frames_in_report)
        .unwrap_or_else(|| panic!("no frames line in {stdout}"))
}

/// The seed's transcript: spinner object, one plain frame (no `\r` into a pipe), Answer: 42.
#[test]
fn sleep_mode_prints_the_seed_transcript() {
    let stdout = stdout_of(&run(&["--seconds", "1"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("spinner object: JoinHandle"),
        "{stdout}"
    );
    assert_eq!(lines[1], r"\ thinking!");
    assert_eq!(lines[2], "Answer: 42");
    assert!(!stdout.contains('\r'), "{stdout:?}");
    assert!((5..=11).contains(&frames(&stdout)), "{stdout}");
}

/// The CPU-bound check inside the task: the spinner never draws, not even once.
#[test]
fn blocking_freezes_the_spinner() {
    let stdout = stdout_of(&run(&["--blocking"]));
    assert!(stdout.contains("is prime"), "{stdout}");
    assert!(
        !stdout.contains("thinking!"),
        "not a single frame: {stdout}"
    );
    assert_eq!(frames(&stdout), 0, "{stdout}");
    assert!(stdout.contains("The spinner froze"), "{stdout}");
}

/// Moving the check to the blocking pool frees the runtime's thread: the spinner turns.
#[test]
fn spawn_blocking_restores_the_spinner() {
    let stdout = stdout_of(&run(&["--blocking", "--fix", "spawn-blocking"]));
    assert!(stdout.contains("is prime"), "{stdout}");
    assert!(frames(&stdout) >= 5, "{stdout}");
}

/// Yielding between slices of the check lets the spinner task run between them.
#[test]
fn yield_now_restores_the_spinner() {
    let stdout = stdout_of(&run(&["--blocking", "--fix", "yield-now"]));
    assert!(stdout.contains("is prime"), "{stdout}");
    assert!(frames(&stdout) >= 5, "{stdout}");
}

/// The cost comparison checks its answers and counts the yields of each row.
#[test]
fn compare_reports_every_row_checked() {
    // 1_000_000_007 is prime: about 15 800 divisions, quick even in a debug build.
    let stdout = stdout_of(&run(&["--compare", "--json", "--prime", "1000000007"]));
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 6, "{stdout}");
    assert!(rows.iter().all(|r| r["ok"] == true), "{stdout}");
    assert_eq!(rows[0]["yields"], 0);
    // Every 100 divisions out of ~15 800: about 158 yields.
    let last = rows[5]["yields"].as_u64().unwrap();
    assert!((150..=160).contains(&last), "{stdout}");
}

/// Nonsense flags are refused with exit code 2 and a message, never a panic.
#[test]
fn bad_flags_are_refused() {
    let cases: [&[&str]; 5] = [
        &["--fix", "yield-now"],
        &["--blocking", "--fix", "sideways"],
        &["--blocking", "--yield-every", "0"],
        &["--prime", "1"],
        &["--seconds", "0"],
    ];
    for args in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("error"), "{stderr}");
    }
}
