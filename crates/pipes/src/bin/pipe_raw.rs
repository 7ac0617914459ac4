//! the same dialogue over the child's stdin and stdout, one line per message: what ipc-channel adds
//!
//! The child is this program again, and the parent holds the other ends of the child's
//! stdin and stdout. It writes `command 0` as a line of text, the child answers `Worker
//! accepted command 0` as a line of text, and `quit` ends it. No types, no serialisation:
//! bytes, a newline to end a message, a flush to send it (`pipes::raw` lists the rest).
//!
//!     cargo run -p pipes --bin pipe_raw
//!     cargo run -p pipes --bin pipe_raw -- --worker-stops-after 3
//!
//! What to look for: `pipe_worker`'s transcript, each line labelled `parent:` or `child:`
//! by who prints it. The child's stdout is the pipe to the parent, so its lines come out on
//! stderr. With `--worker-stops-after 3` the worker leaves mid-dialogue: the parent sees
//! the pipe close and reports it instead of waiting for ever.

use std::error::Error;
use std::io;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::measure::fmt_duration;
use common::process;
use pipes::raw::{self, RawWorker, WorkerSettings};

/// Parent and child process exchange commands over the child's stdin and stdout.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Commands the parent sends before `quit`.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    commands: u32,
    /// The worker's pause after each reply, in milliseconds (the original sleeps 1000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=2000))]
    delay_ms: u64,
    /// Make the worker exit after this many replies, without waiting for `quit`.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=1000))]
    worker_stops_after: Option<u32>,
}

/// The child's whole part: answer the lines on its stdin until `quit`.
fn worker() -> io::Result<()> {
    let settings = WorkerSettings::from_env();
    raw::serve("Worker", io::stdin().lock(), io::stdout().lock(), settings)
}

fn dialogue(args: &Args) -> Result<(), Box<dyn Error>> {
    let settings = WorkerSettings {
        delay_ms: args.delay_ms,
        stop_after: args.worker_stops_after,
    };
    let started = Instant::now();
    let mut worker = RawWorker::spawn(raw::worker_command(settings)?, "Worker")?;
    println!(
        "parent: pid {}, worker child pid {} (a pipe into its stdin, a pipe out of its stdout)",
        std::process::id(),
        worker.pid()
    );
    // ANCHOR: dialogue
    for i in 0..args.commands {
        let reply = worker.ask(&format!("command {i}"))?;
        println!("parent: {reply}");
    }
    let status = worker.quit()?;
    // ANCHOR_END: dialogue
    if !status.success() {
        return Err(format!("the worker ended with {}", process::describe(status)).into());
    }
    println!(
        "parent: {} commands answered over a pipe in {}; the worker exited with {}",
        args.commands,
        fmt_duration(started.elapsed()),
        process::describe(status)
    );
    Ok(())
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(raw::ROLE, worker)]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("pipe_raw", dialogue(&args))
}
