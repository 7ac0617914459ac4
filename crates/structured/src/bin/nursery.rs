//! a nursery cannot end before its children: 1st, 2nd and 3rd interleave, and done prints after all of them
//!
//!     cargo run -p structured --bin nursery
//!     cargo run -p structured --bin nursery -- --steps 10 --interval 1   # as in the Python slides
//!
//! The Python slides' trio program: `main` opens a nursery and starts three children in it,
//! "1st", "2nd" and "3rd"; each says it started, then `n` times how far it is, sleeping
//! `s` after each step, then that it finished. Here `structured::nursery` stands for
//! `trio.open_nursery()`, on tokio's `current_thread` runtime (one thread, as trio).
//!
//! What to look for: the children take turns step by step (1st 1/3, 2nd 1/3, 3rd 1/3,
//! 1st 2/3, …), and `done` comes after the last `task finished`: the nursery returned
//! when its slowest child did, after steps × interval, and not a moment before.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, Transcript};
use structured::trio::{self, CHILDREN};

/// The Python slides' trio nursery: three children count and sleep; `done` comes after all.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many steps each child takes (the Python slides: 10)
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    steps: u32,

    /// How long a child sleeps after each step, in seconds (the Python slides: 1)
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0, value_parser = parse_interval)]
    interval: f64,
}

/// An interval from a millisecond (a quick test) to ten seconds.
fn parse_interval(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    common::exit_code("nursery", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (n, s) = (args.steps, Duration::from_secs_f64(args.interval));
    let steps = if n == 1 { "step" } else { "steps" };
    // Every line goes through the transcript, which, unlike `println!`, does not panic
    // when stdout is a pipe closed early (`| head`).
    let out = Transcript::printing();
    out.say(format!(
        "{n} {steps} of {} s each; one thread (current_thread), as trio",
        args.interval
    ));
    let took = asyncio::event_loop()?.block_on(trio::trio_main(n, s, &out))?;

    // The lesson, checked before it is claimed: `done` is the last line, and every
    // child said it finished before it.
    let lines = out.lines();
    let finished = CHILDREN
        .iter()
        .filter(|name| lines.contains(&format!("{name} task finished")))
        .count();
    if lines.last().map(String::as_str) != Some("done") || finished != CHILDREN.len() {
        return Err("`done` was not the last line, after every child".into());
    }
    out.say(format!(
        "done came after all {finished} children: {:.2} s, the slowest child's {n} × {} s",
        took.as_secs_f64(),
        args.interval
    ));
    Ok(())
}
