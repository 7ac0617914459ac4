//! `blocking_in_async`: the check inside the task leaves the ticker no tick, each fix
//! gives them back, every answer agrees; the yield-cost study counts its yields and checks
//! its answers; the flags are checked.
//!
//!     cargo test -p coroutines --test blocking_in_async

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_blocking_in_async");

/// `  <way>  1.06 s    0 of  10 ticks  <verdict>`: (ticks, expected, verdict).
fn ticks(line: &str) -> (u64, u64, String) {
    let (before, verdict) = line.split_once(" ticks  ").expect("a ticks line");
    let words: Vec<&str> = before.split_whitespace().collect();
    let [.., got, "of", expected] = words[..] else {
        panic!("no `N of M` in {line:?}");
    };
    let number = |word: &str| word.parse().expect("a number of ticks");
    (number(got), number(expected), verdict.to_string())
}

/// The four runs, in order: the blocking one starves the ticker (0 ticks, exactly), the
/// three fixes keep it ticking, and all four say the number is prime.
#[test]
fn the_blocking_check_starves_the_ticker_and_each_fix_brings_it_back() {
    // The defaults: a tick every 100 ms, 1 000 000 000 000 000 003 checked four times, about
    // a second each. A long period makes a late tick rare, even on a busy machine.
    let ran = testing::run(BIN, &[]);
    let stdout = &ran.success().stdout;
    let runs: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|l| l.contains(" ticks  "))
        .collect();
    let ways: Vec<&str> = runs.iter().map(|l| l.split("  ").nth(1).unwrap()).collect();
    assert_eq!(
        ways,
        [
            "check(n) in the task",
            "spawn_blocking(check)",
            "yield_now every 100000",
            "rayon::spawn + oneshot",
        ],
        "{stdout}"
    );
    let (got, expected, verdict) = ticks(runs[0]);
    assert_eq!(
        (got, verdict.as_str()),
        (0, "the ticker starved"),
        "{stdout}"
    );
    assert!(expected >= 3, "the check was too short to tell: {stdout}");
    for fixed in &runs[1..] {
        let (got, expected, verdict) = ticks(fixed);
        assert!(got + 1 >= expected && expected >= 3, "{fixed}");
        assert_eq!(verdict, "kept ticking", "{fixed}");
    }
    // 499 999 999 divisions: ⌈499 999 999 / 100 000⌉ - 1 yields, one after every slice
    // but the last.
    let yields = "yield_now gave the thread back 4999 times, once every 100000 divisions.";
    assert!(ran.lines().contains(&yields), "{stdout}");
    let answer = "Answer: 1000000000000000003 is prime, all four times.";
    assert!(ran.lines().contains(&answer), "{stdout}");
}

/// The yield-cost study: never, then every 100 000, 1 000 and 1 division, each answer
/// checked, each row's yields counted: one after every slice but the last.
#[test]
fn the_yield_cost_counts_every_rows_yields() {
    // 1 000 000 007 is prime: 15 810 odd divisors from 3 to its square root, 31 622.
    let args = ["--yield-cost", "--json", "--prime", "1000000007"];
    let rows = testing::json_rows(BIN, &args);
    let names: Vec<&str> = rows
        .iter()
        .map(|row| row["variant"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["never", "every 100000", "every 1000", "every 1"]);
    assert!(rows.iter().all(|row| row["ok"] == true), "{rows:?}");
    assert!(rows.iter().all(|row| row["program"] == "blocking_in_async"));
    let yields: Vec<u64> = rows
        .iter()
        .map(|row| testing::count(row, "yields"))
        .collect();
    assert_eq!(yields, [0, 0, 15, 15_809]);
    for row in &rows[1..] {
        assert!(row["overhead_pct"].is_number(), "{row}");
        assert!(row["predicted_pct"].is_number(), "{row}");
    }
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--period-ms", "0"][..],
        &["--period-ms", "1001"],
        &["--prime", "1"],
        &["--yield-every", "0"],
        &["--json"],
        &["--yield-cost", "--yield-every", "10"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(ran.stderr.contains("error"), "{args:?} explains itself");
    }
}
