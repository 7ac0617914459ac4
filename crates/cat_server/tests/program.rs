//! The cat server as a program: `cargo run -p cat_server -- …`.

use std::time::Duration;

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
    let server = testing::Running::start(PROGRAM, &["--port", "0", "--delay-ms", "0"]);
    let first = server.next_line();
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

    server.interrupt();
    let (exit, rest) = server.wait(Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
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
