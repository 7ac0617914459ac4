//! the same run across several hosts — network namespaces on this machine — with the broker on one and workers on the others
//!
//!     cargo run -p distributed --bin cluster
//!
//! "More than one machine", on one: each host is a Linux network namespace with its own
//! interfaces and addresses, cabled to the broker's host by a virtual Ethernet pair.
//! The broker runs in its host on 10.213.0.1; one worker process runs in each worker
//! host and reaches it only over its cable; this program sends the jobs from this
//! machine. Every namespace and cable is removed at the end, on Ctrl-C and on failure.
//! Needs root (and `ip`); it says so otherwise.

use std::error::Error;
use std::process::{Command, ExitCode};

use clap::Parser;
use common::report::Report;
use common::say;
use distributed::broker::Broker;
use distributed::hosts::{self, Hosts};
use distributed::jobs::{self, Kind};
use distributed::run::{self, Plan};

/// The broker on one host, workers on others: namespaces as machines.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker hosts, one worker process on each
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=8))]
    hosts: u64,

    /// Jobs to send
    #[arg(long, value_name = "N", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    jobs: u64,

    /// Rounds of each hash chain
    #[arg(long, value_name = "N", default_value_t = 500_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    rounds: u64,

    /// Print the rows as JSON lines (for scripts), nothing else
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(distributed::workers::roles()) {
        return exit;
    }
    common::exit_code("cluster", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    hosts::can_make_hosts()?;
    hosts::remove_on_ctrl_c()?;
    let hosts = Hosts::create(args.hosts as usize)?;
    let broker = Broker::start_on(hosts.broker_addr(), 6379, Some(hosts.broker()))?;
    if !args.json {
        say!(
            "broker host {}: redis-server {} at {}, pid {}",
            hosts.broker(),
            broker.version(),
            broker.url(),
            broker.pid()
        );
        for host in hosts.workers() {
            // What the host itself sees: its own loopback and its one cable, nothing else.
            let seen = Command::new("ip")
                .args(["-n", host, "-br", "-4", "addr"])
                .output()?;
            let seen: Vec<String> = String::from_utf8_lossy(&seen.stdout)
                .lines()
                .filter_map(|line| {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    Some(format!(
                        "{} {}",
                        words.first()?.split('@').next()?,
                        words.get(2)?
                    ))
                })
                .collect();
            say!("worker host {host} has only: {}", seen.join(", "));
        }
    }
    let jobs = jobs::jobs(Kind::Hashes, args.jobs, args.rounds);
    let expected = jobs::run_locally(&jobs);
    let plan = Plan {
        netns: hosts.workers().to_vec(),
        ..Plan::here(broker.url(), args.hosts as usize)
    };
    let outcome = run::through_broker(&plan, &jobs, &expected, |_, _| {})?;
    let mut report = Report::new("cluster").json(args.json).without_speedup();
    let workload = jobs::describe(&jobs);
    let variant = format!("{} worker hosts", args.hosts);
    report
        .add(
            &workload,
            &variant,
            args.hosts as usize,
            outcome.seconds,
            outcome.right,
        )
        .extra("jobs_per_s", args.jobs as f64 / outcome.seconds);
    let shares: Vec<String> = (0..plan.workers)
        .map(|i| {
            format!(
                "{} on {}: {} jobs",
                outcome.names[i],
                hosts.workers()[i],
                outcome.done_by(i)
            )
        })
        .collect();
    report.note(format!(
        "{}; every result sent from this machine to the broker's host and back.",
        shares.join(", ")
    ));
    drop(broker);
    drop(hosts);
    let left = hosts::left_behind(std::process::id());
    report.note(match left.is_empty() {
        true => format!(
            "removed the {} namespaces and their cables: none left.",
            args.hosts + 1
        ),
        false => format!("LEFT BEHIND: {}", left.join(", ")),
    });
    report.finish()?;
    if left.is_empty() {
        Ok(())
    } else {
        Err("namespaces or links were left behind".into())
    }
}
