//! worker threads copy real files from a job queue; contents checked; output lines never torn
//!
//!     cargo run -p queues --bin copy_files
//!     cargo run -p queues --bin copy_files -- --files 100 --workers 8 --size 100000
//!
//! The program makes its own files (random text, the same every run) in a new folder under
//! the system's temp folder; the workers copy them into a second folder; every copy is
//! then compared with its source, and both folders are removed.
//!
//! What to look for: as in the Python course notebook, a `Starting thread : …` and a
//! `Finished thread : …` line for every file, in no fixed order and by whichever thread is
//! free, yet every line whole. Each line is written in three pieces (as Python's `print`
//! writes its text and then its line end), and the lock on stdout, held around the
//! pieces, keeps other threads out until the line is finished. Then the notebook's
//! `Execution time = …`, in seconds.

use std::error::Error;
use std::fmt::Arguments;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::thread;

use clap::Parser;
use common::measure::time;
use queues::Queue;
use queues::scratch::{ScratchDir, make_files};

/// Worker threads copy files from a job queue, printing under a lock.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many files to make and copy
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    files: u32,

    /// Worker threads that copy
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,

    /// The largest file, in bytes; each file gets between half this and this
    #[arg(long, value_name = "BYTES", default_value_t = 16_384,
          value_parser = clap::value_parser!(u64).range(1..=16 * 1024 * 1024))]
    size: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::exit_code("copy_files", run(&args))
}

/// Makes the files, copies them with the workers, checks the copies and cleans up.
fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    // If anything below fails, `scratch` is dropped on the way out and removes the files.
    let scratch = ScratchDir::new("copy_files")?;
    let (from, to) = (scratch.path().join("from"), scratch.path().join("to"));
    fs::create_dir(&from)?;
    fs::create_dir(&to)?;
    let names = make_files(&from, args.files, args.size)?;
    let made: u64 = names.iter().map(|(_, bytes)| bytes).sum();
    println!(
        "made {} files ({made} bytes) in {}",
        names.len(),
        from.display()
    );

    // ANCHOR: queue
    // Every job goes in first, then one `None` per worker: the queue
    // is first in, first out, so a worker meets a `None` only when no
    // file is left, and stops there.
    let jobs = Queue::new();
    for (name, _) in &names {
        jobs.put(Some(name.clone()));
    }
    for _ in 0..args.workers {
        jobs.put(None);
    }
    let ((), took) = time(|| {
        thread::scope(|s| {
            for worker in 1..=args.workers {
                let (jobs, from, to) = (&jobs, &from, &to);
                let name = format!("Thread-{worker}");
                s.spawn(move || copier(&name, jobs, from, to));
            }
        }) // the end of the scope joins every worker
    });
    // ANCHOR_END: queue
    let (files, workers) = (names.len(), args.workers);
    let seconds = took.as_secs_f64();
    println!("Execution time = {seconds:.5} ({files} files, {workers} threads)");

    let mut matching = 0;
    for (name, _) in &names {
        if fs::read(from.join(name))? == fs::read(to.join(name))? {
            matching += 1;
        }
    }
    println!("every copy checked against its source: {matching} of {files} identical");
    let path = scratch.path().to_path_buf();
    scratch.remove()?;
    println!("removed {}", path.display());
    match files - matching {
        0 => Ok(()),
        wrong => Err(format!("{wrong} copies differ from their source").into()),
    }
}

/// A worker: copies files until it takes a `None` from the queue.
fn copier(me: &str, jobs: &Queue<Option<String>>, from: &Path, to: &Path) {
    // ANCHOR: copier
    while let Some(name) = jobs.get() {
        say("Starting", me, format_args!("copying {name}"));
        match fs::copy(from.join(&name), to.join(&name)) {
            Ok(bytes) => {
                let copied = format_args!("copied {name}, {bytes} bytes");
                say("Finished", me, copied);
            }
            // The check after the copies will count this file as different.
            Err(e) => eprintln!("{me} could not copy {name}: {e}"),
        }
    }
    // ANCHOR_END: copier
}

/// Prints `Finished thread : Thread-2 (copied file_07.txt, 12345 bytes)` in three writes.
///
/// The notebook's `print_lock` is built into Rust: every `println!` takes the lock of
/// stdout for the whole line, so a single `println!` is never torn. A line written in
/// several pieces is a different matter: between two pieces another thread could write
/// its own. `stdout().lock()` takes that same lock and holds it until `out` is dropped, at
/// the end of this function, so the three pieces stay together.
// ANCHOR: say
fn say(what: &str, me: &str, detail: Arguments) {
    let mut out = io::stdout().lock();
    write!(out, "{what} thread : {me}").expect("stdout is writable");
    write!(out, " ({detail}").expect("stdout is writable");
    writeln!(out, ")").expect("stdout is writable");
}
// ANCHOR_END: say
