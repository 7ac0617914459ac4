//! the course's offline internet: cat pictures and pages on 127.0.0.1, with injected latency and failures
//!
//!     cargo run -p cat_server -- --port 8000 --delay-ms 100
//!
//! It prints `cat server listening on http://127.0.0.1:8000` and its routes (without
//! `--port`, it listens on a free port the system picks). In another terminal:
//!
//!     curl http://127.0.0.1:8000/pages/1                 # a page titled "Cat page 1"
//!     curl -o cat.jpg http://127.0.0.1:8000/cats/3.jpg   # a picture
//!     curl http://127.0.0.1:8000/sites                   # 160 URLs to download
//!     curl -i http://127.0.0.1:8000/status/500           # a failure on demand
//!     curl -m 1 http://127.0.0.1:8000/slow               # times out after 1 s
//!     curl "http://127.0.0.1:8000/pages/2?delay_ms=2000" # this one request waits 2 s
//!
//! Ctrl-C stops it and prints what it served; `--seconds N` stops it by itself.

use std::process::ExitCode;
use std::time::Duration;

use cat_server::{CatServer, Config, ROUTES};
use clap::Parser;

/// A local web server of cat pictures and pages, for the download lessons.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Milliseconds every response waits before it is sent.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    delay_ms: u64,
    /// Number of different cat pictures.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    cats: u64,
    /// Number of pages, which is also the length of the site list.
    #[arg(long, default_value_t = 160, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pages: u64,
    /// Stop by itself after this many seconds [default: serve until Ctrl-C]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    seconds: Option<u64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        port: args.port,
        delay: Duration::from_millis(args.delay_ms),
        // The value parsers above keep both numbers small enough for any usize.
        cats: args.cats as usize,
        pages: args.pages as usize,
        ..Config::default()
    };

    let server = match CatServer::start(config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cannot start the cat server on port {}: {error}", args.port);
            return ExitCode::FAILURE;
        }
    };
    println!("cat server listening on {}", server.url(""));
    println!("delay {} ms on every response; routes:", args.delay_ms);
    for (route, what) in ROUTES {
        println!("  {route:<16} {what}");
    }
    match args.seconds {
        Some(seconds) => println!("serving for {seconds} s; press Ctrl-C to stop sooner"),
        None => println!("press Ctrl-C to stop"),
    }

    // The server has its own thread and runtime; this thread only has to wait for Ctrl-C
    // (or the end of `--seconds`).
    if let Err(error) = common::term::wait_for_ctrl_c(args.seconds.map(Duration::from_secs)) {
        eprintln!("cannot listen for Ctrl-C ({error}); stopping");
    }

    let counters = server.counters();
    server.shutdown();
    println!(
        "\nstopped after {} requests: {} pages, {} cats, {} not found, at most {} at once",
        counters.requests,
        counters.pages,
        counters.cats,
        counters.not_found,
        counters.max_in_flight
    );
    ExitCode::SUCCESS
}
