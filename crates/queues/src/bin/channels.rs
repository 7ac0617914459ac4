//! std mpsc, crossbeam bounded, unbounded, zero-capacity and select!: when a send waits, and for whom
//!
//!     cargo run -p queues --bin channels
//!     cargo run -p queues --bin channels -- --demo bounded
//!
//! The demos themselves are in the library, `src/channels.rs`, each in a few lines.
//! What to look for: the numbered events of `unbounded`, `bounded` and `zero`, which run
//! the very same sender and receiver; only the channel differs. With `unbounded` every
//! send returns before anything is received. With `bounded(2)` the third send is still
//! waiting 100 ms later, and returns only after the main thread's first receive. With
//! `bounded(0)` even the first send waits, and every `sent` comes after its `received`.
//! The numbers count events as the main thread saw them, so they are the same every run.

use clap::{Parser, ValueEnum};
use queues::channels;

/// std's mpsc and crossbeam's unbounded, bounded and zero-capacity channels, and select!.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Which demo to run
    #[arg(long, value_enum, default_value_t = Demo::All)]
    demo: Demo,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Demo {
    /// Every demo, in this order
    All,
    /// std::sync::mpsc: many senders, one receiver
    Mpsc,
    /// crossbeam unbounded(): send never waits
    Unbounded,
    /// crossbeam bounded(2): a send waits while the channel is full
    Bounded,
    /// crossbeam bounded(0): every send waits for its receiver
    Zero,
    /// crossbeam select!: the first channel ready wins
    Select,
}

fn main() {
    let args = Args::parse();
    let demos: [(Demo, fn()); 5] = [
        (Demo::Mpsc, channels::mpsc_demo),
        (Demo::Unbounded, channels::unbounded_demo),
        (Demo::Bounded, channels::bounded_demo),
        (Demo::Zero, channels::zero_demo),
        (Demo::Select, channels::select_demo),
    ];
    let chosen = demos
        .into_iter()
        .filter(|&(demo, _)| args.demo == Demo::All || args.demo == demo);
    for (nth, (_, run)) in chosen.enumerate() {
        if nth > 0 {
            println!(); // a blank line between two demos
        }
        run();
    }
}
