//! How many messages per second pass from producers to one consumer through our blocking
//! queue, the textbook queue it improves on, and the channels of `std` and `crossbeam`.
//!
//!     cargo run --release -p queues --bin queue_throughput
//!     cargo run --release -p queues --bin queue_throughput -- --messages 200000 --producers 1,2,4
//!     cargo run --release -p queues --bin queue_throughput -- --json
//!
//! What to look for: the textbook queue (`Mutex<VecDeque>` + one `Condvar`, a `notify_one`
//! and so a system call on every put) is the slowest row; our `Queue`, which notifies only
//! when a thread sleeps, is several times faster; the channels, built on atomics rather
//! than one lock, are faster still. With 4 producers (more threads than this machine may
//! have cores) our bounded queue stays full, and every freed slot wakes a sleeping
//! producer: slower again. Every row first checks that each message arrived exactly once
//! and in order from each producer (the `ok` column); the speedup is against the textbook
//! queue. The figures jump from run to run (each row is the fastest of `--runs`); build
//! with `--release`, a debug build times the debug checks.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::measure::time;
use common::report::Report;
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

/// The variants, in table order. The first is the baseline of the speedup column.
const VARIANTS: [&str; 6] = [
    "textbook queue (before)",
    "Queue (after)",
    "Queue, maxsize",
    "std mpsc::channel",
    "crossbeam bounded",
    "crossbeam unbounded",
];

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    let mut report = Report::new("queue_throughput");
    for &producers in &args.producers {
        let workload = format!("{producers} → 1");
        if !args.json {
            println!(
                "Sending {} messages from {producers} producer{} to 1 consumer, fastest of {} runs:",
                args.messages,
                if producers == 1 { "" } else { "s" },
                args.runs
            );
        }
        for variant in VARIANTS {
            let label = match variant {
                "Queue, maxsize" | "crossbeam bounded" => format!("{variant} {}", args.capacity),
                _ => variant.to_string(),
            };
            let (seconds, ok) = (0..args.runs)
                .map(|_| run(variant, producers, args.messages, args.capacity as usize))
                .fold((f64::INFINITY, true), |(best, all_ok), (secs, ok)| {
                    (best.min(secs), all_ok && ok)
                });
            let per_second = args.messages as f64 / seconds;
            if !args.json {
                println!(
                    "  {label:<28} {seconds:8.3} s {:9.2} M msg/s  {}",
                    per_second / 1e6,
                    if ok { "ok" } else { "WRONG" }
                );
            }
            let row = report.add(&workload, &label, producers as usize, seconds, ok);
            // The JSON keeps the exact figure; the table shows millions, easier to read.
            if args.json {
                row.extra("msgs_per_s", per_second.round());
            } else {
                row.extra("M msg/s", per_second / 1e6);
            }
        }
    }
    report.baseline_variant(VARIANTS[0]);
    if !args.json {
        println!();
    }
    report.print(args.json);
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One timed run of `variant`: returns its seconds and whether every message arrived.
fn run(variant: &str, producers: u64, messages: u64, capacity: usize) -> (f64, bool) {
    let (ok, elapsed) = match variant {
        "textbook queue (before)" => {
            let q = TextbookQueue::new();
            transfer(producers, messages, &q, |q, m| q.put(m), || q.get())
        }
        "Queue (after)" => {
            let q = Queue::new();
            transfer(producers, messages, &q, |q, m| q.put(m), || q.get())
        }
        "Queue, maxsize" => {
            let q = Queue::with_maxsize(capacity);
            transfer(producers, messages, &q, |q, m| q.put(m), || q.get())
        }
        "std mpsc::channel" => {
            let (tx, rx) = mpsc::channel();
            transfer(producers, messages, &tx, send_std, || rx.recv().unwrap())
        }
        "crossbeam bounded" => {
            let (tx, rx) = crossbeam::channel::bounded(capacity);
            transfer(producers, messages, &tx, send_crossbeam, || {
                rx.recv().unwrap()
            })
        }
        "crossbeam unbounded" => {
            let (tx, rx) = crossbeam::channel::unbounded();
            transfer(producers, messages, &tx, send_crossbeam, || {
                rx.recv().unwrap()
            })
        }
        _ => unreachable!("every name in VARIANTS has a case"),
    };
    (elapsed.as_secs_f64(), ok)
}

// The receiver lives as long as the run, so a send cannot fail.
fn send_std(tx: &mpsc::Sender<u64>, message: u64) {
    tx.send(message)
        .expect("the receiver outlives the producers");
}

fn send_crossbeam(tx: &crossbeam::channel::Sender<u64>, message: u64) {
    tx.send(message)
        .expect("the receiver outlives the producers");
}

/// Sends `messages` messages from `producers` threads, each through `send(sender, m)`, and
/// receives them all on this thread with `recv`. Returns whether every message arrived
/// exactly once and in order from each producer, and the time the transfer took.
///
/// Each message is `producer << 32 | sequence number`. The consumer knows which number it
/// expects next from each producer, so a lost, repeated or reordered message is caught at
/// the price of a shift and a comparison.
fn transfer<S: Sync>(
    producers: u64,
    messages: u64,
    sender: &S,
    send: impl Fn(&S, u64) + Sync,
    recv: impl Fn() -> u64,
) -> (bool, Duration) {
    // Producer p sends its share: the messages divided evenly, the first few one more.
    let share = |p: u64| messages / producers + u64::from(p < messages % producers);
    time(|| {
        thread::scope(|s| {
            for p in 0..producers {
                let send = &send;
                s.spawn(move || {
                    for seq in 0..share(p) {
                        send(sender, p << 32 | seq);
                    }
                });
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
    })
}
