//! The worker dialogue of `pipe_worker`, over a plain OS pipe instead of ipc-channel.
//!
//! The child is this program again, but this time the parent holds the other ends of the
//! child's stdin and stdout. It writes `command 0` as a line of text, the child answers
//! `Worker accepted command 0` as a line of text, and `quit` ends it. No types, no
//! serialisation: just bytes, a newline to mark where a message ends, and a flush to send
//! it (the `pipes::raw` module docs list what ipc-channel does that this does not).
//!
//!     cargo run -p pipes --bin pipe_raw
//!     cargo run -p pipes --bin pipe_raw -- --worker-stops-after 3
//!
//! What to look for: the same transcript as `pipe_worker` (two pids, `Worker received …`,
//! `Worker accepted …`). The child's stdout is the pipe to the parent, so its `received`
//! lines come out on stderr. With `--worker-stops-after 3` the worker leaves mid-dialogue:
//! the parent sees the pipe close and reports it instead of waiting for ever.

use std::io;
use std::process::{ExitCode, ExitStatus};
use std::time::Instant;

use clap::Parser;
use common::measure::fmt_duration;
use common::process;
use pipes::raw::{self, RawError, RawWorker, WorkerSettings};

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

// ANCHOR: dialogue
fn dialogue(args: &Args) -> Result<ExitStatus, RawError> {
    let settings = WorkerSettings {
        delay_ms: args.delay_ms,
        stop_after: args.worker_stops_after,
    };
    let command = raw::worker_command(settings).map_err(RawError::Io)?;
    let mut worker = RawWorker::spawn(command, "Worker").map_err(RawError::Io)?;
    println!(
        "parent pid {}, worker pid {} (a pipe into its stdin, a pipe out of its stdout)",
        std::process::id(),
        worker.pid()
    );
    for i in 0..args.commands {
        let reply = worker.ask(&format!("command {i}"))?;
        println!("{reply}");
    }
    worker.quit()
}
// ANCHOR_END: dialogue

fn main() -> ExitCode {
    // In the child: answer lines on stdin until `quit`, and nothing else.
    if process::child_role().as_deref() == Some(raw::ROLE) {
        let settings = WorkerSettings::from_env();
        return common::exit_code(
            "worker",
            raw::serve("Worker", io::stdin().lock(), io::stdout().lock(), settings),
        );
    }
    let args = Args::parse();
    let started = Instant::now();
    match dialogue(&args) {
        Ok(status) if status.success() => {
            println!(
                "{} commands answered over a pipe in {}; the worker exited with {}",
                args.commands,
                fmt_duration(started.elapsed()),
                process::describe(status)
            );
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("error: the worker ended with {}", process::describe(status));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
