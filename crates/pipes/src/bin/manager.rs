//! a server process owns a dict and a list; children change them through request/response proxies
//!
//! As in the Python course notebook, the parent starts a manager (a server process) with a
//! dict and a list `0..10`, and a worker process with proxies for both. The worker runs
//! `f(d, l)`: `d[1] = '1'`, `d['2'] = 2`, `d[0.25] = None`, `l.reverse()`, each a request
//! the server answers; the worker's memory never holds the dict. Then the parent prints both.
//!
//!     cargo run -p pipes --bin manager
//!     cargo run -p pipes --bin manager -- --workers 3
//!
//! What to look for: three different pids (parent, server, worker); then Python's two
//! lines, `{1: '1', '2': 2, 0.25: None}` and `[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]`. With
//! `--workers 3`, workers 2 and 3 each set a key of their own at the same time (`'Process-2':
//! 2`, …): all keys arrive, because the server takes the requests one at a time.

use std::process::ExitCode;

use clap::Parser;
use common::process::{self, Child};
use pipes::manager::{self, DictProxy, Key, ListProxy, ManagerProcess, Value};
use serde::{Deserialize, Serialize};

/// A server process owns a dict and a list; worker processes change them through proxies.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many worker processes; the first runs the original's f(d, l), the others set a key each.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    workers: u32,
}

/// The hidden role of a worker process.
const WORKER: &str = "worker";

/// What the parent hands a worker: who it is, and the two proxies (Python's `args=(d, l)`).
#[derive(Debug, Serialize, Deserialize)]
struct WorkerStart {
    number: u32,
    dict: DictProxy,
    list: ListProxy,
}

/// The Python original's `f(d, l)`. Each line is a request to the server process and its answer.
// ANCHOR: f
fn f(d: &DictProxy, l: &ListProxy) -> Result<(), manager::ProxyError> {
    d.set(Key::Int(1), Value::Str("1".into()))?;
    d.set(Key::Str("2".into()), Value::Int(2))?;
    d.set(Key::Float(0.25), Value::None)?;
    l.reverse()
}
// ANCHOR_END: f

/// A worker process: worker 1 runs `f`; any other sets a key named after itself.
fn worker() -> Result<(), Box<dyn std::error::Error>> {
    let parent = process::connect_to_parent::<WorkerStart, ()>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(()); // the parent is gone
    };
    if start.number == 1 {
        f(&start.dict, &start.list)?;
    } else {
        let name = format!("Process-{}", start.number);
        start
            .dict
            .set(Key::Str(name), Value::Int(i64::from(start.number)))?;
    }
    Ok(())
}

fn run(workers: u32) -> Result<(), Box<dyn std::error::Error>> {
    let manager = ManagerProcess::start()?;
    let d = manager.dict();
    let l = manager.list();
    l.extend((0..10).map(Value::Int).collect())?; // Python's manager.list(range(10))
    println!(
        "parent pid {}: the manager's server process (pid {}) holds the dict and the list",
        std::process::id(),
        manager.pid()
    );

    // Start every worker first, then hand each its own copies of the proxies, so that
    // several workers send their requests at the same time. Then wait for all of them.
    let mut children = Vec::new();
    for number in 1..=workers {
        let child = Child::<WorkerStart, ()>::spawn(WORKER)?;
        println!(
            "Process-{number} (pid {}) works through proxies",
            child.pid()
        );
        children.push(child);
    }
    for (number, child) in (1..).zip(&children) {
        child.send(WorkerStart {
            number,
            dict: d.clone(),
            list: l.clone(),
        })?;
    }
    for child in children {
        child.join()?;
    }

    // Python's print(d), print(l): both ask the server, which still owns the data.
    println!("{}", d.snapshot()?);
    println!("{}", l.snapshot()?);
    let handled = manager.shutdown()?;
    println!("the server process answered {handled} requests, one at a time");
    Ok(())
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([
        process::role(manager::SERVER_ROLE, manager::serve_in_child),
        process::role(WORKER, worker),
    ]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("manager", run(args.workers))
}
