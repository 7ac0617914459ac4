//! what a task costs: spawn and complete 1 000 and 100 000 units on tokio, on our executor and as threads, in time and bytes
//!
//!     cargo run --release -p coroutines --bin task_cost
//!     cargo run --release -p coroutines --bin task_cost -- --units 10000 --stack-kb 16
//!
//! The Python course notebook: "processes are costly to spawn", threads less so, and a
//! coroutine costs next to nothing. Each unit waits until all have started (so all are
//! alive at once), then returns its index; the sum checks that every unit ran once. Each
//! run is measured in a fresh child process: its time, and its peak memory growth per unit.
//!
//! What to look for: a task costs a fraction of a microsecond and a few hundred bytes; a
//! thread tens of microseconds and kilobytes, even with a small stack; and 100 000 threads
//! at once are more than this machine allows (the program says which limit, and skips
//! them). Our executor is in the same range as tokio: a task is a boxed future in a queue.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::limits::thread_limit;
use common::process;
use common::report::Report;
use coroutines::task_cost::{self, Job, Unit};

/// Spawn and complete many threads, tokio tasks and tasks of our executor.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many units to start at once, comma-separated
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_values_t = [1_000, 100_000],
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    units: Vec<u32>,

    /// Each thread's stack, in KiB (Rust's default is 2048)
    #[arg(long, value_name = "KIB", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(16..=8192))]
    stack_kb: u32,

    /// Start at most this many threads at once [default: what this machine allows]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_threads: Option<u32>,

    /// Runs of each way; the fastest counts
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    rounds: u32,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(task_cost::ROLE, task_cost::serve)]) {
        return exit;
    }
    common::exit_code("task_cost", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let limit = thread_limit();
    let max_threads = args.max_threads.map_or(limit.max, |n| n as usize);
    let stack_kb = args.stack_kb as usize;
    let mut report = Report::new("task_cost").json(args.json);
    let mut skipped = Vec::new();
    for count in args.units.iter().map(|&n| n as usize) {
        let mut comparison = Comparison::new(&format!("{count} units"))
            .title(format!(
                "{count} units, all alive at once, each returns its index:"
            ))
            .rounds(args.rounds as usize)
            .expect(common::sum_below(count as u64))
            .workers_are("units");
        for unit in Unit::ALL {
            if unit == Unit::Thread && count > max_threads {
                skipped.push(count);
                continue;
            }
            comparison = comparison.variant_run(unit.name(), count, move || {
                let measured = task_cost::measure(Job {
                    unit,
                    count,
                    stack_kb,
                })?;
                let run = Run::new(measured.sum)
                    .took(std::time::Duration::from_secs_f64(measured.seconds))
                    .extra("us_per_unit", measured.us_per_unit(count));
                Ok(match measured.bytes_per_unit(count) {
                    Some(bytes) => run.extra("bytes_per_unit", bytes),
                    None => run,
                })
            });
        }
        comparison.run(&mut report)?;
    }
    report.baseline_variant(Unit::Thread.name());
    report.note("us_per_unit: spawn, run and join one unit; bytes_per_unit: the peak memory");
    report.note("growth over the units, all alive at once, each run in a fresh process.");
    report.note(format!(
        "threads: {stack_kb} KiB stacks (--stack-kb). Their bytes count the stack"
    ));
    report.note("pages a thread touched, not the kernel's own (a 16 KiB kernel stack each).");
    report.note("speedup: against threads, or against tokio where no thread row was run.");
    for count in skipped {
        if args.max_threads.is_some() {
            report.note(format!(
                "threads × {count}: not run: over --max-threads {max_threads}."
            ));
            continue;
        }
        report.note(format!(
            "threads × {count}: not run: this machine allows about {max_threads} threads at once,"
        ));
        report.note("nine tenths of its tightest limit, less what runs already:");
        for limit in &limit.limits {
            report.note(format!("  {limit}"));
        }
        let fits = (1..=6)
            .map(|e| 10usize.pow(e))
            .filter(|&n| n <= max_threads);
        if let Some(fits) = fits.max() {
            report.note(format!("Try --units {fits}."));
        }
    }
    Ok(report.finish()?)
}
