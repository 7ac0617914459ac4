//! Runs `pipe_raw`: the worker dialogue over the child's stdin and stdout.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipe_raw"))
        .args(args)
        .output()
        .expect("the program runs")
}

/// Reads `parent pid 11, worker pid 12 (…)` into `(11, 12)`.
fn pids(line: &str) -> (u32, u32) {
    let rest = line.strip_prefix("parent pid ").expect(line);
    let (parent, rest) = rest.split_once(", worker pid ").expect(line);
    let worker = rest.split_whitespace().next().expect(line);
    (parent.parse().unwrap(), worker.parse().unwrap())
}

/// Ten replies in order on the parent's stdout; the child's own lines on stderr (its
/// stdout is the pipe), ending with `quit`; the child is another process and exits 0.
#[test]
fn ten_commands_then_quit_over_stdin_and_stdout() {
    let out = run(&["--delay-ms", "0"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let (parent, worker) = pids(lines[0]);
    assert_ne!(parent, worker, "{stdout}");

    let accepted: Vec<String> = (0..10)
        .map(|i| format!("Worker accepted command {i}"))
        .collect();
    assert_eq!(lines[1..11], accepted, "{stdout}");
    assert!(
        lines[11].ends_with("the worker exited with exit code 0"),
        "{stdout}"
    );

    let mut received: Vec<String> = (0..10)
        .map(|i| format!("Worker received command {i}"))
        .collect();
    received.push("Worker received quit".to_string());
    assert_eq!(stderr.lines().collect::<Vec<_>>(), received, "{stderr}");
}

/// A worker that leaves after three replies is reported as such: exit code 1, no hang.
#[test]
fn a_worker_that_closes_early_is_reported() {
    let out = run(&["--delay-ms", "0", "--worker-stops-after", "3"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let accepted = stdout.lines().filter(|l| l.contains(" accepted ")).count();
    assert_eq!(accepted, 3, "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
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
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
