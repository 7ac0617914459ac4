//! Runs the real program, piped (not a terminal), and checks its transcript and the frames
//! the spinner drew in each mode.

use common::term::frames_in_report;
use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_spinner_async"), args)
}

fn stdout_of(out: &Ran) -> String {
    out.success().stdout.clone()
}

fn frames(stdout: &str) -> u64 {
    stdout
        .lines()
        .find_map(frames_in_report)
        .unwrap_or_else(|| panic!("no frames line in {stdout}"))
}

/// Fluent Python's transcript: spinner object, one plain frame (no `\r` into a pipe), Answer: 42.
#[test]
fn sleep_mode_prints_the_fluent_python_transcript() {
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
        assert_eq!(out.code(), Some(2), "{args:?}");
        assert!(out.stderr.contains("error"), "{}", out.stderr);
    }
}
