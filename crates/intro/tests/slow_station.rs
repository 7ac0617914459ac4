//! The exercise solution `slow_station`: predicted and measured in exact virtual units, a
//! line of 8 stations takes 8 units a job and passes 1 a unit; with station 4 taking 3
//! units a job alone takes 10 and the line passes 1 every 3 units, the others queueing
//! in front of it; three copies of station 4 bring back 1 job a unit, every job 10 units.
//!
//!     cargo build -p intro --examples && cargo test -p intro --test slow_station

use std::sync::OnceLock;
use std::time::Duration;

use common::testing;

/// Runs the example once (it sleeps about a second and a half on the wall clock) and
/// returns its stdout.
fn run_example() -> &'static str {
    static STDOUT: OnceLock<String> = OnceLock::new();
    STDOUT.get_or_init(run_it)
}

/// Runs the example and returns its stdout.
fn run_it() -> String {
    let example = testing::example(env!("CARGO_BIN_EXE_latency_throughput"), "slow_station");
    let (code, stdout) = testing::run_within(
        example.to_str().expect("a UTF-8 path"),
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{stdout}");
    stdout
}

/// The lines of the part that starts with `title`, up to the next blank line.
fn part<'a>(stdout: &'a str, title: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with(title))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect()
}

/// The prediction: 8, 10 and 10 units for a job alone; 1, 1/3 and 1 job a unit; 24
/// jobs in 24 + 7, 10 + 23 × 3 and 10 + 23 units.
#[test]
fn the_prediction_is_the_sum_of_services_and_the_slowest_pace() {
    let stdout = run_example();
    assert_eq!(
        part(stdout, "Predicted"),
        [
            "  8 stations of 1 unit     latency 8, 1 job a unit, 31 units",
            "  station 4 takes 3 units  latency 10, 0.333 jobs a unit, 79 units",
            "  station 4 as 3 copies    latency 10, 1 job a unit, 33 units",
        ],
        "{stdout}"
    );
}

/// Measured on the virtual clock: exactly the prediction for the first job and the
/// totals; with the slow station the exits come every 3 units and the last job waited
/// 46 units; three copies pass a job every unit and nobody waits.
#[test]
fn the_virtual_clock_measures_exactly_that() {
    let stdout = run_example();
    let measured = part(stdout, "On the virtual clock");
    assert_eq!(
        measured,
        [
            "  line                     latency of job 1 of job 24  jobs a unit  units  \
             first exits",
            "  8 stations of 1 unit                  8.0       8.0        1.000   31.0  \
             8.0, 9.0, 10.0, 11.0, …",
            "  station 4 takes 3 units              10.0      56.0        0.333   79.0  \
             10.0, 13.0, 16.0, 19.0, …",
            "  station 4 as 3 copies                10.0      10.0        1.000   33.0  \
             10.0, 11.0, 12.0, 13.0, …",
        ],
        "{stdout}"
    );
    // The closing lines use the virtual clock's figures, and say so.
    assert!(
        stdout.trim_end().ends_with(
            "On the virtual clock (exact), station 4 sets the pace: 0.333 jobs a unit, one \
             every 3 units.\nThe jobs queue in front of it: the first takes 10 units, the \
             last 56: it waited 46 units\nthere. Three copies of station 4 side by side pass \
             1.000 job a unit again, and every job\ntakes 10 units."
        ),
        "{stdout}"
    );
}

/// The wall clock runs the same three lines (its figures are not asserted).
#[test]
fn the_wall_clock_runs_the_same_lines() {
    let stdout = run_example();
    let measured = part(stdout, "On the wall clock");
    assert_eq!(measured.len(), 4, "{stdout}");
    for (row, name) in measured[1..]
        .iter()
        .zip(["8 stations", "station 4 takes", "station 4 as"])
    {
        assert!(row.trim_start().starts_with(name), "{row}");
    }
}
