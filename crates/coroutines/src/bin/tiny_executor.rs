//! an event loop from scratch (run queue, Waker, timer heap) runs display_date and the kettle; no runtime crate
//!
//!     cargo run -p coroutines --bin tiny_executor                  # about 3 s
//!     cargo run -p coroutines --bin tiny_executor -- --paused       # the same, at once
//!     cargo run -p coroutines --bin tiny_executor -- --forget-waker # a bug, caught
//!
//! The Python course notebook's two `display_date` loops, then its breakfast (minitask 7),
//! on `coroutines::executor`, std only: no tokio. One notebook second lasts `--scale`
//! seconds here (`--scale 1 --seconds 50` is the notebook's run).
//!
//! What to look for: the loops' lines interleave on one thread; when loop 2 is done it
//! stops the loop and loop 1 is dropped in its nap; the loop slept between timers rather
//! than spinning (its counts); the kettle takes 5 notebook seconds awaited step by step,
//! 3 spawned, as on tokio (`--bin kettle`). `--forget-waker` ends with status 1.

use std::error::Error;
use std::future::pending;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{BREAKFAST, Step, naps};
use coroutines::executor::{Executor, now, sleep, spawn};

/// The notebook's display_date loops and its kettle, on our own event loop.
#[derive(Parser, Clone, Copy)]
#[command(version)]
struct Args {
    /// How long one of the notebook's seconds lasts here, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 0.1, value_parser = parse_scale)]
    scale: f64,

    /// How long each display_date loop runs, in the notebook's seconds (it says 50)
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    seconds: u32,

    /// Fixes the random naps: the same number, the same transcript
    #[arg(long, value_name = "N", default_value_t = 3)]
    seed: u64,

    /// Jump the loop's clock to the next timer instead of sleeping (a test clock)
    #[arg(long)]
    paused: bool,

    /// Only run a task that returns Pending and keeps no Waker: the loop reports it
    #[arg(long)]
    forget_waker: bool,
}

fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

/// The notebook's `display_date(num, loop)`: prints the time, naps 0 to 5 seconds at
/// random, until its time is up. Returns when it is done.
// ANCHOR: display_date
async fn display_date(num: u32, args: Args) -> Duration {
    let unit = Duration::from_secs_f64(args.scale);
    let start = now();
    let end_time = start + unit * args.seconds;
    for nap in naps(args.seed, num) {
        let time = (now() - start).as_secs_f64();
        println!("Loop: {num} Time: {time:.2} s");
        if now() + unit >= end_time {
            break;
        }
        sleep(unit * nap).await;
    }
    now() - start
}
// ANCHOR_END: display_date

/// The notebook's `perform_task`: a step of the breakfast, on our own loop's clock.
async fn perform_task(step: Step, unit: Duration) {
    println!("{} starting", step.task);
    sleep(unit * step.seconds).await;
    println!("{} is done", step.task);
}

fn main() -> ExitCode {
    common::exit_code("tiny_executor", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let (args, unit) = (*args, Duration::from_secs_f64(args.scale));
    let event_loop = || {
        if args.paused {
            Executor::paused()
        } else {
            Executor::new()
        }
    };
    if args.forget_waker {
        println!("A task that returns Pending and keeps no Waker, awaited by the main task:");
        // ANCHOR: forget_waker
        event_loop().block_on(async {
            spawn(pending::<()>()).await; // it keeps no Waker
        })?; // Err(Stuck): the loop says so instead of waiting for ever
        // ANCHOR_END: forget_waker
    }
    let clock = match args.paused {
        true => "a paused clock (--paused): no real waiting",
        false => "real time",
    };
    println!("Two display_date loops on our own event loop, on {clock};");
    println!("one notebook second lasts {} s here (--scale).", args.scale);
    let executor = event_loop();
    // ANCHOR: two_loops
    let (stopped_at, first_done) = executor.block_on(async move {
        let first = spawn(display_date(1, args));
        let second = spawn(display_date(2, args));
        let stopped_at = second.await; // loop 2 done: loop.stop()
        (stopped_at, first.is_finished())
    })?;
    // ANCHOR_END: two_loops
    let first = match first_done {
        true => "loop 1 had finished already",
        false => "loop 1, still napping, is dropped, never resumed",
    };
    let at = stopped_at.as_secs_f64();
    println!("Loop 2 is done at {at:.2} s and stops the loop:\n{first}.");
    println!("Our loop: {}.", executor.counts());

    println!("\nBreakfast on our own event loop: boiling kettle (3 s), cleaning cups (2 s)");
    for (way, spawned) in [
        ("await one step, then the other", false),
        ("spawn both steps, then await them", true),
    ] {
        println!("\n{way}:");
        let took = event_loop().block_on(async move {
            let start = now();
            // ANCHOR: kettle
            let [kettle, cups] = BREAKFAST;
            if spawned {
                let kettle = spawn(perform_task(kettle, unit));
                let cups = spawn(perform_task(cups, unit));
                kettle.await;
                cups.await;
            } else {
                perform_task(kettle, unit).await;
                perform_task(cups, unit).await;
            }
            // ANCHOR_END: kettle
            now() - start
        })?;
        let seconds = took.as_secs_f64();
        let notebook = seconds / args.scale;
        println!("Executed in {seconds:.2} seconds: {notebook:.1} notebook seconds.");
    }
    Ok(())
}
