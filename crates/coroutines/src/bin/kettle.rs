//! breakfast awaited step by step takes 5 s; spawned tasks, join! and JoinSet take 3 s
//!
//!     cargo run -p coroutines --bin kettle                    # every way, 1 s = 0.2 s
//!     cargo run -p coroutines --bin kettle -- --way join-set --scale 1
//!
//! The Python course notebook's minitask 7: boil the kettle (3 s) and clean the cups
//! (2 s). Awaited one after the other, as in the notebook's `main`, then in the three
//! concurrent ways the minitask asks for: `tokio::spawn` (`create_task`), `join!`
//! (`gather`) and a `JoinSet` (`TaskGroup`), on tokio's `current_thread` runtime (one
//! thread, as asyncio). `--scale` sets how long one of the notebook's seconds lasts.
//!
//! What to look for: sequentially, the cups start only when the kettle is done, and the
//! breakfast takes 5 of the notebook's seconds; concurrently, both start at once, the cups
//! are done first, and it takes 3: the longest step, not the sum.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, BREAKFAST, Transcript, Way};

/// The Python course notebook's breakfast (minitask 7): sequential awaits, then spawn, join! and JoinSet.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Cook the breakfast this way only [default: every way, in turn]
    #[arg(long, value_enum)]
    way: Option<Way>,

    /// How long one of the notebook's seconds lasts here, in seconds (1 = the notebook's)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.2, value_parser = parse_scale)]
    scale: f64,
}

/// A scale from a millisecond (a quick test) to ten seconds per notebook second.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    common::exit_code("kettle", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let unit = Duration::from_secs_f64(args.scale);
    let steps: Vec<String> = BREAKFAST
        .iter()
        .map(|step| format!("{} ({} s)", step.task, step.seconds))
        .collect();
    println!(
        "The Python course notebook's breakfast: {}.",
        steps.join(", ")
    );
    println!(
        "One of its seconds lasts {} s here (--scale); tokio's current_thread runtime: one \
         thread, as asyncio.",
        args.scale
    );
    let runtime = asyncio::event_loop()?; // one thread, as asyncio
    let ways = args.way.map_or(Way::ALL.to_vec(), |way| vec![way]);
    for way in ways {
        println!("\n{}: {}", way.name(), way.how());
        let out = Transcript::printing();
        let took = runtime.block_on(asyncio::breakfast(way, BREAKFAST, unit, &out))?;
        let (seconds, expected) = (
            took.as_secs_f64(),
            asyncio::expected_seconds(way, &BREAKFAST),
        );
        let why = match way {
            Way::Sequential => "the sum of the steps",
            _ => "the longest step",
        };
        println!(
            "Executed in {seconds:.2} seconds: {:.1} notebook seconds; {why} is {expected}.",
            seconds / args.scale
        );
    }
    Ok(())
}
