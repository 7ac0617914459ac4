//! Creator and consumer: two processes joined by one channel, ended by a sentinel.
//!
//! The parent makes the channel and gives its two ends away: the sender to the creator
//! process, the receiver to the consumer process, each inside its start message. The
//! creator puts the seed's data `[5, 10, 13]` and then the sentinel `-1`; the consumer
//! doubles every item until the sentinel arrives, then tells the parent how many items it
//! processed and what the doubles add up to. The parent checks that against the data.
//!
//!     cargo run -p pipes --bin creator_consumer
//!     cargo run -p pipes --bin creator_consumer -- --items 1000
//!
//! What to look for: `putting in …` lines from the creator and `data found to be
//! processed: …` lines from the consumer take turns: the creator pauses before each put,
//! and the consumer, blocked on the empty channel, wakes up as soon as an item arrives;
//! `sentinel found` ends the consumer (the program exits by itself); the check line says
//! nothing was lost. (The Python consumer doubles the sentinel too before it stops; ours
//! looks at each item before working on it.)
//!
//! Exercise: two consumers, both ending cleanly. Solution:
//!     cargo run -p pipes --example creator_two_consumers

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::process::{self, Child, ProcessError};
use ipc_channel::ipc;
use pipes::queue::{self, Consumed, ConsumerStart, CreatorStart};

/// A creator process feeds a consumer process through a channel; a sentinel ends the consumer.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Put the numbers 1..=N instead of the seed's data [5, 10, 13].
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    items: Option<u32>,
    /// The creator's pause before each put, in milliseconds [default: 50 for the seed's
    /// data, 0 with --items, so that long runs stay quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pause_ms: Option<u64>,
}

impl Args {
    fn pause(&self) -> Duration {
        let default = if self.items.is_some() { 0 } else { 50 };
        Duration::from_millis(self.pause_ms.unwrap_or(default))
    }
}

/// The hidden roles of the two children.
const CREATOR: &str = "creator";
const CONSUMER: &str = "consumer";

// ANCHOR: children
/// The creator process: receive the data and the sending end of the queue, put it all.
fn creator() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<CreatorStart, ()>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(()); // the parent is gone
    };
    queue::put_all(&start.data, &start.queue, start.pause)
        .map_err(|e| ProcessError::Ipc(e.to_string()))
    // `start.queue` is dropped here: our end of the channel closes.
}

/// The consumer process: receive the receiving end of the queue, drain it, report.
fn consumer() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<ConsumerStart, Consumed>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(());
    };
    let done = queue::consume(&start.queue, "");
    parent
        .tx
        .send(done)
        .map_err(|e| ProcessError::Ipc(e.to_string()))
}
// ANCHOR_END: children

// ANCHOR: wiring
fn run(data: &[i64], pause: Duration) -> Result<Consumed, ProcessError> {
    // One channel, made here. Neither child could make it for the other: each would need
    // to reach the other first. The parent knows both, so it does the introductions.
    let (sender, receiver) = ipc::channel::<i64>()?;
    let creator = Child::<CreatorStart, ()>::spawn(CREATOR)?;
    let mut consumer = Child::<ConsumerStart, Consumed>::spawn(CONSUMER)?;
    println!(
        "creator process pid {}, consumer process pid {}: one channel between them",
        creator.pid(),
        consumer.pid()
    );
    creator.send(CreatorStart {
        data: data.to_vec(),
        queue: sender, // moved: the parent keeps no sender, so only the creator can put
        pause,
    })?;
    consumer.send(ConsumerStart { queue: receiver })?;
    let done = consumer.recv()?;
    creator.join()?;
    consumer.join()?;
    Ok(done)
}
// ANCHOR_END: wiring

fn main() -> ExitCode {
    // A child runs its part and stops, before any flag is parsed.
    let child = match process::child_role().as_deref() {
        Some(CREATOR) => Some(creator()),
        Some(CONSUMER) => Some(consumer()),
        _ => None,
    };
    if let Some(result) = child {
        return common::exit_code("child process", result);
    }
    let args = Args::parse();
    let data = queue::data(args.items);
    let done = match run(&data, args.pause()) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "the consumer processed {}, sum of doubles {}",
        queue::items(done.count),
        done.sum
    );
    match queue::check(&data, done) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}
