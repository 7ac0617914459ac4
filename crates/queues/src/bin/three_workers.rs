//! three threads sleeping 0.5/1.0/1.5 s per step overlap: the total is the slowest thread, not the sum
//!
//!     cargo run -p queues --bin three_workers
//!     cargo run -p queues --bin three_workers -- --scale 1
//!     cargo run -p queues --bin three_workers -- --count 10 --timeline three_workers.svg
//!
//! The Python slides' `threading` example: `Thread-1` wakes every 0.5 s, `Thread-2` every
//! 1.0 s and `Thread-3` every 1.5 s, and each time prints how far it has got and when.
//! `--scale` multiplies every delay (0.2 by default: 1.5 s instead of 7.5 s), keeping
//! their ratios, and so the lesson.
//!
//! What to look for: the threads' lines are mixed together; while Thread-3 sleeps, the
//! other two wake and print. The last line sets the total beside the slowest thread alone
//! (count × 1.5 s) and the three one after the other (count × 3.0 s): it is the first.

use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use common::timeline::Timeline;

/// Three threads sleep and print at their own pace (the Python slides' threading example).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Multiply every delay by this factor (1 = the Python slides' 0.5, 1.0 and 1.5 s)
    #[arg(long, default_value_t = 0.2, value_parser = parse_scale)]
    scale: f64,

    /// How many lines each thread prints
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,

    /// Draw each thread's sleeps and prints into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<PathBuf>,
}

/// A factor on the Python slides' delays: from a thousandth (a quick test) to ten times.
fn parse_scale(text: &str) -> Result<f64, String> {
    common::term::parse_f64_in(text, 0.001..=10.0)
}

/// The Python slides' three threads: a name and a delay in seconds, before scaling.
const THREADS: [(&str, f64); 3] = [("Thread-1", 0.5), ("Thread-2", 1.0), ("Thread-3", 1.5)];

/// The Python slides' `worker`: `n` times, sleep for `delay`, then say how far we are and
/// when.
///
/// The Python version prints `time.ctime()`, which shows whole seconds only; with short delays every
/// line would show the same second. We print the seconds since the program started, to the
/// millisecond, so the order of events can be read off the times.
fn worker(name: &str, delay: Duration, n: u32, started: Instant, timeline: &Timeline) {
    // ANCHOR: worker
    for counter in 1..=n {
        {
            // Each span ends when its guard is dropped, at the end of
            // its block.
            let _span = timeline.span(name, "sleep");
            thread::sleep(delay);
        }
        let _span = timeline.span(name, "print");
        let now = started.elapsed().as_secs_f64();
        println!("{name}: {counter}/{n} - {now:.3} s");
    }
    // ANCHOR_END: worker
}

fn main() -> ExitCode {
    let args = Args::parse();
    let timeline = Timeline::new();
    let timeline = &timeline;

    // ANCHOR: spawn
    let started = Instant::now();
    thread::scope(|s| {
        for (name, seconds) in THREADS {
            let delay = Duration::from_secs_f64(seconds * args.scale);
            let n = args.count;
            s.spawn(move || worker(name, delay, n, started, timeline));
        }
        // Python keeps the program alive until its (non-daemon)
        // threads finish. In Rust, returning from `main` ends the
        // process, threads and all, so we must wait for them: the end
        // of the scope joins every thread spawned inside it.
    });
    let total = started.elapsed();
    // ANCHOR_END: spawn

    // ANCHOR: summary
    let count = f64::from(args.count);
    let secs = THREADS.map(|(_, seconds)| seconds);
    let slowest = secs.into_iter().fold(0.0, f64::max) * args.scale * count;
    let one_after_another = secs.iter().sum::<f64>() * args.scale * count;
    println!(
        "total {:.1} s; the slowest thread alone takes {slowest:.1} s; \
         one after the other would take {one_after_another:.1} s",
        total.as_secs_f64()
    );
    // ANCHOR_END: summary

    let title = format!(
        "three_workers: {} lines each, scale {}",
        args.count, args.scale
    );
    let saved = timeline.save_if_asked(args.timeline.as_deref(), &title);
    common::exit_code("three_workers: could not write the timeline", saved)
}
