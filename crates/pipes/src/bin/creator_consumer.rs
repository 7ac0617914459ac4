//! a creator and a consumer process joined by one channel; the sentinel ends the consumer; nothing is lost
//!
//! The parent makes the channel and gives its ends away inside the children's start
//! messages: the sender to the creator, the receiver to the consumer. The creator puts the
//! Python course notebook's data `[5, 10, 13]`, then the sentinel `-1`; the consumer
//! doubles every item until the sentinel arrives, then reports its count and sum.
//!
//!     cargo run -p pipes --bin creator_consumer
//!     cargo run -p pipes --bin creator_consumer -- --items 1000
//!
//! What to look for: `putting in …` (creator) and `data found to be processed: …`
//! (consumer) take turns; `sentinel found` ends the consumer; the check line says nothing
//! was lost. (The Python consumer doubles the sentinel too; ours looks first.)
//! Exercise: two consumers, both ending cleanly. Solution:
//!     cargo run -p pipes --example creator_two_consumers

use std::error::Error;
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
    /// Put the numbers 1..=N instead of the Python original's data [5, 10, 13].
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    items: Option<u32>,
    /// The creator's pause before each put, in milliseconds [default: 50 for the original's
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

/// The creator process: receive the data and the sending end of the queue, put it all.
fn creator() -> Result<(), Box<dyn Error>> {
    let parent = process::connect_to_parent::<CreatorStart, ()>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(()); // the parent is gone
    };
    queue::put_all(&start.data, &start.queue, start.pause)?;
    Ok(()) // `start.queue` is dropped here: our end of the channel closes
}

/// The consumer process: receive the receiving end of the queue, drain it, report.
fn consumer() -> Result<(), Box<dyn Error>> {
    let parent = process::connect_to_parent::<ConsumerStart, Consumed>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(());
    };
    let done = queue::consume(&start.queue, "");
    parent.tx.send(done)?;
    Ok(())
}

fn run(data: &[i64], pause: Duration) -> Result<Consumed, ProcessError> {
    // ANCHOR: wiring
    // One channel, made here. Neither child could make it for the
    // other: each would need to reach the other first. The parent knows
    // both, so it does the introductions.
    let (sender, receiver) = ipc::channel::<i64>()?;
    let creator = Child::<CreatorStart, ()>::spawn(CREATOR)?;
    let mut consumer = Child::<ConsumerStart, Consumed>::spawn(CONSUMER)?;
    println!(
        "creator process pid {}, consumer process pid {}: \
         one channel between them",
        creator.pid(),
        consumer.pid()
    );
    creator.send(CreatorStart {
        data: data.to_vec(),
        // Moved: the parent keeps no sender, so only the creator can put.
        queue: sender,
        pause,
    })?;
    consumer.send(ConsumerStart { queue: receiver })?;
    let done = consumer.recv()?;
    creator.join()?;
    consumer.join()?;
    Ok(done)
    // ANCHOR_END: wiring
}

fn main() -> ExitCode {
    // ANCHOR: role_check
    if let Some(exit) = process::run_child([
        process::role(CREATOR, creator),
        process::role(CONSUMER, consumer),
    ]) {
        return exit;
    }
    // ANCHOR_END: role_check
    let args = Args::parse();
    common::exit_code("creator_consumer", check(&args))
}

/// Runs the two children, then checks the consumer's report against the data.
fn check(args: &Args) -> Result<(), Box<dyn Error>> {
    let data = queue::data(args.items);
    let done = run(&data, args.pause())?;
    let (count, sum) = (queue::items(done.count), done.sum);
    println!("the consumer processed {count}, sum of doubles {sum}");
    println!("{}", queue::check(&data, done)?);
    Ok(())
}
