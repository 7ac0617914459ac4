//! wrk against every server, a real nginx and a real Apache among them, each on one pinned core: requests/s, latency and memory at 100, 1 000 and 10 000 connections
//!
//!     cargo run --release -p servers --bin compare_servers
//!     bash scripts/servers     # installs wrk, nginx and Apache, then the full runs
//!
//! The Python notes: Apache gives each request a process, nginx serves them all from an
//! event loop, and "nginx can cope with around four times more requests per second".
//! Here every server serves the cat server's page `/pages/1`, pinned to CPU 0, while
//! `wrk` (one thread, keep-alive) asks for it from CPU 1; each server starts afresh for
//! each run. The table: requests/s, latency, errors, and the server's peak threads
//! ("workers", in all its processes), processes and memory (PSS: a page shared by n processes counts 1/n for each). Under
//! it, from this run's figures: the event loop against nginx, nginx against Apache.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::plot::Plot;
use common::report::Report;
use servers::bench::{self, figure, mb, times};

/// Every server under wrk, next to nginx and Apache: requests/s, latency and memory.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Connections wrk keeps open, comma-separated: a run for each
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_value = "1000",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    connections: Vec<u64>,

    /// Seconds of load on each server at each count
    #[arg(long, value_name = "S", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=60))]
    seconds: u64,

    /// Only the servers whose names contain one of these (e.g. nginx,event)
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    servers: Vec<String>,

    /// Draw requests/s against connections into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,

    /// Draw the servers' memory (PSS) against connections into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    memory_plot: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("compare_servers", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    bench::wrk_installed()?;
    let most = args.connections.iter().max().copied().unwrap_or(0);
    let mut report = Report::new("compare_servers")
        .json(args.json)
        .without_speedup();
    let contenders = bench::prepare(&mut report, &args.servers, most)?;
    for &connections in &args.connections {
        for contender in &contenders {
            eprintln!("{} under {connections} connections …", contender.name);
            let server = bench::start(*contender)?;
            let (wrk, peak) = bench::wrk(&server, connections as usize, args.seconds)?;
            drop(server);
            let workload = format!("{connections} connections");
            // Its workers: the threads that serve, in all its processes.
            let workers = peak.threads as usize;
            let row = report.add(
                &workload,
                contender.name,
                workers,
                args.seconds as f64,
                true,
            );
            row.extra("req_per_s", wrk.requests_per_s.round())
                .extra("p50_ms", wrk.p50_ms)
                .extra("p99_ms", wrk.p99_ms)
                .extra("errors", wrk.errors)
                .extra("processes", peak.processes)
                .extra("pss_mb", mb(peak.pss_kb))
                .extra("rss_mb", mb(peak.rss_kb));
        }
    }
    for &n in &args.connections {
        let rate = |server: &str| figure(&report, server, n as usize, "req_per_s");
        report.note(format!(
            "{n} connections: the event loop on 1 thread makes {} of nginx's requests/s; \
             nginx makes {} of Apache's (the notes say about 4×); a process per connection \
             makes {} of a thread per connection's.",
            times(rate("event loop, 1 thread"), rate("nginx, 1 worker")),
            times(rate("nginx, 1 worker"), rate("Apache prefork")),
            times(
                rate("process per connection"),
                rate("thread per connection")
            ),
        ));
    }
    report.finish()?;
    for (path, key, what) in [
        (&args.plot, "req_per_s", "requests per second"),
        (&args.memory_plot, "pss_mb", "memory under load, MB (PSS)"),
    ] {
        let Some(path) = path else { continue };
        let mut plot = Plot::new(format!("{what}, against wrk's connections"))
            .x_axis("keep-alive connections")
            .y_axis(what)
            .log_x()
            .log_y();
        for (name, points) in bench::series(&report, key) {
            plot = plot.series(name, points);
        }
        plot.write_svg(path)?;
    }
    Ok(())
}
