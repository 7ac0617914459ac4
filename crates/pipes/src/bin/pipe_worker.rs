//! A worker process and its parent talk over a pair of channels: ten commands, ten replies,
//! then `quit`.
//!
//! The worker is a second process (this program, started again with a hidden role
//! argument), so it shares no memory with the parent. Everything they tell each other is a
//! typed message that ipc-channel serialises into bytes on one side and rebuilds on the
//! other: the Rust spelling of `multiprocessing.Pipe()`.
//!
//!     cargo run -p pipes --bin pipe_worker
//!     cargo run -p pipes --bin pipe_worker -- --commands 3 --delay-ms 1000
//!     cargo run --release -p pipes --bin pipe_worker -- --bench
//!
//! What to look for: two different pids on the first line; each `Worker received command N`
//! (printed by the child) comes before `Worker accepted command N` (printed by the parent
//! when the reply arrives); `Worker received quit` ends it.
//!
//! `--bench` measures instead how long one small message takes to go there and back: over
//! ipc-channel, over an OS pipe, and between two threads over a crossbeam channel, each
//! free to use every CPU and then pinned to one. Add `--json` for `scripts/bench`.

use std::fmt;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::measure::fmt_duration;
use common::process::{self, Child, ProcessError};
use pipes::latency;
use serde::{Deserialize, Serialize};

/// Parent and child process exchange commands and replies over an ipc-channel pair.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Commands the parent sends before `quit`.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    commands: u32,
    /// The worker's pause after each reply, in milliseconds (the original sleeps 1000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=2000))]
    delay_ms: u64,
    /// Measure round-trip latency (ipc-channel, OS pipe, threads) instead of the dialogue.
    #[arg(long)]
    bench: bool,
    /// With --bench: round trips timed per transport.
    #[arg(
        long,
        default_value_t = 10_000,
        requires = "bench",
        value_parser = clap::value_parser!(u64).range(1..=1_000_000)
    )]
    round_trips: u64,
    /// With --bench: print the rows as JSON lines, nothing else.
    #[arg(long, requires = "bench")]
    json: bool,
}

// ANCHOR: messages
/// What the parent sends to the worker.
#[derive(Debug, Serialize, Deserialize)]
enum Request {
    /// The worker's arguments, sent first. `Process(target=worker, args=("Worker", …))`
    /// does the same under *spawn*: the arguments are pickled and sent to the new process.
    Start {
        name: String,
        delay_ms: u64,
    },
    Command(u32),
    Quit,
}

/// How a request reads in the transcript: `command 3`, `quit`.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Start { name, .. } => write!(f, "start {name}"),
            Request::Command(n) => write!(f, "command {n}"),
            Request::Quit => write!(f, "quit"),
        }
    }
}
// ANCHOR_END: messages

/// The hidden role under which this program runs as the worker.
const WORKER: &str = "worker";

// ANCHOR: worker
/// The child's part: answer commands until `quit` (or until the parent's channel closes).
fn worker() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Request, String>()?;
    let Ok(Request::Start { name, delay_ms }) = parent.rx.recv() else {
        return Ok(()); // the parent went away before it started us
    };
    while let Ok(request) = parent.rx.recv() {
        println!("{name} received {request}");
        if let Request::Quit = request {
            return Ok(());
        }
        let reply = format!("{name} accepted {request}");
        if parent.tx.send(reply).is_err() {
            return Ok(()); // nobody is listening any more
        }
        thread::sleep(Duration::from_millis(delay_ms));
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: parent
fn dialogue(args: &Args) -> Result<(), ProcessError> {
    let mut worker = Child::<Request, String>::spawn(WORKER)?;
    println!(
        "parent pid {}, worker pid {} (an ipc-channel pair between them)",
        std::process::id(),
        worker.pid()
    );
    worker.send(Request::Start {
        name: "Worker".into(),
        delay_ms: args.delay_ms,
    })?;
    for i in 0..args.commands {
        worker.send(Request::Command(i))?;
        println!("{}", worker.recv()?);
    }
    worker.send(Request::Quit)?;
    worker.join()?; // like `p.join()`: wait for the worker process to exit
    Ok(())
}
// ANCHOR_END: parent

fn main() -> ExitCode {
    // A child process runs its role and nothing else: no flags to parse, no dialogue.
    if let Some(role) = process::child_role() {
        if role != WORKER {
            // The echoes of `--bench`.
            return latency::serve_echo(&role).unwrap_or(ExitCode::FAILURE);
        }
        return common::exit_code("worker", worker());
    }
    let args = Args::parse();
    if args.bench {
        return bench(&args);
    }
    let started = Instant::now();
    match dialogue(&args) {
        Ok(()) => {
            println!(
                "{} commands answered in {}; the worker has exited",
                args.commands,
                fmt_duration(started.elapsed())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &Args) -> ExitCode {
    common::warn_if_debug!();
    if !args.json {
        println!(
            "{} round trips of one small message per transport; µs columns are one round trip:",
            args.round_trips
        );
    }
    let report = latency::bench(args.round_trips);
    report.print(args.json);
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
