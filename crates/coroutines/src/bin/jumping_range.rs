//! a coroutine you send values into prints 0 2 3 2 3 4, written as a state machine and as an async block
//!
//!     cargo run -p coroutines --bin jumping_range
//!     cargo run -p coroutines --bin jumping_range -- --up-to 10 --sends next,3,next,-2
//!
//! The Python course notebook's `jumping_range(5)`: `jump = yield index` hands `index` out,
//! pauses, and moves on by whatever `send()` passes in (by 1 after a plain `next`). The
//! notebook calls `next`, `send(2)`, `next`, `send(-1)`, then loops over the rest. What to
//! look for: the same transcript twice, ending `0 2 3 2 3 4`: first from a state machine
//! written by hand (an enum with one variant per place the body pauses), then from an
//! `async` block, which the compiler made into such a state machine, resumed by one `poll`
//! a value. `--sends` replaces the notebook's calls (`next`, or a number to send); a send
//! that jumps past the end prints `StopIteration`, where the Python script would stop.

use std::process::ExitCode;

use clap::Parser;
use coroutines::coroutine::{
    self, Calls, Coroutine, Sent, Step, jumping_range, jumping_range_async,
};

/// jumping_range, by hand and as an async block, driven by next() and send().
#[derive(Parser)]
#[command(version, name = "jumping_range")]
struct Args {
    #[command(flatten)]
    calls: Calls,
}

fn main() -> ExitCode {
    let args = Args::parse();
    args.calls.require_next_first::<Args>();
    common::exit_code("jumping_range", run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    println!(
        "jumping_range({}), driven as in the Python course notebook.",
        args.calls.up_to
    );
    println!();
    let by_hand = show(
        "A state machine by hand: enum JumpingRange, one variant per pause",
        &mut jumping_range(args.calls.up_to),
        &args.calls.sends,
    );
    let by_compiler = show(
        "An async block: the compiler builds the state machine, poll resumes it",
        &mut jumping_range_async(args.calls.up_to),
        &args.calls.sends,
    );
    println!("state machine  {}", coroutine::summary(&by_hand));
    println!("async block    {}", coroutine::summary(&by_compiler));
    if by_hand != by_compiler {
        return Err("the two coroutines gave different values".to_string());
    }
    println!("The same values: two spellings of one coroutine.");
    Ok(())
}

/// Drives `range` with the notebook's calls and prints its transcript under `title`.
fn show(title: &str, range: &mut impl Coroutine<Sent, Yield = i64>, sends: &[Sent]) -> Vec<Step> {
    println!("{title}:");
    let steps = coroutine::drive(range, sends);
    for line in coroutine::transcript(&steps) {
        println!("  {line}");
    }
    println!();
    steps
}
