//! Seed 001's file copy: worker threads take file names from a job queue, copy each file,
//! and report it under a print lock, so that no two threads' lines are ever mixed.
//!
//! The program makes its own files: `--files` of them, with random text (from a fixed
//! seed, so every run makes the same files), in a new directory under the system's temp
//! directory. The workers copy them into a second directory. Afterwards the program
//! compares every copy with its source, byte for byte, and removes both directories.
//!
//!     cargo run -p queues --bin copy_files
//!     cargo run -p queues --bin copy_files -- --files 100 --workers 8 --size 100000
//!
//! What to look for: the files are copied in no fixed order and by whichever thread is
//! free, but every line is whole: `Thread-2 copied file_07.txt (12345 bytes)`. Each line
//! is written in three pieces (as Python's `print` writes its text and then its line
//! end), and the lock held around the pieces keeps other threads out until the line is
//! finished.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use clap::Parser;
use common::measure::fmt_duration;
use queues::Queue;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Worker threads copy files from a job queue, printing under a lock (seed 001).
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

/// The seed of the random file contents: every run makes the same files.
const SEED: u64 = 2024;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Makes the files, copies them with the workers, checks the copies and cleans up.
/// Returns whether every copy matches its source.
fn run(args: &Args) -> io::Result<bool> {
    // If anything below fails, `scratch` is dropped on the way out and removes the files.
    let scratch = ScratchDir::new()?;
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
    // Every job goes in first, then one `None` per worker: the queue is first in, first
    // out, so a worker meets a `None` only when no file is left, and stops there.
    let jobs = Queue::new();
    for (name, _) in &names {
        jobs.put(Some(name.clone()));
    }
    for _ in 0..args.workers {
        jobs.put(None);
    }
    let started = Instant::now();
    thread::scope(|s| {
        for worker in 1..=args.workers {
            let (jobs, from, to) = (&jobs, &from, &to);
            s.spawn(move || copier(&format!("Thread-{worker}"), jobs, from, to));
        }
    });
    let took = started.elapsed();
    // ANCHOR_END: queue
    println!(
        "{} files copied by {} threads in {}",
        names.len(),
        args.workers,
        fmt_duration(took)
    );

    // ANCHOR: check
    let mut matching = 0;
    for (name, _) in &names {
        if fs::read(from.join(name))? == fs::read(to.join(name))? {
            matching += 1;
        } else {
            eprintln!("error: the copy of {name} differs from its source");
        }
    }
    println!(
        "every copy checked against its source: {matching} of {} identical",
        names.len()
    );
    // ANCHOR_END: check

    let path = scratch.path().to_path_buf();
    scratch.remove()?;
    println!("removed {}", path.display());
    Ok(matching == names.len())
}

// ANCHOR: copier
/// A worker: copies files until it takes a `None` from the queue.
fn copier(me: &str, jobs: &Queue<Option<String>>, from: &Path, to: &Path) {
    while let Some(name) = jobs.get() {
        match fs::copy(from.join(&name), to.join(&name)) {
            Ok(bytes) => report_copy(me, &name, bytes).expect("stdout is writable"),
            // The check after the copies will count this file as missing.
            Err(e) => eprintln!("{me} could not copy {name}: {e}"),
        }
    }
}

/// Prints `Thread-2 copied file_07.txt (12345 bytes)` in three writes.
///
/// The seed's `print_lock` is built into Rust: every `println!` takes the lock of stdout
/// for the whole line, so a single `println!` is never torn. A line written in several
/// pieces is a different matter: between two pieces another thread could write its own.
/// `stdout().lock()` takes that same lock and holds it until `out` is dropped, at the end
/// of this function, so the three pieces stay together.
///
/// (Sending each finished line over a channel to one printer thread would keep lines
/// whole too, and a worker would never wait for the terminal. That costs a thread and a
/// channel, worth it when printing is slow; here a line takes microseconds.)
fn report_copy(me: &str, name: &str, bytes: u64) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write!(out, "{me} copied")?;
    write!(out, " {name}")?;
    writeln!(out, " ({bytes} bytes)")
}
// ANCHOR_END: copier

/// Writes `files` files of random lowercase text into `dir`, each between `size / 2` and
/// `size` bytes. Returns their names and sizes.
fn make_files(dir: &Path, files: u32, size: u64) -> io::Result<Vec<(String, u64)>> {
    let mut rng = StdRng::seed_from_u64(SEED);
    // Zero-padded numbers, so that the names sort in order: file_01 … file_20.
    let width = files.to_string().len().max(2);
    let mut made = Vec::new();
    for i in 1..=files {
        let name = format!("file_{i:0width$}.txt");
        let len = rng.random_range(size / 2..=size);
        let text: Vec<u8> = (0..len)
            .map(|at| match at % 64 {
                63 => b'\n',
                _ => rng.random_range(b'a'..=b'z'),
            })
            .collect();
        fs::write(dir.join(&name), &text)?;
        made.push((name, len));
    }
    Ok(made)
}

/// A directory of our own under the system's temp directory, removed when dropped.
///
/// Its name holds the process id and a counter, so two runs at once (or two scratch
/// directories in one run) never share one.
struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    fn new() -> io::Result<ScratchDir> {
        static CREATED: AtomicUsize = AtomicUsize::new(0);
        let n = CREATED.fetch_add(1, Ordering::Relaxed);
        let name = format!("copy_files-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        // `create_dir`, not `create_dir_all`: it fails if the directory already exists,
        // so we never adopt (and later delete) someone else's files.
        fs::create_dir(&path)?;
        Ok(ScratchDir { path })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the directory now and reports any error, where `drop` could only ignore it.
    /// (`drop` runs afterwards all the same, and finds nothing left to remove.)
    fn remove(self) -> io::Result<()> {
        fs::remove_dir_all(&self.path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
