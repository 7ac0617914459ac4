//! a child process per connection: the socket handed to this program started again (as inetd does), which serves that one connection and exits
//!
//!     cargo run -p servers --bin process_per_connection
//!     cargo run -p servers --bin process_per_connection -- --serve
//!
//! The Python notes' Apache, "a new process for each request". The model is
//! `servers::models::process_per_connection`: for every connection the accept loop
//! takes, this program starts again with the socket as its stdin and stdout, serves the
//! connection's requests, and exits. By default a load of 100 keep-alive connections,
//! 10 pages each, runs while the server's processes are read from `/proc`: one child
//! per open connection, each with its own memory. Killing the server kills them too.

use std::process::ExitCode;

use clap::Parser;
use servers::models::{self, Server};
use servers::program::{self, ServeArgs};

/// A process per connection, serving the cat server's pages.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    // A child serving a connection, or the load, runs its part and ends here.
    if let Some(exit) = common::process::run_child(program::roles()) {
        return exit;
    }
    let args = Args::parse();
    program::serve(
        "process_per_connection",
        "a process per connection",
        &args.serve,
        |config| Server::start(config, models::process_per_connection),
    )
}
