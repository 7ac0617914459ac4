//! Runs the real program, piped (not a terminal): the spinner is another process, it is
//! stopped by a message, and it dies with its parent.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::term::frames_in_report;
use common::testing;

/// The transcript: a child with its own pid, one plain frame, Answer: 42, and the frames
/// the child reported back over its channel when the parent's `Stop` arrived.
#[test]
fn spinner_runs_in_a_child_process() {
    let out = testing::run(
        env!("CARGO_BIN_EXE_spinner_proc"),
        &["--seconds", "1", "--interval-ms", "50"],
    );
    let stdout = &out.success().stdout;
    let lines = out.lines();
    let (child, parent) = pids(lines[0]);
    assert_ne!(child, parent, "{stdout}");
    assert_eq!(lines[1], r"\ thinking!", "printed by the child");
    assert_eq!(lines[2], "Answer: 42");
    assert!(!stdout.contains('\r'), "{stdout:?}");
    let frames = frames_in_report(lines[3]).expect("a frames line");
    assert!((5..=21).contains(&frames), "{stdout}");
}

/// Kill the parent with SIGKILL (no chance to clean up): the child goes within a second.
#[test]
fn child_dies_with_its_parent() {
    let mut parent = Command::new(env!("CARGO_BIN_EXE_spinner_proc"))
        .args(["--seconds", "30"])
        .stdout(Stdio::piped())
        // The orphaned spinner's last write fails with a broken pipe, as it should: keep
        // its complaint out of a green run.
        .stderr(Stdio::null())
        .spawn()
        .expect("the program runs");
    let mut first = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let (child, _) = pids(&first);
    assert!(common::testing::is_alive(child), "the spinner process runs");
    parent.kill().unwrap();
    parent.wait().unwrap();
    let killed = Instant::now();
    while common::testing::is_alive(child) {
        assert!(
            killed.elapsed() < Duration::from_secs(1),
            "orphan spinner {child}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads `spinner object: Child { role: "spinner", pid: 12, parent: 11 }` into (12, 11).
fn pids(line: &str) -> (u32, u32) {
    assert!(line.starts_with("spinner object: Child"), "{line}");
    let (pids, parents) = (
        testing::numbers_after(line, "pid"),
        testing::numbers_after(line, "parent"),
    );
    assert_eq!((pids.len(), parents.len()), (1, 1), "{line}");
    (pids[0], parents[0])
}
