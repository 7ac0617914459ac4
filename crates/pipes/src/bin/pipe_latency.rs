//! round-trip latency of one small message: ipc-channel vs an OS pipe vs a crossbeam channel, pinned and not
//!
//! One small message goes to an echo on the other side and back, again and again: to a
//! child process over ipc-channel, to a child process through its stdin and stdout, and to
//! a second thread over a crossbeam channel. Every echo must equal what was sent. Each
//! transport runs free to use every CPU, then pinned to one (what `taskset -c 0` does).
//!
//!     cargo run --release -p pipes --bin pipe_latency
//!     cargo run --release -p pipes --bin pipe_latency -- --round-trips 100000 --json
//!
//! What to look for: `median_us`, one typical round trip, and `p99_us`, the slow ones.
//! Unpinned, waking the other CPU can cost tens of µs and hides the transport; pinned, the
//! two sides take turns on one core and what is left is the cost of the transport itself.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::compare::{Comparison, Run};
use common::process;
use common::report::Report;
use pipes::latency::{self, PinnedToOneCpu, Transport};

/// Round-trip latency of one small message over ipc-channel, an OS pipe and crossbeam.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Round trips timed per transport and run.
    #[arg(
        long,
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=1_000_000)
    )]
    round_trips: u64,
    /// Runs of each transport, in turns; the fastest counts.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    runs: u16,
    /// Print the rows as JSON lines, nothing else.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([
        process::role(latency::IPC_ECHO, latency::serve_ipc_echo),
        process::role(latency::PIPE_ECHO, latency::serve_pipe_echo),
    ]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("pipe_latency", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    common::warn_if_debug!();
    let mut report = Report::new("pipe_latency").json(args.json);
    compare(&mut report, "round trip, unpinned", args)?;
    // ANCHOR: pinned
    // The children started while we are pinned inherit the pinning:
    // both sides share a CPU.
    match PinnedToOneCpu::first_allowed() {
        Ok(pinned) => {
            let cpu = pinned.cpu();
            let workload = format!("round trip, pinned to CPU {cpu}");
            compare(&mut report, &workload, args)?;
        } // dropping `pinned` gives us every CPU back
        Err(e) => eprintln!(
            "could not pin to one CPU ({e}): \
             pinned rows left out"
        ),
    }
    // ANCHOR_END: pinned
    report.baseline_variant(Transport::IpcChannel.label());
    report.note(format!(
        "{} round trips of one small message per run; the µs columns are one round trip.",
        args.round_trips
    ));
    report.finish()?;
    Ok(())
}

/// The three transports side by side; a run's answer is how many echoes came back wrong.
fn compare(report: &mut Report, workload: &str, args: &Args) -> Result<(), Box<dyn Error>> {
    let mut comparison = Comparison::new(workload)
        .title(format!("{workload}:"))
        .rounds(args.runs.into())
        .expect(0);
    for transport in Transport::ALL {
        comparison = comparison.variant_run(transport.label(), 2, move || {
            let measured = latency::measure(transport, args.round_trips)?;
            Ok(Run::new(measured.wrong)
                .took(measured.total)
                .extra("median_us", latency::micros(measured.median()))
                .extra("mean_us", latency::micros(measured.mean()))
                .extra("p99_us", latency::micros(measured.p99()))
                .extra("round_trips", args.round_trips))
        });
    }
    comparison.run(report)?;
    Ok(())
}
