//! Runs `futures_demo`: a handle is not done, then done, then gives its value — with our
//! pool and with rayon.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_futures_demo"), args)
}

/// The whole transcript, for a given message.
fn expected(message: &str) -> String {
    let one = format!("done? false\ndone? true\nresult: {message}\n");
    format!("-- our ThreadPool --\n{one}-- rayon --\n{one}")
}

/// The notebook's sequence, exactly: not done, done, the value.
#[test]
fn not_done_then_done_then_the_value() {
    let out = run(&["--seconds", "0.2"]);
    assert_eq!(out.success().stdout, expected("hello"));
}

/// With no delay at all the first answer is still `false`: the job waits for the go-ahead.
#[test]
fn no_delay_is_still_not_done_at_first() {
    for _ in 0..5 {
        let out = run(&["--seconds", "0", "--message", "bonjour"]);
        assert_eq!(out.success().stdout, expected("bonjour"));
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
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
