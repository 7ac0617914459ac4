//! the spinner is a tokio task; slow() awaits a 2 s sleep, then the spinner is cancelled
//!
//!     cargo run -p spinner_async                                  # the spinner, 2 s
//!     cargo run -p spinner_async -- --blocking                    # a prime check freezes it
//!     cargo run -p spinner_async -- --blocking --fix spawn-blocking
//!     cargo run -p spinner_async -- --blocking --fix yield-now --yield-every 100000
//!     cargo run --release -p spinner_async -- --compare           # what yielding costs
//!
//! What to look for: with the sleep, about 20 frames in 2 s, then `Answer: 42` on a clean
//! line. With `--blocking`, `0 frames`: the check never awaits, so the one thread never
//! returns to the runtime and the spinner task never runs. Either fix brings the frames
//! back. `--compare` times the same check yielding every N divisions: the cost of one
//! yield (`ns_per_yield`) stays put, so the overhead grows as N shrinks.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::primes::{SPINNER_PRIME, SPINNER_PRIME_QUICK};
use common::report::Report;
use common::term::{self, SpinnerArgs};
use common::timeline::Timeline;
use spinner_async::{Fix, Work, supervisor, yield_cost};

/// A spinner task on tokio's current-thread runtime, and what a CPU-bound call does to it.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    spinner: SpinnerArgs,
    /// Do a CPU-bound prime check inside the task instead of awaiting a sleep.
    #[arg(long)]
    blocking: bool,
    /// With --blocking: keep the runtime's thread free during the check.
    #[arg(long, value_enum, requires = "blocking")]
    fix: Option<Fix>,
    /// With --fix yield-now: divisions between two yields.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    yield_every: u64,
    /// The number to check (default: a prime whose check takes about 2-3 s).
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..))]
    prime: Option<u64>,
    /// Instead of the spinner, time the check yielding every N divisions (a table).
    #[arg(long, conflicts_with_all = ["blocking", "fix"])]
    compare: bool,
    /// With --compare: print JSON lines instead of a table.
    #[arg(long, requires = "compare")]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // asyncio runs its event loop on one thread; so does this runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("could not build the tokio runtime");
    if args.compare {
        let n = args.prime.unwrap_or(SPINNER_PRIME_QUICK);
        return common::exit_code("spinner_async", compare(&runtime, n, args.json));
    }
    term::wipe_line_on_ctrl_c();
    let n = args.prime.unwrap_or(SPINNER_PRIME);
    let work = match (args.blocking, args.fix) {
        (false, _) => Work::Sleep(args.spinner.seconds),
        (true, None) => Work::Blocking(n),
        (true, Some(fix)) => Work::Fixed(n, fix, args.yield_every),
    };
    let timeline = Timeline::new();
    let interval = args.spinner.interval();
    let outcome = runtime.block_on(supervisor(work, interval, &timeline));
    match work {
        Work::Sleep(_) => println!("Answer: {}", outcome.answer),
        _ => {
            let verdict = if outcome.answer == 1 {
                "prime"
            } else {
                "not prime"
            };
            println!("Answer: {n} is {verdict} ({})", work.label());
        }
    }
    println!(
        "{}",
        term::frames_report(outcome.frames, outcome.elapsed, interval)
    );
    if !matches!(work, Work::Sleep(_)) {
        println!(
            "{}",
            explain(work, outcome.frames, outcome.elapsed, interval)
        );
    }
    let (path, title) = (
        args.spinner.timeline.as_deref(),
        format!("spinner_async: {}", work.label()),
    );
    common::exit_code("spinner_async", timeline.save_if_asked(path, &title))
}

/// One sentence that says what the frame count means.
fn explain(work: Work, frames: u64, elapsed: Duration, interval: Duration) -> String {
    let expected = (elapsed.as_secs_f64() / interval.as_secs_f64()).floor() as u64 + 1;
    match work {
        Work::Blocking(_) => format!(
            "The spinner froze: {frames} of the ~{expected} frames a free thread would have drawn.\n\
             The check never awaits, so the runtime's only thread\n\
             never runs the spinner task."
        ),
        _ => format!(
            "The spinner kept turning: {frames} of ~{expected} frames,\n\
             because the runtime's thread was free while the check ran."
        ),
    }
}

/// Times the prime check yielding every N divisions, against the same check never
/// yielding, in turns, and prints the table.
fn compare(runtime: &tokio::runtime::Runtime, n: u64, json: bool) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let mut report = Report::new("spinner_async").json(json);
    yield_cost(runtime, n, &[10_000, 1_000, 100], 4, &mut report)?;
    report.note("overhead_pct: extra time over `never`; ns_per_yield: that extra time per yield.");
    Ok(report.finish()?)
}
