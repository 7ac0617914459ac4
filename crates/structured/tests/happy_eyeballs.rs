//! The exercise solution `happy_eyeballs`: attempts start 250 ms apart or as soon as one
//! fails, the first to connect cancels the rest, and with no winner every failure is
//! reported.
//!
//!     cargo build -p structured --examples && cargo test -p structured --test happy_eyeballs

use std::time::Duration;

use common::testing;

/// The winner connects while a hung attempt and a later one are cancelled mid-connect;
/// a refusal starts the next attempt at once; when all refuse, all four errors come back.
/// The example runs on tokio's paused clock, so every time it prints is exact.
#[test]
fn the_first_to_connect_cancels_the_rest_and_every_failure_is_kept() {
    let example = testing::example(env!("CARGO_BIN_EXE_nursery"), "happy_eyeballs");
    let (code, stdout) = testing::run_within(
        example.to_str().expect("a UTF-8 path"),
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..10],
        [
            "happy eyeballs: a new attempt every 250 ms, or at once when one fails",
            "  0.00 s  2001:db8::1: connecting",
            "  0.25 s  2001:db8::2: connecting", // the first hangs: 250 ms on
            "  0.35 s  2001:db8::2: refused",
            "  0.35 s  192.0.2.1: connecting", // at once, after the refusal
            "  0.60 s  192.0.2.2: connecting",
            "  0.65 s  192.0.2.1: connected",
            lines[7],
            lines[8],
            "winner: 192.0.2.1 after 0.65 s",
        ],
        "{stdout}"
    );
    // The two cancelled mid-connect, in either order.
    let mut cancelled = lines[7..9].to_vec();
    cancelled.sort_unstable();
    assert_eq!(
        cancelled,
        [
            "  0.65 s  192.0.2.2: cancelled",
            "  0.65 s  2001:db8::1: cancelled"
        ]
    );
    assert_eq!(
        lines[10..],
        [
            "every address refuses:",
            "  0.00 s  2001:db8::1: connecting",
            "  0.10 s  2001:db8::1: refused",
            "  0.10 s  2001:db8::2: connecting",
            "  0.20 s  2001:db8::2: refused",
            "  0.20 s  192.0.2.1: connecting",
            "  0.30 s  192.0.2.1: refused",
            "  0.30 s  192.0.2.2: connecting",
            "  0.40 s  192.0.2.2: refused",
            "no winner: 4 child tasks failed:",
            "  2001:db8::1: connection refused",
            "  2001:db8::2: connection refused",
            "  192.0.2.1: connection refused",
            "  192.0.2.2: connection refused",
        ],
        "{stdout}"
    );
}
