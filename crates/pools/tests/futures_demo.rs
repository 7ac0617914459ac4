//! Runs `futures_demo`: a handle is not done, then done, then gives its value — with our
//! pool and with rayon.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_futures_demo"))
        .args(args)
        .output()
        .expect("the program runs")
}

/// The whole transcript, for a given message.
fn expected(message: &str) -> String {
    let one = format!("done? false\ndone? true\nresult: {message}\n");
    format!("-- our ThreadPool --\n{one}-- rayon --\n{one}")
}

/// The seed's sequence, exactly: not done, done, the value.
#[test]
fn not_done_then_done_then_the_value() {
    let out = run(&["--seconds", "0.2"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected("hello"));
}

/// With no delay at all the first answer is still `false`: the job waits for the go-ahead.
#[test]
fn no_delay_is_still_not_done_at_first() {
    for _ in 0..5 {
        let out = run(&["--seconds", "0", "--message", "bonjour"]);
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected("bonjour"));
    }
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--seconds", "-1"][..],
        &["--seconds", "61"],
        &["--seconds", "soon"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
