//! `tiny_executor`: the notebook's two display_date loops and its kettle on our own event
//! loop. On the paused clock every time in the transcript is exact.
//!
//!     cargo test -p coroutines --test tiny_executor

use common::testing::{self, Ran};

const BIN: &str = env!("CARGO_BIN_EXE_tiny_executor");

/// The `Loop: N Time: T s` lines, as (N, T).
fn loop_lines(ran: &Ran) -> Vec<(u32, f64)> {
    ran.lines()
        .iter()
        .filter_map(|line| {
            let rest = line.strip_prefix("Loop: ")?;
            let (num, time) = rest.split_once(" Time: ")?;
            Some((num.parse().ok()?, time.strip_suffix(" s")?.parse().ok()?))
        })
        .collect()
}

/// The lines from `first` on, up to the next blank line.
fn section<'a>(ran: &'a Ran, first: &str) -> Vec<&'a str> {
    ran.stdout
        .lines()
        .skip_while(|line| *line != first)
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect()
}

/// The default transcript on the paused clock: both loops interleave, in time order; loop
/// 2 is the last to print and stops the loop at its end time; loop 1 is dropped mid-nap.
#[test]
fn the_second_loop_stops_the_loop_and_the_first_is_dropped() {
    let ran = testing::run(BIN, &["--paused"]);
    ran.success();
    let lines = loop_lines(&ran);
    assert!(
        lines.iter().filter(|(num, _)| *num == 1).count() >= 3,
        "{lines:?}"
    );
    assert!(
        lines.iter().filter(|(num, _)| *num == 2).count() >= 3,
        "{lines:?}"
    );
    let times: Vec<f64> = lines.iter().map(|(_, time)| *time).collect();
    assert!(times.is_sorted(), "times go forward: {times:?}");
    // 20 notebook seconds of 0.1 s: loop 2 breaks at its last print, 1 s before its end
    // time or later, and nothing prints after it.
    let (last_num, last_time) = *lines.last().expect("loop lines");
    assert_eq!(last_num, 2);
    assert!(last_time >= 1.9, "{lines:?}");
    assert!(
        ran.stdout.contains(&format!(
            "Loop 2 is done at {last_time:.2} s and stops the loop:\n\
             loop 1, still napping, is dropped, never resumed."
        )),
        "{}",
        ran.stdout
    );
    // On the paused clock every time is a whole number of notebook seconds.
    for time in times {
        let tenths = time * 10.0;
        assert!((tenths - tenths.round()).abs() < 1e-9, "{time}");
    }
}

/// The loop counts what it did: one timer per nap that was not zero, and it slept
/// (jumped) between them instead of spinning.
#[test]
fn the_loop_sleeps_between_timers() {
    let ran = testing::run(BIN, &["--paused"]);
    let counts = ran
        .lines()
        .into_iter()
        .find_map(|line| line.strip_prefix("Our loop: "))
        .expect("the counts line")
        .to_string();
    let numbers: Vec<u64> = counts
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    let [polls, timers, sleeps] = numbers[..] else {
        panic!("three counts in {counts:?}");
    };
    assert!(timers >= 4 && sleeps >= 1 && sleeps <= timers, "{counts}");
    // No poll without a wake-up: one first poll for each of the three tasks (main and
    // the two loops), one per timer fired, and one for main when loop 2's handle is ready.
    assert_eq!(polls, 3 + timers + 1, "{counts}");
}

/// The kettle: awaited step by step the cups start after the kettle is done, 5 notebook
/// seconds; spawned, both start at once, the cups are done first, 3 notebook seconds.
#[test]
fn the_kettle_takes_five_seconds_awaited_and_three_spawned() {
    let ran = testing::run(BIN, &["--paused"]);
    ran.success();
    assert_eq!(
        section(&ran, "await one step, then the other:"),
        [
            "boiling kettle starting",
            "boiling kettle is done",
            "cleaning cups starting",
            "cleaning cups is done",
            "Executed in 0.50 seconds: 5.0 notebook seconds.",
        ]
    );
    assert_eq!(
        section(&ran, "spawn both steps, then await them:"),
        [
            "boiling kettle starting",
            "cleaning cups starting",
            "cleaning cups is done",
            "boiling kettle is done",
            "Executed in 0.30 seconds: 3.0 notebook seconds.",
        ]
    );
}

/// The naps are random but fixed by `--seed`: the same number, the same transcript;
/// another number, other naps.
#[test]
fn a_random_seed_fixes_the_naps() {
    let once = loop_lines(&testing::run(BIN, &["--paused", "--seed", "3"]));
    let again = loop_lines(&testing::run(BIN, &["--paused", "--seed", "3"]));
    let other = loop_lines(&testing::run(BIN, &["--paused", "--seed", "4"]));
    assert_eq!(once, again);
    assert_ne!(once, other);
}

/// On real time the program runs the same lessons and its sleeps are never short: the
/// kettle awaited step by step takes at least its 5 notebook seconds.
#[test]
fn on_real_time_the_transcript_is_the_same_story() {
    let ran = testing::run(BIN, &["--scale", "0.01", "--seconds", "10"]);
    ran.success();
    assert!(ran.stdout.contains("on real time"));
    assert_eq!(loop_lines(&ran).last().map(|(num, _)| *num), Some(2));
    let sequential = section(&ran, "await one step, then the other:");
    let executed = sequential.last().expect("the Executed line");
    let seconds: f64 = executed
        .strip_prefix("Executed in ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("seconds");
    assert!(seconds >= 0.05, "{executed}");
}

/// A task that returns Pending and keeps no Waker is never polled again: the loop does
/// not wait for ever, it names the lost tasks (the forgetful one, #2, and main, #1, which
/// waited for it) and the program ends with status 1.
#[test]
fn a_task_that_keeps_no_waker_is_reported_not_waited_for() {
    let ran = testing::run(BIN, &["--forget-waker"]);
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert_eq!(
        ran.stderr.lines().collect::<Vec<_>>(),
        [
            "tiny_executor: stuck: task(s) #1, #2 can never run again:",
            "each returned Pending and kept no Waker, or waited for a task that did",
        ]
    );
    assert!(
        loop_lines(&ran).is_empty(),
        "nothing else runs: {}",
        ran.stdout
    );
}

/// Out-of-range flags are refused with status 2 and a message, never a panic.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        ["--scale", "0"],
        ["--scale", "lots"],
        ["--seconds", "0"],
        ["--seed", "-1"],
    ] {
        let ran = testing::run(BIN, &args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error:"), "{args:?}: {}", ran.stderr);
    }
}
