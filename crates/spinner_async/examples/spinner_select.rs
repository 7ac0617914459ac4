//! Exercise solution: stop the async spinner with a message instead of cancelling it.
//!
//!     cargo run -p spinner_async --example spinner_select
//!
//! The thread spinner waits on a channel with a timeout (Python's `done.wait(.1)`); here
//! the task does the same with `tokio::select!`: whichever comes first, the next frame's
//! sleep or the stop message. The spinner then ends by itself, returns how many frames it
//! drew, and no task is ever aborted. What to look for: the same transcript as
//! `spinner_async`, and `spinner: … frames` read from the task's own return value.

use std::time::{Duration, Instant};

use common::term::{self, FRAMES, StatusLine};
use tokio::sync::oneshot;

// ANCHOR: spin
async fn spin(
    msg: &str,
    interval: Duration,
    mut done: oneshot::Receiver<()>, // the stop message
) -> u64 {
    let mut line = StatusLine::new(msg);
    for frame in FRAMES.chars().cycle() {
        line.draw(frame);
        tokio::select! {
            _ = tokio::time::sleep(interval) => line.clear(),
            _ = &mut done => break, // a message, or the sender dropped
        }
    }
    line.clear();
    line.frames()
}
// ANCHOR_END: spin

#[tokio::main(flavor = "current_thread")]
async fn main() {
    term::wipe_line_on_ctrl_c();
    let started = Instant::now();
    let interval = Duration::from_millis(100);
    let (done_tx, done_rx) = oneshot::channel();
    let spinner = tokio::spawn(async move { spin("thinking!", interval, done_rx).await });
    println!("spinner object: {spinner:?}");
    let answer = spinner_async::slow(Duration::from_secs(2)).await;
    let _ = done_tx.send(());
    let frames = spinner.await.expect("the spinner task panicked");
    println!("Answer: {answer}");
    println!(
        "{}",
        term::frames_report(frames, started.elapsed(), interval)
    );
}
