//! What a process costs compared with a thread: start 100 of each, wait for them all, and
//! divide.
//!
//! A thread is a new stack and a kernel task inside our process: the memory, the open
//! files and the loaded program are already there. A process needs its own copy of all of
//! that: the kernel duplicates the parent (`fork`), replaces it with the program (`exec`),
//! the program is loaded and its runtime starts, and at the end the parent collects its
//! exit status. Three variants, each checked:
//!
//! - **threads**: each thread returns its index, and `join` must hand back that index;
//! - **processes**: this program re-executed in a role that exits at once, with status 0;
//! - **processes + ipc handshake**: `common::process::Child::spawn`, which also connects a
//!   channel pair; each child must echo its index back before it is joined.
//!
//! Run it optimised (a debug build says so, and its figures mislead):
//!
//!     cargo run --release -p pipes --bin spawn_cost
//!     cargo run --release -p pipes --bin spawn_cost -- --count 500 --json
//!
//! What to look for: the `per_unit_us` column, and the last line, `a process costs N× a
//! thread here` (at least ten times, on any machine we know of).

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
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
    /// Print the rows as JSON lines, nothing else.
    #[arg(long)]
    json: bool,
}

/// The role of a child that exits as soon as it starts.
const EXIT_AT_ONCE: &str = "exit-at-once";
/// The role of a child that sends back the number it is given, then exits.
const ECHO_INDEX: &str = "echo-index";

// ANCHOR: threads
/// Starts `count` threads, each returning its index, and joins them. `true` if every
/// thread returned its own index.
fn threads(count: u32) -> bool {
    let handles: Vec<_> = (0..count).map(|i| thread::spawn(move || i)).collect();
    let mut all_ok = true;
    for (i, handle) in (0..count).zip(handles) {
        all_ok &= handle.join().ok() == Some(i);
    }
    all_ok
}
// ANCHOR_END: threads

// ANCHOR: processes
/// Starts `count` copies of this program that exit at once, and waits for them all.
/// `true` if every one exited with status 0.
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

// ANCHOR: handshake
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
// ANCHOR_END: handshake

/// The child's part in the handshake variant: echo one number, then exit.
fn echo_index() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<u32, u32>()?;
    if let Ok(i) = parent.rx.recv() {
        let _ = parent.tx.send(i);
    }
    Ok(())
}

fn main() -> ExitCode {
    match process::child_role().as_deref() {
        // Does nothing at all: what we time is starting and ending a process.
        Some(EXIT_AT_ONCE) => return ExitCode::SUCCESS,
        Some(ECHO_INDEX) => {
            return common::exit_code("echo", echo_index());
        }
        Some(_) | None => {}
    }
    let args = Args::parse();
    common::warn_if_debug!();
    let count = args.count;
    if !args.json {
        println!(
            "starting and joining {count} threads, then {count} processes, \
             then {count} processes with a channel pair each"
        );
    }

    // One untimed round of each first: the first thread or process a program starts pays
    // for one-off set-up (loading code, growing the heap) that is no part of the unit cost.
    let warmed_up = threads(2)
        && matches!(processes(2), Ok(true))
        && matches!(processes_with_handshake(2), Ok(true));
    if !warmed_up {
        eprintln!("warning: the warm-up round failed; the timed rounds will say why");
    }

    let workload = "spawn + join";
    let mut report = Report::new("spawn_cost");
    let (threads_ok, threads_took) = time(|| threads(count));
    let (processes_ok, processes_took) = time(|| processes(count));
    let (handshake_ok, handshake_took) = time(|| processes_with_handshake(count));
    let rows = [
        ("threads", Ok(threads_ok), threads_took),
        ("processes", processes_ok, processes_took),
        ("processes + ipc handshake", handshake_ok, handshake_took),
    ];
    for (variant, ok, took) in rows {
        let ok = ok.unwrap_or_else(|e| {
            eprintln!("{variant}: {e}");
            false
        });
        report
            .add(workload, variant, count as usize, took.as_secs_f64(), ok)
            .extra("per_unit_us", took.as_secs_f64() * 1e6 / f64::from(count));
    }
    report.print(args.json);
    if !args.json {
        let ratio = |took: Duration| took.as_secs_f64() / threads_took.as_secs_f64();
        println!(
            "one thread: {}, one process: {}, one process with a channel: {}",
            fmt_duration(threads_took / count),
            fmt_duration(processes_took / count),
            fmt_duration(handshake_took / count),
        );
        println!(
            "a process costs {:.0}× a thread here ({:.0}× with the ipc handshake)",
            ratio(processes_took),
            ratio(handshake_took)
        );
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
