//! `+=` is not atomic (seed 001): two threads increment one shared counter a million times
//! each, three ways, and we count what arrived.
//!
//! 1. racy: read the counter, then write back what was read plus one (`load`, then
//!    `store`), the way Python runs `counter += 1`. No undefined behaviour (each step is
//!    atomic), but an update written between another thread's read and write is lost;
//! 2. `fetch_add`: read, add and write in one indivisible step;
//! 3. a `Mutex<u64>`: one thread at a time reads, adds and writes.
//!
//! Then the race is made certain: two threads forced, with channels, into the one order
//! that loses an update.
//!
//!     cargo run -p gil --bin race
//!     cargo run -p gil --bin race -- --threads 4 --increments 100000
//!     cargo run -p gil --bin race -- --threads 1
//!
//! What to look for: the racy row loses a share of the updates that changes from run to
//! run (on the course machine, from a sixth to a half). Now and then a try loses none,
//! when one thread happened to run alone; the program then tries again, up to five times,
//! on lines marked `(again)`. `fetch_add` and the `Mutex` lose none, and take longer.
//! With `--threads 1` nothing is lost: a race needs two. The forced run shows the four steps
//! of one lost update and ends at 1, on every run. The times are only indicative (they
//! are of one run, and `cargo run` builds without optimisations).

use std::process::ExitCode;

use clap::Parser;
use common::measure::fmt_duration;
use gil::race::{Step, Way, count, forced_lost_update};

/// Threads incrementing one shared counter: racy, fetch_add, Mutex (seed 001).
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
    let threads = args.threads as usize;
    let plural = if threads == 1 { "" } else { "s" };
    let expected = args.threads * args.increments;
    println!(
        "{threads} thread{plural} each increment one shared counter {} times: it should end at {expected}.",
        args.increments
    );
    println!();
    println!(
        "  {:<18} {:>11} {:>11} {:>8} {:>9}",
        "way", "got", "lost", "lost %", "time"
    );
    let mut all_right = true;
    let mut racy_lost = 0;
    for way in Way::ALL {
        // A racy try that lost nothing had threads that did not overlap: in release mode a
        // million increments take well under a millisecond, and one thread can be done
        // before the other gets a core. So the racy way gets a few tries, as a student
        // would run it again; one thread has nobody to race with, and gets one.
        let tries = if way == Way::Racy && threads > 1 {
            RACY_TRIES
        } else {
            1
        };
        for attempt in 0..tries {
            let tally = count(way, threads, args.increments);
            println!(
                "  {:<18} {:>11} {:>11} {:>6.1} % {:>9}",
                if attempt > 0 { "  (again)" } else { way.name() },
                tally.got,
                tally.lost(),
                tally.lost_percent(),
                fmt_duration(tally.elapsed)
            );
            // The racy way may lose updates (that is the lesson) but can never invent one;
            // the other two must be exact.
            all_right &= match way {
                Way::Racy => tally.got <= tally.expected,
                Way::FetchAdd | Way::Mutex => tally.got == tally.expected,
            };
            if way == Way::Racy {
                racy_lost = tally.lost();
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
    all_right &= counter == 1;

    if all_right {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: a counter ended at an impossible value");
        ExitCode::FAILURE
    }
}
