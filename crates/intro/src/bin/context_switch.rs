//! a ping-pong between two threads, two tokio tasks and two processes, pinned to one CPU and free: nanoseconds per switch
//!
//!     cargo run -p intro --bin context_switch
//!     cargo run --release -p intro --bin context_switch
//!
//! The Python course notebook defines a context switch (save one side's registers and
//! memory map, load the other's) and sets OS threads beside green threads, which a
//! runtime schedules; it never measures either. Here a number goes to the other side and
//! straight back, over and over: a round trip is two switches, every reply is checked.
//!
//! What to look for: `ns_per_switch`, a task's against a thread's and a process's, and
//! `kernel_per_round_trip`, the switches the kernel counted: 2 for processes and pinned
//! threads, 0 for tasks (tokio switches them itself). Pinned, both sides share one CPU;
//! free, they may use two, and a free thread's reply often lands while the other spins.

use std::cell::RefCell;
use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::process;
use common::report::Report;
use intro::switch::{self, Kind, Placement};
use pipes::latency;

/// Ping-pong between two threads, two tokio tasks and two processes: the cost of a switch.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Round trips timed per row and run (each is two switches)
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    round_trips: u64,

    /// Runs of each row, in turns; the fastest counts
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u16).range(1..=20))]
    rounds: u16,

    /// Measure these kinds only, comma-separated
    #[arg(long, value_enum, value_name = "KIND,...", value_delimiter = ',',
          default_values_t = Kind::ALL)]
    kinds: Vec<Kind>,

    /// Measure these placements only, comma-separated
    #[arg(long, value_enum, value_name = "PLACEMENT,...", value_delimiter = ',',
          default_values_t = Placement::ALL)]
    placements: Vec<Placement>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    // The process kind's other side is this program again, in lecture 1's echo role.
    let echo = process::role(latency::PIPE_ECHO, latency::serve_pipe_echo);
    if let Some(exit) = process::run_child([echo]) {
        return exit;
    }
    common::exit_code("context_switch", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    // Two players whatever the kind: no row is another's speedup.
    let mut report = Report::new("context_switch")
        .json(args.json)
        .without_speedup();
    if !args.json {
        common::say!(
            "Ping-pong, {} round trips a row, two switches each, every reply checked.\n",
            args.round_trips
        );
    }
    let kinds: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|kind| args.kinds.contains(kind))
        .collect();
    // Every run, for the conclusion, which takes each row's fastest.
    let runs = RefCell::new(Vec::new());
    for placement in Placement::ALL {
        if !args.placements.contains(&placement) {
            continue;
        }
        let mut comparison = Comparison::new(placement.label())
            .title(format!("{}:", placement.label()))
            .rounds(args.rounds.into())
            .expect(args.round_trips)
            .workers_are("sides");
        for &kind in &kinds {
            let runs = &runs;
            comparison = comparison.variant_run(kind.label(), 2, move || {
                let m = switch::ping_pong(kind, placement, args.round_trips)?;
                // The answer is the number of replies that were right: all of them.
                let run = Run::new(m.answered)
                    .took(m.elapsed)
                    .extra("ns_per_switch", m.ns_per_switch)
                    .extra("switches_per_s", m.switches_per_s())
                    .extra("kernel_per_round_trip", m.kernel_switches_per_round_trip())
                    .extra("child_switches", m.child_switches);
                runs.borrow_mut().push(m);
                Ok(run)
            });
        }
        comparison.run(&mut report)?;
    }
    if common::affinity::cpus_available() == 1 {
        report.note("This process may use one CPU only: here free is the same as pinned.");
    }
    report.note("child_switches: the echo process's own, counted when it was reaped.");
    for line in switch::conclusion(&runs.borrow()) {
        report.note(line);
    }
    report.finish()?;
    Ok(())
}
