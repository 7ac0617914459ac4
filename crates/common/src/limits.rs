//! How many threads one process may start: the kernel's limits, read before starting them.
//!
//! Every thread takes a process id, a slot of the machine's threads and of the user's
//! processes, and memory maps for its stack; past the tightest of these limits `spawn`
//! fails. Lecture 5's `task_cost` and lecture 6's `limits` both stay under it and say which
//! limit it was.

use std::fs;

/// How many threads this process may start at once, and the kernel's limits behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLimit {
    /// Nine tenths of the tightest limit, less the threads already running: the rest of
    /// the machine needs some too.
    pub max: usize,
    /// Each limit, as `name value`, for the transcript.
    pub limits: Vec<String>,
}

/// Reads the limits on live threads: every thread takes a process id
/// (`kernel.pid_max`), a slot of `kernel.threads-max` and of the user's processes
/// (`ulimit -u`), and two memory maps (`vm.max_map_count`: its stack, and the guard
/// page under it). Linux only; elsewhere no limit is known (`usize::MAX`).
pub fn thread_limit() -> ThreadLimit {
    let number = |path: &str| fs::read_to_string(path).ok()?.trim().parse::<usize>().ok();
    // The fourth field of /proc/loadavg is `running/total`: every thread on the machine.
    let running = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().nth(3)?.split('/').nth(1)?.parse().ok())
        .unwrap_or(0);
    let maps = fs::read_to_string("/proc/self/maps").map_or(0, |m| m.lines().count());
    let limits = [
        (
            "kernel.pid_max",
            number("/proc/sys/kernel/pid_max"),
            running,
        ),
        (
            "kernel.threads-max",
            number("/proc/sys/kernel/threads-max"),
            running,
        ),
        ("ulimit -u", max_processes(), running),
        (
            "vm.max_map_count",
            number("/proc/sys/vm/max_map_count"),
            maps,
        ),
    ];
    let mut max = usize::MAX;
    let mut shown = Vec::new();
    for (name, limit, used) in limits {
        let Some(limit) = limit else { continue };
        let per_thread = if name == "vm.max_map_count" { 2 } else { 1 };
        shown.push(match per_thread {
            1 => format!("{name} {limit}"),
            _ => format!("{name} {limit} ({per_thread} per thread)"),
        });
        max = max.min(limit.saturating_sub(used) / per_thread / 10 * 9);
    }
    ThreadLimit { max, limits: shown }
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

    /// A soft limit is read by its name; an unknown name gives `None`.
    #[cfg(target_os = "linux")]
    #[test]
    fn soft_limits_are_read_by_name() {
        assert!(soft_limit("Max open files").is_some_and(|n| n > 0));
        assert_eq!(soft_limit("No such limit"), None);
    }
}
