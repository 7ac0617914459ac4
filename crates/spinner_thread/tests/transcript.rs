//! Runs the real program, piped (not a terminal), and checks its transcript.

use common::term::frames_in_report;
use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_spinner_thread"), args)
}

/// Fluent Python's transcript, without `\r` frames, and a spinner that kept drawing while the
/// main thread was blocked.
#[test]
fn spinner_draws_while_main_thread_blocks() {
    let out = run(&["--seconds", "1", "--interval-ms", "50"]);
    let stdout = &out.success().stdout;
    let lines = out.lines();
    assert!(lines[0].starts_with("spinner object: Thread {"), "{stdout}");
    assert!(
        lines[0].contains("\"spinner\""),
        "the thread is named: {stdout}"
    );
    assert_eq!(lines[1], r"\ thinking!", "one plain line, the first frame");
    assert_eq!(lines[2], "Answer: 42");
    assert!(
        !stdout.contains('\r'),
        "no animation into a pipe: {stdout:?}"
    );
    // 1 s at one frame per 50 ms is about 20 frames; a loaded machine draws fewer, but a
    // spinner that did not run alongside the blocked main thread would draw only one.
    let frames = frames_in_report(lines[3]).expect("a frames line");
    assert!((5..=21).contains(&frames), "{}", lines[3]);
}

/// Nonsense flags are refused with exit code 2 and a message, never a panic.
#[test]
fn bad_flags_are_refused() {
    for args in [
        ["--seconds", "0"],
        ["--seconds", "-1"],
        ["--interval-ms", "0"],
    ] {
        let out = run(&args);
        assert_eq!(out.code(), Some(2), "{args:?}");
        let stderr = &out.stderr;
        assert!(stderr.contains("error"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
