//! `scoped_threads`: threads and rayon jobs that borrow the caller's locals compute the
//! right sums, squares and count, the scope ends after every part, std starts a thread
//! per part while rayon uses its pool, and a panic comes out of the scope only after
//! every sibling has finished.
//!
//!     cargo test -p structured --test scoped_threads

use common::testing;
use structured::threads::{expected_sum, expected_sum_of_squares};

const BIN: &str = env!("CARGO_BIN_EXE_scoped_threads");

/// The values after each scope are the ones computed from the borrowed data: the sum of
/// 1..=N, the sum of the squares written into the borrowed buffer, the shared count.
#[test]
fn the_results_read_after_each_scope_are_right() {
    let ran = testing::run(BIN, &["--numbers", "10000", "--parts", "3"]);
    let (sum, squares) = (expected_sum(10_000), expected_sum_of_squares(10_000));
    let after = format!("after the scope: sum {sum}, squares {squares}, seen 10000 (checked)");
    assert_eq!(
        ran.success().stdout.matches(&after).count(),
        2,
        "{}",
        ran.stdout
    );
}

/// In each scope, all the parts' lines come before `scope ended`, and each part's sum is
/// its chunk's: the three chunks of 1..=9 sum to 6, 15 and 24.
#[test]
fn scope_ended_comes_after_every_part() {
    let ran = testing::run(BIN, &["--numbers", "9", "--parts", "3"]);
    let lines = ran.success().lines();
    let ends: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i] == "scope ended: every part has finished")
        .collect();
    assert_eq!(ends.len(), 2, "{lines:?}");
    for end in ends {
        let mut parts: Vec<&str> = lines[end - 3..end].to_vec();
        parts.sort();
        let sums = ["  1..=3: sum 6, ", "  4..=6: sum 15, ", "  7..=9: sum 24, "];
        for (part, sum) in parts.iter().zip(sums) {
            assert!(part.starts_with(sum), "{lines:?}");
        }
    }
}

/// std runs each part on a thread of its own; rayon runs its jobs on its pool, on no more
/// threads than the pool has.
#[test]
fn std_starts_a_thread_per_part_rayon_uses_its_pool() {
    let ran = testing::run(BIN, &["--parts", "6"]);
    let out = &ran.success().stdout;
    assert_eq!(out.matches("on a thread of its own").count(), 6, "{out}");
    assert_eq!(out.matches("of rayon's pool").count(), 6, "{out}");
    assert!(
        out.contains("6 parts ran on 6 threads, each started for its part"),
        "{out}"
    );
    let rayon = out.lines().find(|l| l.contains("of the pool's")).unwrap();
    let used = testing::numbers_after(rayon, "ran on")[0];
    let pool = testing::numbers_after(rayon, "the pool's")[0];
    assert!((1..=pool).contains(&used), "{rayon}");
}

/// std: part 2 finishes after part 1 panicked, then the scope panics with its own message;
/// rayon: job 3 finishes, then one of the two jobs' panics comes out. Each panic is on
/// stderr, in one line.
#[test]
fn a_panic_comes_out_of_the_scope_after_the_siblings_finish() {
    let ran = testing::run(BIN, &[]);
    let lines = ran.success().lines();
    let at = |text: &str| lines.iter().position(|l| l.contains(text)).unwrap();
    assert!(at("part 2: finished") < at("std::thread::scope panicked last"));
    assert!(lines[at("panicked last")].ends_with("\"a scoped thread panicked\""));
    let raised = lines[at("re-raised one of the two")];
    assert!(raised.contains("job 1 is bad") || raised.contains("job 2 is bad"));
    assert!(
        at("job 3: finished") < at("re-raised one of the two"),
        "{lines:?}"
    );
    for panic in [
        "part 1 is bad",
        "a scoped thread panicked",
        "job 1",
        "job 2",
    ] {
        assert_eq!(ran.stderr.matches(panic).count(), 1, "{}", ran.stderr);
    }
}

/// Numbers or parts out of range, or not numbers: clap refuses them, exit 2.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--numbers", "0"],
            &["--numbers", "2000000"],
            &["--parts", "0"],
            &["--parts", "65"],
            &["--parts", "four"],
        ],
    );
}
