//! a CPU-bound loop in a task starves a 100 ms ticker; spawn_blocking, yield_now every N and rayon + a oneshot bring the ticks back
//!
//!     cargo run -p coroutines --bin blocking_in_async                # four runs, about 5 s
//!     cargo run -p coroutines --bin blocking_in_async -- --yield-every 1000
//!     cargo run --release -p coroutines --bin blocking_in_async -- --yield-cost
//!
//! Fluent Python's "GIL impact", with a ticker in place of the spinner: a task ticks every
//! 100 ms while another checks a large prime, both on one thread (tokio's current_thread
//! runtime, as asyncio). What to look for: the check inside the task leaves the ticker
//! `0` ticks of the ten or so a free thread gives; each fix brings them all back, and the
//! answer never changes. `--yield-cost` times the check yielding every 1, 1 000 and
//! 100 000 divisions against never: one yield costs a fixed few hundred nanoseconds, so
//! the slowdown grows as the slices shrink.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::report::Report;
use coroutines::blocking::{self, TICKER_PRIME, Way, YIELD_COST_PRIME};
use tokio::runtime::Runtime;

/// A CPU-bound check beside a ticker task on one thread, and three ways to keep it ticking.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Milliseconds between two ticks of the ticker
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..=1_000))]
    period_ms: u64,

    /// The number to check [default: 1000000000000000003, about a second of divisions;
    /// with --yield-cost 36000000000053]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
    prime: Option<u64>,

    /// Divisions between two yields for the yield_now fix
    #[arg(long, value_name = "N", default_value_t = 100_000, conflicts_with = "yield_cost",
          value_parser = clap::value_parser!(u64).range(1..))]
    yield_every: u64,

    /// Instead, time the check yielding every 1, 1 000 and 100 000 divisions (a table)
    #[arg(long)]
    yield_cost: bool,

    /// With --yield-cost: print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long, requires = "yield_cost")]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::exit_code("blocking_in_async", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    // asyncio runs its event loop on one thread; so does this runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if args.yield_cost {
        return yield_cost(&runtime, args.prime.unwrap_or(YIELD_COST_PRIME), args.json);
    }
    let n = args.prime.unwrap_or(TICKER_PRIME);
    let period = Duration::from_millis(args.period_ms);
    println!(
        "A ticker task ticks every {} ms while another task checks",
        args.period_ms
    );
    println!("{n} for primality, both on one thread:");
    let (mut answers, mut yields) = (Vec::new(), String::new());
    for way in Way::all(args.yield_every) {
        let outcome = runtime.block_on(blocking::beside_a_ticker(way, n, period));
        let verdict = match outcome.kept_ticking(period) {
            true => "kept ticking",
            false => "the ticker starved",
        };
        println!(
            "  {:<22} {:>5.2} s  {:>3} of {:>3} ticks  {verdict}",
            way.label(),
            outcome.elapsed.as_secs_f64(),
            outcome.ticks,
            outcome.expected_ticks(period),
        );
        if let Way::YieldNow(every) = way {
            yields = format!("yield_now gave the thread back {} times,", outcome.yields);
            yields += &format!(" once every {every} divisions.");
        }
        answers.push(outcome.prime);
    }
    if answers.windows(2).any(|pair| pair[0] != pair[1]) {
        return Err(format!("the four checks of {n} disagree: {answers:?}").into());
    }
    let verdict = if answers[0] { "prime" } else { "not prime" };
    println!("Answer: {n} is {verdict}, all four times.");
    println!("{yields}");
    println!("The check inside the task never awaits: until it returns, the runtime's only");
    println!("thread cannot run the ticker. Each fix leaves that thread free while it checks.");
    Ok(())
}

/// The cost of yielding: the check never yielding against yielding every N divisions.
fn yield_cost(runtime: &Runtime, n: u64, json: bool) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let mut report = Report::new("blocking_in_async").json(json);
    let ns = blocking::yield_cost(runtime, n, &[100_000, 1_000, 1], 3, &mut report)?;
    report.note(format!(
        "One yield costs {ns:.0} ns: the extra time of `every 1` over `never`, per yield."
    ));
    report.note("overhead_pct: the extra time over `never`, measured; predicted_pct: what that");
    report.note("cost makes of the row's yields. Every 100 000 divisions the overhead is below");
    report.note("the noise of a measurement: only the prediction can show it.");
    Ok(report.finish()?)
}
