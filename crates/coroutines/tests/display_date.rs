//! `display_date`: two loops print the time at random intervals; the second stops the
//! loop, the first is cancelled, and nothing prints after the stop.
//!
//!     cargo test -p coroutines --test display_date

use std::time::Duration;

use common::testing;
use coroutines::asyncio::{Dates, Transcript, two_loops};

const BIN: &str = env!("CARGO_BIN_EXE_display_date");

/// The notebook's loops: 50 s each, on the notebook's own seconds.
fn dates(seed: u64) -> Dates {
    Dates {
        seconds: 50,
        unit: Duration::from_secs(1),
        seed,
    }
}

/// Loop `num`'s times, in seconds, from lines `Loop: N Time: T s`.
fn times(lines: &[String], num: u32) -> Vec<f64> {
    let prefix = format!("Loop: {num} Time: ");
    lines
        .iter()
        .filter_map(|line| line.strip_prefix(&prefix)?.strip_suffix(" s")?.parse().ok())
        .collect()
}

/// On tokio's paused clock, for many random seeds: loop 2 stops the loop once its 50 s
/// are up; nothing prints later than the stop, and nothing at all afterwards, however
/// long the runtime goes on; loop 1 was cancelled unless it had already finished.
/// With the program's default seed, 1, it is still napping and is cancelled.
#[tokio::test(start_paused = true)]
async fn nothing_prints_after_loop_two_stops_the_loop() {
    let mut cancelled = 0;
    for seed in 0..30 {
        let out = Transcript::quiet();
        let ended = two_loops(dates(seed), &out).await.unwrap();
        let stop = ended.stopped_at.as_secs_f64();
        assert!(
            (49.0..=54.0).contains(&stop),
            "seed {seed}: stopped at {stop}"
        );
        let lines = out.lines();
        assert_eq!(
            times(&lines, 2).last(),
            Some(&stop),
            "seed {seed}: loop 2 stops last"
        );
        let (one, two) = (times(&lines, 1), times(&lines, 2));
        assert_eq!(one.len() + two.len(), lines.len(), "seed {seed}: {lines:?}");
        assert!(one.iter().all(|&t| t <= stop), "seed {seed}: {lines:?}");
        // Long after the stop, loop 1 would have woken many times: it is gone.
        tokio::time::sleep(Duration::from_secs(100)).await;
        assert_eq!(out.lines(), lines, "seed {seed}: a line after the stop");
        assert!(
            seed != 1 || ended.first_cancelled,
            "the default seed shows the cancel"
        );
        if ended.first_cancelled {
            cancelled += 1;
            assert!(
                *one.last().unwrap() > stop - 6.0,
                "seed {seed}: it was napping"
            );
        } else {
            assert!(*one.last().unwrap() >= 49.0, "seed {seed}: it had finished");
        }
    }
    // Which loop is done first is up to the naps: both cases come up.
    assert!(
        (1..30).contains(&cancelled),
        "loop 1 cancelled {cancelled} times of 30"
    );
}

/// Each loop prints at once, then after naps of 0 to 5 whole seconds; the two loops'
/// lines come in the order of the clock.
#[tokio::test(start_paused = true)]
async fn naps_are_whole_seconds_from_0_to_5_and_lines_follow_the_clock() {
    let out = Transcript::quiet();
    two_loops(dates(1), &out).await.unwrap();
    let lines = out.lines();
    for num in [1, 2] {
        let times = times(&lines, num);
        assert_eq!(times[0], 0.0);
        for pair in times.windows(2) {
            let nap = pair[1] - pair[0];
            assert!(
                nap.fract() == 0.0 && (0.0..=5.0).contains(&nap),
                "{times:?}"
            );
        }
    }
    let all: Vec<f64> = lines
        .iter()
        .map(|line| line.rsplit("Time: ").next().unwrap())
        .map(|t| t.trim_end_matches(" s").parse().unwrap())
        .collect();
    assert!(all.is_sorted(), "{lines:?}");
}

/// The same random seed gives the same transcript; another seed, other naps.
#[tokio::test(start_paused = true)]
async fn the_random_seed_fixes_the_naps() {
    let run = |seed| async move {
        let out = Transcript::quiet();
        two_loops(dates(seed), &out).await.unwrap();
        out.lines()
    };
    assert_eq!(run(4).await, run(4).await);
    assert_ne!(run(4).await, run(5).await);
}

/// The program prints both loops' lines, then the stop and loop 1's cancellation last.
#[test]
fn the_program_ends_with_the_stop_and_the_cancellation() {
    let ran = testing::run(BIN, &["--scale", "0.002", "--seed", "1"]);
    let lines = ran.success().lines();
    let n = lines.len();
    assert!(
        lines[0].starts_with("Two loops print the time"),
        "{}",
        ran.stdout
    );
    assert!(lines[1].contains("so a loop runs 0.1 s"), "{}", ran.stdout);
    assert!(
        lines[2].contains("current_thread runtime"),
        "{}",
        ran.stdout
    );
    assert!(lines[n - 2].starts_with("Loop 2 is done and stopped the loop at "));
    assert_eq!(
        lines[n - 1],
        "Loop 1 was napping then: it was cancelled, and never printed again."
    );
    assert!(
        lines[3..n - 2].iter().all(|l| l.starts_with("Loop: ")),
        "{}",
        ran.stdout
    );
    assert!(lines.contains(&"Loop: 1 Time: 0.00 s") && lines.contains(&"Loop: 2 Time: 0.00 s"));
}

/// Nonsense flags are refused with exit status 2 and a message.
#[test]
fn bad_flags_exit_with_status_2() {
    let cases = [
        &["--seconds", "0"][..],
        &["--scale", "100"],
        &["--seed", "-1"],
    ];
    for args in cases {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error"), "{}", ran.stderr);
    }
}
