//! Seed 000's `ThreadPoolExecutor(max_workers=3)`: three jobs, each counting with its own
//! delay (0.5, 1.0 and 1.5 units), run by a pool of three threads. `Done!` comes after the
//! pool has been shut down, so only after all three jobs have finished.
//!
//!     cargo run -p pools --bin thread_pool
//!     cargo run -p pools --bin thread_pool -- --scale 1 --count 10
//!     cargo run -p pools --bin thread_pool -- --workers 1
//!     cargo run -p pools --bin thread_pool -- --engine rayon
//!
//! What to look for: the three jobs' lines interleave (Thread-1 prints three times as often
//! as Thread-3), each job runs on its own `pool-worker-N`, and the wall time is about the
//! slowest job's, not the sum of all three. With `--workers 1` they run one after another
//! and the wall time becomes the sum. `--engine rayon` does the same with a rayon pool;
//! with `--engine rayon --workers 1` note that Thread-3 runs *first*: a rayon worker takes
//! the newest job it spawned itself (its jobs are a stack), where our pool's channel hands
//! out the oldest (a queue). `pool.scope_fifo` would give rayon queue order too.
//!
//! The second command has the seed's own timings (15 s). The seed prints the clock
//! (`time.ctime()`); here each line shows the time since the start, which is easier to
//! compare between lines.

use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use pools::thread_pool::ThreadPool;

/// Three jobs with different delays on a pool of three threads; `Done!` after all (seed 000).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads in the pool
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,

    /// Lines each job prints (the seed's `n`, 10 there)
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,

    /// Seconds per unit of delay: the jobs wait 0.5, 1.0 and 1.5 units between lines
    /// (the seed's timings are `--scale 1`)
    #[arg(long, value_name = "SECONDS", default_value_t = 0.15, value_parser = parse_scale)]
    scale: f64,

    /// Which pool runs the jobs: ours, or rayon's
    #[arg(long, value_enum, default_value_t = Engine::Ours)]
    engine: Engine,
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    /// `pools::thread_pool::ThreadPool`
    Ours,
    /// `rayon::ThreadPool`, with a scope that waits for its jobs
    Rayon,
}

/// A scale between 0.001 and 10 seconds per unit: enough for a demo, never endless.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

// ANCHOR: worker
/// The seed's `worker`: prints `count` lines, waiting `delay` before each one.
fn worker(name: &str, delay: Duration, count: u32, start: Instant) {
    // The thread that runs us is one of the pool's; its name tells which.
    let thread = thread::current().name().unwrap_or("unnamed").to_string();
    for counter in 1..=count {
        thread::sleep(delay);
        let at = start.elapsed().as_secs_f64();
        println!("{name}: {counter}/{count} - {at:.2} s on {thread}");
    }
}
// ANCHOR_END: worker

fn main() {
    let args = Args::parse();
    let delays = [0.5, 1.0, 1.5].map(|units| Duration::from_secs_f64(units * args.scale));
    let workers = args.workers as usize;
    let count = args.count;
    let start = Instant::now();

    match args.engine {
        Engine::Ours => {
            // ANCHOR: ours
            let pool = ThreadPool::new(workers);
            for (i, delay) in delays.into_iter().enumerate() {
                // `submit` returns a handle at once; the seed ignores its futures, and so
                // do we: nothing here needs the jobs' results, only their end.
                pool.submit(move || worker(&format!("Thread-{}", i + 1), delay, count, start));
            }
            // The end of Python's `with` block: shut the pool down and wait for every
            // job. Dropping our pool does exactly that.
            drop(pool);
            // ANCHOR_END: ours
        }
        Engine::Rayon => {
            // ANCHOR: rayon
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .thread_name(|i| format!("rayon-worker-{i}"))
                .build()
                .expect("the system starts the threads");
            // A rayon scope is the `with` block: it returns only when every job spawned
            // in it has finished. (`pool.spawn` alone would not wait for anything.)
            pool.scope(|scope| {
                for (i, delay) in delays.into_iter().enumerate() {
                    scope.spawn(move |_| worker(&format!("Thread-{}", i + 1), delay, count, start));
                }
            });
            // ANCHOR_END: rayon
        }
    }

    let wall = start.elapsed();
    let each: Vec<Duration> = delays.iter().map(|delay| *delay * count).collect();
    let slowest = each.iter().max().copied().unwrap_or_default();
    let sum: Duration = each.iter().sum();
    println!(
        "wall time {:.2} s: the slowest job alone takes {:.2} s, all three one after another {:.2} s",
        wall.as_secs_f64(),
        slowest.as_secs_f64(),
        sum.as_secs_f64()
    );
    println!("Done!");
}
