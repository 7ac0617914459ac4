//! Which CPUs a thread may run on: read its affinity mask, pin it to one CPU, and put it
//! back. Linux only (`sched_getaffinity` / `sched_setaffinity`).
//!
//! The lessons pin threads to show what one core can do: two jobs that take turns on one
//! CPU (the Concepts chapter), a hand-off that is a plain context switch (lecture 1's
//! `pipe_latency`). A new thread copies its creator's mask, and a child process keeps it
//! across `fork` and `exec`.
//!
//! ```
//! use common::affinity;
//!
//! let cpus = affinity::allowed_cpus().unwrap();
//! std::thread::spawn(move || {
//!     affinity::pin_current_thread(cpus[0]).unwrap();
//!     assert_eq!(affinity::allowed_cpus().unwrap(), [cpus[0]]);
//! })
//! .join()
//! .unwrap();
//! ```

use std::io;
use std::marker::PhantomData;
use std::mem;

/// The CPUs the calling thread may run on, in increasing order (its affinity mask).
pub fn allowed_cpus() -> io::Result<Vec<usize>> {
    let set = mask()?;
    // Safety: every index is below CPU_SETSIZE, the number of bits in the set.
    let cpus = (0..libc::CPU_SETSIZE as usize).filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) });
    Ok(cpus.collect())
}

/// How many CPUs the calling thread may run on (1 if the kernel will not say).
///
/// Called from a pinned thread, this is 1: ask from the thread whose CPUs you mean.
pub fn cpus_available() -> usize {
    allowed_cpus().map_or(1, |cpus| cpus.len().max(1))
}

/// The CPU the calling thread is running on at this moment (`sched_getcpu`); unless the
/// thread is pinned, the kernel may move it right after.
pub fn current_cpu() -> usize {
    // Safety: sched_getcpu takes no arguments and only reads the kernel's answer.
    let cpu = unsafe { libc::sched_getcpu() };
    // It fails only where the kernel cannot tell, which Linux always can.
    usize::try_from(cpu).expect("sched_getcpu failed")
}

/// Lets the calling thread run on `cpu` only, until it ends or is moved again.
///
/// An error, not a panic, when the kernel refuses: `cpu` is not one this process may use,
/// or not a CPU number at all.
pub fn pin_current_thread(cpu: usize) -> io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(io::Error::other(format!("no CPU number {cpu}")));
    }
    // Safety: a zeroed `cpu_set_t` is the empty set; `cpu` is below
    // CPU_SETSIZE, so CPU_SET writes inside it.
    let mut only: libc::cpu_set_t = unsafe { mem::zeroed() };
    unsafe { libc::CPU_SET(cpu, &mut only) };
    set_mask(&only)
}

/// While alive, the calling thread may run on one CPU only; dropping it restores the CPUs
/// it had. Threads and processes started meanwhile inherit the restriction.
pub struct PinnedToOneCpu {
    original: libc::cpu_set_t,
    cpu: usize,
    /// The pinning belongs to the thread that made it, and dropping the guard on another
    /// thread would restore the wrong thread's mask: a raw pointer makes the guard `!Send`.
    _this_thread: PhantomData<*const ()>,
}

impl PinnedToOneCpu {
    /// Pins the calling thread to the first CPU it is allowed to use.
    pub fn first_allowed() -> io::Result<PinnedToOneCpu> {
        let original = mask()?;
        let cpu = allowed_cpus()?
            .first()
            .copied()
            .ok_or_else(|| io::Error::other("this thread may run on no CPU at all"))?;
        pin_current_thread(cpu)?;
        Ok(PinnedToOneCpu {
            original,
            cpu,
            _this_thread: PhantomData,
        })
    }

    /// The CPU we are pinned to.
    pub fn cpu(&self) -> usize {
        self.cpu
    }
}

impl Drop for PinnedToOneCpu {
    fn drop(&mut self) {
        // Restoring a mask the kernel gave us cannot fail; if it did, we would stay
        // pinned, which is slower but not wrong.
        let _ = set_mask(&self.original);
    }
}

/// The calling thread's affinity mask.
fn mask() -> io::Result<libc::cpu_set_t> {
    // Safety: a `cpu_set_t` is a plain bit array; all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { mem::zeroed() };
    // Safety: `set` is a writable `cpu_set_t` and we pass its exact size; pid 0 means the
    // calling thread.
    let rc = unsafe { libc::sched_getaffinity(0, mem::size_of::<libc::cpu_set_t>(), &mut set) };
    match rc {
        0 => Ok(set),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Sets the calling thread's affinity mask.
fn set_mask(set: &libc::cpu_set_t) -> io::Result<()> {
    // Safety: `set` is a valid `cpu_set_t` of the size we pass; pid 0 is the calling thread.
    let rc = unsafe { libc::sched_setaffinity(0, mem::size_of::<libc::cpu_set_t>(), set) };
    match rc {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask holds at least the CPUs the standard library counts.
    #[test]
    fn the_mask_counts_the_cpus() {
        let parallelism = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(cpus_available(), parallelism);
    }

    /// Pinned, a thread may use one CPU; the guard gives the others back; a CPU that is
    /// not there is refused, not a panic.
    #[test]
    fn pinning_narrows_the_mask_and_the_guard_restores_it() {
        std::thread::spawn(|| {
            let before = allowed_cpus().unwrap();
            {
                let pinned = PinnedToOneCpu::first_allowed().unwrap();
                assert_eq!(allowed_cpus().unwrap(), [pinned.cpu()]);
                assert_eq!(pinned.cpu(), before[0]);
            }
            assert_eq!(allowed_cpus().unwrap(), before);
            assert!(pin_current_thread(libc::CPU_SETSIZE as usize).is_err());
            assert_eq!(allowed_cpus().unwrap(), before);
        })
        .join()
        .unwrap();
    }

    /// `cpus_available` counts the affinity mask: at least what the standard library
    /// reports (which may lower it further for a CPU quota), and 1 on a pinned thread.
    #[test]
    fn cpus_available_counts_the_mask() {
        let available = cpus_available();
        assert_eq!(available, allowed_cpus().unwrap().len());
        let std_count = std::thread::available_parallelism().unwrap().get();
        assert!(available >= std_count, "{available} < {std_count}");

        let first = allowed_cpus().unwrap()[0];
        let on_pinned = std::thread::spawn(move || {
            pin_current_thread(first).unwrap();
            (cpus_available(), current_cpu())
        });
        assert_eq!(on_pinned.join().unwrap(), (1, first));
    }

    /// Pinning to a CPU this process may not use, or to no CPU at all, is an error.
    #[test]
    fn pinning_outside_the_mask_is_an_error() {
        let allowed = allowed_cpus().unwrap();
        let setsize = libc::CPU_SETSIZE as usize;
        let outside = (0..setsize).find(|cpu| !allowed.contains(cpu));
        let tried = std::thread::spawn(move || {
            let beyond = pin_current_thread(setsize).is_err();
            let outside = outside.map(|cpu| pin_current_thread(cpu).is_err());
            (beyond, outside, cpus_available())
        });
        let (beyond, outside, still) = tried.join().unwrap();
        assert!(beyond, "CPU {setsize} accepted");
        assert_ne!(outside, Some(false), "a CPU outside the mask accepted");
        assert_eq!(still, allowed.len(), "a refused pin changed nothing");
    }
}
