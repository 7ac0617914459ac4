//! A lock that works across processes: child processes take turns at the shared terminal.
//!
//! The parent starts one printer process per item (`tango`, `foxtrot`, `10`, as in the
//! Python original). Every printer writes one line to the stdout it inherited, slowly, a
//! letter at a time, while it holds an exclusive lock on a file the parent chose for them.
//! A `Mutex` could not do this: each child has its own memory, so each would lock its own
//! copy. The file lock lives in the kernel, where all the processes meet.
//!
//!     cargo run -p pipes --bin process_lock
//!     cargo run -p pipes --bin process_lock -- --no-lock
//!     cargo run -p pipes --bin process_lock -- --children 8 --pause-ms 10
//!
//! What to look for: with the lock, every `Process-N says: …` line is whole (the order of
//! the lines may change from run to run, as in Python). With `--no-lock` the letters of
//! different processes mix within a line. The last line is the parent's own check: the
//! children report when they started and stopped writing, and the parent says how many
//! of them were writing at the same moment.

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

/// The seed's items. Python printed a mix of strings and a number; here they are all text.
const ITEMS: [&str; 3] = ["tango", "foxtrot", "10"];

/// The hidden role of a printer process.
const PRINTER: &str = "printer";

// ANCHOR: messages
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
// ANCHOR_END: messages

// ANCHOR: printer
/// The printer's part, Python's `printer(item, lock)`: take the lock, print, release.
fn printer() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Job, Window>()?;
    let Ok(job) = parent.rx.recv() else {
        return Ok(()); // the parent is gone: nothing to print
    };
    // With `--no-lock` there is no file to open and nothing to hold.
    let lock = match &job.lock_file {
        Some(path) => Some(ProcessLock::open(path)?),
        None => None,
    };
    // Taken here (waiting while another printer holds it), released when `_guard` goes
    // out of scope at the end of this function.
    let _guard = match &lock {
        Some(lock) => Some(lock.acquire()?),
        None => None,
    };
    let first_ns = now_ns();
    let pause = Duration::from_millis(job.pause_ms);
    lock::say_slowly(&mut std::io::stdout(), &job.name, &job.item, pause)?;
    let window = Window {
        first_ns,
        last_ns: now_ns(),
    };
    parent
        .tx
        .send(window)
        .map_err(|e| ProcessError::Ipc(e.to_string()))
}
// ANCHOR_END: printer

// ANCHOR: parent
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
    if args.no_lock {
        println!(
            "{} processes print [{}] with no lock",
            items.len(),
            items.join(", ")
        );
    } else {
        println!(
            "{} processes print [{}], each holding the lock file {}",
            items.len(),
            items.join(", "),
            lock_file.display()
        );
    }

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
// ANCHOR_END: parent

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
    // A printer process runs its part and stops, before any flag is parsed.
    if process::child_role().as_deref() == Some(PRINTER) {
        return common::exit_code("printer process", printer());
    }
    let args = Args::parse();
    common::exit_code("error", run(&args))
}
