//! `async_pitfalls`: each trap is caught with its message, each fix gives the right value,
//! the default panic hook stays quiet, and the program exits; the flags are checked.
//!
//!     cargo test -p coroutines --test async_pitfalls

use common::testing;
use coroutines::pitfalls::{COMPILER_SAYS, EXPECTED_PANICS};

const BIN: &str = env!("CARGO_BIN_EXE_async_pitfalls");

/// Every trap in order, each caught with its own message, then its two fixes with the
/// right answers; nothing on stderr (the traps' panics are reported, not printed twice).
#[test]
fn every_trap_is_caught_with_its_message_and_every_fix_answers() {
    let ran = testing::run(BIN, &["--delay-ms", "50", "--tasks", "3"]);
    let stdout = &ran.success().stdout;
    assert_eq!(ran.stderr, "", "the panic hook printed the traps' panics");
    let at = |text: &str| {
        stdout
            .find(text)
            .unwrap_or_else(|| panic!("no {text:?} in\n{stdout}"))
    };
    // Trap 1: tokio's own words, then both fixes give slow()'s answer.
    let trap1 = at("1. A runtime inside a runtime.");
    assert!(at(EXPECTED_PANICS[0]) > trap1);
    assert_eq!(stdout.matches("answer = 42").count(), 2, "{stdout}");
    // Trap 2: in a debug build reqwest's check panics; in release the call just holds
    // the thread. Both fixes download the page while the ticker ticks.
    let trap2 = at("2. A blocking HTTP client inside a task.");
    if cfg!(debug_assertions) {
        assert!(at(EXPECTED_PANICS[1]) > trap2);
    } else {
        assert!(at("ticked 0 times") > trap2);
    }
    let fixes: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|l| l.contains(" bytes, ") && l.contains(" ticks in "))
        .collect();
    assert_eq!(fixes.len(), 2, "{stdout}");
    for fix in fixes {
        let ticks = testing::numbers_after(fix, "bytes, ");
        assert!(ticks.first().is_some_and(|&t| t > 0), "{fix}");
    }
    // Trap 3: what rustc says, then 3 tasks × 2 increments, either way.
    let trap3 = at("3. A std::sync::Mutex guard held across .await.");
    assert!(at(COMPILER_SAYS.lines().next().unwrap()) > trap3);
    assert_eq!(stdout.matches("count = 6").count(), 2, "{stdout}");
    assert!(trap1 < trap2 && trap2 < trap3);
    let last = ran.lines().last().copied();
    assert_eq!(
        last,
        Some("Every trap was caught; every fix gave the right answer.")
    );
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--delay-ms", "0"][..],
        &["--delay-ms", "5001"],
        &["--tasks", "0"],
        &["--tasks", "many"],
        &["--nest-asyncio"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(ran.stderr.contains("error"), "{args:?} explains itself");
    }
}
