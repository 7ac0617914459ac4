//! Runs `pipe_worker`: the dialogue with a child process over ipc-channel, and the
//! round-trip latency comparison behind `--bench`.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipe_worker"))
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

/// Ten commands, each received by the child before the parent prints the reply, in
/// order; then `quit`; and the worker is another process.
#[test]
fn ten_commands_then_quit_with_a_child_process() {
    let out = run(&["--delay-ms", "0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let (parent, worker) = pids(lines[0]);
    assert_ne!(parent, worker, "{stdout}");

    let mut expected = Vec::new();
    for i in 0..10 {
        expected.push(format!("Worker received command {i}"));
        expected.push(format!("Worker accepted command {i}"));
    }
    expected.push("Worker received quit".to_string());
    assert_eq!(lines[1..22], expected, "{stdout}");
    assert!(lines[22].starts_with("10 commands answered"), "{stdout}");
    assert_eq!(lines.len(), 23, "{stdout}");
}

/// `--commands` changes the length of the dialogue.
#[test]
fn commands_flag_sets_the_number_of_commands() {
    let out = run(&["--commands", "3", "--delay-ms", "0"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let accepted = stdout.lines().filter(|l| l.contains(" accepted ")).count();
    assert_eq!(accepted, 3, "{stdout}");
}

/// A short `--bench --json`: every transport, unpinned and pinned, and every echo checked.
#[test]
fn bench_rows_are_all_checked() {
    let out = run(&["--bench", "--json", "--round-trips", "100"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect(line))
        .collect();
    assert_eq!(rows.len(), 6, "{stdout}");
    for row in &rows {
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(row["round_trips"], 100, "{row}");
        assert!(row["median_us"].as_f64().unwrap() > 0.0, "{row}");
        assert!(row["p99_us"].as_f64() >= row["median_us"].as_f64(), "{row}");
    }
    for transport in ["ipc-channel", "OS pipe", "crossbeam"] {
        for pinning in ["unpinned", "pinned to CPU"] {
            let found = rows.iter().any(|row| {
                row["variant"].as_str().unwrap().starts_with(transport)
                    && row["workload"].as_str().unwrap().contains(pinning)
            });
            assert!(found, "no {transport} row {pinning}: {stdout}");
        }
    }
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--commands", "0"][..],
        &["--commands", "ten"],
        &["--delay-ms", "-5"],
        &["--json"], // only means something with --bench
        &["--bench", "--round-trips", "0"],
        &["--round-trips", "50"], // likewise
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
