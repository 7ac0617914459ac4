//! A lock that works across processes: an exclusive lock on a file.
//!
//! Python's `multiprocessing.Lock` is a semaphore the children inherit from their parent.
//! A `std::sync::Mutex` cannot play that part: it lives in one process's memory, and a child
//! process has an address space of its own. What every process on the machine *can* reach
//! is the file system, and the kernel will let one process at a time hold an exclusive lock
//! on an open file: [`File::lock`] (`flock` on Linux), released by [`File::unlock`] or when
//! the file is closed, which also happens when its process dies. No lock is left
//! behind by a crashed child.
//!
//! The lock is *advisory*: it holds back only the processes that ask for it. The file's
//! contents do not matter; it is a name everyone agrees on, like the `lock` argument the
//! Python parent hands to each `printer`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

/// An exclusive lock shared by every process that opens the same path.
#[derive(Debug)]
pub struct ProcessLock {
    /// Each process opens the file itself. The kernel keeps one lock per open file, so two
    /// processes holding two opens of one path really do exclude each other.
    file: File,
}

impl ProcessLock {
    /// Opens the lock file at `path`, creating it if no process has yet. Opening takes no
    /// lock; [`ProcessLock::acquire`] does.
    pub fn open(path: &Path) -> io::Result<Self> {
        // `create` without `truncate`: several children may race to create the file, and
        // whichever wins, the others open the same file.
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        Ok(ProcessLock { file })
    }

    /// Blocks until this process holds the lock. The lock is released when the guard is
    /// dropped: Python's `try: … finally: lock.release()` is the guard's `Drop`.
    // ANCHOR: acquire
    pub fn acquire(&self) -> io::Result<LockGuard<'_>> {
        self.file.lock()?;
        Ok(LockGuard { file: &self.file })
    }
    // ANCHOR_END: acquire
}

/// Proof that this process holds the lock; dropping it releases the lock.
#[derive(Debug)]
pub struct LockGuard<'a> {
    file: &'a File,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // If unlocking fails, closing the file (at the latest when the process ends)
        // releases the lock anyway, so there is nothing better to do than carry on.
        let _ = self.file.unlock();
    }
}

/// A fresh directory under the system's temporary directory, removed with everything in it
/// when dropped. The parent makes one for the lock file and tells the children its path.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `<tmp>/<prefix>-<pid>-<n>`, with the first `n` that is not taken yet.
    pub fn new(prefix: &str) -> io::Result<Self> {
        let base = std::env::temp_dir();
        for n in 0..1000 {
            let path = base.join(format!("{prefix}-{}-{n}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free name for a temporary directory",
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The line a printer process writes for `item`, as it looks when nothing interrupts it:
/// `Process-1 says: t a n g o`.
pub fn spelled_line(name: &str, item: &str) -> String {
    pieces(name, item).concat().trim_end().to_string()
}

/// The pieces of that line, in the order they are written: the speaker, then one letter at
/// a time. The newline travels with the last piece.
fn pieces(name: &str, item: &str) -> Vec<String> {
    let mut pieces = vec![format!("{name} says:")];
    pieces.extend(item.chars().map(|c| format!(" {c}")));
    if let Some(last) = pieces.last_mut() {
        last.push('\n');
    }
    pieces
}

/// Writes the line piece by piece, pausing between pieces. Each piece goes out with its own
/// `write` system call (hence the `flush`), so another process writing to the same terminal
/// or pipe can slip its pieces in between ours, unless we hold a lock while we write.
pub fn say_slowly(out: &mut impl Write, name: &str, item: &str, pause: Duration) -> io::Result<()> {
    // ANCHOR: say_slowly
    for (i, piece) in pieces(name, item).iter().enumerate() {
        if i > 0 {
            thread::sleep(pause);
        }
        out.write_all(piece.as_bytes())?;
        out.flush()?;
    }
    Ok(())
    // ANCHOR_END: say_slowly
}

/// When one printer held the stage: nanoseconds on the machine's monotonic clock, which
/// every process reads alike (see `common::measure::now_ns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub first_ns: u64,
    pub last_ns: u64,
}

/// The largest number of printers that were writing at one moment: 1 when they took turns.
pub fn most_at_once(windows: &[Window]) -> usize {
    // Walk through time: +1 where a window opens, -1 where one closes. At equal times the
    // closing comes first, so that one printer starting as another stops is not an overlap.
    let mut events: Vec<(u64, i32)> = Vec::new();
    for w in windows {
        events.push((w.first_ns, 1));
        events.push((w.last_ns, -1));
    }
    events.sort();
    let (mut now, mut most) = (0, 0);
    for (_, change) in events {
        now += change;
        most = most.max(now);
    }
    most as usize
}
