//! a matrix product on 2 threads: no faster while holding the GIL, up to 2× inside allow_threads (numpy's way)
//!
//!     cargo run --release -p gil --bin gil_release
//!     cargo run --release -p gil --bin gil_release -- --n 1000 --threads 4
//!
//! The Python course notebook's numpy lesson, under the model of the GIL: two random
//! `--n` × `--n` matrices multiplied, each thread computing a band of rows, two ways. The
//! `matmul-holding-gil` kernel ticks before every row and holds the GIL (pure Python);
//! `matmul-allow-threads` runs the same loop without ticks inside `allow_threads`, the GIL
//! released (a numpy call). What to look for: holding the GIL, the threads are no faster
//! than one, taking turns (switches, forced drops); inside `allow_threads` two threads
//! take about half the time, one release per thread, no forced drop. The serial rows are
//! about equal: the model adds the lock, not Python's slowness. Every product is checked
//! against a library GEMM's.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{self, Comparison};
use common::matrix::{self, Matrix};
use common::measure::fmt_duration;
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

    /// Rounds: the variants of a kernel take turns N times; each one's fastest run counts
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,

    /// Print the rows as JSON lines (for scripts/bench), nothing else
    #[arg(long)]
    json: bool,
}

/// How far a product may stray from the reference, relative to its values (or absolute
/// below 1): the GEMM adds the same terms in another order, so the last bits differ.
const TOLERANCE: f64 = 1e-10;

fn main() -> ExitCode {
    let args = Args::parse();
    common::warn_if_debug!();
    common::exit_code("gil_release", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let n = usize::from(args.n);
    let (a, b) = (Matrix::random(n, n, 1), Matrix::random(n, n, 2)); // the same on every run
    let reference = matrix::mul_gemm(&a, &b);
    // Every run's product is checked against the library GEMM's, within rounding.
    let right = |product: &Product, _: &Product| product.c.approx_eq(&reference, TOLERANCE);
    let (threads, interval) = (usize::from(args.threads), args.switch.interval);
    let (bands, runs) = (matmul::band_count(n, threads), usize::from(args.runs));
    let gil = || Gil::new(interval); // a fresh GIL for each run, shared by its threads
    let mut report = Report::new("gil_release").json(args.json);
    let holding = Comparison::new("matmul-holding-gil")
        .title(format!(
            "matmul: two {n} × {n} matrices, rows shared out to {bands} thread(s); switch interval {}",
            fmt_duration(interval)
        ))
        .rounds(runs)
        .agree(right)
        .variant_run("serial", 1, || Ok(row(matmul::serial_holding(&a, &b, interval))))
        .variant_run("threads", bands, || {
            Ok(row(matmul::threads_holding(&a, &b, threads, gil())))
        })
        .run(&mut report)?;
    let native = Comparison::new("matmul-allow-threads")
        .title("the same product, each band inside allow_threads, the GIL released (numpy)")
        .rounds(runs)
        .agree(right)
        .variant_run("serial", 1, || {
            Ok(row(matmul::serial_native(&a, &b, interval)))
        })
        .variant_run("threads", bands, || {
            Ok(row(matmul::threads_native(&a, &b, threads, gil())))
        })
        .run(&mut report)?;

    let speedup = |serial: &compare::Fastest<Product>, threads: &compare::Fastest<Product>| {
        serial.took.as_secs_f64() / threads.took.as_secs_f64()
    };
    let ticks = holding[0].run.answer.gil.ticks;
    report.note(format!(
        "Holding the GIL, the kernel ticks before each row: {ticks} ticks, one every {} (the\n\
         switch interval is {}). {bands} threads sharing the GIL take turns: {} forced drops, and\n\
         {:.2}× serial's speed. That is pure Python on threads.",
        fmt_duration(holding[0].took / ticks.max(1) as u32),
        fmt_duration(interval),
        holding[1].run.answer.gil.forced_drops,
        speedup(&holding[0], &holding[1]),
    ));
    let released = native[1].run.answer.gil;
    report.note(format!(
        "Inside allow_threads the same loop runs without ticks and without the GIL: {bands}\n\
         threads, {} releases, {} forced drops, {:.2}× serial's speed. That is numpy on threads:\n\
         its kernels release the GIL, so the threads calling them compute on every core.",
        released.releases,
        released.forced_drops,
        speedup(&native[0], &native[1]),
    ));
    report.note(format!(
        "The two serial rows run the same loop ({} and {}): the model adds the lock, not\n\
         Python's slowness (a real pure-Python loop is also far slower than numpy).",
        fmt_duration(holding[0].took),
        fmt_duration(native[0].took),
    ));
    Ok(report.finish()?)
}

/// A product, and its GIL's counters as columns of the table.
fn row(product: Product) -> compare::Run<Product> {
    let gil = product.gil;
    compare::Run::new(product)
        .extra("ticks", gil.ticks)
        .extra("switches", gil.switches)
        .extra("forced_drops", gil.forced_drops)
        .extra("releases", gil.releases)
        .seconds("gil_wait_s", gil.waited)
}
