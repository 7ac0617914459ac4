//! Runs the real program, piped (not a terminal), and checks its transcript.

use common::term::frames_in_report;
use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_spinner_async_std");

/// The same transcript as the tokio spinner: spinner object, one plain frame, Answer: 42,
/// and a spinner that kept drawing while `slow()` awaited.
#[test]
fn same_transcript_as_tokio() {
    let out = testing::run(BIN, &["--seconds", "1", "--interval-ms", "50"]);
    let stdout = &out.success().stdout;
    let lines = out.lines();
    assert!(lines[0].starts_with("spinner object: Task"), "{stdout}");
    assert_eq!(lines[1], r"\ thinking!");
    assert_eq!(lines[2], "Answer: 42");
    assert!(!stdout.contains('\r'), "{stdout:?}");
    let frames = frames_in_report(lines[3]).expect("a frames line");
    assert!((5..=21).contains(&frames), "{stdout}");
}

/// Nonsense flags are refused with exit code 2.
#[test]
fn bad_flags_are_refused() {
    let out = testing::run(BIN, &["--interval-ms", "-5"]);
    assert_eq!(out.code(), Some(2));
    assert!(out.stderr.contains("error"), "{}", out.stderr);
}
