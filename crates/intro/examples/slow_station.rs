//! The chapter's exercise, solved: one station of the pipeline takes 3 units: predict its latency and throughput, then measure them.
//!
//!     cargo run -p intro --example slow_station
//!
//! Eight stations in a line, as in `latency_throughput`, but station 4 takes 3 units.
//! The prediction: a job alone takes the sum of the services, 7 + 3 = 10 units; the
//! slowest station sets the pace of the whole line, one job every 3 units, 1/3 job a
//! unit. The fix: three copies of station 4 side by side (a farm inside the pipeline)
//! pass one job a unit between them, and the line is back to 1 job a unit.
//!
//! What to look for: the same lines on the virtual clock (exact units) and on the wall
//! clock (a unit of 10 ms). With the slow station, the jobs queue in front of it: the
//! first takes 10 units, each later one 2 more, because all 24 were at the door at once.

use std::time::Duration;

use common::say;
use intro::stations::{self, Clock, Outcome, Stage, VirtualClock, WallClock};

/// Jobs waiting at the door.
const JOBS: usize = 24;

fn main() {
    // ANCHOR: lines
    let mut slow = vec![Stage::ONE; 8];
    slow[3] = Stage::serving(3); // station 4 takes 3 units
    let mut farmed = slow.clone();
    farmed[3].copies = 3; // three of it, side by side, sharing one input
    // ANCHOR_END: lines
    let lines = [
        ("8 stations of 1 unit", vec![Stage::ONE; 8]),
        ("station 4 takes 3 units", slow),
        ("station 4 as 3 copies", farmed),
    ];
    say!("{JOBS} jobs wait at the door of a line of 8 stations.\n");
    say!("Predicted (stations::ideal):");
    for (name, stages) in &lines {
        say!("  {name:<24} {}", stations::ideal(stages, JOBS));
    }
    say!("\nOn the virtual clock: exact units, no waiting.");
    let measured = measure(&lines, || VirtualClock::new(Duration::from_millis(10)));
    say!("\nOn the wall clock: one unit = 10 ms of sleep.");
    measure(&lines, || WallClock::new(Duration::from_millis(10)));
    let [_, slow, farmed] = measured.as_slice() else {
        unreachable!("three lines were measured")
    };
    let (first, last) = slow.latency_range();
    say!(
        "\nOn the virtual clock (exact), station 4 sets the pace: {:.3} jobs a unit, one \
         every {:.0} units.\nThe jobs queue in front of it: the first takes {first} units, \
         the last {last}: it waited {} units\nthere. Three copies of station 4 side by side \
         pass {:.3} job a unit again, and every job\ntakes {} units.",
        slow.throughput,
        1.0 / slow.throughput,
        last - first,
        farmed.throughput,
        farmed.latency_range().1,
    );
}

/// Runs every line on a fresh clock from `clock`, prints a row for each, and returns the
/// outcomes.
fn measure<C: Clock>(lines: &[(&str, Vec<Stage>)], clock: impl Fn() -> C) -> Vec<Outcome> {
    say!(
        "  {:<24} {:>16} {:>9} {:>12} {:>6}  first exits",
        "line",
        "latency of job 1",
        format!("of job {JOBS}"),
        "jobs a unit",
        "units"
    );
    let mut outcomes = Vec::new();
    for (name, stages) in lines {
        let outcome = stations::run_line(&clock(), stages, JOBS);
        assert!(outcome.each_once(), "every job comes out once");
        let mut exits: Vec<f64> = outcome.finished.clone();
        exits.sort_by(f64::total_cmp);
        let exits: Vec<String> = exits[..4].iter().map(|t| format!("{t:.1}")).collect();
        say!(
            "  {name:<24} {:>16.1} {:>9.1} {:>12.3} {:>6.1}  {}, …",
            outcome.latency[0],
            outcome.latency[JOBS - 1],
            outcome.throughput,
            outcome.total_units(),
            exits.join(", ")
        );
        outcomes.push(outcome);
    }
    outcomes
}
