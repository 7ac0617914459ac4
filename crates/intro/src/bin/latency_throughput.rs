//! 8 service stations of one time unit: as a pipeline, latency 8 and 1 job a unit; as a farm, latency 1 and 8 jobs a unit
//!
//!     cargo run -p intro --bin latency_throughput
//!     cargo run -p intro --bin latency_throughput -- --virtual
//!
//! The Python course notebook's example: eight stations of one time unit each. Send every
//! job through all eight in turn and one leaves per unit, eight units after it came in;
//! let each job use whichever single station is free and eight leave per unit, each after
//! one unit. Here every station is a thread that sleeps its unit (20 ms), linked to the
//! others by crossbeam channels; `--virtual` runs the same threads on a virtual clock.
//!
//! What to look for: each design's latency and throughput against the ideal, and that
//! latency × throughput is the station count in both: the jobs inside while it is full.

use std::cell::RefCell;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::report::Report;
use intro::stations::{self, Design, Ideal, Outcome, VirtualClock, counted};

/// Jobs through service stations as a pipeline and as a farm: latency and throughput.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Jobs, all waiting at the door at time 0
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    jobs: u64,

    /// Service stations, each serving a job for one unit
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    stations: u64,

    /// The length of one unit of service, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=1_000))]
    unit_ms: u64,

    /// Run on a virtual clock: exact whole units, no waiting
    #[arg(long = "virtual")]
    virtual_clock: bool,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("latency_throughput", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let (jobs, stations) = (args.jobs as usize, args.stations as usize);
    let unit = Duration::from_millis(args.unit_ms);
    let clock = match args.virtual_clock {
        true => "a virtual clock: exact whole units, no waiting",
        false => "the wall clock: each unit is a sleep",
    };
    // Each design's outcome and ideal, kept for the notes.
    let kept: RefCell<Vec<(Outcome, Ideal)>> = RefCell::new(Vec::new());
    let (some_jobs, some_stations) = (counted(jobs, "job"), counted(stations, "station"));
    let mut comparison = Comparison::new(&some_jobs)
        .title(format!(
            "{some_jobs} through {some_stations} of one unit ({} ms), on {clock}:",
            args.unit_ms
        ))
        .rounds(1)
        .expect(true)
        .workers_are("station(s)");
    for design in Design::BOTH {
        let kept = &kept;
        comparison = comparison.variant_run(design.name(), stations, move || {
            let outcome = match args.virtual_clock {
                true => stations::run_on(&VirtualClock::new(unit), design, jobs, stations),
                false => stations::run(design, jobs, stations, unit),
            };
            let ideal = design.ideal(jobs, stations);
            let (min, max) = outcome.latency_range();
            // The answer: every job came out, each exactly once.
            let run = Run::new(outcome.each_once())
                .took(outcome.total)
                .extra("latency_units", outcome.latency_mean())
                .extra("latency_min", min)
                .extra("latency_max", max)
                .extra("jobs_per_unit", outcome.throughput)
                .extra("units", outcome.total_units());
            kept.borrow_mut().push((outcome, ideal));
            Ok(run)
        });
    }
    let mut report = Report::new("latency_throughput")
        .json(args.json)
        .without_speedup();
    comparison.run(&mut report)?;
    for (outcome, ideal) in kept.borrow().iter() {
        let (name, formula) = (outcome.design.name(), outcome.design.formula(stations));
        report.note(format!("Ideal for the {name}: {ideal} ({formula})."));
    }
    if let [(pipeline, p), (farm, f)] = kept.borrow().as_slice() {
        let over = |o: &Outcome, i: &Ideal| 100.0 * (o.total_units() / i.total - 1.0);
        report.note(match (over(pipeline, p), over(farm, f)) {
            (0.0, 0.0) => {
                "On the virtual clock the runs took exactly the ideal number of units.".into()
            }
            (p, f) => format!(
                "The runs took {p:.1} % (pipeline) and {f:.1} % (farm) longer than the \
                 ideal: each sleep wakes a little late."
            ),
        });
        for note in conclusion(pipeline, farm, jobs) {
            report.note(note);
        }
    }
    Ok(report.finish()?)
}

/// What the figures say, computed from them. Little's law only when the line was full
/// long enough to show it: many more jobs than stations, and every station busy.
fn conclusion(pipeline: &Outcome, farm: &Outcome, jobs: usize) -> Vec<String> {
    let (p, f, s) = (pipeline, farm, farm.stations);
    let mut notes = vec![match s {
        1 => "With one station the pipeline and the farm are the same line.".to_string(),
        _ => format!(
            "Latency does not fix throughput: the pipeline's jobs take {:.2} units each and \
             it finishes {:.2} a unit; the farm's take {:.2} each and it finishes {:.2}.",
            p.latency_mean(),
            p.throughput,
            f.latency_mean(),
            f.throughput,
        ),
    }];
    let inside = |o: &Outcome| o.latency_mean() * o.throughput;
    let full = |o: &Outcome| (inside(o) / s as f64 - 1.0).abs() < 0.1;
    if jobs >= 2 * s && full(p) && full(f) {
        notes.push(format!(
            "Little's law: latency × throughput = {:.1} (pipeline) and {:.1} (farm): on \
             average, while the line is full, {} inside, one at each station.",
            inside(p),
            inside(f),
            counted(s, "job"),
        ));
    }
    notes
}
