//! a runtime inside a runtime, a blocking client in a task, a std Mutex guard across .await: each caught, with its fix beside it
//!
//!     cargo run -p coroutines --bin async_pitfalls
//!     cargo run --release -p coroutines --bin async_pitfalls     # trap 2 without reqwest's check
//!
//! The traps Fluent Python, the notebook and the Real Python notes name, one after the other
//! on tokio's current_thread runtime (one thread, as asyncio), each followed by its fixes. What to look for: each
//! `caught:` line, tokio's or reqwest's panic message, caught from the task's JoinHandle,
//! or what rustc says of the code that does not compile; and each `fix:` line, the right
//! answer. Trap 2 shows its panic in a debug build only: in `--release` reqwest skips the
//! check and the call simply holds the thread, so the ticker beside it counts 0 ticks.
//! The program exits in about a second.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use cat_server::{CatServer, Config};
use clap::Parser;
use common::term::wrap;
use coroutines::pitfalls::{self, Beside, COMPILER_SAYS, Caught};

/// Three traps of async code, each caught, each fixed.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Milliseconds the cat server waits before answering the page of trap 2
    #[arg(long, value_name = "MS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(10..=5_000))]
    delay_ms: u64,

    /// Tasks that each add 2 to the shared count of trap 3
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    tasks: u64,
}

/// The ticker beside trap 2 ticks this often.
const PERIOD: Duration = Duration::from_millis(10);

/// What trap 2's panic is.
const REQWEST_CHECKS: &str = "reqwest's own check, made in debug builds only: in --release \
    the call just holds the thread, and the ticker counts 0 ticks";

fn main() -> ExitCode {
    common::exit_code("async_pitfalls", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::silence_expected_panics(&pitfalls::EXPECTED_PANICS);
    let server = CatServer::start(Config::delayed(Duration::from_millis(args.delay_ms)))?;
    let url = server.url("/pages/1");
    // asyncio runs one thread; so does this runtime, and every trap below.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    println!("1. A runtime inside a runtime. Fluent Python: \"asyncio.run() cannot be");
    println!("   called from a running event loop\"; the notebook needs nest_asyncio.");
    println!("   trap: a new runtime's block_on, inside a task");
    caught(runtime.block_on(pitfalls::runtime_in_a_runtime())?, "");
    let value = runtime.block_on(pitfalls::fix_await());
    fixed("`.await` the future instead: answer", value, 42)?;
    let value = runtime.block_on(pitfalls::fix_handle_on_a_blocking_thread());
    fixed(
        "spawn_blocking, and block_on the runtime's Handle there: answer",
        value,
        42,
    )?;
    println!();

    println!("2. A blocking HTTP client inside a task. The Real Python notes: \"requests is");
    println!("   not designed to notify the event loop that it is blocked\".");
    println!(
        "   trap: reqwest::blocking of a page that takes {} ms,",
        args.delay_ms
    );
    println!("         a ticker task beside it (a tick every 10 ms)");
    let trap = pitfalls::blocking_client_in_a_task(&url, PERIOD);
    caught(runtime.block_on(trap)?, REQWEST_CHECKS);
    let beside = runtime.block_on(pitfalls::fix_async_client(&url, PERIOD))?;
    ticked("the async client, awaited", &beside)?;
    let on_the_pool = pitfalls::fix_blocking_client_on_a_blocking_thread(&url, PERIOD);
    ticked(
        "reqwest::blocking on spawn_blocking",
        &runtime.block_on(on_the_pool)?,
    )?;
    println!();

    println!("3. A std::sync::Mutex guard held across .await.");
    println!("   trap: a spawned task that keeps the guard over a yield_now().await");
    println!("   caught: it does not compile, so there is nothing to run. rustc says:");
    for line in COMPILER_SAYS.lines() {
        println!("     {line}");
    }
    let (want, tasks) = (2 * args.tasks, args.tasks);
    let count = runtime.block_on(pitfalls::fix_scoped_guard(tasks));
    fixed("drop the guard before the .await: count", count, want)?;
    let count = runtime.block_on(pitfalls::fix_tokio_mutex(tasks));
    fixed(
        "tokio::sync::Mutex, whose guard may wait: count",
        count,
        want,
    )?;
    println!();
    println!("Every trap was caught; every fix gave the right answer.");
    Ok(())
}

/// `caught: …`, the panic's message wrapped under it, then `why` in brackets.
fn caught(caught: Caught, why: &str) {
    match caught {
        Caught::Panicked(message) => {
            println!("   caught: the task panicked, and its JoinHandle says:");
            for line in wrap(&message, 72) {
                println!("     {line}");
            }
            if !why.is_empty() {
                for line in wrap(&format!("({why})"), 72) {
                    println!("     {line}");
                }
            }
        }
        Caught::Starved { ticks, took } => {
            let ms = took.as_millis();
            println!("   caught: the ticker ticked {ticks} times in {ms} ms: the call held");
            println!("     the runtime's only thread until the answer came");
        }
    }
}

/// `fix: …: value`, or an error if the value is wrong.
fn fixed(how: &str, value: u64, want: u64) -> Result<(), String> {
    println!("   fix: {how} = {value}");
    if value != want {
        return Err(format!("{how} gave {value}, not {want}"));
    }
    Ok(())
}

/// `fix: …: N bytes, T ticks in M ms`, or an error if the ticker did not tick.
fn ticked(how: &str, beside: &Beside) -> Result<(), String> {
    let (bytes, ticks, ms) = (beside.bytes, beside.ticks, beside.took.as_millis());
    println!("   fix: {how}: {bytes} bytes, {ticks} ticks in {ms} ms");
    if ticks == 0 {
        return Err(format!("{how}: the ticker did not tick"));
    }
    Ok(())
}
