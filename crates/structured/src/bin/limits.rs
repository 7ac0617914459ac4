//! 10 000 sleeping tokio tasks, 10 000 threads and 1 000 processes: spawn time and peak memory per unit, side by side
//!
//!     cargo run --release -p structured --bin limits
//!     cargo run --release -p structured --bin limits -- --tasks 1000000
//!
//! The Python slides: "10000 processes -> a big problem, 10000 threads -> a big problem,
//! 10000 coroutines -> not a problem", and 10 000 trio tasks asleep in one nursery (87 MB
//! mapped). Here every unit sleeps, all at once, then hands in its index; each kind is
//! measured in a fresh child process. Python's side: `python3 scripts/python/limits.py`.
//!
//! What to look for: KB/unit and µs/unit. A sleeping task costs under half a kilobyte and
//! about a microsecond, a thread 20 times that memory, a process hundreds of times. Past
//! a limit (as a user, `ulimit -u 500` and `--threads 2000`) a spawn is refused: the
//! program says how far it got and why, and runs the other kinds.

use std::error::Error;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use common::compare::Comparison;
use common::process::{self, role};
use common::report::Report;
use structured::limits::{self, Job, Kind, Refused};

/// Spawn many sleeping tokio tasks, threads and processes; time and memory per unit.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Tokio tasks, all asleep at once
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    tasks: u32,

    /// Threads, all asleep at once
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    threads: u32,

    /// Processes, all asleep at once (more than 1 000: a warning)
    #[arg(long, value_name = "N", default_value_t = limits::SAFE_PROCESSES as u32,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    processes: u32,

    /// How long each unit sleeps, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    sleep_ms: u64,

    /// Measure these kinds only, comma-separated
    #[arg(long, value_enum, value_name = "KIND,...", value_delimiter = ',',
          default_values_t = Kind::ALL)]
    kinds: Vec<Kind>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let roles = [
        role(limits::ROLE, limits::serve),
        role(limits::SLEEPER, limits::sleeper),
    ];
    if let Some(exit) = process::run_child(roles) {
        return exit;
    }
    common::exit_code("limits", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let counts = [args.tasks, args.threads, args.processes].map(|n| n as usize);
    let counts: Vec<_> = Kind::ALL
        .into_iter()
        .zip(counts)
        .filter(|(kind, _)| args.kinds.contains(kind))
        .collect();
    for warning in limits::warnings(&counts) {
        eprintln!("warning: {warning}");
    }
    let progress = !args.json && std::io::stderr().is_terminal();
    let sleep = args.sleep_ms as f64 / 1000.0;
    // The kinds run different counts: no row's seconds divide another's.
    let mut report = Report::new("limits").json(args.json).without_speedup();
    if !args.json {
        println!("Every unit sleeps {sleep} s, all at once; each kind in a fresh process.");
        println!("Duration: from the first spawn until every unit had started.");
        println!("Tasks run on tokio's current_thread runtime: one thread, as trio.\n");
    }
    let mut failed = 0;
    for (kind, count) in counts {
        let job = Job {
            kind,
            count,
            sleep_ms: args.sleep_ms,
            progress,
        };
        let title = format!(
            "{}, each asleep for {sleep} s:",
            limits::described(kind, count)
        );
        let ran = Comparison::new(&format!("{count} units"))
            .title(title)
            .rounds(1)
            .expect(common::sum_below(count as u64))
            .workers_are("units")
            .variant_run(kind.name(), count, move || Ok(limits::measure(job)?.row()))
            .run(&mut report);
        // A refused spawn is what this program is for: said, and the other kinds run.
        if let Err(error) = ran {
            let refused = error.downcast_ref::<Refused>();
            let failure = || format!("{}: failed: {error}", kind.name());
            let note = refused.map_or_else(failure, Refused::to_string);
            let lines = refused.map_or_else(|| vec![note.clone()], Refused::lines);
            failed += usize::from(refused.is_none());
            for line in lines {
                match args.json {
                    true => eprintln!("{line}"),
                    false => println!("  {line}"),
                }
            }
            if !args.json {
                println!();
            }
            report.note(note);
        }
    }
    for note in limits::NOTES {
        report.note(note);
    }
    let future = limits::task_future_bytes();
    report.note(format!(
        "A task's future: {future} bytes (size_of_val), in a cell of tokio's."
    ));
    for note in limits::PYTHON_SLIDES {
        report.note(note);
    }
    let conclusion = limits::conclusion(report.rows());
    report.note(conclusion);
    report.finish()?;
    match failed {
        0 => Ok(()),
        _ => Err(format!("{failed} kind(s) could not be measured (see above)").into()),
    }
}
