//! a Vec of 10⁷ numbers built up front against an Iterator computed on demand: time and peak memory; itertools in a generator pipeline
//!
//!     cargo run --release -p coroutines --bin lazy_range
//!     cargo run -p coroutines --bin lazy_range -- --count 1000000 --rounds 1
//!
//! The Python course notebook's `eager_range` and `lazy_range`. First its cell that steps
//! through `lazy_range(5)`, in Python and in Rust; then both ranges summed, 10⁷ numbers.
//! What to look for: `peak_rss_kb`, about 78 000 kB (8 bytes a number) for the `Vec` and
//! close to 0 for the iterator, which holds two numbers however far it counts; and the
//! iterator is faster too, as it never writes the numbers to memory. Last, a generator
//! pipeline: each stage spelled with Python's `itertools`, then in Rust (std's adapters,
//! and the `itertools` crate's `chunk_by` and `tee`), then the values it gave.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::Comparison;
use common::report::Report;
use coroutines::lazy::{self, eager_range, lazy_range, sum_one_by_one, with_peak_memory};

/// An eager Vec against a lazy Iterator, then itertools in a generator pipeline.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many numbers each range counts (the notebook's up_to)
    #[arg(long, value_name = "N", default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    count: u64,

    /// Rounds of the comparison: the variants take turns, each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=20))]
    rounds: u64,

    /// Print the comparison's rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("lazy_range", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    if !args.json {
        notebook_cell();
    }
    let (n, count) = (args.count, lazy::grouped(args.count));
    let mut report = Report::new("lazy_range").json(args.json);
    Comparison::new("sum")
        .title(format!(
            "The sum of {count} numbers, from a Vec built first or from an iterator:"
        ))
        .rounds(args.rounds as usize)
        .workers_are("thread")
        .expect(common::sum_below(n))
        .variant_run("eager_range (Vec)", 1, || {
            Ok(with_peak_memory(|| sum_one_by_one(eager_range(n))))
        })
        .variant_run("lazy_range (Iterator)", 1, || {
            Ok(with_peak_memory(|| sum_one_by_one(lazy_range(n))))
        })
        .run(&mut report)?;
    report.note("peak_rss_kb: how far the resident set grew during the run, at its highest.");
    report.note(format!(
        "The Vec holds {count} numbers × 8 bytes = {} kB; the iterator, two numbers.",
        lazy::grouped(n * 8 / 1024)
    ));
    if !lazy::peak_can_be_reset() {
        report.note("(This system does not let a program reset its peak: a peak_rss_kb may");
        report.note("include the peak of the variant that ran before it.)");
    }
    report.finish()?;
    if !args.json {
        pipeline();
    }
    Ok(())
}

/// The notebook's cell: two `next()`s, a `for` over the rest, and one `next()` too many.
fn notebook_cell() {
    println!("lazy_range(5), stepped through as in the Python course notebook:");
    println!("  {:<20} {:<28} gives", "Python", "Rust");
    let mut iterator = lazy_range(5);
    for _ in 0..2 {
        let got = iterator.next();
        println!(
            "  {:<20} {:<28} {got:?}",
            "next(iterator)", "iterator.next()"
        );
    }
    let mut rest = Vec::new();
    for x in iterator.by_ref() {
        rest.push(x.to_string());
    }
    let rest = rest.join(" ");
    println!(
        "  {:<20} {:<28} {rest}",
        "for x in iterator:", "for x in iterator.by_ref()"
    );
    let got = iterator.next();
    println!(
        "  {:<20} {:<28} {got:?} (StopIteration)",
        "next(iterator)", "iterator.next()"
    );
    println!();
}

/// Each stage of the pipeline: its Python spelling, its Rust one, and what it gave.
fn pipeline() {
    println!();
    println!("A generator pipeline, each stage in Python's itertools and then in Rust");
    println!("(std's iterator adapters; the itertools crate where std has no such name).");
    println!("squares(): stage 2, every square. small(): stage 3, the squares below 200.");
    for stage in lazy::pipeline() {
        println!();
        for (i, line) in stage.python.lines().enumerate() {
            println!("  {:<8}{line}", if i == 0 { "Python" } else { "" });
        }
        let rust = stage.rust_lines();
        for (i, line) in rust.iter().enumerate() {
            let label = if i == 0 { "Rust" } else { "" };
            let from = if i + 1 == rust.len() { stage.from } else { "" };
            println!("{}", format!("  {label:<8}{line:<52}  {from}").trim_end());
        }
        println!("  {:<8}{}", "", stage.values);
    }
}
