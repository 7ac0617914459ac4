//! Runs `pipe_raw`: the worker dialogue over the child's stdin and stdout.

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_pipe_raw");

/// Ten replies in order on the parent's stdout; the child's own lines on stderr (its
/// stdout is the pipe), ending with `quit`; the child is another process and exits 0.
#[test]
fn ten_commands_then_quit_over_stdin_and_stdout() {
    let ran = testing::run(BIN, &["--delay-ms", "0"]);
    ran.success();
    let (stdout, stderr) = (&ran.stdout, &ran.stderr);
    let lines = ran.lines();
    let pids = testing::numbers_after(lines[0], "pid");
    assert_eq!(pids.len(), 2, "{stdout}");
    assert_ne!(pids[0], pids[1], "{stdout}");

    let accepted: Vec<String> = (0..10)
        .map(|i| format!("parent: Worker accepted command {i}"))
        .collect();
    assert_eq!(lines[1..11], accepted, "{stdout}");
    assert!(
        lines[11].ends_with("the worker exited with exit code 0"),
        "{stdout}"
    );

    let mut received: Vec<String> = (0..10)
        .map(|i| format!("child:  Worker received command {i}"))
        .collect();
    received.push("child:  Worker received quit".to_string());
    assert_eq!(stderr.lines().collect::<Vec<_>>(), received, "{stderr}");
}

/// A worker that leaves after three replies is reported as such: exit code 1, no hang.
#[test]
fn a_worker_that_closes_early_is_reported() {
    let ran = testing::run(BIN, &["--delay-ms", "0", "--worker-stops-after", "3"]);
    assert_eq!(ran.code(), Some(1));
    let accepted = ran
        .lines()
        .iter()
        .filter(|l| l.contains(" accepted "))
        .count();
    assert_eq!(accepted, 3, "{}", ran.stdout);
    let stderr = &ran.stderr;
    assert!(
        stderr.contains("closed its end of the pipe after 3 replies"),
        "{stderr}"
    );
    assert!(
        stderr.contains(r#"before answering "command 3""#),
        "{stderr}"
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--commands", "many"][..],
        &["--delay-ms", "-1"],
        &["--worker-stops-after", "x"],
    ] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
