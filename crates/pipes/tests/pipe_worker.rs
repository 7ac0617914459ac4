//! Runs `pipe_worker`: the dialogue with a child process over ipc-channel, each line
//! labelled by the process that prints it.

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_pipe_worker");

/// Ten commands, each received by the child before the parent prints the reply, in
/// order; then `quit`; and the worker is another process.
#[test]
fn ten_commands_then_quit_with_a_child_process() {
    let ran = testing::run(BIN, &["--delay-ms", "0"]);
    ran.success();
    let lines = ran.lines();
    let stdout = &ran.stdout;
    assert!(lines[0].starts_with("parent: pid "), "{stdout}");
    let pids = testing::numbers_after(lines[0], "pid");
    assert_eq!(pids.len(), 2, "{stdout}");
    assert_ne!(pids[0], pids[1], "{stdout}");

    let mut expected = Vec::new();
    for i in 0..10 {
        expected.push(format!("child:  Worker received command {i}"));
        expected.push(format!("parent: Worker accepted command {i}"));
    }
    expected.push("child:  Worker received quit".to_string());
    assert_eq!(lines[1..22], expected, "{stdout}");
    assert!(
        lines[22].starts_with("parent: 10 commands answered"),
        "{stdout}"
    );
    assert_eq!(lines.len(), 23, "{stdout}");
}

/// `--commands` changes the length of the dialogue.
#[test]
fn commands_flag_sets_the_number_of_commands() {
    let ran = testing::run(BIN, &["--commands", "3", "--delay-ms", "0"]);
    ran.success();
    let accepted = ran
        .lines()
        .iter()
        .filter(|l| l.contains(" accepted "))
        .count();
    assert_eq!(accepted, 3, "{}", ran.stdout);
}

/// Nonsense flags are refused by clap with exit code 2, and so are the flags of the
/// latency benchmark, which is `pipe_latency` now.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--commands", "0"][..],
        &["--commands", "ten"],
        &["--delay-ms", "-5"],
        &["--json"],
        &["--bench", "--round-trips", "0"],
        &["--round-trips", "50"],
    ] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
