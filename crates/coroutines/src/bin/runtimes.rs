//! the same small program (spawn, sleep, channel) on tokio, async-std (discontinued) and smol, with their names side by side
//!
//!     cargo run -p coroutines --bin runtimes
//!     cargo run -p coroutines --bin runtimes -- --workers 5 --tick-ms 50
//!
//! One program written three times (`coroutines::runtimes`): spawn the workers in reverse
//! order; worker `n` sleeps `n` ticks and reports over a channel; `main` prints the
//! reports as they come, then joins every worker for its number. tokio runs on its
//! `current_thread` runtime (one thread, as asyncio); async-std and smol on threads of
//! their own. async-std is discontinued: its README says to use smol.
//!
//! What to look for: the three transcripts are the same, line for line (the program checks
//! it); each takes about the longest sleep, not the sum. Then the table: how each runtime
//! spells spawn, sleep, channel, block_on and join.

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use coroutines::runtimes::{API, Runtime};

/// The same small program on tokio, async-std and smol, and their names side by side.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many workers to spawn; worker n sleeps n ticks
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    workers: u32,

    /// How long a tick lasts, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(10..=2_000))]
    tick_ms: u64,
}

fn main() -> ExitCode {
    common::exit_code("runtimes", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let tick = Duration::from_millis(args.tick_ms);
    let mut transcripts = Vec::new();
    for runtime in Runtime::ALL {
        let started = Instant::now();
        let lines = runtime.run(args.workers, tick)?;
        let took = started.elapsed().as_secs_f64();
        println!("{} ({}): {took:.2} s", runtime.name(), runtime.note());
        for line in &lines {
            println!("  {line}");
        }
        transcripts.push(lines);
    }
    if transcripts.iter().any(|lines| *lines != transcripts[0]) {
        return Err("the runtimes' transcripts differ".into());
    }
    let (longest, sum) = (tick * args.workers, tick * (1..=args.workers).sum::<u32>());
    println!("The three transcripts are identical ✓");
    println!(
        "Each took about the longest sleep, {:.2} s, not the sum, {:.2} s.\n",
        longest.as_secs_f64(),
        sum.as_secs_f64()
    );
    let width = |column: usize| API.iter().map(|row| row[column].len()).max().unwrap_or(0);
    let widths = [0, 1, 2, 3].map(width);
    let header = ["", "tokio", "async-std", "smol"];
    for row in std::iter::once(&header).chain(&API) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    println!("\nasync-std's and smol's channels are both the async-channel crate.");
    println!("async-std is discontinued: its README says to use smol instead.");
    Ok(())
}
