//! spawning and joining 100 processes vs 100 threads: the cost of one of each, and the ratio
//!
//! A thread is a new stack and a kernel task inside our process. A process needs its own
//! copy of everything: `fork`, `exec`, loading the program, starting its runtime, and at
//! the end the parent collects its exit status. Three variants, each checked: threads that
//! return their index, processes (this program again) that exit at once with status 0, and
//! processes with an ipc-channel pair that echo their index back.
//!
//!     cargo run --release -p pipes --bin spawn_cost
//!     cargo run --release -p pipes --bin spawn_cost -- --count 300 --json
//!
//! What to look for: the `per_unit_us` column, and the last line, `a process costs N× a
//! thread here` (at least ten times, on any machine we know of).

use std::error::Error;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::measure::{fmt_duration, time};
use common::process::{self, Child, ProcessError};
use common::report::Report;

/// Time to start and join N threads versus N processes.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many threads, and how many processes, to start. (All children of a variant are
    /// alive at once, each holding two channel ends: the limit keeps them within the usual
    /// 1024 open files.)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=400))]
    count: u32,
    /// Runs of each variant, in turns; the fastest counts
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,
    /// Print the rows as JSON lines, nothing else.
    #[arg(long)]
    json: bool,
}

/// The role of a child that exits as soon as it starts: what we time is starting and ending.
const EXIT_AT_ONCE: &str = "exit-at-once";
/// The role of a child that sends back the number it is given, then exits.
const ECHO_INDEX: &str = "echo-index";

/// Starts `count` threads, each returning its index, and joins them. `true` if every
/// thread returned its own index.
fn threads(count: u32) -> bool {
    let handles: Vec<_> = (0..count).map(|i| thread::spawn(move || i)).collect();
    (0..count)
        .zip(handles)
        .all(|(i, handle)| handle.join().ok() == Some(i))
}

/// Starts `count` copies of this program that exit at once, and waits for them all.
/// `true` if every one exited with status 0.
// ANCHOR: processes
fn processes(count: u32) -> Result<bool, ProcessError> {
    let mut children = Vec::new();
    for _ in 0..count {
        children.push(process::child_command(EXIT_AT_ONCE)?.spawn()?);
    }
    let mut all_ok = true;
    for mut child in children {
        all_ok &= child.wait()?.success();
    }
    Ok(all_ok)
}
// ANCHOR_END: processes

/// Starts `count` children with a channel pair each, has each echo its index, joins them.
fn processes_with_handshake(count: u32) -> Result<bool, ProcessError> {
    let mut children = Vec::new();
    for _ in 0..count {
        children.push(Child::<u32, u32>::spawn(ECHO_INDEX)?);
    }
    for (i, child) in (0..count).zip(&children) {
        child.send(i)?;
    }
    let mut all_ok = true;
    for (i, mut child) in (0..count).zip(children) {
        all_ok &= child.recv()? == i;
        all_ok &= child.join()?.success();
    }
    Ok(all_ok)
}

/// The child's part in the handshake variant: echo one number, then exit.
fn echo_index() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<u32, u32>()?;
    if let Ok(i) = parent.rx.recv() {
        let _ = parent.tx.send(i);
    }
    Ok(())
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([
        process::role(EXIT_AT_ONCE, || Ok::<(), ProcessError>(())),
        process::role(ECHO_INDEX, echo_index),
    ]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("spawn_cost", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let count = args.count;
    let mut report = Report::new("spawn_cost").json(args.json);
    let fastest = Comparison::new("spawn + join")
        .title(format!(
            "starting and joining {count} threads, then {count} processes, \
             then {count} processes with a channel pair each"
        ))
        .rounds(args.runs.into())
        .expect(true)
        .variant_run("threads", count as usize, || {
            per_unit(count, || Ok(threads(count)))
        })
        .variant_run("processes", count as usize, || {
            per_unit(count, || processes(count))
        })
        .variant_run("processes + ipc handshake", count as usize, || {
            per_unit(count, || processes_with_handshake(count))
        })
        .run(&mut report)?;
    let [thread, process, handshake] = [0, 1, 2].map(|i| fastest[i].took);
    report.note(format!(
        "one thread: {}, one process: {}, one process with a channel: {}",
        fmt_duration(thread / count),
        fmt_duration(process / count),
        fmt_duration(handshake / count),
    ));
    let ratio = |took: Duration| took.as_secs_f64() / thread.as_secs_f64();
    report.note(format!(
        "a process costs {:.0}× a thread here ({:.0}× with the ipc handshake)",
        ratio(process),
        ratio(handshake)
    ));
    report.finish()?;
    Ok(())
}

/// One run of a variant, timed here so that its row can carry the time of one unit. Its
/// answer: every unit did its part.
fn per_unit(
    count: u32,
    spawn_and_join: impl FnOnce() -> Result<bool, ProcessError>,
) -> Result<Run<bool>, Box<dyn Error>> {
    let (all_ok, took) = time(spawn_and_join);
    let per_unit_us = took.as_secs_f64() * 1e6 / f64::from(count);
    Ok(Run::new(all_ok?)
        .took(took)
        .extra("per_unit_us", per_unit_us))
}
