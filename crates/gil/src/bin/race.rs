//! a load-then-store increment on 2 threads loses updates; fetch_add and a Mutex lose none
//!
//!     cargo run -p gil --bin race
//!     cargo run -p gil --bin race -- --threads 4 --increments 100000
//!     cargo run -p gil --bin race -- --threads 1
//!
//! The Python course notebook's "`+=` is not atomic": threads increment one shared counter
//! three ways: racy (a `load`, then a `store`, as Python runs `counter += 1`: no undefined
//! behaviour, but a write between another thread's read and write is lost), `fetch_add`
//! (one indivisible step) and a `Mutex<u64>`. Then two threads are forced, with channels,
//! into the one order that loses an update. What to look for: the racy row loses a share
//! that changes from run to run; a try that loses none (one thread ran alone) is tried
//! again, up to five times, on lines marked `(again)`. `fetch_add` and the `Mutex` lose
//! none; one thread loses none either. The forced run ends at 1, on every run. The times
//! are of one run only.

use std::process::ExitCode;

use clap::Parser;
use common::measure::fmt_duration;
use gil::race::{Step, Way, count, forced_lost_update};

/// Threads incrementing one shared counter: racy, fetch_add, Mutex.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads incrementing the counter
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,

    /// Increments done by each thread
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    increments: u64,
}

/// How many times the racy way is tried, at most, while it loses nothing.
const RACY_TRIES: u32 = 5;

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("race", run(&args))
}

fn run(args: &Args) -> Result<(), &'static str> {
    let threads = args.threads as usize;
    let expected = args.threads * args.increments;
    let plural = if threads == 1 { "" } else { "s" };
    println!(
        "{threads} thread{plural} each increment one shared counter {} times: it should end at {expected}.",
        args.increments
    );
    println!();
    let (way, got, lost, percent, time) = ("way", "got", "lost", "lost %", "time");
    println!("  {way:<18} {got:>11} {lost:>11} {percent:>8} {time:>9}");
    let mut racy_lost = 0;
    for way in Way::ALL {
        // A racy try that lost nothing had threads that did not overlap (in release mode a
        // million increments can be done before the other thread gets a core): it is tried
        // again, as a student would run it again. One thread has nobody to race with.
        let tries = if way == Way::Racy && threads > 1 {
            RACY_TRIES
        } else {
            1
        };
        for attempt in 0..tries {
            let tally = count(way, threads, args.increments);
            let name = if attempt > 0 { "  (again)" } else { way.name() };
            let (got, lost, percent) = (tally.got, tally.lost(), tally.lost_percent());
            let time = fmt_duration(tally.elapsed);
            println!("  {name:<18} {got:>11} {lost:>11} {percent:>6.1} % {time:>9}");
            // The racy way may lose updates (the lesson) but never invent one; the other
            // two must be exact.
            if tally.got > tally.expected || (way != Way::Racy && lost > 0) {
                return Err("a counter ended at an impossible value");
            }
            if way == Way::Racy {
                racy_lost = lost;
                if racy_lost > 0 {
                    break;
                }
            }
        }
    }

    println!();
    if racy_lost > 0 {
        println!(
            "The racy way lost {racy_lost} updates: a thread that read the counter and then wrote back what"
        );
        println!("it read + 1 overwrote every increment the other thread had written in between.");
    } else if threads > 1 {
        println!(
            "The racy way lost nothing, {RACY_TRIES} times: the threads never overlapped (one was"
        );
        println!("done before the other got a core). A race is likely, not certain: give it more");
        println!("--increments.");
    } else {
        println!("One thread has nobody to race with: even the racy way counts every increment.");
    }

    println!();
    println!("One lost update, forced: thread A is paused between its read and its write.");
    let (steps, counter) = forced_lost_update();
    for step in &steps {
        match step {
            Step::Wrote('A', _) => println!("  {step}   ← over B's write: B's update is lost"),
            _ => println!("  {step}"),
        }
    }
    // Every write ends one increment.
    let increments = steps
        .iter()
        .filter(|step| matches!(step, Step::Wrote(..)))
        .count() as u64;
    let lost = increments - counter;
    println!(
        "  {increments} increments, and the counter reads {counter}: {lost} update lost, on every run"
    );
    if counter == 1 {
        Ok(())
    } else {
        Err("the forced interleaving did not lose one update")
    }
}
