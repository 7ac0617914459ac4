//! The files the `copy_files` program copies: made fresh in a folder of its own under the
//! system's temp folder, and removed afterwards.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The random seed of the file contents: every run makes the same files.
const SEED: u64 = 2024;

/// Writes `files` files of random lowercase text into `dir`, each between `size / 2` and
/// `size` bytes, named so that they sort in order (`file_01.txt` … `file_20.txt`).
/// Returns their names and sizes.
pub fn make_files(dir: &Path, files: u32, size: u64) -> io::Result<Vec<(String, u64)>> {
    let mut rng = StdRng::seed_from_u64(SEED);
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

/// A folder of our own under the system's temp folder, removed when dropped: if anything
/// fails on the way, the files go with it.
///
/// Its name holds the program's name, the process id and a counter, so two runs at once
/// (or two scratch folders in one run) never share one.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// A new, empty folder `<temp>/<program>-<pid>-<n>`.
    pub fn new(program: &str) -> io::Result<ScratchDir> {
        static CREATED: AtomicUsize = AtomicUsize::new(0);
        let n = CREATED.fetch_add(1, Ordering::Relaxed);
        let name = format!("{program}-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        // `create_dir`, not `create_dir_all`: it fails if the folder already exists, so we
        // never adopt (and later delete) someone else's files.
        fs::create_dir(&path)?;
        Ok(ScratchDir { path })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the folder now and reports any error, where `drop` could only ignore it.
    /// (`drop` runs afterwards all the same, and finds nothing left to remove.)
    pub fn remove(self) -> io::Result<()> {
        fs::remove_dir_all(&self.path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
