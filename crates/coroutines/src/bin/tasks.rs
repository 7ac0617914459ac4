//! three tasks sleep and return their names reversed; the total is one sleep, not three
//!
//!     cargo run -p coroutines --bin tasks
//!     cargo run -p coroutines --bin tasks -- --seconds 5    # the Python slides' sleep
//!
//! The Python slides' `asyncio.create_task` example, on tokio's `current_thread` runtime:
//! one thread, as asyncio's event loop. `main` creates three tasks, then awaits each
//! one's result in turn.
//!
//! What to look for: all three `created` lines come before any `started` line (a task
//! runs only when `main` first awaits), the three sleeps overlap, the results are the
//! names reversed, and the last line puts the total beside one sleep and three.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, NAMES, Transcript};

/// Three tasks that sleep, then return their names reversed (the Python slides).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How long each task sleeps, in seconds (the Python slides sleep 5)
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = common::term::parse_seconds)]
    seconds: Duration,
}

fn main() -> ExitCode {
    common::exit_code("tasks", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    println!(
        "The Python slides' three tasks, on tokio's current_thread runtime: one thread, as asyncio.\n"
    );
    let out = Transcript::printing();
    let runtime = asyncio::event_loop()?; // one thread, as asyncio
    let (results, took) = runtime.block_on(async {
        let started = tokio::time::Instant::now();
        let results = asyncio::create_tasks(args.seconds, &out).await;
        (results, started.elapsed())
    });
    let results = results?;
    let reversed = NAMES.map(|name| name.chars().rev().collect::<String>());
    if results != reversed {
        return Err(format!("the tasks returned {results:?}, not {reversed:?}").into());
    }
    let (one, all) = (args.seconds.as_secs_f64(), took.as_secs_f64());
    let sum = one * NAMES.len() as f64;
    println!("all three took {all:.2} s: one sleep ({one:.2} s), not three ({sum:.2} s)");
    Ok(())
}
