//! The chapter's exercise, solved: `gather` for our own executor (asyncio's `gather`).
//!
//!     cargo run -p coroutines --example gather
//!
//! `gather(futures)` runs every future at once, as a task of its own, and returns their
//! outputs in the order they were given, whatever order they finish in. The trick is the
//! order of the two loops: spawn them all first, then await the handles. While `gather`
//! waits for the first handle, the loop runs every task; by the time the first is done,
//! the shorter ones are done already, and their handles are ready when their turn comes.
//! Awaiting each handle right after its spawn (`one_by_one`) runs the tasks one at a time.
//!
//! What to look for: the three tasks finish second, third, first; the results come back
//! first, second, third; gather takes the longest sleep (0.3 s), one by one the sum (0.6 s).

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use coroutines::executor::{Executor, Stuck, now, sleep, spawn};

/// Runs every future as a task, all at once; their outputs in the order given.
// ANCHOR: gather
async fn gather<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Spawn them all first: none runs yet, this task has not waited.
    let handles: Vec<_> = futures.into_iter().map(spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await); // meanwhile, every task runs
    }
    outputs
}
// ANCHOR_END: gather

/// The trap: each task awaited as soon as it is spawned, so one runs at a time.
// ANCHOR: one_by_one
async fn one_by_one<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut outputs = Vec::new();
    for future in futures {
        outputs.push(spawn(future).await); // waits before the next spawn
    }
    outputs
}
// ANCHOR_END: one_by_one

/// The Python slides' task: says it started, sleeps, says it finished, returns its name
/// reversed.
async fn task(name: &'static str, nap: Duration) -> String {
    println!("  {name} task started, sleeps {nap:?}");
    sleep(nap).await;
    println!("  {name} task finished");
    name.chars().rev().collect()
}

/// Three tasks, the first the longest.
fn three_tasks() -> Vec<impl Future<Output = String> + Send + 'static> {
    [("first", 300), ("second", 100), ("third", 200)]
        .map(|(name, ms)| task(name, Duration::from_millis(ms)))
        .into()
}

/// Awaits `future` and says how long it took on the loop's clock.
async fn timed<F: Future>(future: F) -> (F::Output, Duration) {
    let start = now();
    let output = future.await;
    (output, now() - start)
}

fn main() -> ExitCode {
    common::exit_code("gather", run())
}

fn run() -> Result<(), Stuck> {
    let executor = Executor::new();
    println!("gather: three tasks at once");
    let (results, took) = executor.block_on(timed(gather(three_tasks())))?;
    println!("  results, in the order given: {results:?}");
    println!("  took {:.2} s: the longest task", took.as_secs_f64());

    println!("one by one: each task awaited as soon as it is spawned");
    let (results, took) = executor.block_on(timed(one_by_one(three_tasks())))?;
    println!("  results, in the order given: {results:?}");
    println!("  took {:.2} s: every task in turn", took.as_secs_f64());
    Ok(())
}
