//! Runs `send_objects`: a typed list crosses to a child process and back.

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_send_objects");

/// The text after `prefix` on the line that starts with it.
fn after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{stdout}"))
        .trim()
}

/// Runs the program and checks the round trip: what the child received and what came
/// back are both what was sent, and the child is another process.
fn check_round_trip(args: &[&str], debug: &str, python: &str) {
    let ran = testing::run(BIN, args);
    ran.success();
    let stdout = &ran.stdout;
    let sent = after(stdout, "parent sends:");
    assert_eq!(sent, debug);
    let (child_pid, received) = after(stdout, "child (pid ")
        .split_once(") received:")
        .unwrap();
    assert_eq!(received.trim(), sent, "{stdout}");
    assert_eq!(after(stdout, "parent receives:"), sent, "{stdout}");
    assert!(stdout.lines().any(|line| line == python), "{stdout}");

    let parent_pid = after(stdout, "parent pid ").split(',').next().unwrap();
    assert_eq!(
        after(stdout, &format!("parent pid {parent_pid}, child pid ")),
        child_pid
    );
    assert_ne!(parent_pid, child_pid, "{stdout}");
}

/// The Python original's `[42, None, 'hello']`.
#[test]
fn the_python_list_comes_back_equal() {
    check_round_trip(
        &[],
        r#"[Int(42), None, Str("hello")]"#,
        "[42, None, 'hello']",
    );
}

/// Other values travel the same way, a negative number and a quote included.
#[test]
fn other_values_come_back_equal() {
    check_round_trip(
        &["--number", "-7", "--text", "it's typed"],
        r#"[Int(-7), None, Str("it's typed")]"#,
        r#"[-7, None, "it's typed"]"#,
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [&["--number", "1.5"][..], &["--number", "lots"], &["--text"]] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
