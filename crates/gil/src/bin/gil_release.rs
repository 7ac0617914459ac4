//! Seed 001's numpy lesson: native code that releases the GIL scales across threads.
//!
//! The Python lecture multiplies matrices on threads twice. With a pure-Python loop, the
//! threads hold the GIL while they compute, so two threads are no faster than one. With
//! numpy, the multiplication runs in C code that releases the GIL first
//! (`Py_BEGIN_ALLOW_THREADS`), so the threads compute on both cores at once. This program
//! does the same under the `gil` crate's model of the GIL: two seeded random `--n` × `--n`
//! matrices are multiplied, each thread computing a band of rows, four ways:
//!
//! - `matmul-holding-gil`, `serial`: one thread, the kernel ticking (passing a "bytecode"
//!   boundary) before every row while it holds the GIL: pure Python;
//! - `matmul-holding-gil`, `threads`: `--threads` threads on one GIL, the same kernel;
//! - `matmul-allow-threads`, `serial`: one thread, the kernel without ticks, run inside
//!   `allow_threads` with the GIL released: a numpy call;
//! - `matmul-allow-threads`, `threads`: each thread runs its band that way: numpy on threads.
//!
//! Run it:
//!
//!     cargo run --release -p gil --bin gil_release
//!     cargo run --release -p gil --bin gil_release -- --n 1000 --threads 4
//!
//! What to look for: holding the GIL, the threads take as long as one thread, or longer,
//! and the GIL's counters show them taking turns (switches, forced drops); inside
//! `allow_threads` the same loop on two threads takes about half the time, with one release
//! per thread and not a single forced drop. Both kernels are the same machine code but for
//! the ticks, so the serial times of the two workloads are about equal: the model adds the
//! lock, not Python's slowness (a real pure-Python loop is also far slower than numpy's
//! kernel, which is the other reason numpy exists).
//!
//! Every product is checked against a reference product (a library GEMM) before its time
//! is shown. The variants take turns, `--runs` rounds, and each one's fastest run counts.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::matrix::{self, Matrix};
use common::measure::{self, FastestRuns, fmt_duration};
use common::report::Report;
use gil::matmul::{self, Product};
use gil::{Gil, SwitchIntervalFlag};

/// Multiply two matrices on threads under a model of CPython's GIL: holding it, as pure
/// Python does, and releasing it around the kernel, as numpy does.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Rows and columns of each square matrix
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u16).range(16..=2000))]
    n: u16,

    /// Threads of the threaded variants, each computing a band of rows
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
    threads: u16,

    #[command(flatten)]
    switch: SwitchIntervalFlag,

    /// Rounds: the four variants take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

/// How far a product may stray from the reference, relative to its values (or absolute
/// below 1). The reference, a GEMM, adds the same terms in another order, so the last
/// bits differ: sums of a few thousand terms of size ≤ 1 round differently by ~1e-13.
const TOLERANCE: f64 = 1e-10;

/// Seeds of the two factors: the same matrices on every run.
const SEEDS: (u64, u64) = (1, 2);

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();

    let n = usize::from(args.n);
    let a = Matrix::random(n, n, SEEDS.0);
    let b = Matrix::random(n, n, SEEDS.1);
    if !args.json {
        println!(
            "matmul: two {n} × {n} matrices, rows shared out to up to {} threads",
            args.threads
        );
        println!("switch interval {}", fmt_duration(args.switch.interval));
    }
    let reference = matrix::mul_gemm(&a, &b);

    let mut report = Report::new("gil_release");
    let fastest = compare(&a, &b, &reference, &args, &mut report);
    report.print(args.json);
    if !args.json {
        explain(&args, &fastest);
    }
    if report.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A product and how long it took.
struct Timed {
    product: Product,
    took: Duration,
}

// ANCHOR: compare
/// Runs the four variants in turn, `--runs` rounds, keeps each one's fastest run, and adds
/// a row per variant to `report`. Returns the fastest runs, in [`Variant::ALL`] order.
///
/// Every product of every run must equal `reference` (within rounding), and a variant's
/// line is printed only once its products are checked.
fn compare(
    a: &Matrix,
    b: &Matrix,
    reference: &Matrix,
    args: &Args,
    report: &mut Report,
) -> Vec<Timed> {
    let mut runs = FastestRuns::new(Variant::ALL.len());
    for _ in 0..args.runs {
        for (slot, variant) in Variant::ALL.into_iter().enumerate() {
            let (product, took) = measure::time(|| variant.run(a, b, args));
            let ok = product.c.approx_eq(reference, TOLERANCE);
            runs.record(slot, took, Timed { product, took }, ok);
        }
    }
    let mut fastest = Vec::new();
    for (variant, (timed, ok)) in Variant::ALL.into_iter().zip(runs.into_fastest()) {
        record(report, variant, &timed, ok, args.json);
        fastest.push(timed);
    }
    if !args.json {
        println!();
    }
    fastest
}
// ANCHOR_END: compare

/// The four ways, in the order they take turns and are listed.
#[derive(Clone, Copy)]
enum Variant {
    SerialHolding,
    ThreadsHolding,
    SerialNative,
    ThreadsNative,
}

// ANCHOR: variants
impl Variant {
    const ALL: [Variant; 4] = [
        Variant::SerialHolding,
        Variant::ThreadsHolding,
        Variant::SerialNative,
        Variant::ThreadsNative,
    ];

    /// The workload and variant names of the row: each workload has a `serial` row, the
    /// baseline of its `threads` row's speedup.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Variant::SerialHolding => ("matmul-holding-gil", "serial"),
            Variant::ThreadsHolding => ("matmul-holding-gil", "threads"),
            Variant::SerialNative => ("matmul-allow-threads", "serial"),
            Variant::ThreadsNative => ("matmul-allow-threads", "threads"),
        }
    }

    /// Computes `a · b` this variant's way.
    fn run(self, a: &Matrix, b: &Matrix, args: &Args) -> Product {
        let (threads, interval) = (usize::from(args.threads), args.switch.interval);
        match self {
            Variant::SerialHolding => matmul::serial_holding(a, b, interval),
            Variant::ThreadsHolding => matmul::threads_holding(a, b, threads, Gil::new(interval)),
            Variant::SerialNative => matmul::serial_native(a, b, interval),
            Variant::ThreadsNative => matmul::threads_native(a, b, threads, Gil::new(interval)),
        }
    }
}
// ANCHOR_END: variants

/// Adds the row of a checked variant, the GIL's counters as extra columns, and without
/// `--json` prints its line.
fn record(report: &mut Report, variant: Variant, timed: &Timed, ok: bool, json: bool) {
    let (workload, name) = variant.names();
    let seconds = timed.took.as_secs_f64();
    let (threads, gil) = (timed.product.threads, &timed.product.gil);
    report
        .add(workload, name, threads, seconds, ok)
        .extra("ticks", gil.ticks)
        .extra("switches", gil.switches)
        .extra("forced_drops", gil.forced_drops)
        .extra("releases", gil.releases)
        .extra("gil_wait_s", round3(gil.waited.as_secs_f64()));
    if json {
        return;
    }
    let check = if ok {
        "product ✓"
    } else {
        "WRONG PRODUCT ✗"
    };
    println!(
        "  {workload:<20} {name:<7} {threads:>2} thread(s)  Duration {seconds:.3} seconds  {check}"
    );
    println!(
        "  {:<28} {}, {}, {}, {}, {} waiting for the GIL",
        "",
        counted(gil.ticks, "tick", "ticks"),
        counted(gil.switches, "switch", "switches"),
        counted(gil.forced_drops, "forced drop", "forced drops"),
        counted(gil.releases, "release", "releases"),
        fmt_duration(gil.waited)
    );
}

/// `1 switch`, `53 switches`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the table means, worked out from the fastest runs (in [`Variant::ALL`] order).
fn explain(args: &Args, fastest: &[Timed]) {
    let [
        serial_holding,
        threads_holding,
        serial_native,
        threads_native,
    ] = fastest
    else {
        unreachable!("one fastest run per variant");
    };
    let speedup =
        |serial: &Timed, threads: &Timed| serial.took.as_secs_f64() / threads.took.as_secs_f64();
    let ticks = serial_holding.product.gil.ticks;
    let per_tick = serial_holding.took / u32::try_from(ticks.max(1)).unwrap_or(u32::MAX);
    let (holding, native) = (&threads_holding.product, &threads_native.product);
    println!(
        "Fastest of {} run(s) per variant; the variants took turns.",
        args.runs
    );
    println!(
        "Holding the GIL, the kernel ticks before each row: {ticks} ticks, one every {}",
        fmt_duration(per_tick)
    );
    println!(
        "(the switch interval is {}). {} threads sharing the GIL take turns:",
        fmt_duration(args.switch.interval),
        holding.threads
    );
    println!(
        "{}, and {:.2}× serial's speed. That is pure Python on threads.",
        counted(holding.gil.forced_drops, "forced drop", "forced drops"),
        speedup(serial_holding, threads_holding)
    );
    println!(
        "Inside allow_threads the same loop runs without ticks and without the GIL: {} threads,",
        native.threads
    );
    println!(
        "{}, {}, {:.2}× serial's speed. That is numpy on threads: its",
        counted(native.gil.releases, "release", "releases"),
        counted(native.gil.forced_drops, "forced drop", "forced drops"),
        speedup(serial_native, threads_native)
    );
    println!("kernels release the GIL, so the threads calling them compute on every core.");
    println!(
        "The two serial rows run the same loop ({} and {}): the model adds the lock,",
        fmt_duration(serial_holding.took),
        fmt_duration(serial_native.took)
    );
    println!("not Python's slowness (a real pure-Python loop is also far slower than numpy).");
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}
