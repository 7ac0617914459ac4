//! 1 vs 2 worker processes: ≈1.5× on the numbers of `procs.py`, bounded by the largest job (Amdahl); ≈2× on a balanced set
//!
//! The same checks as `prime_procs`, timed: each variant starts its pool of worker
//! processes (not timed: what a process costs to start is `spawn_cost`'s question), checks
//! every number, and every answer is compared with the known one. Beside each speedup
//! stand the bounds the job sizes allow, counted in trial divisions.
//!
//!     cargo run --release -p pipes --bin prime_procs_speedup
//!     cargo run --release -p pipes --bin prime_procs_speedup -- --runs 5 --json
//!
//! What to look for: on the `procs-py` numbers two processes stay near 1.25× in the given
//! order and reach about 1.5× largest first, never 2×: one number is two thirds of all the
//! work. On the balanced set they come close to 2×.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::process;
use common::report::Report;
use pipes::pool;
use pipes::prime_jobs::{self, NumberSet, Order, divisions};

/// Time 1 against 2 worker processes checking primes, beside the speedup the jobs allow.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Runs of each variant, in turns; the fastest counts
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,
    /// Print the rows as JSON lines, for scripts/bench
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([prime_jobs::worker_role()]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("prime_procs_speedup", run(&args))
}

/// A variant: its name, how many worker processes, the order of the queue.
type Plan = (&'static str, usize, Order);
/// A run's answer: every number with its verdict, sorted, whatever the order of the run.
type Verdicts = Vec<(u64, bool)>;

/// The variants of each set.
// ANCHOR: variants
const PLANS: [(NumberSet, &[Plan]); 2] = [
    (
        NumberSet::ProcsPy,
        &[
            ("1 process", 1, Order::Given),
            ("2 processes", 2, Order::Given),
            ("2 processes, largest first", 2, Order::LargestFirst),
        ],
    ),
    (
        NumberSet::Balanced,
        &[
            ("1 process", 1, Order::Given),
            ("2 processes", 2, Order::Given),
        ],
    ),
];
// ANCHOR_END: variants

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let mut report = Report::new("prime_procs_speedup").json(args.json);
    for (set, variants) in PLANS {
        let mut known = set.numbers();
        known.sort_unstable();
        let mut comparison = Comparison::new(set.name())
            .title(format!(
                "{}: {} numbers checked by worker processes",
                set.name(),
                known.len()
            ))
            .rounds(args.runs.into())
            .expect(known);
        for &(name, workers, order) in variants {
            let jobs = order.arrange(set.numbers(), |&(n, _)| n);
            let costs: Vec<u64> = jobs.iter().map(|&(n, prime)| divisions(n, prime)).collect();
            let bound = pool::speedup_bound(&costs, workers);
            let order_bound = pool::predicted_speedup(&costs, workers);
            let numbers: Vec<u64> = jobs.into_iter().map(|(n, _)| n).collect();
            comparison = comparison.variant_run(name, workers, move || {
                let run = check_in_pool(&numbers, workers)?;
                Ok(run.extra("bound", bound).extra("order_bound", order_bound))
            });
        }
        comparison.run(&mut report)?;
    }
    report.note("bound: the best speedup these jobs allow on that many processes, in any order");
    report.note("       (total divisions / max(largest job, total / processes));");
    report.note("order_bound: what handing out the jobs in this order allows, by the same count.");
    report.note("Starting the processes is not timed. The procs-py runs last a tenth of a second:");
    report.note("a speedup a little past its bound is noise in the timings.");
    report.finish()?;
    Ok(())
}

/// One run: start `workers` processes, check `numbers`, stop them. Only the checking is
/// timed.
fn check_in_pool(numbers: &[u64], workers: usize) -> Result<Run<Verdicts>, Box<dyn Error>> {
    let run = pool::map_timed::<u64, bool>(prime_jobs::WORKER, workers, numbers)?;
    let mut answer: Verdicts = numbers.iter().copied().zip(run.outputs).collect();
    answer.sort_unstable();
    Ok(Run::new(answer).took(run.work))
}
