//! the spinner runs in a child process (this binary, re-executed) and is stopped by a message, not a kill
//!
//!     cargo run -p spinner_proc
//!     cargo run -p spinner_proc -- --timeline spinner.svg
//!
//! The child is this very binary started again with a hidden role argument (Python's
//! *spawn* start method). The two processes share no memory; they talk over a typed
//! ipc-channel pair, and the child answers `Stop` with the frames it drew.
//!
//! What to look for: `spinner object:` shows a child with another pid than its parent;
//! the animation runs while the parent is blocked; `Answer: 42` comes after a clean line.
//! Kill the parent (`kill -9`) and the child dies with it: no orphan keeps spinning.

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::process::{self, Child, ProcessError};
use common::term::{self, FRAMES, SpinnerArgs, StatusLine};
use common::timeline::Timeline;
use ipc_channel::TryRecvError;
use serde::{Deserialize, Serialize};

/// A spinner in a child process animates while the parent blocks in slow().
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    spinner: SpinnerArgs,
}

/// What the parent tells the spinner process.
// ANCHOR: command
#[derive(Debug, Serialize, Deserialize)]
enum Command {
    Start { msg: String, interval_ms: u64 },
    Stop,
}
// ANCHOR_END: command

/// What the spinner process answers when it stops: how many frames, and when each was
/// drawn (on the machine's monotonic clock, which both processes share).
// ANCHOR: stopped
#[derive(Debug, Serialize, Deserialize)]
struct Stopped {
    frame_times_ns: Vec<u64>,
}
// ANCHOR_END: stopped

/// The role under which this binary runs as the spinner process.
const SPINNER: &str = "spinner";

/// The child's part: wait for `Start`, draw frames until `Stop` (or until the parent's
/// channel closes), wipe the line, report.
// ANCHOR: spin
fn spin_in_child() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Command, Stopped>()?;
    let Ok(Command::Start { msg, interval_ms }) = parent.rx.recv() else {
        return Ok(()); // the parent went away before starting us
    };
    let mut line = StatusLine::new(msg);
    let mut frame_times_ns = Vec::new();
    for frame in FRAMES.chars().cycle() {
        line.draw(frame);
        frame_times_ns.push(common::measure::now_ns());
        // Wait one interval for `Stop`, or an error: the parent is gone.
        match parent
            .rx
            .try_recv_timeout(Duration::from_millis(interval_ms))
        {
            Err(TryRecvError::Empty) => line.clear(),
            Ok(_) | Err(TryRecvError::IpcError(_)) => break,
        }
    }
    line.clear();
    // If the parent is gone, there is no one to tell: just end.
    let _ = parent.tx.send(Stopped { frame_times_ns });
    Ok(())
}
// ANCHOR_END: spin

/// Blocks the calling thread, like a long computation or a blocking read.
fn slow(seconds: Duration) -> u64 {
    thread::sleep(seconds);
    42
}

// ANCHOR: supervisor
fn supervisor(
    args: &SpinnerArgs, // --seconds, --interval-ms, --timeline
    timeline: &Timeline,
) -> Result<(u64, Stopped), ProcessError> {
    let mut spinner = Child::<Command, Stopped>::spawn(SPINNER)?;
    println!("spinner object: {spinner:?}");
    spinner.send(Command::Start {
        msg: "thinking!".into(),
        interval_ms: args.interval_ms,
    })?;
    let result = {
        let _busy = timeline.span("parent process", "slow(): blocked");
        slow(args.seconds)
    };
    spinner.send(Command::Stop)?; // a message, not a kill
    let stopped = spinner.recv()?;
    spinner.join()?;
    Ok((result, stopped))
}
// ANCHOR_END: supervisor

fn main() -> ExitCode {
    // ANCHOR: role
    if process::child_role().as_deref() == Some(SPINNER) {
        term::leave_ctrl_c_to_parent();
        return common::exit_code("spinner process", spin_in_child());
    }
    // ANCHOR_END: role
    let args = Args::parse();
    term::wipe_line_on_ctrl_c();
    let timeline = Timeline::new();
    let started = Instant::now();
    let (result, stopped) = match supervisor(&args.spinner, &timeline) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Answer: {result}");
    let frames = stopped.frame_times_ns.len() as u64;
    let interval = args.spinner.interval();
    println!(
        "{}",
        term::frames_report(frames, started.elapsed(), interval)
    );
    for &at in &stopped.frame_times_ns {
        timeline.mark_at("spinner process", "frame", at);
    }
    let path = args.spinner.timeline.as_deref();
    if let Err(e) =
        timeline.save_if_asked(path, "spinner_proc: parent blocked, child process drawing")
    {
        eprintln!("error: could not write the timeline: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
