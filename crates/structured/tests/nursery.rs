//! `nursery`: the three children interleave step by step, `done` comes after every child
//! has finished, and the nursery returns exactly when its slowest child does (tokio's
//! paused clock); `tokio::spawn` alone lets a child outlive its caller.
//!
//!     cargo test -p structured --test nursery

use std::time::Duration;

use common::testing;
use coroutines::asyncio::Transcript;
use structured::trio::{self, CHILDREN};
use structured::{Policy, nursery};
use tokio::time::{Instant, sleep};

const BIN: &str = env!("CARGO_BIN_EXE_nursery");

/// What the Python slides' program says with `n` steps, on one thread: each child starts
/// and takes its first step in turn, then they take turns step by step, then finish.
fn transcript(n: u32) -> Vec<String> {
    let mut lines = vec!["main started".to_string()];
    for name in CHILDREN {
        lines.push(format!("{name} task started"));
        lines.push(format!("{name} 1/{n}"));
    }
    for i in 2..=n {
        lines.extend(CHILDREN.map(|name| format!("{name} {i}/{n}")));
    }
    lines.extend(CHILDREN.map(|name| format!("{name} task finished")));
    lines.push("done".to_string());
    lines
}

/// Three children of 3 steps of 1 s: they interleave (1st 1/3, 2nd 1/3, 3rd 1/3, 1st 2/3,
/// …), `done` is said last, and the nursery takes exactly 3 s of virtual time.
#[tokio::test(start_paused = true)]
async fn the_children_interleave_and_done_comes_last() {
    let out = Transcript::quiet();
    let took = trio::trio_main(3, Duration::from_secs(1), &out).await;
    assert_eq!(took.expect("no child fails"), Duration::from_secs(3));
    assert_eq!(out.lines(), transcript(3));
}

/// Children of 1, 3 and 2 steps: the nursery returns at 3 s exactly, the slowest child's
/// end, with every child finished; nothing of a child is said after it returned, however
/// long we wait.
#[tokio::test(start_paused = true)]
async fn the_nursery_returns_when_its_slowest_child_does() {
    let out = Transcript::quiet();
    let start = Instant::now();
    let s = Duration::from_secs(1);
    let result = nursery(Policy::default(), |n| {
        let out = out.clone();
        async move {
            n.start_soon("1st", trio::task("1st", 1, s, out.clone()));
            n.start_soon("2nd", trio::task("2nd", 3, s, out.clone()));
            n.start_soon("3rd", trio::task("3rd", 2, s, out.clone()));
        }
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    out.say("done");
    sleep(Duration::from_secs(60)).await; // a child still alive would speak now
    let lines = out.lines();
    let finished: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| l.ends_with("finished") || *l == "done")
        .collect();
    assert_eq!(
        finished,
        [
            "1st task finished",
            "3rd task finished",
            "2nd task finished",
            "done"
        ]
    );
    assert_eq!(lines.last().map(String::as_str), Some("done"));
}

/// The contrast, `tokio::spawn` alone: `go` returns at once, before its child has done
/// anything, and the child speaks a second later, long after its caller moved on.
#[tokio::test(start_paused = true)]
async fn go_lets_its_child_outlive_its_caller() {
    let out = Transcript::quiet();
    let start = Instant::now();
    trio::go(out.clone());
    out.say("go() returned");
    assert_eq!(start.elapsed(), Duration::ZERO);
    sleep(trio::GO_CHILD_NAP * 2).await;
    let lines = out.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "go() returned");
    assert!(lines[1].contains("still running"), "{lines:?}");
}

/// The program prints the same transcript between its first line and its conclusion,
/// which names the children and the time taken.
#[test]
fn the_program_prints_the_transcript_and_its_conclusion() {
    let ran = testing::run(BIN, &["--steps", "2", "--interval", "0.01"]);
    ran.success();
    let lines = ran.lines();
    assert!(lines[0].starts_with("2 steps of 0.01 s each"), "{lines:?}");
    assert_eq!(lines[1..lines.len() - 1], transcript(2));
    let last = lines.last().expect("a conclusion");
    assert!(
        last.starts_with("done came after all 3 children: "),
        "{last}"
    );
    assert!(last.ends_with("the slowest child's 2 × 0.01 s"), "{last}");
}

/// Bad flags are refused by clap, with exit status 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--steps", "0"],
            &["--steps", "101"],
            &["--interval", "0"],
            &["--interval", "soon"],
        ],
    );
}
