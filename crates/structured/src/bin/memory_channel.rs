//! trio's memory channel of capacity 0: the producer never runs ahead of the consumer, and the loop ends when the sender is dropped
//!
//!     cargo run -p structured --bin memory_channel
//!     cargo run -p structured --bin memory_channel -- --capacity 1 --on tasks
//!
//! The Python slides' producer and consumer on `trio.open_memory_channel(0)`: the producer
//! says "Producer: message i", then sends it; the consumer says what it received, then
//! sleeps (1 s in the slides, 0.2 s here). As tasks on `flume::bounded(0)` in a nursery,
//! one thread (current_thread), as trio; then as threads on `crossbeam::channel::bounded(0)`.
//!
//! What to look for: Producer 1, Consumer 1, Producer 2, Consumer 2, …: message i+1 is
//! announced only once message i was received, at that very instant. `--capacity 1` lets
//! the producer get one message ahead. The consumer's loop ends by itself once the
//! producer returns and drops its sender.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, Transcript};
use structured::cancel::Log;
use structured::channel::{self, most_ahead};

/// The Python slides' producer and consumer on a memory channel of capacity 0.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Messages the producer sends (the Python slides: 9)
    #[arg(long, value_name = "N", default_value_t = 9,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    messages: u32,

    /// How long the consumer sleeps after each message, in seconds (the Python slides: 1)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.2, value_parser = parse_sleep)]
    sleep: f64,

    /// The channel's buffer: 0 is a rendezvous, as in the Python slides
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    capacity: u32,

    /// Run it as tasks or as threads only [default: tasks, then threads]
    #[arg(long, value_enum)]
    on: Option<On>,
}

/// What the producer and the consumer run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum On {
    /// tokio tasks in a nursery, on flume::bounded
    Tasks,
    /// threads in std::thread::scope, on crossbeam::channel::bounded
    Threads,
}

/// A sleep from a millisecond (a quick test) to ten seconds.
fn parse_sleep(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    common::exit_code("memory_channel", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (messages, capacity) = (args.messages, args.capacity as usize);
    let pause = Duration::from_secs_f64(args.sleep);
    let parts = args.on.map_or(vec![On::Tasks, On::Threads], |on| vec![on]);
    for on in parts {
        let log = Log::new(Transcript::printing());
        match on {
            On::Tasks => {
                println!(
                    "Tasks on flume::bounded({capacity}), in a nursery; one thread \
                     (current_thread), as trio:"
                );
                let runtime = asyncio::event_loop()?;
                runtime.block_on(channel::memory_channel(messages, capacity, pause, &log))?;
            }
            On::Threads => {
                println!("Threads on crossbeam::channel::bounded({capacity}), in a thread::scope:");
                channel::memory_channel_threads(messages, capacity, pause, &log)?;
            }
        }
        let lines = log.lines();
        let received: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains("Consumer: received"))
            .collect();
        let in_order = (1..=messages).map(|i| format!("received 'message {i}'"));
        let all_in_order = received.len() == messages as usize
            && received
                .iter()
                .zip(in_order)
                .all(|(line, end)| line.ends_with(&end));
        let closed = lines.last().is_some_and(|l| l.ends_with("the loop ends"));
        if !all_in_order || !closed {
            return Err(format!("{on:?}: the messages did not all arrive, in order").into());
        }
        // What capacity c guarantees: message i+c+2 is never announced before message i
        // is received; on one thread, not even message i+c+1.
        let ahead = most_ahead(&lines);
        let bound = match on {
            On::Tasks => capacity + 1,
            On::Threads => capacity + 2,
        };
        if ahead > bound.min(messages as usize) {
            return Err(format!("{on:?}: the producer got {ahead} messages ahead").into());
        }
        let race = if ahead > capacity + 1 {
            " (threads: after a hand-over, either one may print first)"
        } else {
            ""
        };
        println!(
            "done: {messages} of {messages} received, in order; message i+{ahead} was announced \
             only once message i had been received{race}.\n"
        );
    }
    let (waited, within) = match capacity {
        0 => ("for its receive", "in step with".to_string()),
        1 => ("for room in the buffer", "within 1 message of".to_string()),
        c => ("for room in the buffer", format!("within {c} messages of")),
    };
    println!(
        "Shown: on capacity {capacity}, each send waited {waited}, so the producer stayed \
         {within} the consumer; the consumer's loop ended when the sender was dropped."
    );
    Ok(())
}
