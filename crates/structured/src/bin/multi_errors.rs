//! three children fail (a missing key, an index out of range, a division by zero) and a fourth panics: the nursery reports every one and cancels the slow sibling
//!
//!     cargo run -p structured --bin multi_errors
//!     cargo run -p structured --bin multi_errors -- --policy run-to-completion
//!
//! The Python slides' multi-errors: `task1` looks up a missing key, `task2` indexes an
//! empty list, `task3` divides by zero, in one nursery; trio raised a `MultiError` of the
//! three (since 0.24, Python 3.11's `ExceptionGroup`). Here a fourth child panics and a slow sibling
//! sleeps 1 s (`--slow`), on tokio's `current_thread` runtime (one thread, as trio).
//!
//! What to look for: all four failures come back, each under its child's name, not just
//! the first. Under `cancel-siblings` (trio's rule, the default) the slow sibling is
//! dropped in its sleep: its `finished` line never prints, its Drop cleanup does; under
//! `run-to-completion` it finishes. The errors are expected and caught: exit status 0.

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use coroutines::asyncio::{self, Transcript};
use structured::Policy;
use structured::trio::{self, FAILING};

/// The Python slides' multi-errors: four children fail, the nursery reports every failure.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// What a failure does to the siblings
    #[arg(long, value_enum, default_value_t = Policy::CancelSiblings)]
    policy: Policy,

    /// How long the slow sibling sleeps, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0, value_parser = parse_slow)]
    slow: f64,
}

/// A sleep from a millisecond (a quick test) to ten seconds.
fn parse_slow(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    // task4's panic is caught by the nursery and printed with the other failures below.
    common::silence_expected_panics(&[trio::TASK4_PANIC]);
    common::exit_code("multi_errors", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let policy = args
        .policy
        .to_possible_value()
        .expect("every policy has a name");
    // Every line goes through the transcript, which, unlike `println!`, does not panic
    // when stdout is a pipe closed early (`| head`).
    let out = Transcript::printing();
    out.say(format!(
        "--policy {}; the slow sibling sleeps {} s; one thread, as trio",
        policy.get_name(),
        args.slow
    ));
    let started = Instant::now();
    let s = Duration::from_secs_f64(args.slow);
    let result = asyncio::event_loop()?.block_on(trio::multi_errors(args.policy, s, &out));
    let took = started.elapsed().as_secs_f64();
    let Err(failures) = result else {
        return Err("no child failed: four should have".into());
    };
    out.say(failures.to_string());

    // The lesson, checked before it is claimed: every failing child, each once.
    let children: Vec<&str> = failures.errors.iter().map(|e| e.child.as_str()).collect();
    if children != FAILING {
        return Err(format!("the failures of {FAILING:?} were expected, not {children:?}").into());
    }
    let kinds: Vec<&str> = failures.errors.iter().map(trio::kind).collect();
    let finished = out.lines().iter().any(|line| line == "slow task finished");
    let slow = if finished {
        "finished"
    } else {
        "was cancelled"
    };
    out.say(format!(
        "All {} failures collected: {}.",
        kinds.len(),
        kinds.join(", ")
    ));
    out.say(format!(
        "After {took:.2} s; the slow sibling {slow}. Exit 0: caught and reported."
    ));
    Ok(())
}
