//! Runs `map_vs_as_completed`: `map` yields in submission order, `as_completed` in
//! finishing order.
//!
//! The finishing order is only certain when the delays are far apart compared with the
//! time a thread needs to wake up and report (well under a millisecond, even on a busy
//! machine). The runs below space the delays 60 ms apart, with a worker per job so every
//! job starts at once: a job then finishes 60 ms before the next, and the order of the
//! right column is the order of the delays.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_map_vs_as_completed"), args)
}

/// `job 2     200 ms  at 0.20 s` into `(2, 200)`.
fn parse_cell(cell: &str) -> (usize, u64) {
    let words: Vec<&str> = cell.split_whitespace().collect();
    assert_eq!(words[0], "job", "{cell}");
    (words[1].parse().unwrap(), words[2].parse().unwrap())
}

/// One column of the table: `(job, delay in ms)` from top to bottom.
type Column = Vec<(usize, u64)>;

/// The two columns of the table.
fn columns(stdout: &str) -> (Column, Column) {
    let mut left = Vec::new();
    let mut right = Vec::new();
    let header = stdout
        .lines()
        .position(|line| line.starts_with("map (submission order)"))
        .expect("the table's header");
    for line in stdout.lines().skip(header + 1) {
        if line.is_empty() {
            break;
        }
        // The right column starts at the second `job `.
        let second = line[1..].find("job ").expect("two cells") + 1;
        left.push(parse_cell(&line[..second]));
        right.push(parse_cell(&line[second..]));
    }
    (left, right)
}

fn check(args: &[&str], jobs: usize) -> String {
    let stdout = run(args).success().stdout.clone();
    let (left, right) = columns(&stdout);
    assert_eq!(left.len(), jobs, "{stdout}");

    // map: submission order.
    let submitted: Vec<usize> = left.iter().map(|&(job, _)| job).collect();
    assert_eq!(submitted, (0..jobs).collect::<Vec<_>>(), "{stdout}");

    // as_completed: the same jobs with the same delays, sorted by delay.
    let mut by_delay = left.clone();
    by_delay.sort_by_key(|&(_, delay)| delay);
    assert_eq!(right, by_delay, "{stdout}");

    // rayon keeps the input order.
    let rayon = format!("{:?}", (0..jobs).collect::<Vec<_>>());
    assert!(
        stdout.contains(&format!("rayon par_iter: {rayon} in")),
        "{stdout}"
    );
    stdout
}

/// Four jobs, 60 ms apart; the random seed decides their order, and the columns follow.
#[test]
fn map_keeps_submission_order_as_completed_follows_the_delays() {
    for seed in ["1", "3", "8"] {
        check(&["--seed", seed, "--jobs", "4", "--max-ms", "240"], 4);
    }
}

/// The same random seed gives the same delays; the delays are distinct multiples of the step.
#[test]
fn the_random_seed_fixes_the_delays() {
    let args = ["--seed", "3", "--jobs", "4", "--max-ms", "240"];
    let first = check(&args, 4);
    let second = check(&args, 4);
    assert_eq!(first.lines().next(), second.lines().next());
    let (left, _) = columns(&first);
    let mut delays: Vec<u64> = left.iter().map(|&(_, delay)| delay).collect();
    delays.sort_unstable();
    assert_eq!(delays, [60, 120, 180, 240]);
}

/// Nonsense flags are refused with exit code 2, including delays closer than 1 ms.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--jobs", "0"][..],
        &["--workers", "0"],
        &["--max-ms", "0"],
        &["--jobs", "10", "--max-ms", "5"],
        &["--seed", "-1"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
