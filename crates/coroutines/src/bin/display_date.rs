//! two tasks print timestamps at random intervals; when the second is done it stops the loop and the first is cancelled
//!
//!     cargo run -p coroutines --bin display_date
//!     cargo run -p coroutines --bin display_date -- --seed 3 --scale 1   # the notebook's 50 s
//!
//! The Python course notebook's `display_date`: two loops, each printing the time and then
//! napping 0 to 5 s at random, until 50 s have passed; when loop 2 is done it calls
//! `loop.stop()`. Here the two loops are tasks on tokio's `current_thread` runtime (one
//! thread, as asyncio); `--scale` sets how long one of the notebook's seconds lasts, and
//! `--seed` fixes the random naps.
//!
//! What to look for: the two loops' lines interleave, in the order of the clock; the last
//! lines say when loop 2 stopped the loop, and that loop 1, still napping then, was
//! cancelled: it never prints again.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, Dates, Transcript};

/// The Python course notebook's two display_date loops; loop 2 stops the event loop.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How long each loop runs, in the notebook's seconds (50 there)
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    seconds: u32,

    /// How long one of the notebook's seconds lasts here, in seconds (1 = the notebook's)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.1, value_parser = parse_scale)]
    scale: f64,

    /// Random seed for the naps: the same number, the same naps
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
}

/// A scale from a millisecond (a quick test) to ten seconds per notebook second.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    common::exit_code("display_date", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let dates = Dates {
        seconds: args.seconds,
        unit: Duration::from_secs_f64(args.scale),
        seed: args.seed,
    };
    println!(
        "Two loops print the time, then nap 0 to 5 notebook seconds at random (--seed {}), \
         for {} notebook seconds each.",
        args.seed, args.seconds
    );
    println!(
        "One notebook second lasts {} s here (--scale), so a loop runs {:.1} s; the times \
         below are this run's.",
        args.scale,
        args.scale * f64::from(args.seconds)
    );
    println!("tokio's current_thread runtime: one thread, as asyncio.");
    let out = Transcript::printing();
    let runtime = asyncio::event_loop()?; // one thread, as asyncio
    let ended = runtime.block_on(asyncio::two_loops(dates, &out))?;
    let at = ended.stopped_at.as_secs_f64();
    println!("Loop 2 is done and stopped the loop at {at:.2} s (asyncio's loop.stop()).");
    if ended.first_cancelled {
        println!("Loop 1 was napping then: it was cancelled, and never printed again.");
    } else {
        println!("Loop 1 had already finished: there was nothing left to cancel.");
    }
    Ok(())
}
