//! delegation through bottom, middle and top passes 42 up and 84 back down; yield from is a loop of resumes
//!
//!     cargo run -p coroutines --bin yield_from
//!     cargo run -p coroutines --bin yield_from -- --value 7 --up-to 8 --sends next,3
//!
//! The Python course notebook's `bottom`, `middle` and `top`: `bottom` yields 42, which
//! comes up through two `yield from`s; `top`'s caller sends back 84, which goes down to
//! `bottom` and comes back up as what `top` returns. What to look for: 42 up and 84 back
//! for each way to delegate (state machines that forward `resume`; a loop of resumes,
//! which is what `yield from` stands for; `.await` between `async fn`s), and `None` back
//! for a plain `for` loop, which drops what is sent. Then the notebook's question, "is
//! `yield from` just a `for` with `send`?", on `jumping_range`: behind the loop of resumes
//! it gives what it gives alone, `0 2 3 2 3 4`; behind a `for` loop the sends are lost.

use std::process::ExitCode;

use clap::Parser;
use coroutines::coroutine::{
    self, Calls, delegated_by_for_and_send, delegated_by_for_loop, delegated_by_yield_from, drive,
    jumping_range, top_by_await, top_by_for_loop, top_by_hand, top_by_loops, up_and_back,
};

/// yield from: bottom, middle and top, and a loop of resumes against a for loop.
#[derive(Parser)]
#[command(version, name = "yield_from")]
struct Args {
    /// What bottom yields (the notebook's 42); the caller sends back twice as much
    #[arg(long, value_name = "N", default_value_t = 42, allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(-1_000_000..=1_000_000))]
    value: i64,

    #[command(flatten)]
    calls: Calls,
}

fn main() -> ExitCode {
    let args = Args::parse();
    args.calls.require_next_first::<Args>();
    common::exit_code("yield_from", run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    let value = args.value;
    let (up, back) = up_and_back(&mut top_by_await(value));
    println!("top() → middle() → bottom(), as in the Python course notebook:");
    println!("  value = next(gen)              {}", shown(up));
    println!("  value = gen.send(value * 2)    {}", shown(back));
    println!("bottom yields {value}, which comes up through middle and top; top's caller sends");
    println!("back twice that, which goes down to bottom and comes back up as top's result.");
    println!();
    println!(
        "  {:<44} {:>8} {:>8}",
        "middle and top delegate by", "up", "back"
    );
    let ways = [
        (
            "state machines that forward resume",
            up_and_back(&mut top_by_hand(value)),
        ),
        (
            "a loop of resumes (yield_from)",
            up_and_back(&mut top_by_loops(value)),
        ),
        (
            ".await between async fns",
            up_and_back(&mut top_by_await(value)),
        ),
        (
            "a for loop in middle (for_loop)",
            up_and_back(&mut top_by_for_loop(value)),
        ),
    ];
    for (way, (up, back)) in ways {
        println!("  {way:<44} {:>8} {:>8}", shown(up), shown(back));
    }
    let right = (Some(value), Some(value * 2));
    if ways[..3].iter().any(|(_, got)| *got != right) || ways[3].1 != (Some(value), None) {
        return Err("a way of delegating did not pass the values as it should".to_string());
    }
    println!(
        "The for loop resumes bottom with None (a next), never with {}; it drops",
        2 * value
    );
    println!("what bottom returns, and middle ends without a return: top gets None.");
    println!();

    let (up_to, sends) = (args.calls.up_to, &args.calls.sends);
    let calls: Vec<String> = sends
        .iter()
        .map(|s| shown(*s).replace("None", "next"))
        .collect();
    println!("Is yield from just a for loop with send? jumping_range({up_to}) alone, then behind");
    println!(
        "a coroutine that delegates; calls {}, then a for loop:",
        calls.join(", ")
    );
    let ways = [
        ("alone", drive(&mut jumping_range(up_to), sends)),
        (
            "behind yield_from",
            drive(&mut delegated_by_yield_from(up_to), sends),
        ),
        (
            "behind for_loop",
            drive(&mut delegated_by_for_loop(up_to), sends),
        ),
        (
            "behind for_and_send",
            drive(&mut delegated_by_for_and_send(up_to), sends),
        ),
    ];
    for (way, steps) in &ways {
        println!("  {way:<20} {}", coroutine::summary(steps));
    }
    if ways[1].1 != ways[0].1 {
        return Err("yield_from changed what jumping_range gave".to_string());
    }
    println!("yield_from passes each send down and each value up: that loop is yield from.");
    println!("for_loop only ever calls next: the sends are lost.");
    println!("for_and_send (the notebook's `y = yield x; itr.send(y)`) resumes twice a value:");
    println!("what the send gets back is lost. (Where that send ends the range, Python raises");
    println!("RuntimeError: generator raised StopIteration.)");
    Ok(())
}

/// A value that came up or back, or Python's `None`.
fn shown(value: Option<i64>) -> String {
    value.map_or("None".to_string(), |v| v.to_string())
}
