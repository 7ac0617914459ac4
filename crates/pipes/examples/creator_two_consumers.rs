//! Exercise solution: one creator, two consumers, and both consumers end cleanly.
//!
//!     cargo run -p pipes --example creator_two_consumers
//!     cargo run -p pipes --example creator_two_consumers -- --consumers 3 --items 30
//!
//! The lesson is *one sentinel per consumer*. A consumer stops at the first sentinel it
//! takes, so with one sentinel for two consumers the second would wait for ever. In Python,
//! where both consumers share one `Queue`, the creator puts the sentinel twice.
//!
//! Our design has to differ in one point: an ipc receiver belongs to one process; two
//! consumers cannot take turns reading one channel. Two fair designs remain:
//! - *deal* (this program): the parent makes one channel per consumer and gives the creator
//!   all the senders. The creator deals the items round-robin, then puts one sentinel on
//!   every channel. Each consumer gets the same number of items (give or take one), and
//!   each gets exactly one sentinel: its own.
//! - *pull*: the consumers ask a relay (the parent) for the next item when they are ready,
//!   so a fast consumer takes more. That balances uneven work better, at the cost of a
//!   request and a reply per item. Dealing fits here: doubling a number is the same work
//!   every time.
//!
//! What to look for: the lines of `consumer 1` and `consumer 2` interleave; each consumer
//! prints its own `sentinel found`; the counts of the consumers add up to the data, and the
//! check line says nothing was lost.

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::process::{self, Child, ProcessError};
use ipc_channel::ipc::{self, IpcSender};
use pipes::queue::{self, Consumed, ConsumerStart, SENTINEL};
use serde::{Deserialize, Serialize};

/// One creator process deals its data to several consumer processes; each gets a sentinel.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many consumer processes.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=16))]
    consumers: u32,
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

const CREATOR: &str = "creator";
const CONSUMER: &str = "consumer";

/// What the parent tells the creator: the data and one sender per consumer.
#[derive(Debug, Serialize, Deserialize)]
struct DealerStart {
    data: Vec<i64>,
    queues: Vec<IpcSender<i64>>,
    pause: Duration,
}

/// What the parent tells a consumer: its own queue and the name it prints.
#[derive(Debug, Serialize, Deserialize)]
struct NamedConsumerStart {
    name: String,
    start: ConsumerStart,
}

/// The creator's part: deal the items round-robin, then one sentinel to every consumer.
// ANCHOR: deal
fn deal(
    data: &[i64],
    queues: &[IpcSender<i64>],
    pause: Duration,
) -> Result<(), ipc_channel::IpcError> {
    println!("Creating data and dealing it to {} consumers", queues.len());
    for (&item, queue) in data.iter().zip(queues.iter().cycle()) {
        thread::sleep(pause);
        println!("putting in {item}");
        queue.send(item)?;
    }
    for queue in queues {
        thread::sleep(pause);
        println!("putting in {SENTINEL} (a sentinel for each consumer)");
        queue.send(SENTINEL)?;
    }
    Ok(())
}
// ANCHOR_END: deal

fn creator() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<DealerStart, ()>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(());
    };
    deal(&start.data, &start.queues, start.pause).map_err(|e| ProcessError::Ipc(e.to_string()))
}

fn consumer() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<NamedConsumerStart, Consumed>()?;
    let Ok(NamedConsumerStart { name, start }) = parent.rx.recv() else {
        return Ok(());
    };
    // The same consumer as in `creator_consumer`: it cannot tell it has a sibling.
    let done = queue::consume(&start.queue, &format!("{name}: "));
    parent
        .tx
        .send(done)
        .map_err(|e| ProcessError::Ipc(e.to_string()))
}

fn run(data: &[i64], consumers: u32, pause: Duration) -> Result<Consumed, ProcessError> {
    let mut senders = Vec::new();
    let mut children = Vec::new();
    for n in 1..=consumers {
        // One channel per consumer: the receiver goes to the consumer, the sender to the
        // creator (below). The parent keeps neither.
        let (sender, receiver) = ipc::channel::<i64>()?;
        let child = Child::<NamedConsumerStart, Consumed>::spawn(CONSUMER)?;
        child.send(NamedConsumerStart {
            name: format!("consumer {n}"),
            start: ConsumerStart { queue: receiver },
        })?;
        senders.push(sender);
        children.push(child);
    }
    let creator = Child::<DealerStart, ()>::spawn(CREATOR)?;
    creator.send(DealerStart {
        data: data.to_vec(),
        queues: senders,
        pause,
    })?;

    // Start from "nothing processed, no sentinel missed" and add each consumer's report.
    let mut total = Consumed {
        saw_sentinel: true,
        ..Consumed::default()
    };
    for (n, mut child) in (1..).zip(children) {
        let done = child.recv()?;
        println!(
            "consumer {n} processed {}, sum of doubles {}{}",
            queue::items(done.count),
            done.sum,
            if done.saw_sentinel {
                ", stopped at its sentinel"
            } else {
                ", but saw no sentinel"
            }
        );
        total = total.plus(done);
        child.join()?;
    }
    creator.join()?;
    Ok(total)
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([
        process::role(CREATOR, creator),
        process::role(CONSUMER, consumer),
    ]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("creator_two_consumers", check(&args))
}

/// Runs the creator and the consumers, then checks their reports against the data.
fn check(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let data = queue::data(args.items);
    let total = run(&data, args.consumers, args.pause())?;
    println!("{}", queue::check(&data, total)?);
    Ok(())
}
