//! two CPU-bound hash chains on one pinned core, then on two: wall time about 2× against 1×, CPU time the same
//!
//!     cargo run -p intro --bin concurrent_vs_parallel
//!     cargo run --release -p intro --bin concurrent_vs_parallel -- --timeline cores.svg
//!
//! Rob Pike, as the Python slides quote him: concurrency is about *dealing* with many
//! things at once, parallelism is about *doing* many things at once. Two threads each
//! hash a chain (the tech talk's `hash_me`); first both are pinned to one CPU with
//! `sched_setaffinity`, then each to a CPU of its own.
//!
//! What to look for: on one core the pair takes about twice one job's time and the
//! threads are never on a CPU at the same instant; on two cores it takes about one job's
//! time, the two run at once for almost all of it, and the CPU time is the same.

use std::cell::RefCell;
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::report::Report;
use intro::cores::{self, JOB_ROUNDS, Outcome, Placement};

/// Two hash chains on one pinned core, then on two: wall time against CPU time.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Multiply the rounds of each chain (9 000 000) by F, from 0.001 (a quick test) to 10
    #[arg(long, value_name = "F", default_value_t = 1.0,
          value_parser = |f: &str| common::term::parse_f64_in(f, 0.001..=10.0))]
    scale: f64,

    /// Runs of each placement, taking turns; the fastest counts
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=10))]
    runs: u16,

    /// Draw both runs on one time axis into this SVG file: who held a CPU when
    #[arg(long, value_name = "FILE.svg", conflicts_with = "json")]
    timeline: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("concurrent_vs_parallel", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let rounds = ((JOB_ROUNDS as f64 * args.scale) as u64).max(1);
    let mut placements = vec![Placement::OneCore];
    if cores::cpus_available() >= 2 {
        placements.push(Placement::TwoCores);
    } else if !args.json {
        common::say!("Only one CPU is available here: the two-core run is left out.\n");
    }
    // The fastest run of each placement, kept for the notes and the picture.
    let kept: RefCell<Vec<Outcome>> = RefCell::new(Vec::new());
    let keep = |outcome: &Outcome| {
        let mut kept = kept.borrow_mut();
        match kept.iter_mut().find(|k| k.placement == outcome.placement) {
            Some(k) if k.wall <= outcome.wall => {}
            Some(k) => *k = outcome.clone(),
            None => kept.push(outcome.clone()),
        }
    };
    let keep = &keep;
    let mut comparison = Comparison::new(&format!("2 hash chains of {rounds} rounds"))
        .title(format!(
            "Two jobs, each a chain of {rounds} SHA-256 rounds:"
        ))
        .rounds(usize::from(args.runs))
        .expect(cores::expected_answers(rounds))
        .workers_are("core(s)");
    for placement in placements {
        let workers = if placement == Placement::OneCore {
            1
        } else {
            2
        };
        comparison = comparison.variant_run(&placement.to_string(), workers, move || {
            let outcome = cores::run(placement, rounds)?;
            keep(&outcome);
            Ok(Run::new(outcome.answers())
                .took(outcome.wall)
                .seconds("cpu_s", outcome.cpu)
                .extra("cpu_per_wall", outcome.cpu_per_wall())
                .seconds("both_running_s", outcome.overlap()))
        });
    }
    let mut report = Report::new("concurrent_vs_parallel").json(args.json);
    report.baseline_variant("one core");
    comparison.run(&mut report)?;
    let kept = kept.into_inner();
    for outcome in &kept {
        report.note(explain(outcome));
    }
    if let [one, two] = kept.as_slice() {
        report.note(format!(
            "One core took {:.2}× as long as two, for {:.2}× the CPU time: \
             the same work, shared instead of spread.",
            one.wall.as_secs_f64() / two.wall.as_secs_f64(),
            one.cpu.as_secs_f64() / two.cpu.as_secs_f64(),
        ));
    }
    report.finish()?;
    let picture = cores::one_axis(&kept.iter().collect::<Vec<_>>());
    let title = "Two hash chains: on one core they take turns, on two they run at once";
    picture.save_if_asked(args.timeline.as_deref(), title)?;
    Ok(())
}

/// What one run shows, in a sentence built from its figures.
fn explain(outcome: &Outcome) -> String {
    let (placed, lesson) = match outcome.jobs.as_slice() {
        [a, b] if a.pinned_to == b.pinned_to => (
            format!("both jobs on CPU {}", a.pinned_to),
            "Concurrent: dealing with two things at once.",
        ),
        [a, b] => (
            format!("the jobs on CPUs {} and {}", a.pinned_to, b.pinned_to),
            "Parallel: doing two things at once.",
        ),
        _ => unreachable!("cores::run runs two jobs"),
    };
    let (both, wall) = (outcome.overlap().as_secs_f64(), outcome.wall.as_secs_f64());
    let turns = match both / wall {
        share if share < 0.1 => "they took turns",
        share if share > 0.9 => "they ran side by side",
        _ => "they ran at once for part of the time",
    };
    format!(
        "{}: {placed}; {turns}, both running for {both:.3} s of {wall:.3} s, \
         CPU time / wall time {:.2}. {lesson}",
        outcome.placement,
        outcome.cpu_per_wall(),
    )
}
