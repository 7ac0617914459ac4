//! Seed 001's `map` against `as_completed`: the same jobs, each sleeping a random time,
//! collected twice. `map` hands results back in the order the jobs were submitted;
//! `as_completed` hands each one back the moment it finishes. The two orders are printed
//! side by side, with the time each result reached the main thread.
//!
//!     cargo run -p pools --bin map_vs_as_completed
//!     cargo run -p pools --bin map_vs_as_completed -- --seed 7 --jobs 8 --max-ms 800
//!     cargo run -p pools --bin map_vs_as_completed -- --workers 2
//!
//! What to look for: the left column counts 0, 1, 2, … but its times jump: a quick job
//! queued behind a slow one waits for it, though it finished long before. The right column
//! is sorted by delay, and each time is that job's own delay. Both columns end at about the
//! same time: the whole batch takes as long as its slowest job either way; what differs is
//! when you get to *use* each result. (Python's `wait(futures)` followed by reading the
//! results in order behaves like the left column.) The last line does the same with
//! rayon's `par_iter`, which, like `map`, keeps the order of its input.
//!
//! The delays are random (from `--seed`) but never equal: they are the multiples of
//! `max-ms / jobs`, shuffled. Equal delays would finish in an order no one can predict,
//! and the right column would change from run to run.

use std::thread;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, error::ErrorKind};
use pools::thread_pool::{ThreadPool, as_completed};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

/// map yields in submission order, as_completed in finishing order (seed 001).
#[derive(Parser)]
#[command(name = "map_vs_as_completed", version)]
struct Args {
    /// Seed for the random delays (3 puts a slow job first, which is what `map` is bad at)
    #[arg(long, default_value_t = 3)]
    seed: u64,

    /// How many jobs
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=50))]
    jobs: u32,

    /// The longest delay, in milliseconds; the others are spread evenly below it
    /// (at least 1 ms apart, so at least as large as `--jobs`)
    #[arg(long, value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_ms: u64,

    /// Worker threads [default: one per job, so that every job starts at once]
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: Option<u32>,
}

/// One result as it reached the main thread.
struct Row {
    job: usize,
    delay: Duration,
    at: Duration,
}

impl Row {
    fn show(&self) -> String {
        format!(
            "job {:<3} {:>5} ms  at {:.2} s",
            self.job,
            self.delay.as_millis(),
            self.at.as_secs_f64()
        )
    }
}

// ANCHOR: job
/// The seed's `return_after_5_secs(num)`: sleeps, then returns its number.
fn return_after(job: usize, delay: Duration) -> usize {
    thread::sleep(delay);
    job
}
// ANCHOR_END: job

/// The delays: `step, 2·step, …, jobs·step` in a random order, `step = max_ms / jobs`.
fn random_delays(seed: u64, jobs: u32, max_ms: u64) -> Vec<Duration> {
    let step = max_ms / u64::from(jobs);
    let mut delays: Vec<Duration> = (1..=u64::from(jobs))
        .map(|k| Duration::from_millis(k * step))
        .collect();
    delays.shuffle(&mut StdRng::seed_from_u64(seed));
    delays
}

fn main() {
    let args = Args::parse();
    if args.max_ms < u64::from(args.jobs) {
        Args::command()
            .error(
                ErrorKind::ValueValidation,
                "--max-ms must be at least --jobs: the delays are at least 1 ms apart",
            )
            .exit();
    }
    let delays = random_delays(args.seed, args.jobs, args.max_ms);
    let workers = args.workers.unwrap_or(args.jobs) as usize;
    let listed: Vec<String> = delays
        .iter()
        .enumerate()
        .map(|(job, delay)| format!("job {job} {} ms", delay.as_millis()))
        .collect();
    println!(
        "{} jobs on {workers} workers; delays from seed {}: {}",
        args.jobs,
        args.seed,
        listed.join(", ")
    );

    let pool = ThreadPool::new(workers);

    // ANCHOR: map
    let start = Instant::now();
    let inputs: Vec<(usize, Duration)> = delays.iter().copied().enumerate().collect();
    let by_map: Vec<Row> = pool
        .map(|(job, delay)| return_after(job, delay), inputs)
        .map(|result| {
            // Each `next()` waits for the *next job in the list*, however long it takes.
            let job = result.expect("return_after never panics");
            let at = start.elapsed();
            Row {
                job,
                delay: delays[job],
                at,
            }
        })
        .collect();
    // ANCHOR_END: map

    // ANCHOR: as_completed
    let start = Instant::now();
    let handles: Vec<_> = delays
        .iter()
        .enumerate()
        .map(|(job, &delay)| pool.submit(move || return_after(job, delay)))
        .collect();
    let by_completion: Vec<Row> = as_completed(handles)
        .map(|(index, result)| {
            // Each `next()` waits for *whichever job ends next*.
            let job = result.expect("return_after never panics");
            assert_eq!(index, job, "as_completed names the job that ended");
            let at = start.elapsed();
            Row {
                job,
                delay: delays[job],
                at,
            }
        })
        .collect();
    // ANCHOR_END: as_completed

    println!();
    println!(
        "{:<32}as_completed (finishing order)",
        "map (submission order)"
    );
    for (left, right) in by_map.iter().zip(&by_completion) {
        println!("{:<32}{}", left.show(), right.show());
    }
    println!();

    // ANCHOR: rayon
    // rayon is built for CPU work, and a sleeping job blocks one of its threads; for this
    // comparison we give it one thread per job, like our pool.
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the system starts the threads");
    let start = Instant::now();
    let by_rayon: Vec<usize> = rayon_pool.install(|| {
        delays
            .par_iter()
            .enumerate()
            .map(|(job, &delay)| return_after(job, delay))
            .collect()
    });
    // ANCHOR_END: rayon
    println!(
        "rayon par_iter: {by_rayon:?} in {:.2} s (input order, like map)",
        start.elapsed().as_secs_f64()
    );
}
