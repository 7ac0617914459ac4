//! the same program on async-std (discontinued upstream), with the smol spelling alongside
//!
//!     cargo run -p spinner_async_std
//!
//! The program is `spinner_async` line for line; only the runtime's names change
//! (`task::spawn`, `task::sleep`, `handle.cancel().await`), so the two files can be read
//! side by side. What to look for: the same transcript as `spinner_async`.
//!
//! async-std is **discontinued**: its own README asks users to move to `smol`, whose
//! spelling is shown below. The course keeps async-std only to compare runtimes. Note also
//! that async-std runs tasks on a pool of threads, not on one thread as asyncio does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_std::task;
use clap::Parser;
use common::term::{self, FRAMES, SpinnerArgs, StatusLine};
use common::timeline::Timeline;

/// The async spinner on async-std (discontinued upstream; see smol).
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    spinner: SpinnerArgs,
}

/// Draws frames until the task is cancelled; the `StatusLine`'s `Drop` wipes the line.
async fn spin(msg: &str, interval: Duration, frames: Arc<AtomicU64>, timeline: Timeline) {
    let mut line = StatusLine::new(msg);
    for frame in FRAMES.chars().cycle() {
        line.draw(frame);
        frames.fetch_add(1, Ordering::Relaxed);
        timeline.mark("spinner task", "frame");
        task::sleep(interval).await;
        line.clear();
    }
}

/// Fluent Python's `slow()`: awaits a sleep, then answers.
async fn slow(seconds: Duration) -> u64 {
    task::sleep(seconds).await;
    42
}

async fn supervisor(args: &SpinnerArgs, timeline: &Timeline) -> (u64, u64) {
    let frames = Arc::new(AtomicU64::new(0));
    // async-std runs tasks on a pool of threads, so a spawned task may start at
    // once. Like Python's create-then-start, ours waits for a go-ahead until it
    // has been printed.
    let (start, started) = async_std::channel::bounded::<()>(1);
    let spin = spin(
        "thinking!",
        args.interval(),
        frames.clone(),
        timeline.clone(),
    );
    // ANCHOR: supervisor
    let spinner = task::spawn(async move {
        let _ = started.recv().await;
        spin.await
    });
    println!("spinner object: {:?}", spinner.task());
    let _ = start.send(()).await;
    let result = {
        let _busy = timeline.span("main task", "slow(): awaiting a sleep");
        slow(args.seconds).await
    };
    let frames = frames.load(Ordering::Relaxed);
    spinner.cancel().await; // tokio: abort(); smol: drop the task
    (result, frames)
    // ANCHOR_END: supervisor
}

// ANCHOR: smol
// The same supervisor with smol, which async-std's maintainers point to:
//
//     let spinner = smol::spawn(spin(...)); // a `Task`: dropping cancels
//     smol::Timer::after(seconds).await;    // instead of task::sleep
//     spinner.cancel().await;               // waits until it is gone
//     smol::block_on(supervisor(...))       // instead of task::block_on
// ANCHOR_END: smol

fn main() {
    let args = Args::parse();
    term::wipe_line_on_ctrl_c();
    let timeline = Timeline::new();
    let started = Instant::now();
    let (result, frames) = task::block_on(supervisor(&args.spinner, &timeline));
    println!("Answer: {result}");
    let interval = args.spinner.interval();
    println!(
        "{}",
        term::frames_report(frames, started.elapsed(), interval)
    );
    let path = args.spinner.timeline.as_deref();
    if let Err(e) = timeline.save_if_asked(
        path,
        "spinner_async_std: main task awaiting, spinner drawing",
    ) {
        eprintln!("error: could not write the timeline: {e}");
        std::process::exit(1);
    }
}
