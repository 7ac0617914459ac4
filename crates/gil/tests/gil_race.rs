//! The exercise solution `gil_race`: a tick between load and store loses updates, and
//! only then; the one-bytecode increment and the locked one lose none.
//!
//!     cargo build -p gil --examples && cargo test -p gil --test gil_race

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Cargo gives tests the path of the package's programs but not of its examples;
/// `cargo test` builds the examples next to the programs, in `examples/`.
fn gil_race_binary() -> PathBuf {
    let programs = Path::new(env!("CARGO_BIN_EXE_gil_io"))
        .parent()
        .expect("target directory");
    let path = programs.join("examples").join("gil_race");
    assert!(
        path.exists(),
        "{} is missing: `cargo test -p gil` builds it (a `--test` filter alone does not; \
         run `cargo build -p gil --examples` first)",
        path.display()
    );
    path
}

/// Runs the example; a run that has not ended within a minute (a deadlock between the GIL
/// and the lock, say) fails the test and is killed instead of hanging it.
fn run(args: &[&str]) -> Output {
    let child = Command::new(gil_race_binary())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gil_race");
    let pid = child.id().to_string();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || done.send(child.wait_with_output()));
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("wait for gil_race"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("gil_race {args:?} did not finish within 60 s");
        }
    }
}

/// One variant's result line.
#[derive(Debug)]
struct Counted {
    expected: u64,
    got: u64,
    lost: u64,
    switches: u64,
    forced: u64,
}

/// `  expected 400000, got 212345: 187655 lost; the GIL changed hands 14 times, 12 forced
/// while counting`.
fn parse(line: &str) -> Option<Counted> {
    let rest = line.trim().strip_prefix("expected ")?;
    let (expected, rest) = rest.split_once(", got ")?;
    let (got, rest) = rest.split_once(": ")?;
    let (lost, rest) = rest.split_once(" lost; the GIL changed hands ")?;
    let (switches, rest) = rest.split_once(" times, ")?;
    let forced = rest.strip_suffix(" forced while counting")?;
    Some(Counted {
        expected: expected.parse().ok()?,
        got: got.parse().ok()?,
        lost: lost.parse().ok()?,
        switches: switches.parse().ok()?,
        forced: forced.parse().ok()?,
    })
}

/// The three variants' results, in order: three bytecodes, one bytecode, with a lock.
fn results(args: &[&str]) -> (Vec<Counted>, String) {
    let out = run(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    let counted: Vec<Counted> = stdout.lines().filter_map(parse).collect();
    assert_eq!(counted.len(), 3, "{stdout}");
    (counted, stdout)
}

/// Updates are lost if and only if a switch was forced while the racy run counted: one
/// can only come at the tick between a load and its store, and then two increments read
/// the same value, so at most one of them counts. The other two never lose one.
#[test]
fn only_the_racy_increment_loses_updates_and_only_at_forced_switches() {
    for threads in ["2", "3"] {
        let (counted, stdout) = results(&["--threads", threads, "--increments", "200000"]);
        let expected = threads.parse::<u64>().unwrap() * 200_000;
        for c in &counted {
            assert_eq!(c.expected, expected, "{stdout}");
            assert_eq!(c.expected - c.got, c.lost, "{stdout}");
            assert!(c.forced <= c.switches, "{stdout}");
        }
        let racy = &counted[0];
        assert_eq!(racy.lost > 0, racy.forced > 0, "{stdout}");
        assert_eq!(counted[1].got, expected, "one bytecode: {stdout}");
        assert_eq!(counted[2].got, expected, "with a lock: {stdout}");
    }
}

/// One thread alone never has the GIL taken away: nothing is forced, nothing lost.
#[test]
fn one_thread_loses_nothing() {
    let (counted, stdout) = results(&["--threads", "1", "--increments", "50000"]);
    for c in &counted {
        assert_eq!(
            (c.got, c.lost, c.forced, c.switches),
            (50_000, 0, 0, 1),
            "{stdout}"
        );
    }
}

#[test]
fn help_works_and_nonsense_flags_exit_2() {
    assert!(run(&["--help"]).status.success());
    for args in [
        &["--threads", "0"][..],
        &["--increments", "0"],
        &["--switch-interval", "0ms"],
        &["--switch-interval", "soon"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
