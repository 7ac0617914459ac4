//! Exercise (chapter 3, pools): results as they finish, without handles.
//!
//! Python's `multiprocessing.Pool` has `imap_unordered(fn, inputs)`: it yields each result
//! as soon as its job finishes, and never gives you a future. Write the same for our pool:
//!
//!     fn imap_unordered(pool, f, inputs) -> impl Iterator<Item = (usize, T)>
//!
//! yielding `(position of the input, f(input))` in finishing order, using only
//! `ThreadPool::submit` and a crossbeam channel: no `JobHandle`, no `as_completed`. Then
//! answer: when does your iterator end, and what happens if one job panics?
//!
//! This is the solution. Run it with:
//!
//!     cargo run -p pools --example imap_unordered
//!
//! It prints the results in finishing order (the shortest delay first), checks that order,
//! then does the same with rayon's `for_each_with`, which streams results the same way.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::channel;
use pools::thread_pool::ThreadPool;
use rayon::prelude::*;

/// Runs `f` on every input and yields `(position, result)` as each job finishes.
// ANCHOR: solution
fn imap_unordered<I, T, F>(
    pool: &ThreadPool,
    f: F,
    inputs: impl IntoIterator<Item = I>,
) -> channel::IntoIter<(usize, T)>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    let f = Arc::new(f);
    let (finished, results) = channel::unbounded();
    for (position, input) in inputs.into_iter().enumerate() {
        let f = Arc::clone(&f);
        let finished = finished.clone();
        // Each job holds its own sender, and sends down it the moment it
        // is done: the channel's order is the finishing order. We drop the
        // handle `submit` returns.
        pool.submit(move || {
            // The receiver is gone only if the caller stopped iterating:
            // nothing to do.
            let _ = finished.send((position, f(input)));
        });
    }
    // The answers to the questions. The iterator ends when the channel is
    // empty and has no sender left: every job drops its sender when it
    // ends, so we must drop ours too, or the iteration would wait for ever
    // after the last result.
    //
    // A job that panics drops its sender without sending: the iterator
    // simply yields one result fewer, and says nothing. Count the results,
    // or send `Result`s built with `std::panic::catch_unwind`, if a missing
    // one matters.
    drop(finished);
    results.into_iter()
}
// ANCHOR_END: solution

/// Sleeps `delay`, then returns it: the finishing order is the order of the delays.
fn sleep_for(delay: Duration) -> Duration {
    thread::sleep(delay);
    delay
}

fn main() {
    // Distinct delays 40 ms apart, with a worker each, so the finishing order is certain.
    let delays: Vec<Duration> = [160, 40, 120, 200, 80]
        .into_iter()
        .map(Duration::from_millis)
        .collect();
    let pool = ThreadPool::new(delays.len());

    println!("our ThreadPool, imap_unordered:");
    let start = Instant::now();
    let mut order = Vec::new();
    for (position, delay) in imap_unordered(&pool, sleep_for, delays.clone()) {
        println!(
            "  job {position} ({} ms) at {:.2} s",
            delay.as_millis(),
            start.elapsed().as_secs_f64()
        );
        order.push(delay);
    }
    let mut sorted = delays.clone();
    sorted.sort();
    assert_eq!(order, sorted, "the shortest delay finishes first");

    // rayon's way: every job gets a clone of the sender (`for_each_with`), and the results
    // come out of the receiver as they finish. The jobs run on a separate thread here, so
    // that this thread can print the results while they are still coming.
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(delays.len())
        .build()
        .expect("the system starts the threads");
    let (finished, results) = channel::unbounded();
    let jobs = delays.clone();
    rayon_pool.spawn(move || {
        jobs.into_par_iter()
            .enumerate()
            .for_each_with(finished, |finished, (position, delay)| {
                let _ = finished.send((position, sleep_for(delay)));
            });
    });
    println!("rayon, for_each_with:");
    let start = Instant::now();
    let mut order = Vec::new();
    for (position, delay) in results {
        println!(
            "  job {position} ({} ms) at {:.2} s",
            delay.as_millis(),
            start.elapsed().as_secs_f64()
        );
        order.push(delay);
    }
    assert_eq!(order, sorted, "the shortest delay finishes first");
    println!(
        "both in finishing order: {:?} ms",
        sorted.iter().map(Duration::as_millis).collect::<Vec<_>>()
    );
}
