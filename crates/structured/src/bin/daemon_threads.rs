//! every thread dies mid-work when main returns, with no join and no Drop, like Python's daemon threads; a join or a scope makes it safe
//!
//!     cargo run -p structured --bin daemon_threads
//!     cargo run -p structured --bin daemon_threads -- --fix join
//!     cargo run -p structured --bin daemon_threads -- --fix scope
//!
//! The Python slides start their producers and consumers with `daemon=True`: killed when
//! the interpreter exits. Without it Python waits for a thread at exit; Rust never waits.
//! A worker does its steps and holds a guard whose `Drop` says "cleanup"; `main` waits
//! until it has done step 2, then returns, while the worker is busy with step 3.
//!
//! What to look for: detached (the default), the output stops after step 2 and `main`'s
//! last line: no step 3, no "finished", no "cleanup", and exit status 0. With
//! `--fix join` (keep the `JoinHandle`, join it) or `--fix scope` (`thread::scope`), every
//! step, "finished" and "cleanup" print before `main` returns.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use coroutines::asyncio::Transcript;
use structured::threads::{self, CLEANUP, Work};

/// A worker thread that main does not wait for, then the two ways to wait for it.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Wait for the worker before main returns [default: don't: the worker is detached]
    #[arg(long, value_enum)]
    fix: Option<Fix>,

    /// The worker's steps; main returns once it has done step 2
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(3..=20))]
    steps: u32,

    /// Milliseconds each step takes
    #[arg(long, value_name = "MS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    step_ms: u64,
}

/// How `main` waits for the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Fix {
    /// Keep the `JoinHandle` and join it
    Join,
    /// Spawn the worker in `std::thread::scope`, which joins it
    Scope,
}

fn main() -> ExitCode {
    common::exit_code("daemon_threads", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let out = Transcript::printing();
    let work = Work {
        steps: args.steps,
        step: Duration::from_millis(args.step_ms),
    };
    let how = match args.fix {
        None => "; dropped its JoinHandle",
        Some(Fix::Join) => "; kept its JoinHandle",
        Some(Fix::Scope) => ", in a thread::scope",
    };
    out.say("Python waits at exit for every thread not marked daemon=True.");
    out.say("Rust waits for none: when main returns, every thread dies.");
    if args.fix.is_none() {
        out.say("(--fix join or --fix scope makes main wait for the worker.)");
    }
    let (steps, seconds) = (work.steps, work.step.as_secs_f64());
    out.say(format!(
        "main: spawned a worker, {steps} steps of {seconds} s{how}"
    ));
    match args.fix {
        None => threads::detached(work, &out),
        Some(Fix::Join) => threads::joined(work, &out),
        Some(Fix::Scope) => threads::scoped(work, &out),
    }
    let lines = out.lines();
    let cleaned_up = lines.iter().any(|l| l == CLEANUP);
    if args.fix.is_none() {
        // What is true as main returns: what the worker has said so far, and that a
        // thread still running ends with the process.
        out.say(if cleaned_up {
            "main returns now; the worker had time to clean up: try a longer --step-ms."
        } else {
            "main returns now; the worker, not yet cleaned up, ends with the process."
        });
    } else if cleaned_up && lines.contains(&threads::finished(work)) {
        out.say("main returns after the worker's last line and its cleanup: nothing lost.");
    } else {
        return Err("the worker was joined but did not finish".into());
    }
    Ok(())
}
