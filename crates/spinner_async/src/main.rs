//! the spinner is a tokio task; slow() awaits a 2 s sleep, then the spinner is cancelled
//!
//!     cargo run -p spinner_async                                  # the spinner, 2 s
//!     cargo run -p spinner_async -- --blocking                    # a prime check freezes it
//!     cargo run -p spinner_async -- --blocking --fix spawn-blocking
//!     cargo run -p spinner_async -- --blocking --fix yield-now --yield-every 100000
//!
//! What to look for: with the sleep, about 20 frames in 2 s, then `Answer: 42` on a clean
//! line. With `--blocking`, `0 frames`: the check never awaits, so the one thread never
//! returns to the runtime and the spinner task never runs. Either fix brings the frames
//! back. What a yield costs is measured in lecture 5:
//! `cargo run --release -p coroutines --bin blocking_in_async -- --yield-cost`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::primes::SPINNER_PRIME;
use common::term::{self, SpinnerArgs};
use common::timeline::Timeline;
use spinner_async::{Fix, Work, supervisor};

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
}

fn main() -> ExitCode {
    let args = Args::parse();
    // asyncio runs its event loop on one thread; so does this runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("could not build the tokio runtime");
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
