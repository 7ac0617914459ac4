//! `async_queue`: workers never awaited are dropped when `main` returns; awaited, they
//! do every job once, in ⌈jobs / workers⌉ job times.
//!
//!     cargo test -p coroutines --test async_queue

use std::time::Duration;

use common::testing;
use coroutines::asyncio::{Transcript, awaited, forgotten};
use tokio::runtime::{Builder, Runtime};

const BIN: &str = env!("CARGO_BIN_EXE_async_queue");

const JOB: Duration = Duration::from_secs(5);

/// A one-thread runtime on a paused clock, for the bug's `main`, which must own (and end)
/// its runtime.
fn paused_runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// The Python slides' `main`: the workers are spawned and never awaited. On one thread
/// they never even start, and dropping the runtime drops them: no job is done.
#[test]
fn workers_never_awaited_do_no_job() {
    let out = Transcript::quiet();
    let run = forgotten(paused_runtime(), 4, 20, JOB, Duration::ZERO, &out);
    assert_eq!((run.started.len(), run.done.len()), (0, 0));
    assert_eq!(run.elapsed, Duration::ZERO);
    assert!(out.lines().is_empty(), "{:?}", out.lines());
}

/// When `main` awaits 2.5 job times before it returns, 4 workers finish two rounds (8
/// jobs); the third round's 4 jobs are started and cut in their sleep; 8 are never taken.
#[test]
fn a_main_that_lingers_cuts_the_jobs_under_way() {
    let out = Transcript::quiet();
    let linger = JOB.mul_f64(2.5);
    let run = forgotten(paused_runtime(), 4, 20, JOB, linger, &out);
    assert_eq!(run.done, (0..8).collect::<Vec<_>>());
    assert_eq!(run.started, (0..12).collect::<Vec<_>>());
    assert_eq!(run.done_by_worker, [2, 2, 2, 2]);
    assert_eq!(run.elapsed, linger, "virtual time");
    let finished = out
        .lines()
        .iter()
        .filter(|l| l.contains("finished"))
        .count();
    assert_eq!(finished, 8);
}

/// The fix: every job done exactly once, shared out as evenly as the rounds allow, in
/// ⌈20 / N⌉ job times exactly, for 1, 3, 4, 7 and 20 workers.
#[tokio::test(start_paused = true)]
async fn awaited_workers_do_every_job_once_in_jobs_over_n_rounds() {
    for workers in [1, 3, 4, 7, 20] {
        let out = Transcript::quiet();
        let run = awaited(workers, 20, JOB, &out).await.unwrap();
        let mut done = run.done.clone();
        done.sort_unstable();
        assert_eq!(done, (0..20).collect::<Vec<_>>(), "{workers} workers");
        let rounds = 20_u32.div_ceil(workers as u32);
        assert_eq!(run.elapsed, JOB * rounds, "{workers} workers, virtual time");
        let most = *run.done_by_worker.iter().max().unwrap();
        let least = *run.done_by_worker.iter().min().unwrap();
        assert_eq!(most, rounds as usize, "{workers} workers: {run:?}");
        assert!(most - least <= 1, "{workers} workers: {run:?}");
        assert_eq!(
            out.lines().len(),
            40,
            "a started and a finished line per job"
        );
    }
}

/// The program shows the bug (0 of 20 done), then the fix: 20 `finished` lines, one per
/// job, and the rounds.
#[test]
fn the_program_shows_the_bug_then_the_fix() {
    let ran = testing::run(BIN, &["--job-seconds", "0.01"]);
    let stdout = &ran.success().stdout;
    assert!(stdout.contains("0 of 20 jobs done, 0 started."), "{stdout}");
    assert!(
        stdout.contains("20 of 20 jobs done, 20 started."),
        "{stdout}"
    );
    for job in 0..20 {
        let line = format!("finished with parameter {job}\n");
        assert_eq!(stdout.matches(&line).count(), 1, "job {job}\n{stdout}");
    }
    assert!(
        stdout.contains("jobs per worker: 5, 5, 5, 5.\n⌈20 / 4⌉ = 5 rounds of 0.01 s"),
        "{stdout}"
    );
}

/// With `--linger`, the bug's run says how many jobs were cut in the middle.
#[test]
fn linger_shows_the_jobs_cut_short() {
    let ran = testing::run(
        BIN,
        &["--job-seconds", "0.05", "--linger", "1.5", "--workers", "2"],
    );
    let stdout = &ran.success().stdout;
    // Real time: the exact counts are the paused clock's test above. Here the run must
    // agree with itself: every job started and not done was cut in the middle.
    let bug = stdout
        .lines()
        .find(|l| l.contains(" of 20 jobs done, "))
        .expect("run 1");
    let done = testing::numbers_after(bug, "s:")[0];
    let started = testing::numbers_after(bug, "done,")[0];
    let cut = testing::numbers_after(stdout, "the runtime dropped the workers,");
    assert!(started >= 2 && done <= started, "{stdout}");
    assert_eq!(cut, [started - done], "{stdout}");
}

/// Nonsense flags are refused with exit status 2 and a message.
#[test]
fn bad_flags_exit_with_status_2() {
    let cases = [
        &["--workers", "0"][..],
        &["--jobs", "0"],
        &["--job-seconds", "-1"],
        &["--linger", "lots"],
    ];
    for args in cases {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error"), "{}", ran.stderr);
    }
}
