//! How many threads one process may start: the kernel's limits, read before starting them.
//!
//! Every thread takes a process id, a slot of the machine's threads and of its user's
//! processes, and memory maps for its stack; past the tightest of these limits `spawn`
//! fails. Lecture 5's `task_cost` and lecture 6's `limits` both stay under it and say which
//! limit it was.

use std::fs;

/// How many threads this process may start at once, and the kernel's limits behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLimit {
    /// Nine tenths of the room left under the tightest limit: the rest of the machine
    /// needs some too.
    pub max: usize,
    /// Each limit, as `name value`, for the transcript.
    pub limits: Vec<String>,
}

/// Reads the limits on live threads, and what is already taken of each: every thread
/// takes a process id (`kernel.pid_max`) and a slot of `kernel.threads-max`, both counted
/// over the whole machine; a slot of its user's `ulimit -u` (`RLIMIT_NPROC`), counted
/// over every thread of every process of that user, and not binding root at all; and
/// two memory maps of its own process (`vm.max_map_count`: its stack, and the guard page
/// under it). Linux only; elsewhere no limit is known (`usize::MAX`).
pub fn thread_limit() -> ThreadLimit {
    let number = |path: &str| fs::read_to_string(path).ok()?.trim().parse::<usize>().ok();
    // The fourth field of /proc/loadavg is `running/total`: every thread on the machine.
    let machine = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().nth(3)?.split('/').nth(1)?.parse().ok())
        .unwrap_or(0);
    let maps = fs::read_to_string("/proc/self/maps").map_or(0, |m| m.lines().count());
    let uid = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| real_uid(&status));
    // Each limit, its value, what is taken of it, and whether it binds this process:
    // the kernel lets root past `ulimit -u`.
    let limits = [
        (
            "kernel.pid_max",
            number("/proc/sys/kernel/pid_max"),
            machine,
            true,
        ),
        (
            "kernel.threads-max",
            number("/proc/sys/kernel/threads-max"),
            machine,
            true,
        ),
        (
            "ulimit -u",
            max_processes(),
            uid.map_or(machine, user_threads),
            uid != Some(0),
        ),
        (
            "vm.max_map_count",
            number("/proc/sys/vm/max_map_count"),
            maps,
            true,
        ),
    ];
    let mut max = usize::MAX;
    let mut shown = Vec::new();
    for (name, limit, used, binds) in limits {
        let Some(limit) = limit else { continue };
        let per_thread = if name == "vm.max_map_count" { 2 } else { 1 };
        shown.push(match (per_thread, binds) {
            (_, false) => format!("{name} {limit} (not for root)"),
            (1, true) => format!("{name} {limit}"),
            _ => format!("{name} {limit} ({per_thread} per thread)"),
        });
        if binds {
            max = max.min(room(limit, used, per_thread));
        }
    }
    ThreadLimit { max, limits: shown }
}

/// Nine tenths of what is left of `limit` once `used` is taken, in units of `per_thread`.
fn room(limit: usize, used: usize, per_thread: usize) -> usize {
    limit.saturating_sub(used) / per_thread * 9 / 10
}

/// The real user id in the text of a `/proc/<pid>/status` file (the first of the four
/// on its `Uid:` line): the id `ulimit -u` counts a process under.
fn real_uid(status: &str) -> Option<u32> {
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// The threads of every process whose real user is `uid`: what that user's `ulimit -u`
/// counts. A process that ends while we read is simply not counted.
fn user_threads(uid: u32) -> usize {
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    let threads = |status: &str| {
        let line = status.lines().find_map(|l| l.strip_prefix("Threads:"))?;
        line.trim().parse::<usize>().ok()
    };
    entries
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|entry| fs::read_to_string(entry.path().join("status")).ok())
        .filter(|status| real_uid(status) == Some(uid))
        .filter_map(|status| threads(&status))
        .sum()
}

/// The soft limit on this user's processes and threads (`ulimit -u`); `None` if unlimited
/// or unknown.
fn max_processes() -> Option<usize> {
    soft_limit("Max processes")
}

/// The soft limit named `name` in `/proc/self/limits` (`"Max processes"` is `ulimit -u`,
/// `"Max address space"` is `ulimit -v`, in bytes); `None` if unlimited or unknown.
pub fn soft_limit(name: &str) -> Option<usize> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limit on this machine is positive and names the limits it read.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_thread_limit_names_the_kernels_limits() {
        let limit = thread_limit();
        assert!(limit.max > 10, "{limit:?}");
        assert!(
            limit
                .limits
                .iter()
                .any(|l| l.starts_with("kernel.pid_max "))
        );
    }

    /// What is left of a limit: nine tenths of the rest, per thread.
    #[test]
    fn the_room_is_nine_tenths_of_what_is_left() {
        assert_eq!(room(500, 2, 1), 448);
        assert_eq!(room(65_530, 30, 2), 29_475);
        assert_eq!(room(10, 20, 1), 0);
    }

    /// The real user id is the first of the four on the `Uid:` line.
    #[test]
    fn the_real_uid_is_the_first_on_its_line() {
        let status = "Name:\tsleep\nUid:\t1000\t0\t0\t0\nThreads:\t1\n";
        assert_eq!(real_uid(status), Some(1000));
        assert_eq!(real_uid("Name:\tsleep\n"), None);
    }

    /// A user's threads include every thread of this process (two here, while one
    /// more is parked), and a user id nobody has has none.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_users_threads_are_counted_by_real_uid() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let parked = std::thread::spawn(move || rx.recv());
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find_map(|l| l.strip_prefix("Threads:"));
        let ours: usize = line.unwrap().trim().parse().unwrap();
        assert!(ours >= 2, "{status}");
        assert!(user_threads(real_uid(&status).unwrap()) >= ours);
        assert_eq!(user_threads(u32::MAX - 7), 0);
        drop(tx);
        parked.join().unwrap().unwrap_err();
    }

    /// A soft limit is read by its name; an unknown name gives `None`.
    #[cfg(target_os = "linux")]
    #[test]
    fn soft_limits_are_read_by_name() {
        assert!(soft_limit("Max open files").is_some_and(|n| n > 0));
        assert_eq!(soft_limit("No such limit"), None);
    }
}
