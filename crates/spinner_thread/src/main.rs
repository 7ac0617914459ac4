//! a spinner thread animates while the main thread blocks for 2 s, then prints "Answer: 42"
//!
//!     cargo run -p spinner_thread
//!     cargo run -p spinner_thread -- --seconds 3 --timeline spinner.svg
//!
//! The main thread blocks in `slow()`; a second thread animates `\|/-` next to
//! "thinking!" until the main thread tells it to stop and waits for it.
//!
//! What to look for: the animation keeps going while the main thread is blocked (two
//! threads, really running at the same time), and the spinner's line is wiped before
//! `Answer: 42`. Piped (`| cat`), it prints one plain line instead of frames, and counts
//! the frames it would have drawn: about 20 for 2 s at one every 100 ms.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::term::{self, FRAMES, SpinnerArgs, StatusLine};
use common::timeline::Timeline;

/// A spinner thread animates while the main thread blocks in slow().
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    spinner: SpinnerArgs,
}

/// Draws frames until `done` says stop: a message, or the sender being dropped.
// ANCHOR: spin
fn spin(
    msg: &str,
    interval: Duration,
    done: Receiver<()>, // a message, or the sender dropped: stop
    timeline: Timeline,
) -> u64 {
    let mut line = StatusLine::new(msg);
    for frame in FRAMES.chars().cycle() {
        line.draw(frame);
        timeline.mark("spinner thread", "frame");
        // Python's `done.wait(.1)`: sleep one interval, or stop sooner.
        match done.recv_timeout(interval) {
            Err(RecvTimeoutError::Timeout) => line.clear(),
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    line.clear();
    line.frames()
}
// ANCHOR_END: spin

/// Blocks the calling thread, like a long computation or a blocking read.
// ANCHOR: slow
fn slow(seconds: Duration) -> u64 {
    thread::sleep(seconds);
    42
}
// ANCHOR_END: slow

// ANCHOR: supervisor
fn supervisor(args: &SpinnerArgs, timeline: &Timeline) -> (u64, u64) {
    let (done_tx, done_rx) = mpsc::channel();
    let (interval, spinner_timeline) = (args.interval(), timeline.clone());
    // Python prints the thread before `start()`; ours runs at `spawn`,
    // so it first waits at a barrier until it has been printed.
    let start = Arc::new(Barrier::new(2));
    let spinner_start = Arc::clone(&start);
    let spinner = thread::Builder::new()
        .name("spinner".into())
        .spawn(move || {
            spinner_start.wait();
            spin("thinking!", interval, done_rx, spinner_timeline)
        })
        .expect("the OS refused to start a thread");
    println!("spinner object: {:?}", spinner.thread());
    start.wait(); // Python's spinner.start()
    let result = {
        let _busy = timeline.span("main thread", "slow(): blocked");
        slow(args.seconds)
    };
    done_tx.send(()).expect("the spinner thread ended early");
    let frames = spinner.join().expect("the spinner thread panicked");
    (result, frames)
}
// ANCHOR_END: supervisor

fn main() {
    let args = Args::parse();
    term::wipe_line_on_ctrl_c();
    let timeline = Timeline::new();
    let started = Instant::now();
    let (result, frames) = supervisor(&args.spinner, &timeline);
    println!("Answer: {result}");
    let interval = args.spinner.interval();
    println!(
        "{}",
        term::frames_report(frames, started.elapsed(), interval)
    );
    let path = args.spinner.timeline.as_deref();
    if let Err(e) = timeline.save_if_asked(
        path,
        "spinner_thread: main thread blocked, spinner thread drawing",
    ) {
        eprintln!("error: could not write the timeline: {e}");
        std::process::exit(1);
    }
}
