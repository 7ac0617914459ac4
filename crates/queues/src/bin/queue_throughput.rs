//! messages per second: our Condvar queue (before and after), std mpsc, crossbeam bounded and unbounded
//!
//!     cargo run --release -p queues --bin queue_throughput
//!     cargo run --release -p queues --bin queue_throughput -- --messages 200000 --producers 1,2,4
//!     cargo run --release -p queues --bin queue_throughput -- --json
//!
//! What to look for: the textbook queue (one `Condvar`, so a `notify_one` and a system call
//! on every put) is the slowest row; our `Queue`, which notifies only when a thread sleeps,
//! is many times faster. The channels, built on atomics rather than one lock, keep their
//! pace with 4 producers, where our queue slows down; our bounded queue, full, wakes a
//! sleeping producer for every freed slot: slower still. Every run checks that each
//! message arrived once and in order from its producer (`ok`); speedups are against the
//! textbook queue. The figures jump from run to run: build with `--release`.

use std::error::Error;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::measure::time;
use common::report::Report;
use crossbeam::channel;
use queues::Queue;
use queues::textbook::TextbookQueue;

/// Messages per second through our queues and through channels, one consumer.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Messages sent in each run, shared among the producers.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=u32::MAX as u64))]
    messages: u64,
    /// Producer counts to measure, e.g. `1,4`.
    #[arg(long, value_delimiter = ',', default_value = "1,4", value_parser = clap::value_parser!(u64).range(1..=64))]
    producers: Vec<u64>,
    /// Runs of each variant; the fastest is reported (the others met a busier machine).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    runs: u64,
    /// Capacity of the bounded variants.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    capacity: u64,
    /// Print JSON lines (one per row) instead of the table.
    #[arg(long)]
    json: bool,
}

/// The "before", the baseline of the speedup column.
const TEXTBOOK: &str = "textbook queue (before)";

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("queue_throughput", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut report = Report::new("queue_throughput").json(args.json);
    let (m, cap) = (args.messages, args.capacity as usize);
    for &p in &args.producers {
        let n = p as usize;
        // ANCHOR: variants
        Comparison::new(&format!("{p} → 1"))
            .title(format!(
                "Sending {m} messages from {p} producer(s) to 1 consumer:"
            ))
            .rounds(args.runs as usize)
            .workers_are("producer(s)")
            // every message arrived, once, in order from its producer
            .expect(true)
            .variant_run(TEXTBOOK, n, || {
                let q = TextbookQueue::new();
                transfer(args, p, |x| q.put(x), || q.get())
            })
            .variant_run("Queue (after)", n, || {
                let q = Queue::new();
                transfer(args, p, |x| q.put(x), || q.get())
            })
            // ANCHOR_END: variants
            .variant_run(&format!("Queue, maxsize {cap}"), n, || {
                let q = Queue::with_maxsize(cap);
                transfer(args, p, |x| q.put(x), || q.get())
            })
            .variant_run("std mpsc::channel", n, || {
                let (tx, rx) = mpsc::channel();
                transfer(args, p, |x| tx.send(x).unwrap(), || rx.recv().unwrap())
            })
            .variant_run(&format!("crossbeam bounded {cap}"), n, || {
                let (tx, rx) = channel::bounded(cap);
                transfer(args, p, |x| tx.send(x).unwrap(), || rx.recv().unwrap())
            })
            .variant_run("crossbeam unbounded", n, || {
                let (tx, rx) = channel::unbounded();
                transfer(args, p, |x| tx.send(x).unwrap(), || rx.recv().unwrap())
            })
            .run(&mut report)?;
    }
    report.baseline_variant(TEXTBOOK);
    report.note("speedup: against the textbook queue, the \"before\"; workers: the producers.");
    Ok(report.finish()?)
}

/// One run: `producers` threads share `--messages` messages and `send` them; this thread
/// takes them all with `recv`. The answer is whether every message arrived exactly once
/// and in order from each producer; the rate is an extra column (the exact figure in the
/// JSON, millions in the table, easier to read).
///
/// Each message is `producer << 32 | sequence number`. The consumer knows which number it
/// expects next from each producer, so a lost, repeated or reordered message is caught at
/// the price of a shift and a comparison. (`unwrap` on a send or a receive: the receiver
/// outlives the producers, so neither can fail.)
fn transfer(
    args: &Args,
    producers: u64,
    send: impl Fn(u64) + Sync,
    recv: impl Fn() -> u64,
) -> Result<Run<bool>, Box<dyn Error>> {
    let messages = args.messages;
    // Producer p sends its share: the messages divided evenly, the first few one more.
    let share = |p: u64| messages / producers + u64::from(p < messages % producers);
    let (ok, took) = time(|| {
        thread::scope(|s| {
            for p in 0..producers {
                let send = &send;
                s.spawn(move || (0..share(p)).for_each(|seq| send(p << 32 | seq)));
            }
            let mut next = vec![0; producers as usize];
            let mut in_order = true;
            for _ in 0..messages {
                let message = recv();
                let (p, seq) = ((message >> 32) as usize, message & 0xFFFF_FFFF);
                in_order &= p < next.len() && next[p] == seq;
                if let Some(expected) = next.get_mut(p) {
                    *expected += 1;
                }
            }
            in_order && (0..producers).all(|p| next[p as usize] == share(p))
        })
    });
    let per_second = messages as f64 / took.as_secs_f64();
    Ok(match args.json {
        true => Run::new(ok)
            .took(took)
            .extra("msgs_per_s", per_second.round()),
        false => Run::new(ok).took(took).extra("M msg/s", per_second / 1e6),
    })
}
