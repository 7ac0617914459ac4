//! available_parallelism, Python's min(32, cpu + 4) and rayon's default, side by side
//!
//!     cargo run -p pools --bin default_workers
//!     RAYON_NUM_THREADS=3 cargo run -p pools --bin default_workers
//!     cargo run -p pools --bin default_workers -- --cpus 64
//!
//! The Python course notebook's `executor._max_workers`: how many workers a pool gets when
//! you do not say, each default with the reason behind it.
//!
//! What to look for: the thread pool for I/O gets more workers than there are CPUs (its
//! threads spend their time waiting), the process pool and rayon exactly one per CPU
//! (their workers compute). `--cpus 64` shows the cap of 32 on Python's rule; a set
//! `RAYON_NUM_THREADS` overrides rayon's default, and the program says so.

use std::env;

use clap::Parser;

/// Default pool sizes: Python's two executors and rayon, side by side (the Python course notebook).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Pretend the machine has this many CPUs, to see what each rule gives there
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    cpus: Option<u32>,
}

/// `ThreadPoolExecutor()` since Python 3.8: at least 5 threads for I/O-bound work, and no
/// more than 32, so that a very large machine does not start hundreds of threads unasked.
// ANCHOR: thread_rule
fn python_thread_pool_default(cpus: usize) -> usize {
    (cpus + 4).min(32)
}
// ANCHOR_END: thread_rule

/// `ProcessPoolExecutor()`: one process per CPU.
// ANCHOR: process_rule
fn python_process_pool_default(cpus: usize) -> usize {
    cpus
}
// ANCHOR_END: process_rule

/// `RAYON_NUM_THREADS` as rayon reads it: a positive whole number, or nothing (rayon
/// ignores 0 and anything that is not a number).
// ANCHOR: rayon_rule
fn rayon_num_threads_from_env() -> Option<usize> {
    let value = env::var("RAYON_NUM_THREADS").ok()?;
    value.parse().ok().filter(|&n| n > 0)
}
// ANCHOR_END: rayon_rule

fn main() {
    let args = Args::parse();

    // The CPUs this process may run on (`available_parallelism`): fewer than the machine
    // has when a container or `taskset` limits it. Python's `os.process_cpu_count()` (3.13).
    let available = common::default_workers();
    let cpus = match args.cpus {
        Some(pretend) => {
            println!("cpus: {pretend} (pretend, from --cpus; this machine has {available})");
            pretend as usize
        }
        None => {
            println!("cpus: {available} (available_parallelism: the CPUs this process may use)");
            available
        }
    };

    // rayon's global pool starts on first use, with RAYON_NUM_THREADS threads if that is
    // set to a positive number, else one per CPU. `current_num_threads` starts it and asks.
    let rayon_threads = match args.cpus {
        None => rayon::current_num_threads(),
        Some(_) => rayon_num_threads_from_env().unwrap_or(cpus),
    };

    println!();
    println!(
        "{:<28}{:>4}   min(32, {cpus} + 4): threads mostly wait for I/O, so more of them than CPUs keep the CPUs busy",
        "Python ThreadPoolExecutor",
        python_thread_pool_default(cpus)
    );
    println!(
        "{:<28}{:>4}   one per CPU: processes compute, and a second one per CPU would only take turns",
        "Python ProcessPoolExecutor",
        python_process_pool_default(cpus)
    );
    let rayon_why = if rayon_num_threads_from_env().is_some() {
        "RAYON_NUM_THREADS chose it, not the CPU count"
    } else {
        "one per CPU: rayon is for computing, like the process pool"
    };
    println!(
        "{:<28}{:>4}   {rayon_why}",
        "rayon current_num_threads", rayon_threads
    );
    println!(
        "{:<28}{:>4}   ThreadPool::new(n) has no default: you decide",
        "pools::ThreadPool", "-"
    );

    println!();
    match env::var("RAYON_NUM_THREADS") {
        Err(_) => println!("RAYON_NUM_THREADS is not set: rayon uses one thread per CPU"),
        Ok(value) => match rayon_num_threads_from_env() {
            Some(n) => println!(
                "RAYON_NUM_THREADS={value} is set: rayon uses {n} threads, whatever the CPU count"
            ),
            None => println!(
                "RAYON_NUM_THREADS={value} is set but is not a positive number: rayon ignores it"
            ),
        },
    }
    println!(
        "Before Python 3.13 both executors counted with os.cpu_count(): every CPU of the machine, even ones this process may not use"
    );
}
