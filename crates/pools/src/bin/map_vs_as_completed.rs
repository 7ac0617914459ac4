//! map yields in submission order, as_completed in finishing order, side by side
//!
//!     cargo run -p pools --bin map_vs_as_completed
//!     cargo run -p pools --bin map_vs_as_completed -- --seed 7 --jobs 8 --max-ms 800
//!
//! The Python course notebook's `map` against `as_completed`: the same jobs, each sleeping
//! a random time (distinct multiples of `max-ms / jobs`, shuffled by `--seed`), collected
//! twice, with the time each result reached the main thread.
//!
//! What to look for: the left column counts 0, 1, 2, … but its times jump: a quick job
//! queued behind a slow one waits for it. The right column is sorted by delay, each time
//! that job's own. Both end at about the same time (the slowest job); what differs is when
//! you can *use* each result. rayon's `par_iter`, last, keeps input order like `map`.

use std::thread;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, error::ErrorKind};
use pools::thread_pool::{ThreadPool, as_completed};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

/// map yields in submission order, as_completed in finishing order (the Python course notebook).
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

/// The notebook's `return_after_5_secs(num)`: sleeps, then returns its number.
fn return_after(job: usize, delay: Duration) -> usize {
    thread::sleep(delay);
    job
}

/// The delays: `step, 2·step, …, jobs·step` in a random order, `step = max_ms / jobs`.
/// Equal delays would finish in an order no one can predict.
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
        let why = "--max-ms must be at least --jobs: the delays are at least 1 ms apart";
        Args::command()
            .error(ErrorKind::ValueValidation, why)
            .exit();
    }
    let delays = random_delays(args.seed, args.jobs, args.max_ms);
    let workers = args.workers.unwrap_or(args.jobs) as usize;
    let ms: Vec<u128> = delays.iter().map(Duration::as_millis).collect();
    let (jobs, seed) = (args.jobs, args.seed);
    println!(
        "{jobs} jobs on {workers} workers; delays in ms from --seed {seed}, job by job: {ms:?}"
    );
    let pool = ThreadPool::new(workers);

    // Each `next()` of `map` waits for the *next job in the list*, however long it takes.
    let start = Instant::now();
    let inputs: Vec<(usize, Duration)> = delays.iter().copied().enumerate().collect();
    let by_map: Vec<(usize, Duration)> = pool
        .map(|(job, delay)| return_after(job, delay), inputs)
        .map(|result| (result.expect("return_after never panics"), start.elapsed()))
        .collect();

    // Each `next()` of `as_completed` waits for *whichever job ends next*.
    let start = Instant::now();
    let handles: Vec<_> = delays
        .iter()
        .enumerate()
        .map(|(job, &delay)| pool.submit(move || return_after(job, delay)))
        .collect();
    let by_completion: Vec<(usize, Duration)> = as_completed(handles)
        .map(|(_, result)| (result.expect("return_after never panics"), start.elapsed()))
        .collect();

    let cell = |&(job, at): &(usize, Duration)| {
        let (ms, s) = (delays[job].as_millis(), at.as_secs_f64());
        format!("job {job:<3} {ms:>5} ms  at {s:.2} s")
    };
    println!();
    println!("map (submission order)          as_completed (finishing order)");
    for (left, right) in by_map.iter().zip(&by_completion) {
        println!("{:<32}{}", cell(left), cell(right));
    }
    println!();

    // rayon is built for CPU work, and a sleeping job blocks one of its threads; for this
    // comparison we give it as many threads as our pool.
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
    let s = start.elapsed().as_secs_f64();
    println!("rayon par_iter: {by_rayon:?} in {s:.2} s (input order, like map)");
}
