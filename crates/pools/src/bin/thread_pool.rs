//! a pool of 3 threads runs three sleeping workers; Done! only after all finish; total ≈ the slowest
//!
//!     cargo run -p pools --bin thread_pool
//!     cargo run -p pools --bin thread_pool -- --workers 1
//!     cargo run -p pools --bin thread_pool -- --engine rayon
//!
//! The Python slides' `ThreadPoolExecutor(max_workers=3)`: three jobs count with delays of
//! 0.5, 1.0 and 1.5 units (`--scale 1 --count 10` is the slides' own 15 s run).
//!
//! What to look for: the jobs' lines interleave, each job on its own `pool-worker-N`, and
//! the wall time is the slowest job's, not the sum; `Done!` comes last. With `--workers 1`
//! the wall time is the sum. `--engine rayon --workers 1` runs Thread-3 *first*: a rayon
//! worker takes the newest job it spawned (a stack), our pool's channel the oldest (a queue).

use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use pools::thread_pool::ThreadPool;

/// Three jobs with different delays on a pool of three threads; `Done!` after all (the Python slides).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads in the pool
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,

    /// Lines each job prints (the slides' `n`, 10 there)
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,

    /// Seconds per unit of delay: the jobs wait 0.5, 1.0 and 1.5 units between lines
    /// (the slides' timings are `--scale 1`)
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

/// The slides' `worker`: prints `count` lines, waiting `delay` before each one.
fn worker(name: &str, delay: Duration, count: u32, start: Instant) {
    // The thread that runs us is one of the pool's; its name tells which.
    let thread = thread::current().name().unwrap_or("unnamed").to_string();
    for counter in 1..=count {
        thread::sleep(delay);
        let at = start.elapsed().as_secs_f64();
        println!("{name}: {counter}/{count} - {at:.2} s on {thread}");
    }
}

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
                // `submit` returns a handle at once; the slides ignore
                // its futures, and so do we: nothing here needs the jobs'
                // results, only their end.
                let name = format!("Thread-{}", i + 1);
                pool.submit(move || worker(&name, delay, count, start));
            }
            // The end of Python's `with` block: shut the pool down and
            // wait for every job. Dropping our pool does exactly that.
            drop(pool);
            // ANCHOR_END: ours
        }
        Engine::Rayon => {
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
