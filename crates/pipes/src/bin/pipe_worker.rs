//! parent and a child process exchange 10 commands and replies over a typed ipc-channel pair; the pids differ
//!
//! The worker is a second process (this program, started again with a hidden role
//! argument), so it shares no memory with the parent. Everything they tell each other is a
//! typed message that ipc-channel serialises into bytes on one side and rebuilds on the
//! other: the Rust spelling of `multiprocessing.Pipe()` in the Python slides.
//!
//!     cargo run -p pipes --bin pipe_worker
//!     cargo run -p pipes --bin pipe_worker -- --commands 3 --delay-ms 1000
//!
//! What to look for: two different pids on the first line. Every line says who printed it:
//! `child:  Worker received command N` (the worker, when the command arrives) comes before
//! `parent: Worker accepted command N` (the parent, when the reply arrives); `child:  Worker
//! received quit` ends it. Python prints the same lines, without the labels. How long a
//! round trip takes is `pipe_latency`'s question.

use std::fmt;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::measure::fmt_duration;
use common::process::{self, Child, ProcessError};
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
}

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

/// The hidden role under which this program runs as the worker.
const WORKER: &str = "worker";

/// The child's part: answer commands until `quit` (or until the parent's channel closes).
// ANCHOR: worker
fn worker() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Request, String>()?;
    let Ok(Request::Start { name, delay_ms }) = parent.rx.recv() else {
        return Ok(()); // the parent went away before it started us
    };
    while let Ok(request) = parent.rx.recv() {
        println!("child:  {name} received {request}");
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
        "parent: pid {}, worker child pid {} \
         (an ipc-channel pair between us)",
        std::process::id(),
        worker.pid()
    );
    worker.send(Request::Start {
        name: "Worker".into(),
        delay_ms: args.delay_ms,
    })?;
    for i in 0..args.commands {
        worker.send(Request::Command(i))?;
        // The child's reply, printed here.
        println!("parent: {}", worker.recv()?);
    }
    worker.send(Request::Quit)?;
    worker.join()?; // like `p.join()`: wait for the worker process to exit
    Ok(())
}
// ANCHOR_END: parent

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(WORKER, worker)]) {
        return exit;
    }
    let args = Args::parse();
    let started = Instant::now();
    let result = dialogue(&args).map(|()| {
        let took = fmt_duration(started.elapsed());
        println!(
            "parent: {} commands answered in {took}; the worker has exited",
            args.commands
        );
    });
    common::exit_code("pipe_worker", result)
}
