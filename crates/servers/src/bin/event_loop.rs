//! one tokio thread serves every connection, as an nginx worker does: thousands of connections in one process
//!
//!     cargo run -p servers --bin event_loop
//!     cargo run -p servers --bin event_loop -- --threads 2 --connections 1000
//!
//! The Python notes' nginx, "asynchronous event-driven". The server is the cat server
//! itself (axum on hyper, on tokio): each connection is a task, and a task that waits
//! for its client parks without holding a thread. With `--threads 1` (the default) the
//! runtime is `current_thread`, one event loop as in an nginx worker; with more, tokio's
//! multi-thread runtime shares the tasks among its workers. The load's connections cost
//! no thread each: the threads read from `/proc` stay the runtime's own.

use std::process::ExitCode;

use clap::Parser;
use servers::event_loop;
use servers::program::{self, ServeArgs};

/// An event loop, serving the cat server's pages.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Threads of the runtime (1: `current_thread`, one event loop)
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,

    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(program::roles()) {
        return exit;
    }
    let args = Args::parse();
    let name = match args.threads {
        1 => "an event loop on one thread".to_string(),
        n => format!("an event loop on {n} threads"),
    };
    program::serve("event_loop", &name, &args.serve, |config| {
        event_loop::start(args.threads.into(), config.clone())
    })
}
