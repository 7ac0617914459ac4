//! starts (or finds) a real broker server on loopback for the lecture, and says where it is
//!
//!     cargo run -p distributed --bin broker
//!
//! The broker is Debian's `redis-server`, started here on 127.0.0.1:6390 with no
//! persistence (nothing goes to disk; its queues end when it does), installed first when
//! it is missing and this runs as root. Workers and senders in other terminals find it
//! without flags. It serves until Ctrl-C, or `--seconds N`. With `--redis URL` it starts
//! nothing: it checks that a Redis answers there and says so.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::say;
use distributed::broker::{self, Broker, DEFAULT_PORT, PATIENCE};

/// A Redis server for the lecture's workers and senders, on 127.0.0.1.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,

    /// Start nothing: check the Redis at this URL (redis://HOST:PORT/) and say where it is
    #[arg(long, value_name = "URL", conflicts_with = "port")]
    redis: Option<String>,

    /// Stop by itself after N seconds instead of at Ctrl-C
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    seconds: Option<u64>,
}

fn main() -> ExitCode {
    common::exit_code("broker", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    // A broker already there (given, or started in another terminal) is only shown.
    let there = args.redis.clone().unwrap_or(broker::default_url());
    if args.redis.is_some() || args.port == DEFAULT_PORT {
        match broker::check(&there, PATIENCE) {
            Ok(version) => {
                say!("broker: Redis {version} at {there}, already running; not started here");
                tell_how_to_use(&there);
                return Ok(());
            }
            Err(missing) if args.redis.is_some() => return Err(missing.into()),
            Err(_) => {}
        }
    }
    let ours = Broker::start(args.port)?;
    say!(
        "broker: redis-server {} at {}, started here (pid {}), no persistence",
        ours.version(),
        ours.url(),
        ours.pid()
    );
    tell_how_to_use(ours.url());
    match args.seconds {
        Some(n) => say!("serving for {n} s (Ctrl-C stops it sooner)"),
        None => say!("serving until Ctrl-C"),
    }
    common::term::wait_for_ctrl_c(args.seconds.map(std::time::Duration::from_secs))?;
    drop(ours);
    say!("broker: stopped; every queue in it is gone");
    Ok(())
}

/// The commands that use the broker at `url`, from another terminal.
fn tell_how_to_use(url: &str) {
    let flag = match url == broker::default_url() {
        true => String::new(),
        false => format!(" -- --redis {url}"),
    };
    say!("  start a worker: cargo run -p distributed --bin worker{flag}");
    say!("  send it jobs:   cargo run -p distributed --bin submit -- --redis {url}");
}
