//! a timeout cancels a whole subtree of tasks: the work after the cancellation point never runs, the Drop cleanup does
//!
//!     cargo run -p structured --bin cancel_scope
//!     cargo run -p structured --bin cancel_scope -- --way timeout --deadline 0.7
//!
//! trio's cancel scopes (`with trio.move_on_after(s):`, `nursery.cancel_scope.cancel()`)
//! and asyncio's `asyncio.timeout` around a `TaskGroup`: a nursery of children A, B, …,
//! each opening a nursery of grandchildren A1, A2, … that step and sleep. It is ended at
//! the deadline three ways: `move_on_after`, a grandchild calling `cancel()`, and a plain
//! `tokio::time::timeout` around the nursery. One thread (current_thread), as trio.
//!
//! What to look for: at the deadline every task's `cleanup:` line prints, grandchildren and
//! all, before `main: moved on`; no `step` and no `finished` line after the deadline.
//! With the plain timeout, the subtree is cancelled too, but `main` moves on before any
//! cleanup: they run behind its back.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use coroutines::asyncio::{self, Transcript};
use structured::cancel::{self, Log, Tree, Way};

/// A deadline or a cancel() ends a nursery, its children and their grandchildren.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// End the tree this way only [default: every way, in turn]
    #[arg(long, value_enum)]
    way: Option<Way>,

    /// When the deadline passes (or the finder finds its answer), in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 0.5, value_parser = seconds)]
    deadline: f64,

    /// How long each step of a grandchild sleeps, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 0.2, value_parser = seconds)]
    step: f64,

    /// Steps each grandchild takes
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    steps: u32,

    /// Children of the scope, each opening a nursery
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=5))]
    children: u32,

    /// Grandchildren in each child's nursery
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=5))]
    grandchildren: u32,
}

/// A duration from a millisecond to ten seconds.
fn seconds(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

fn main() -> ExitCode {
    common::exit_code("cancel_scope", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let tree = Tree {
        children: args.children,
        grandchildren: args.grandchildren,
        steps: args.steps,
        step: Duration::from_secs_f64(args.step),
    };
    let deadline = Duration::from_secs_f64(args.deadline);
    println!(
        "{} children, each with a nursery of {} grandchildren taking {} steps of {} s \
         ({} s in all); one thread (current_thread), as trio",
        tree.children,
        tree.grandchildren,
        tree.steps,
        args.step,
        tree.duration().as_secs_f64()
    );
    let runtime = asyncio::event_loop()?;
    let ways = args.way.map_or(Way::ALL.to_vec(), |way| vec![way]);
    let (tasks, grandchildren) = (tree.names().len(), tree.children * tree.grandchildren);
    let mut shown = Vec::new();
    for way in ways {
        println!("\n{}", way.title(deadline));
        let log = Log::new(Transcript::printing());
        let (ended, moved_at) = runtime.block_on(async {
            let ended = cancel::scope(way, tree, deadline, &log).await;
            let moved_at = log.elapsed();
            log.say("main: moved on");
            if way == Way::Timeout {
                // Nothing waited for the cancelled children's cleanups: show when they run.
                log.say("main: goes on with other work…");
                let rest = (tree.duration() + tree.step).saturating_sub(log.elapsed());
                tokio::time::sleep(rest).await;
            }
            (ended, moved_at)
        });
        ended?;

        // Count what the lines show, before and after the one where `main` moved on.
        let lines = log.lines();
        let moved = lines.iter().position(|l| l.ends_with("main: moved on"));
        let (before, after) = lines.split_at(moved.unwrap_or(lines.len()));
        let count =
            |lines: &[String], text: &str| lines.iter().filter(|l| l.contains(text)).count();
        let cleanups = count(before, "cleanup: ");
        let (steps_after, finished_after) = (count(after, ": step "), count(after, ": finished"));
        println!(
            "main moved on at {:.2} s, after {cleanups} of {tasks} cleanups;\n\
             after it: {steps_after} steps began, {finished_after} grandchildren finished",
            moved_at.as_secs_f64()
        );
        let none_after = steps_after + finished_after == 0;
        let conclusion = match way {
            _ if count(before, ": finished") == grandchildren as usize => {
                "the tree finished before the deadline"
            }
            Way::Timeout if cleanups == 0 && none_after => {
                "a plain timeout cancels the subtree too, but returns before any cleanup has run"
            }
            Way::Cancel if cleanups == tasks && none_after => {
                "one cancel() from a grandchild does the same"
            }
            Way::MoveOnAfter if cleanups == tasks && none_after => {
                "move_on_after cancels the whole subtree at the deadline: no step after it, \
                 and every Drop cleanup before main moves on"
            }
            _ => return Err(format!("{way:?}: the lines do not show the lesson").into()),
        };
        if !shown.contains(&conclusion) {
            shown.push(conclusion);
        }
    }
    println!("\nShown: {}.", shown.join("; "));
    Ok(())
}
