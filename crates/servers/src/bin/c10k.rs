//! 10 000 idle connections held open against every server: a thread or a process per connection pays memory for each, an event loop almost nothing (the C10k problem)
//!
//!     cargo run --release -p servers --bin c10k
//!     cargo run --release -p servers --bin c10k -- --connections 100,1000,10000
//!
//! Most connections of a busy web server are idle: a browser keeps its connections open
//! between clicks, a slow client takes seconds to send a request. In 1999 Dan Kegel
//! asked how one server could hold ten thousand of them (the C10k problem). Here each
//! server, pinned to CPU 0, is started afresh and sent connections that ask for nothing;
//! once its processes and threads stop changing, its memory is read from /proc. The
//! table: connections held, the server's processes, threads ("workers") and memory,
//! and what each connection added. Under it: the event loop's memory against a thread
//! per connection's.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::plot::Plot;
use common::report::Report;
use servers::bench::{self, figure, mb};

/// Idle connections held open against every server: what each one costs.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Idle connections to hold, comma-separated: a run for each
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_value = "1000",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    connections: Vec<u64>,

    /// Only the servers whose names contain one of these (e.g. nginx,event)
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    servers: Vec<String>,

    /// Draw memory (PSS) against idle connections into this SVG file
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,

    /// Print the rows as JSON lines (for scripts), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("c10k", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let most = args.connections.iter().max().copied().unwrap_or(0);
    let mut report = Report::new("c10k").json(args.json).without_speedup();
    let contenders = bench::prepare(&mut report, &args.servers, most)?;
    for &connections in &args.connections {
        for contender in &contenders {
            eprintln!(
                "{} holding {connections} idle connections …",
                contender.name
            );
            let server = bench::start(*contender)?;
            let (before, stacks) = (server.footprint(), bench::kernel_stacks_kb());
            let ((held, with), took) =
                common::measure::time(|| bench::hold_idle(&server, connections as usize));
            let stacks = bench::kernel_stacks_kb().saturating_sub(stacks);
            drop(server);
            let added = with.pss_kb.saturating_sub(before.pss_kb) as f64 / held.max(1) as f64;
            let workload = format!("{connections} connections");
            let row = report.add(
                &workload,
                contender.name,
                with.threads as usize,
                took.as_secs_f64(),
                true,
            );
            row.extra("held", held as u64)
                .extra("processes", with.processes)
                .extra("pss_mb", mb(with.pss_kb))
                .extra("rss_mb", mb(with.rss_kb))
                .extra("kernel_stacks_mb", mb(stacks))
                .extra("kb_each", added.round());
        }
    }
    for &n in &args.connections {
        let memory = |server: &str| figure(&report, server, n as usize, "pss_mb");
        if let (Some(event_loop), Some(threads)) = (
            memory("event loop, 1 thread"),
            memory("thread per connection"),
        ) {
            report.note(format!(
                "{n} idle connections: the event loop holds them in {event_loop} MB, {:.0}% of \
                 the {threads} MB of a thread per connection.",
                100.0 * event_loop / threads
            ));
        }
    }
    report.note("held: the connections the kernel took (once a server's backlog is full, the rest wait); kernel_stacks_mb: what the machine's kernel stacks grew by (a thread's, 16 kB, is in no process's PSS); kb_each: the PSS each connection added.");
    report.finish()?;
    if let Some(path) = &args.plot {
        let mut plot = Plot::new("the C10k problem: memory against idle connections")
            .x_axis("idle connections")
            .y_axis("memory, MB (PSS)")
            .log_x()
            .log_y();
        for (name, points) in bench::series(&report, "pss_mb") {
            plot = plot.series(name, points);
        }
        plot.write_svg(path)?;
    }
    Ok(())
}
