//! `prime_pool`, run as a student runs it: three executors, the same answers in the same
//! order, all equal to the known ones.

use common::primes::{PRIMES, PRIMES_ARE_PRIME};
use common::testing::{self, Ran};

const BIN: &str = env!("CARGO_BIN_EXE_prime_pool");

fn run(args: &[&str]) -> Ran {
    testing::run(BIN, args)
}

/// The lines each executor must print, in the order of `PRIMES`.
fn expected_block() -> Vec<String> {
    PRIMES
        .iter()
        .zip(PRIMES_ARE_PRIME)
        .map(|(n, prime)| format!("{n} is prime: {prime}"))
        .collect()
}

/// The thread pool, the process pool and rayon each print the known answers in
/// submission order, and the program says they agree.
#[test]
fn three_executors_print_the_known_answers_in_order() {
    for workers in ["1", "2"] {
        let output = run(&["--workers", workers, "--runs", "1"]);
        let stdout = &output.success().stdout;
        let lines = output.lines();
        let headings = [
            format!("Checking 6 numbers with a thread pool of {workers} threads:"),
            format!("Checking 6 numbers with a process pool of {workers} processes:"),
            format!("Checking 6 numbers with rayon, {workers} threads:"),
        ];
        for heading in &headings {
            let at = lines
                .iter()
                .position(|line| line == heading)
                .unwrap_or_else(|| panic!("no {heading:?} in\n{stdout}"));
            assert_eq!(lines[at + 1..at + 7], expected_block(), "{heading}");
        }
        assert!(
            lines.contains(&"all three agree with the known answers"),
            "{stdout}"
        );
        assert!(lines.contains(&"1099726899285419 is prime: false"));
    }
}

/// `--json`: only rows, one per executor plus the serial baseline, every one right.
#[test]
fn json_rows_are_all_ok() {
    let rows = run(&["--json", "--runs", "1"]).json_rows();
    let variants: Vec<&str> = rows
        .iter()
        .map(|row| row["variant"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["serial", "threads", "processes", "rayon"]);
    for row in &rows {
        assert_eq!(row["program"], "prime_pool", "{row}");
        assert_eq!(row["workload"], "primes", "{row}");
        assert_eq!(row["ok"], true, "{row}");
    }
}

/// Invalid values are refused by the flag parser, with exit code 2.
#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--workers", "0"][..],
        &["--workers", "x"],
        &["--runs", "0"],
        &["--fast"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
