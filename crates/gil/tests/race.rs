//! Runs `race`: `fetch_add` and the `Mutex` count every increment, the racy way never
//! counts more than were made, and the forced interleaving loses exactly one update.

use common::testing::{self, Ran};
use gil::race::{Step, Way, count, forced_lost_update};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_race"), args)
}

/// The row of the table for `way`: (got, lost).
fn row(stdout: &str, way: &str) -> (u64, u64) {
    let line = stdout
        .lines()
        .find_map(|line| line.trim_start().strip_prefix(way))
        .unwrap_or_else(|| panic!("no `{way}` row: {stdout}"));
    let mut numbers = line.split_whitespace().map(|n| n.parse::<u64>());
    let got = numbers.next().expect("a got column").expect("a number");
    let lost = numbers.next().expect("a lost column").expect("a number");
    (got, lost)
}

#[test]
fn fetch_add_and_mutex_are_exact_and_the_racy_way_never_counts_too_many() {
    let out = run(&["--threads", "2", "--increments", "200000"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let stdout = &out.stdout;
    assert!(stdout.contains("it should end at 400000."), "{stdout}");
    assert_eq!(row(stdout, "fetch_add"), (400_000, 0), "{stdout}");
    assert_eq!(row(stdout, "Mutex<u64>"), (400_000, 0), "{stdout}");
    // How many the racy way loses depends on the scheduler: only the bound is certain,
    // and that the columns agree.
    let (got, lost) = row(stdout, "racy load + store");
    assert!(got <= 400_000, "{stdout}");
    assert_eq!(got + lost, 400_000, "{stdout}");
}

/// The forced interleaving, as the program prints it: same steps, same end, every run.
#[test]
fn the_program_shows_one_update_lost_step_by_step() {
    let out = run(&["--increments", "1000"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let stdout = &out.stdout;
    let steps: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("One lost update, forced"))
        .skip(1)
        .take(5)
        .map(str::trim)
        .collect();
    assert_eq!(
        steps,
        [
            "A reads  0",
            "B reads  0",
            "B writes 1",
            "A writes 1   ← over B's write: B's update is lost",
            "2 increments, and the counter reads 1: 1 update lost, on every run",
        ],
        "{stdout}"
    );
}

/// The race made certain, through the library: A reads, B reads and writes, A writes.
#[test]
fn a_forced_interleaving_loses_exactly_one_update() {
    for _ in 0..50 {
        let (steps, counter) = forced_lost_update();
        assert_eq!(
            steps,
            [
                Step::Read('A', 0),
                Step::Read('B', 0),
                Step::Wrote('B', 1),
                Step::Wrote('A', 1)
            ]
        );
        assert_eq!(counter, 1);
    }
}

#[test]
fn the_correct_ways_are_exact_on_one_to_four_threads() {
    for threads in 1..=4 {
        for way in [Way::FetchAdd, Way::Mutex] {
            let tally = count(way, threads, 10_000);
            assert_eq!(tally.got, threads as u64 * 10_000, "{way:?} × {threads}");
        }
    }
}

/// One thread races with nobody: even the racy way counts everything.
#[test]
fn one_thread_loses_nothing() {
    let out = run(&["--threads", "1", "--increments", "100000"]);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let stdout = &out.stdout;
    assert_eq!(row(stdout, "racy load + store"), (100_000, 0), "{stdout}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "65"],
        &["--threads", "two"],
        &["--increments", "0"],
        &["--increments", "-5"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}

/// The racy way *can* lose updates: over a few tries of two threads × a million racy
/// increments, at least one try loses some. (One try alone may lose none, when one thread
/// is done before the other gets a core; twenty in a row that never overlap do not happen.)
#[test]
fn the_racy_way_loses_updates_within_a_few_tries() {
    let tries: Vec<u64> = (0..20)
        .map(|_| count(Way::Racy, 2, 1_000_000))
        .map(|tally| {
            assert!(tally.got <= tally.expected, "{tally:?}");
            tally.lost()
        })
        .take_while(|&lost| lost == 0)
        .collect();
    assert!(
        tries.len() < 20,
        "20 tries of 2 × 1 000 000 racy increments lost nothing"
    );
}
