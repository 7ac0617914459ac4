//! `process_lock`: a file lock keeps the printer processes' lines whole.
//!
//!     cargo test -p pipes --test process_lock

use common::testing;

/// The items the printers cycle through, as in the program.
const ITEMS: [&str; 3] = ["tango", "foxtrot", "10"];

const BIN: &str = env!("CARGO_BIN_EXE_process_lock");

/// The whole line printer `n` (counting from 1) writes when nothing interrupts it.
fn whole_line(n: usize) -> String {
    let item = ITEMS[(n - 1) % ITEMS.len()];
    let letters: Vec<String> = item.chars().map(String::from).collect();
    format!("Process-{n} says: {}", letters.join(" "))
}

/// With the lock, every line that a printer wrote is one printer's whole line, and every
/// printer's line is there once; repeated with eight printers that all reach for the
/// lock at once, so that a lock that did not work would show.
#[test]
fn with_the_lock_every_line_is_whole() {
    let children = 8;
    let mut want: Vec<String> = (1..=children).map(whole_line).collect();
    want.sort();
    for _ in 0..3 {
        let out = testing::run(BIN, &["--children", "8", "--pause-ms", "3"]);
        let stdout = &out.stdout;
        assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
        let mut got: Vec<&str> = stdout.lines().filter(|l| l.contains("says:")).collect();
        got.sort();
        assert_eq!(got, want, "lines were broken or lost:\n{stdout}");
        assert!(
            stdout.contains("at most one process was printing at any moment"),
            "the parent saw printers overlap:\n{stdout}"
        );
    }
}

/// The default run prints the Python original's three items, each on a line of its own.
#[test]
fn default_run_prints_the_three_items() {
    let out = testing::run(BIN, &[]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    for line in [
        "Process-1 says: t a n g o",
        "Process-2 says: f o x t r o t",
        "Process-3 says: 1 0",
    ] {
        assert_eq!(
            stdout.lines().filter(|l| *l == line).count(),
            1,
            "{line:?} not printed once:\n{stdout}"
        );
    }
}

/// Without the lock the lines may mix (how much depends on the scheduler, so it is not
/// asserted), but every printer still speaks once and the program ends cleanly.
#[test]
fn without_the_lock_it_still_runs_to_the_end() {
    let out = testing::run(BIN, &["--no-lock", "--children", "4", "--pause-ms", "2"]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    assert_eq!(stdout.matches("says:").count(), 4, "{stdout}");
    assert!(stdout.contains("with no lock"), "{stdout}");
}

/// Nonsense values are refused by the flag parser with exit code 2.
#[test]
fn nonsense_flags_exit_2() {
    for args in [
        &["--children", "0"][..],
        &["--children", "many"],
        &["--pause-ms", "-5"],
    ] {
        let out = testing::run(BIN, args);
        assert_eq!(out.code(), Some(2), "{args:?}");
    }
}
