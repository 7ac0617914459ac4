//! the Python course notebook's PRIMES checked by a thread pool, a process pool and rayon: the same answers
//!
//!     cargo run -p pools --bin prime_pool
//!     cargo run --release -p pools --bin prime_pool -- --workers 1
//!
//! The notebook hands `is_prime` and its list of big numbers to a `ProcessPoolExecutor`
//! and prints what `executor.map` gives back: the answers in the order the numbers were
//! submitted, whichever finished first. Here three executors do the same in turn: this
//! chapter's `ThreadPool`, a process pool (this program started again) and rayon.
//!
//! What to look for: the three transcripts are identical, number for number, in the order
//! of the list (the repeated number included; the last one is composite), and all three
//! agree with the known answers. Six numbers are little work, so the process pool's
//! start-up (`startup_s`) shows in its time.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::primes::{PRIMES, PRIMES_ARE_PRIME, is_prime};
use common::process;
use common::report::Report;
use pipes::pool;
use pools::thread_pool::ThreadPool;
use rayon::prelude::*;

/// Check the Python course notebook's PRIMES with a thread pool, a process pool and rayon.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads or processes in each pool [default: the CPUs this process may use]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: Option<u16>,

    /// Rounds: the executors take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Print only the timing rows, as JSON lines (for scripts/bench)
    #[arg(long)]
    json: bool,
}

/// The role in which this binary is a process-pool worker.
const WORKER: &str = "prime-pool-worker";

fn main() -> ExitCode {
    let serve = || pool::serve(is_prime);
    if let Some(exit) = process::run_child([process::role(WORKER, serve)]) {
        return exit;
    }
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("prime_pool", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let workers = args
        .workers
        .map_or_else(common::default_workers, usize::from);
    let workers = workers.min(PRIMES.len());
    let mut report = Report::new("prime_pool").json(args.json);
    // Each executor's `map` gives the answers in the order of PRIMES, like `executor.map`.
    let fastest = Comparison::new("primes")
        .title(format!(
            "is_prime on {} numbers, {workers} workers",
            PRIMES.len()
        ))
        .rounds(args.runs.into())
        // ANCHOR: executors
        .expect(PRIMES_ARE_PRIME.to_vec())
        .variant("serial", 1, || PRIMES.map(is_prime).to_vec())
        .variant_run("threads", workers, || {
            // Dropping the pool at the end waits for its threads.
            let pool = ThreadPool::new(workers);
            Ok(Run::new(
                pool.map(is_prime, PRIMES).collect::<Result<_, _>>()?,
            ))
        })
        .variant_run("processes", workers, || {
            let run = pool::map_timed(WORKER, workers, &PRIMES)?;
            Ok(Run::new(run.outputs)
                .took(run.total)
                .seconds("startup_s", run.startup))
        })
        .variant_run("rayon", workers, || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .build()?;
            Ok(Run::new(pool.install(|| {
                PRIMES.par_iter().map(|&n| is_prime(n)).collect()
            })))
        })
        .run(&mut report)?;
    // ANCHOR_END: executors
    // The transcripts of the three executors (the serial run is only the baseline).
    let executors = [
        format!("with a thread pool of {workers} threads"),
        format!("with a process pool of {workers} processes"),
        format!("with rayon, {workers} threads"),
    ];
    for (executor, checked) in executors.iter().zip(&fastest[1..]).filter(|_| !args.json) {
        println!("Checking {} numbers {executor}:", PRIMES.len());
        for (n, prime) in PRIMES.iter().zip(&checked.run.answer) {
            println!("{n} is prime: {prime}");
        }
        println!();
    }
    if fastest.iter().all(|checked| checked.ok) {
        report.note("all three agree with the known answers");
    }
    report.finish()?;
    Ok(())
}
