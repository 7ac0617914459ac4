//! threads that borrow from the parent's stack: std::thread::scope and rayon::scope join them all before the borrow ends
//!
//!     cargo run -p structured --bin scoped_threads
//!     cargo run -p structured --bin scoped_threads -- --numbers 1000000 --parts 8
//!
//! The nursery's rule for threads. Each part of `1..=N` is summed by a thread of its own
//! in `std::thread::scope`, then by a job in `rayon::scope`; every part borrows the
//! caller's locals (its chunk of the numbers, its `&mut` chunk of a buffer of squares, its
//! `&mut` result slot, a shared counter) with no `Arc` and no clone. Then a part panics.
//!
//! What to look for: `scope ended` after every part's line; the sums, squares and count
//! read after the scope are right; std ran one new thread per part, rayon ran its jobs on
//! its pool's few threads. A panic waits for the scope's end: std's scope panics itself,
//! rayon's re-raises one job's panic (stderr shows each panic as it happens).

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use coroutines::asyncio::Transcript;
use structured::threads::{self, How};

/// Sum 1..=N in parts on scoped threads and rayon jobs that borrow the caller's locals.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Sum the numbers 1..=N
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    numbers: u64,

    /// Split them into this many parts: a thread each for std, a job each for rayon
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    parts: u64,
}

fn main() -> ExitCode {
    common::exit_code("scoped_threads", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let out = Transcript::printing();
    let (n, parts) = (args.numbers, usize::try_from(args.parts)?);
    for how in How::ALL {
        let name = how.name();
        out.say(format!(
            "{name}: {parts} parts of 1..={n}, borrowing the locals"
        ));
        let summed = threads::sum_in_scope(how, n, parts, &out);
        check(&summed, n)?;
        let squares: u64 = summed.squares.iter().sum();
        let (sum, seen) = (summed.total(), summed.seen);
        out.say(format!(
            "after the scope: sum {sum}, squares {squares}, seen {seen} (checked)"
        ));
        let ran_on = match how {
            How::Std => "threads, each started for its part".to_string(),
            How::Rayon => format!(
                "of the pool's {} threads, not one per part",
                rayon::current_num_threads()
            ),
        };
        let (count, threads) = (summed.parts.len(), summed.threads());
        out.say(format!("{count} parts ran on {threads} {ran_on}\n"));
    }

    out.say("A panic in a scope (the panic hook prints on stderr):");
    one_line_panics();
    let std = threads::std_scope_panics(&out).ok_or("std's scope did not panic")?;
    out.say(format!("  std::thread::scope panicked last: {std:?}"));
    let rayon = threads::rayon_scope_panics(&out).ok_or("rayon's scope did not panic")?;
    out.say(format!(
        "  rayon::scope re-raised one of the two, {rayon:?}"
    ));
    out.say("Both scopes joined every part before returning, panic or not.");
    Ok(())
}

/// Makes the panic hook print each panic in one line on stderr, with no backtrace (which
/// `RUST_BACKTRACE=1` would add): the panics here are the lesson, not a bug.
fn one_line_panics() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        let message = common::panic_text(info.payload());
        let at = info.location().map_or(String::new(), |l| {
            let file = l.file().rsplit('/').next().unwrap_or_default();
            format!(" at {file}:{}", l.line())
        });
        eprintln!("  stderr: thread '{name}' panicked{at}: {message}");
    }));
}

/// Checks what the parts left behind against the formulas: an error names what is wrong.
fn check(summed: &threads::Summed, n: u64) -> Result<(), String> {
    let squares: u64 = summed.squares.iter().sum();
    let seen = u64::try_from(summed.seen).map_err(|e| e.to_string())?;
    if summed.total() != threads::expected_sum(n)
        || squares != threads::expected_sum_of_squares(n)
        || seen != n
    {
        return Err(format!("wrong results from the parts: {summed:?}"));
    }
    Ok(())
}
