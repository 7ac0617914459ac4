//! a `std::thread` per accepted connection: nobody waits for a thread, but every connection, busy or idle, costs one
//!
//!     cargo run -p servers --bin thread_per_connection
//!     cargo run -p servers --bin thread_per_connection -- --serve
//!
//! The model is `servers::models::thread_per_connection`: for every connection the
//! accept loop takes, a new thread that serves its requests one after another until the
//! client is done. By default a load of 100 keep-alive connections, 10 pages each, runs
//! from a child process while the server's threads are read from `/proc`: about one
//! thread per open connection. Try `--connections 1000`, or `--stalled 10`: a client
//! that stalls holds its own thread and nobody else's. `--serve` waits for curl or wrk.

use std::process::ExitCode;

use clap::Parser;
use servers::models::{self, Server};
use servers::program::{self, ServeArgs};

/// A thread per connection, serving the cat server's pages.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(program::roles()) {
        return exit;
    }
    let args = Args::parse();
    program::serve(
        "thread_per_connection",
        "a thread per connection",
        &args.serve,
        |config| Server::start(config, models::thread_per_connection),
    )
}
