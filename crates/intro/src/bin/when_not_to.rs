//! a parallel sum against a serial one from 10² to 10⁸ numbers: below the crossover size, threads and rayon are slower
//!
//!     cargo run -p intro --bin when_not_to
//!     cargo run --release -p intro --bin when_not_to -- --plot crossover.svg
//!
//! The Python notes on speeding up a program: on CPU-bound work, threads only add the
//! work of "setting up threads or tasks", so hold out on concurrency until a measurement
//! shows a need. Here the numbers 0..n are summed three ways, n from 10² to 10⁸ (800 MB):
//! in one loop, in one chunk per CPU on std threads, and with rayon; every sum is checked.
//!
//! What to look for: serial's time grows with n, the parallel ways' stay near a floor
//! (threads to start, or rayon's to wake) until n is large. Under the table, from this
//! run's figures: that floor, and the size from which each parallel way wins. A debug
//! build adds a number more slowly, so there parallel pays off sooner: try both.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::plot::Plot;
use common::report::Report;
use intro::crossover::{self, Way};

/// A parallel sum against a serial one, from 10² numbers up: where parallel starts to win.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The largest number of numbers summed (10⁸ needs 800 MB)
    #[arg(long, value_name = "N", default_value_t = 100_000_000,
          value_parser = clap::value_parser!(u64).range(100..=100_000_000))]
    largest: u64,

    /// Runs of each way at each size, in turns; the fastest counts
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u16).range(1..=20))]
    rounds: u16,

    /// Also three times each power of ten (300, 3 000, …)
    #[arg(long)]
    threes: bool,

    /// Draw time against size, on log scales, into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("when_not_to", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let sizes = crossover::sizes(args.largest as usize, args.threes);
    if !args.json {
        let (first, last) = (sizes[0], sizes[sizes.len() - 1]);
        let (first, last) = (crossover::size_name(first), crossover::size_name(last));
        common::say!(
            "The sum of 0, 1, …, n − 1 for n from {first} to {last}: serial, std threads, rayon."
        );
    }
    let rows = crossover::measure(&sizes, args.rounds.into());
    let mut report = Report::new("when_not_to").json(args.json);
    report.rounds(args.rounds.into());
    for row in &rows {
        let seconds = row.best.as_secs_f64();
        let workload = format!("sum of {}", crossover::size_name(row.size));
        let added = report.add(&workload, row.way.label(), row.workers, seconds, row.ok);
        added.extra("numbers", row.size);
        added.extra("ns_per_number", seconds * 1e9 / row.size as f64);
        // For scripts and tests: the size from which this row's way wins (null: never).
        if args.json && row.way != Way::Serial {
            added.extra("crossover", crossover::crossover(&rows, row.way));
        }
    }
    report.note(crossover::fixed_price(&rows).unwrap_or_default());
    for way in [Way::Threads, Way::Rayon] {
        report.note(crossover::verdict(&rows, way).unwrap_or_default());
    }
    report.finish()?;
    if let Some(path) = &args.plot {
        plot(&rows).write_svg(path)?;
        match args.json {
            true => eprintln!("plot written to {}", path.display()),
            false => common::say!("plot written to {}", path.display()),
        }
    }
    Ok(())
}

/// Time per call against size for the three ways, on log scales, each crossover marked.
fn plot(rows: &[crossover::Row]) -> Plot {
    let mut plot = Plot::new("The sum of n numbers: time per call, three ways")
        .x_axis("n, the numbers summed")
        .y_axis("µs per sum (fastest run)")
        .log_x()
        .log_y();
    for way in Way::ALL {
        let points = rows.iter().filter(|r| r.way == way);
        let points = points.map(|r| (r.size as f64, r.best.as_secs_f64() * 1e6));
        plot = plot.series(way.label(), points);
    }
    for way in [Way::Threads, Way::Rayon] {
        if let Some(from) = crossover::crossover(rows, way) {
            let name = crossover::size_name(from);
            plot = plot.vertical(from as f64, format!("{} faster from {name}", way.label()));
        }
    }
    plot
}
