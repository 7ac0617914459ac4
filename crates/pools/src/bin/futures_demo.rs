//! a job's handle reports not done, then done, then its value
//!
//!     cargo run -p pools --bin futures_demo
//!     cargo run -p pools --bin futures_demo -- --seconds 2 --message bonjour
//!
//! The Python course notebook's first look at a future: submit a job that returns a message
//! after a delay, ask whether it is done, wait, ask again, take the result. Then the same
//! with rayon, which has no handles: a channel holds the value, a scope does the waiting.
//!
//! What to look for: `done? false` straight after `submit` (the main thread did not wait),
//! then `done? true`, then the value. The notebook sleeps longer than the job and hopes;
//! here the main thread waits on the handle, so `true` is certain, and so is `false`: the
//! job starts its delay only when the main thread says go, after asking.

use std::thread;
use std::time::Duration;

use clap::Parser;
use crossbeam::channel::{self, Receiver};
use pools::thread_pool::ThreadPool;

/// submit → done? false → wait → done? true → result (the Python course notebook).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Seconds the job takes before it returns (the notebook's 5)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.5, value_parser = parse_seconds)]
    seconds: f64,

    /// What the job returns
    #[arg(long, default_value = "hello")]
    message: String,
}

/// From 0 (no delay) to a minute.
fn parse_seconds(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.0..=60.0)
}

/// The notebook's `return_after_5_secs`: waits for the go-ahead, sleeps, returns the message.
fn return_after(go: Receiver<()>, delay: Duration, message: String) -> String {
    // If the main thread is gone without saying go, there is nobody to answer: skip ahead.
    let _ = go.recv();
    thread::sleep(delay);
    message
}

fn main() {
    let args = Args::parse();
    let delay = Duration::from_secs_f64(args.seconds);

    println!("-- our ThreadPool --");
    // ANCHOR: ours
    let pool = ThreadPool::new(3);
    let (go, wait_for_go) = channel::bounded(1);
    let message = args.message.clone();
    let job = move || return_after(wait_for_go, delay, message);
    let handle = pool.submit(job);
    // false: the job is waiting for our go
    println!("done? {}", handle.is_done());
    go.send(()).expect("the job is waiting for it");
    handle.wait(); // the notebook's `sleep(6)`, without the guessing
    println!("done? {}", handle.is_done()); // true
    match handle.result() {
        Ok(value) => println!("result: {value}"),
        Err(panicked) => println!("error: {panicked}"),
    }
    // ANCHOR_END: ours

    println!("-- rayon --");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("the system starts the threads");
    // rayon's jobs return nothing: the job sends its value into a channel with room for
    // one message, and the receiving end is our handle. A message in it means "done".
    let (result_tx, result) = channel::bounded(1);
    let (go, wait_for_go) = channel::bounded(1);
    let message = args.message.clone();
    // rayon waits for jobs with a scope, not with handles: `scope` returns only when every
    // job spawned inside it has finished.
    pool.scope(|scope| {
        // Ours to drop: if printing fails (a closed pipe), the job hears the channel
        // close and ends, and the scope need not wait for a go that never comes.
        let go = go;
        scope.spawn(move |_| {
            let value = return_after(wait_for_go, delay, message);
            result_tx
                .send(value)
                .expect("the receiver outlives the scope");
        });
        println!("done? {}", !result.is_empty()); // false: the job is waiting for our go
        go.send(()).expect("the job is waiting for it");
    });
    println!("done? {}", !result.is_empty()); // true: the scope waited for the job
    let value = result.recv().expect("the value is in the channel");
    println!("result: {value}");
}
