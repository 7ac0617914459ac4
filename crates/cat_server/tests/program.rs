//! The cat server as a program: `cargo run -p cat_server -- …`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::testing;

const PROGRAM: &str = env!("CARGO_BIN_EXE_cat_server");

/// Invalid flag values are rejected with exit code 2, before anything starts.
#[test]
fn bad_values_exit_with_code_2() {
    for args in [
        &["--port", "70000"][..],
        &["--port", "eighty"],
        &["--delay-ms", "-5"],
        &["--cats", "0"],
        &["--seconds", "0"],
        &["--no-such-flag"],
    ] {
        let ran = testing::run(PROGRAM, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {ran:?}");
        assert!(!ran.stderr.is_empty(), "{args:?}: no explanation");
    }
}

/// The program prints its address and routes, serves pages, and on Ctrl-C (SIGINT)
/// stops gracefully with a summary.
#[cfg(unix)]
#[test]
fn serves_until_ctrl_c() {
    let mut server = Server(
        Command::new(PROGRAM)
            .args(["--port", "0", "--delay-ms", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut server.0;
    let lines = read_lines_in_background(child);

    let first = lines
        .recv_timeout(Duration::from_secs(20))
        .expect("a first line");
    let base = first
        .strip_prefix("cat server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(!base.ends_with(":0"), "the chosen port is printed, not 0");

    let html = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .get(format!("{base}/pages/2"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(html.contains("<title>Cat page 2</title>"), "{html}");

    // `kill -INT` is what Ctrl-C in a terminal sends.
    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let exit = wait_with_limit(child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");

    let rest: Vec<String> = lines.iter().collect();
    let summary = rest.iter().find(|line| line.starts_with("stopped after"));
    assert!(
        summary.is_some_and(|line| line.contains("1 pages")),
        "{rest:?}"
    );
}

/// With `--seconds`, the program stops by itself (a demo script can run it unattended)
/// and still prints its summary.
#[test]
fn seconds_stops_it_by_itself() {
    let (code, stdout) = testing::run_within(PROGRAM, &["--seconds", "1"], Duration::from_secs(20));
    assert_eq!(code, Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.contains(&"serving for 1 s; press Ctrl-C to stop sooner"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("stopped after 0 requests")),
        "{lines:?}"
    );
}

/// The server process, killed if the test fails before it could stop it properly.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Stdout lines arrive on a channel, so that the test can wait with a time limit.
fn read_lines_in_background(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits for the child to exit; kills it and fails the test if it takes too long.
fn wait_with_limit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the cat server did not stop within {limit:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}
