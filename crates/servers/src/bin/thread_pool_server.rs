//! the pools lecture's ThreadPool serves the connections: with keep-alive, connection N+1 waits until a worker's client is done (head-of-line blocking)
//!
//!     cargo run -p servers --bin thread_pool_server
//!     cargo run -p servers --bin thread_pool_server -- --workers 4 --stalled 4
//!
//! The model is `servers::models::pool`: every connection goes into the queue of a pool
//! of `--workers` threads, and a worker serves one connection, from its first request to
//! its last, before it takes the next. The load keeps its 100 keep-alive connections
//! open until every reply has come, as a browser keeps its own: the 4 workers serve 4
//! of them, and the other 96 wait behind those until the load gives up (`--patience`).
//! `--workers 100` serves them all. With `--stalled 4`, four clients that never finish
//! their request hold every worker, and nobody is answered.

use std::process::ExitCode;

use clap::Parser;
use servers::models::{self, Server};
use servers::program::{self, ServeArgs};

/// A fixed pool of threads, serving the cat server's pages.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Worker threads in the pool
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    workers: u16,

    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(program::roles()) {
        return exit;
    }
    let args = Args::parse();
    let name = format!("a pool of {} threads", args.workers);
    program::serve("thread_pool_server", &name, &args.serve, |config| {
        Server::start(config, models::pool(args.workers.into()))
    })
}
