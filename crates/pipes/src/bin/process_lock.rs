//! a file lock works across processes: the children's lines never interleave
//!
//! The parent starts one printer process per item (`tango`, `foxtrot`, `10`, as in the
//! Python course notebook). Each writes one line to the stdout it inherited, a letter at a
//! time, while it holds an exclusive lock on a file the parent chose. A `Mutex` could not
//! do this: each child would lock its own copy. The file lock lives in the kernel.
//!
//!     cargo run -p pipes --bin process_lock
//!     cargo run -p pipes --bin process_lock -- --no-lock
//!     cargo run -p pipes --bin process_lock -- --children 8 --pause-ms 10
//!
//! What to look for: with the lock, every `Process-N says: …` line is whole (their order
//! changes from run to run, as in Python); with `--no-lock` the letters mix. The last line
//! is the parent's check: how many children were writing at the same moment, from the
//! times they reported.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::measure::now_ns;
use common::process::{self, Child, ProcessError};
use pipes::lock::{self, ProcessLock, TempDir, Window};
use serde::{Deserialize, Serialize};

/// Child processes print their items one letter at a time, taking turns through a file lock.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many printer processes to start; their items cycle through tango, foxtrot, 10.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=64))]
    children: u32,
    /// Pause between the letters of a line, in milliseconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pause_ms: u64,
    /// Print without the lock: the letters of different processes mix.
    #[arg(long)]
    no_lock: bool,
}

/// The Python original's items, a mix of strings and a number there; all text here.
const ITEMS: [&str; 3] = ["tango", "foxtrot", "10"];

/// The hidden role of a printer process.
const PRINTER: &str = "printer";

/// What the parent tells each printer.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    name: String,
    item: String,
    /// Where the lock file is, or `None` to print without it (`--no-lock`). Only the path
    /// crosses the process boundary; each printer opens the file itself.
    lock_file: Option<PathBuf>,
    pause_ms: u64,
}

/// The printer's part, Python's `printer(item, lock)`: take the lock, print, release.
// ANCHOR: printer
fn printer() -> Result<(), Box<dyn Error>> {
    let parent = process::connect_to_parent::<Job, Window>()?;
    let Ok(job) = parent.rx.recv() else {
        return Ok(()); // the parent is gone: nothing to print
    };
    // With `--no-lock` there is no file to open and nothing to hold.
    let lock = match &job.lock_file {
        Some(path) => Some(ProcessLock::open(path)?),
        None => None,
    };
    // Taken here (waiting while another printer holds it), released when
    // `_guard` goes out of scope at the end of this function.
    let _guard = match &lock {
        Some(lock) => Some(lock.acquire()?),
        None => None,
    };
    let first_ns = now_ns();
    let pause = Duration::from_millis(job.pause_ms);
    lock::say_slowly(&mut std::io::stdout(), &job.name, &job.item, pause)?;
    let last_ns = now_ns();
    parent.tx.send(Window { first_ns, last_ns })?;
    Ok(())
}
// ANCHOR_END: printer

fn run(args: &Args) -> Result<(), ProcessError> {
    // The parent makes the lock: a file in a fresh temporary directory (removed when `dir`
    // is dropped, after every child has ended).
    let dir = TempDir::new("pipes-process-lock")?;
    let lock_file = dir.path().join("print.lock");
    let items: Vec<&str> = ITEMS
        .iter()
        .copied()
        .cycle()
        .take(args.children as usize)
        .collect();
    let how = if args.no_lock {
        " with no lock".to_string()
    } else {
        format!(", each holding the lock file {}", lock_file.display())
    };
    println!(
        "{} processes print [{}]{how}",
        items.len(),
        items.join(", ")
    );

    // Start every printer first and hand out the jobs after, so that they all reach for
    // the lock at about the same moment.
    let mut printers = Vec::new();
    for _ in &items {
        printers.push(Child::<Job, Window>::spawn(PRINTER)?);
    }
    for (i, (printer, item)) in printers.iter().zip(&items).enumerate() {
        printer.send(Job {
            name: format!("Process-{}", i + 1),
            item: item.to_string(),
            lock_file: (!args.no_lock).then(|| lock_file.clone()),
            pause_ms: args.pause_ms,
        })?;
    }
    let mut windows = Vec::new();
    for mut printer in printers {
        windows.push(printer.recv()?);
        printer.join()?;
    }
    report(&windows, args.no_lock);
    Ok(())
}

/// The parent's own check, from the times the printers reported.
fn report(windows: &[Window], no_lock: bool) {
    match lock::most_at_once(windows) {
        0 | 1 if no_lock => println!(
            "no two processes were printing at the same moment, by luck: \
             try a larger --pause-ms or more --children"
        ),
        0 | 1 => println!("at most one process was printing at any moment: they took turns"),
        most => println!("up to {most} processes were printing at the same moment"),
    }
}

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(PRINTER, printer)]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("process_lock", run(&args))
}
