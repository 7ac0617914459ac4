//! two threads sum the primes up to 400000, 500000 and 600000; the sums gathered in a Mutex<Vec>, like the Python notebook's list_lock
//!
//!     cargo run -p queues --bin sum_primes
//!     cargo run -p queues --bin sum_primes -- --via channel
//!     cargo run -p queues --bin sum_primes -- --workers 3 1000 2000 3000
//!
//! The Python course notebook's `find_rand`: worker threads take numbers from a job queue
//! and add up the primes up to each. Two ways to gather the sums: `--via lock` (the
//! default) pushes into one `Mutex<Vec<u64>>`, the notebook's `sum_primes_list` and its
//! `list_lock` in one value; `--via channel` sends them down a channel to the main thread,
//! and nothing is shared but the channel.
//!
//! What to look for: both ways print the notebook's `[6458901531, 9914236195,
//! 14071826345]`. The sums arrive in whatever order the workers finish, which is why the
//! notebook sorts them, and so do we.

use std::process::ExitCode;
use std::sync::{Mutex, mpsc};
use std::thread;

use clap::{Parser, ValueEnum};
use common::measure::time;
use common::primes::sum_primes_upto;
use queues::Queue;

/// Worker threads sum the primes up to each number from a job queue (the notebook's find_rand).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How the workers hand back their sums
    #[arg(long, value_enum, default_value_t = Via::Lock)]
    via: Via,

    /// Worker threads
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,

    /// Sum the primes up to each of these numbers [default: 400000 500000 600000]
    #[arg(value_name = "NUMBER",
          value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    numbers: Vec<u64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Via {
    /// Push into a `Mutex<Vec<u64>>` shared by the workers
    Lock,
    /// Send through a channel to the main thread
    Channel,
}

/// The notebook's `rand_list`.
const NOTEBOOK_NUMBERS: [u64; 3] = [400_000, 500_000, 600_000];

/// The notebook's printed answer for [`NOTEBOOK_NUMBERS`], sorted.
const NOTEBOOK_SUMS: [u64; 3] = [6_458_901_531, 9_914_236_195, 14_071_826_345];

/// A queue holding every number to sum, put before any worker starts.
fn job_queue(numbers: &[u64]) -> Queue<u64> {
    let jobs = Queue::new();
    for &n in numbers {
        jobs.put(n);
    }
    jobs
}

/// The notebook's way: the workers push every sum into one shared list, under a lock.
///
/// The notebook makes a `list_lock` but never takes it (CPython's `list.append` happens to be
/// safe under the GIL). In Rust the list lives *inside* the `Mutex`: there is no way to
/// reach it without locking, so the lock cannot be forgotten.
// ANCHOR: lock
fn via_lock(numbers: &[u64], workers: u32) -> Vec<u64> {
    let jobs = job_queue(numbers);
    let sums = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                // Every job was queued before the workers started, so
                // an empty queue means the work is over: `try_get` lets
                // a worker stop there, where the notebook's workers
                // block for ever in `get()` and die as daemons.
                while let Some(n) = jobs.try_get() {
                    // the long part: no lock held here
                    let sum = sum_primes_upto(n);
                    sums.lock().expect("no worker panics").push(sum);
                }
            });
        }
    });
    let mut sums = sums.into_inner().expect("no worker panics");
    sums.sort();
    sums
}
// ANCHOR_END: lock

/// The other way: each worker sends its sums to the main thread, and shares nothing.
// ANCHOR: channel
fn via_channel(numbers: &[u64], workers: u32) -> Vec<u64> {
    let jobs = job_queue(numbers);
    let (tx, rx) = mpsc::channel();
    let mut sums: Vec<u64> = thread::scope(|s| {
        for _ in 0..workers {
            let (jobs, tx) = (&jobs, tx.clone()); // one Sender per worker
            s.spawn(move || {
                while let Some(n) = jobs.try_get() {
                    tx.send(sum_primes_upto(n))
                        .expect("the main thread is receiving");
                }
            });
        }
        // The loop below ends when every Sender is gone: the workers'
        // go when they return, and this one, the original, we drop now.
        drop(tx);
        rx.iter().collect()
    });
    sums.sort();
    sums
}
// ANCHOR_END: channel

fn main() -> ExitCode {
    let args = Args::parse();
    let numbers = match args.numbers.is_empty() {
        true => NOTEBOOK_NUMBERS.to_vec(),
        false => args.numbers.clone(),
    };
    let (sums, took) = time(|| match args.via {
        Via::Lock => via_lock(&numbers, args.workers),
        Via::Channel => via_channel(&numbers, args.workers),
    });
    println!("{sums:?}");
    println!("Execution time = {:.5}", took.as_secs_f64());
    let wrong = numbers == NOTEBOOK_NUMBERS && sums != NOTEBOOK_SUMS;
    let checked = match wrong {
        true => Err(format!("the notebook printed {NOTEBOOK_SUMS:?}")),
        false => Ok(()),
    };
    common::exit_code("sum_primes", checked)
}
