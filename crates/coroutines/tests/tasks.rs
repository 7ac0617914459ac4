//! `tasks`: three tasks sleep at the same time and return their names reversed.
//!
//!     cargo test -p coroutines --test tasks

use std::time::Duration;

use common::testing;
use coroutines::asyncio::{Transcript, create_tasks};
use tokio::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_tasks");

/// On tokio's paused clock the three 5 s sleeps take 5 s in all, exactly: one sleep, not
/// three; the results are the names reversed, in creation order.
#[tokio::test(start_paused = true)]
async fn three_tasks_take_one_sleep_and_return_their_names_reversed() {
    let out = Transcript::quiet();
    let started = Instant::now();
    let results = create_tasks(Duration::from_secs(5), &out).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(5), "virtual time");
    assert_eq!(results, ["tsrif", "dnoces", "driht"]);
}

/// asyncio's order on one thread: every task is created before any starts (a task runs
/// only when `main` awaits), all start before any finishes, and the results come last.
#[tokio::test(start_paused = true)]
async fn every_task_is_created_before_any_starts() {
    let out = Transcript::quiet();
    create_tasks(Duration::from_secs(5), &out).await.unwrap();
    assert_eq!(
        out.lines(),
        [
            "first task created",
            "second task created",
            "third task created",
            "first task started",
            "second task started",
            "third task started",
            "first task finished",
            "second task finished",
            "third task finished",
            "result of task #1: tsrif",
            "result of task #2: dnoces",
            "result of task #3: driht",
            "done",
        ]
    );
}

/// The program prints the same transcript, then the total beside one sleep and three.
#[test]
fn the_program_prints_the_transcript_then_the_total() {
    let ran = testing::run(BIN, &["--seconds", "0.05"]);
    let all = ran.success().lines();
    assert!(all[0].contains("current_thread runtime"), "{}", ran.stdout);
    let lines = &all[2..]; // after the header and a blank line
    assert_eq!(lines.len(), 14, "{}", ran.stdout);
    assert_eq!(lines[0], "first task created");
    assert_eq!(lines[11], "result of task #3: driht");
    assert_eq!(lines[12], "done");
    assert!(
        lines[13].starts_with("all three took ")
            && lines[13].ends_with("one sleep (0.05 s), not three (0.15 s)"),
        "{}",
        lines[13]
    );
}

/// Nonsense flags are refused with exit status 2 and a message.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--seconds", "0"][..],
        &["--seconds", "soon"],
        &["--tasks"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error"), "{}", ran.stderr);
    }
}
