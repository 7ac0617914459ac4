//! What every comparison measures: wall time, CPU time, memory, and the machine it ran on.
//!
//! A comparison in this course is declared on the harness in [`compare`](crate::compare),
//! which times each variant, checks its answer and puts the numbers in a
//! [`Report`](crate::report::Report). The helpers here are small on purpose, so a student
//! can read exactly what a figure means:
//!
//! - **wall time** ([`time`]): what a user waits for, read from [`Instant`].
//! - **CPU time** ([`cpu_time`], [`children_cpu_time`]): user + system time the kernel
//!   charged to this process (or to its finished children). Two busy threads for one second
//!   of wall time cost about two seconds of CPU: the ratio tells you whether the work really
//!   ran in parallel.
//! - **memory** ([`MemorySnapshot`], [`MemoryProbe`]): resident set size now, and its peak,
//!   from `/proc/self/status` (Linux only; elsewhere these return `None`).
//! - **a process tree's footprint** ([`Footprint`]): the memory, threads and processes of
//!   a server and all its children, read from `/proc` while it serves.
//! - **a clock shared by processes** ([`now_ns`]): timelines draw spans recorded in child
//!   processes next to the parent's.
//! - **the machine** ([`machine_line`]): every result is labelled with the machine that
//!   produced it.
//!
//! ```
//! use common::measure::{fmt_duration, time};
//!
//! common::warn_if_debug!(); // timings of a debug build mislead: say so on stderr
//! let (sum, elapsed) = time(|| (1..=1_000u64).sum::<u64>());
//! assert_eq!(sum, 500_500);
//! println!("summed in {}", fmt_duration(elapsed));
//! ```

use std::fs;
use std::io;
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

/// Runs `f` and returns its result together with the wall-clock time it took.
pub fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}

/// User + system CPU time consumed so far by this process (all its threads).
///
/// Compare it before and after a piece of work: `cpu / wall ≈ 2` means two cores were busy.
pub fn cpu_time() -> Duration {
    rusage_cpu(libc::RUSAGE_SELF)
}

/// User + system CPU time of this process's children that have ended and been waited for.
///
/// A child still running counts nothing yet: wait for it (`Child::wait`) before reading.
pub fn children_cpu_time() -> Duration {
    rusage_cpu(libc::RUSAGE_CHILDREN)
}

/// The context switches the kernel has counted so far, voluntary (a thread waited) and
/// involuntary (it was preempted), for every thread of this process, the ended ones
/// too, and for its children that have ended and been waited for: `(this process,
/// its children)`. Two readings around a piece of work tell how often the kernel had to
/// switch for it; a hand-off between tasks on one thread never reaches it.
pub fn context_switches() -> (u64, u64) {
    let count = |who| {
        let usage = rusage(who);
        u64::try_from(usage.ru_nvcsw + usage.ru_nivcsw).unwrap_or(0)
    };
    (count(libc::RUSAGE_SELF), count(libc::RUSAGE_CHILDREN))
}

/// Asks the kernel for the resource usage of `who` and adds its user and system times.
fn rusage_cpu(who: libc::c_int) -> Duration {
    let usage = rusage(who);
    timeval_to_duration(usage.ru_utime) + timeval_to_duration(usage.ru_stime)
}

/// The kernel's resource usage of `who` (`RUSAGE_SELF` or `RUSAGE_CHILDREN`).
fn rusage(who: libc::c_int) -> libc::rusage {
    let mut usage = MaybeUninit::<libc::rusage>::uninit();
    // Safety: `usage` is writable memory the size of a `rusage`, which is all getrusage
    // needs; it fills the whole struct when it returns 0.
    let rc = unsafe { libc::getrusage(who, usage.as_mut_ptr()) };
    // getrusage only fails for an unknown `who`, and we pass the two the kernel defines.
    assert_eq!(rc, 0, "getrusage: {}", io::Error::last_os_error());
    // Safety: rc == 0, so the kernel initialised every field.
    unsafe { usage.assume_init() }
}

fn timeval_to_duration(tv: libc::timeval) -> Duration {
    // The kernel never reports negative times; treat one as zero rather than wrap around.
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0);
    Duration::new(secs, micros * 1_000)
}

/// Nanoseconds on `CLOCK_MONOTONIC`.
///
/// [`Instant`] cannot be sent to another process, but this number can: every process on
/// the machine reads the same monotonic clock, so a span a child process measures with
/// `now_ns()` can be drawn on the parent's [`Timeline`](crate::timeline::Timeline).
pub fn now_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC)
}

/// CPU time the calling *thread* has used so far (`CLOCK_THREAD_CPUTIME_ID`), in
/// nanoseconds: it counts only while this thread is on a CPU, whatever the others do.
pub fn thread_cpu_ns() -> u64 {
    clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Reads `clock` in nanoseconds.
fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // Safety: `ts` is a valid, writable timespec; both clocks used here exist on Linux.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime({clock}) failed");
    // Both clocks count up from zero: the fields are non-negative.
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs * 1_000_000_000 + nanos
}

/// This process's memory, as `/proc/self/status` reports it, in kB.
///
/// Why not `getrusage`'s `ru_maxrss`? Linux carries it across `exec`: a program started by
/// a big parent (`cargo run` is one, at hundreds of MB) reports the *parent's* peak until
/// it outgrows it, so a small program would appear to use cargo's memory. `VmHWM` (the
/// "high water mark" of the resident set) belongs to this process alone, and can be reset
/// (see [`reset_peak`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemorySnapshot {
    /// `VmRSS`: pages of this process resident in RAM right now.
    pub rss_kb: u64,
    /// `VmHWM`: the largest `VmRSS` seen since the process started or the peak was reset.
    pub peak_kb: u64,
}

impl MemorySnapshot {
    /// Reads `/proc/self/status`; `None` where there is no such file (not Linux).
    pub fn now() -> Option<MemorySnapshot> {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        Self::parse(&status)
    }

    /// Extracts `VmRSS` and `VmHWM` from the text of a `/proc/<pid>/status` file.
    pub fn parse(status: &str) -> Option<MemorySnapshot> {
        Some(MemorySnapshot {
            rss_kb: status_field_kb(status, "VmRSS")?,
            peak_kb: status_field_kb(status, "VmHWM")?,
        })
    }
}

/// Finds a line like `VmRSS:     13548 kB` and returns the number. The kernel writes
/// `/proc/<pid>/status`, `/proc/<pid>/smaps_rollup` (`Pss:`) and `/proc/meminfo`
/// (`MemAvailable:`) this way.
pub fn status_field_kb(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        value.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// The pids of the children of process `pid`, gathered from each of its threads'
/// `/proc/<pid>/task/<tid>/children` lists (Linux only; empty if `pid` is gone).
pub fn children_of(pid: u32) -> Vec<u32> {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|child| child.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

/// What a process and all its descendants hold right now: how a server's cost is read
/// while it serves, whether it is one process of many threads (a thread per connection),
/// a parent of many processes (a process per connection, Apache's prefork) or one
/// event loop (nginx).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    /// The processes of the tree, the root included.
    pub processes: u64,
    /// Their threads, the main threads included.
    pub threads: u64,
    /// The sum of their `VmRSS`: pages shared between processes (the program's code, a
    /// forked parent's memory) are counted once for each.
    pub rss_kb: u64,
    /// The sum of their `Pss` (proportional set size): a page shared by `n` processes
    /// counts `1/n` for each, so the sum is what the tree as a whole costs.
    pub pss_kb: u64,
}

impl Footprint {
    /// Reads `/proc` for process `root` and its descendants; `None` if `root` is gone.
    /// A descendant that ends while it is read is left out.
    pub fn of_tree(root: u32) -> Option<Footprint> {
        Footprint::of_tree_without(root, &[])
    }

    /// [`Footprint::of_tree`], leaving out the processes `left_out` and their
    /// descendants: a load generator the server's program started, say.
    pub fn of_tree_without(root: u32, left_out: &[u32]) -> Option<Footprint> {
        let mut total = Footprint::default();
        let mut pending = vec![root];
        while let Some(pid) = pending.pop() {
            if left_out.contains(&pid) {
                continue;
            }
            match fs::read_to_string(format!("/proc/{pid}/status")) {
                Ok(status) => {
                    total.processes += 1;
                    total.threads += status_field(&status, "Threads").unwrap_or(0);
                    total.rss_kb += status_field_kb(&status, "VmRSS").unwrap_or(0);
                    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup"));
                    let pss = rollup.ok().and_then(|r| status_field_kb(&r, "Pss"));
                    total.pss_kb += pss.unwrap_or(0);
                }
                Err(_) if pid == root => return None,
                Err(_) => continue,
            }
            pending.extend(children_of(pid));
        }
        Some(total)
    }

    /// The larger of each field: the peak of several readings.
    pub fn max(self, other: Footprint) -> Footprint {
        Footprint {
            processes: self.processes.max(other.processes),
            threads: self.threads.max(other.threads),
            rss_kb: self.rss_kb.max(other.rss_kb),
            pss_kb: self.pss_kb.max(other.pss_kb),
        }
    }
}

/// A count in a `/proc/<pid>/status` line such as `Threads:  4`.
fn status_field(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        value.trim().parse().ok()
    })
}

/// Resets this process's peak resident size (`VmHWM`) to its current size, so that the
/// next peak measured is the peak *of the work that follows*.
///
/// Writes `5` to `/proc/self/clear_refs` (Linux 4.0+). Returns `false` when that is not
/// possible (another OS, or a sandbox that forbids it); the peak then still includes
/// everything before.
pub fn reset_peak() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Measures how much memory a piece of work adds: take a probe before, read it after.
///
/// ```
/// use common::measure::MemoryProbe;
///
/// let probe = MemoryProbe::start();
/// let buffer = vec![1u8; 32 << 20]; // touch 32 MiB
/// if let Some(grown) = probe.peak_growth_kb() {
///     println!("the buffer added {grown} kB at its peak");
/// }
/// drop(buffer);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct MemoryProbe {
    baseline: Option<MemorySnapshot>,
    peak_was_reset: bool,
}

impl MemoryProbe {
    /// Resets the peak (if the OS lets us) and records the resident size as the baseline.
    pub fn start() -> MemoryProbe {
        // Reset first: otherwise a peak reached *before* the probe (an earlier variant of
        // the same comparison, say) would be reported as growth of this one.
        let peak_was_reset = reset_peak();
        MemoryProbe {
            baseline: MemorySnapshot::now(),
            peak_was_reset,
        }
    }

    /// Highest resident size since the probe started, minus the resident size at the
    /// start (0 if it shrank). `None` where memory cannot be read.
    ///
    /// If the peak could not be reset ([`MemoryProbe::peak_was_reset`] is `false`), this
    /// is an upper bound: it may include a peak from before the probe.
    pub fn peak_growth_kb(&self) -> Option<u64> {
        let now = MemorySnapshot::now()?;
        Some(now.peak_kb.saturating_sub(self.baseline?.rss_kb))
    }

    /// Resident size now minus the resident size at the start (0 if it shrank): memory the
    /// work still holds.
    pub fn rss_growth_kb(&self) -> Option<u64> {
        let now = MemorySnapshot::now()?;
        Some(now.rss_kb.saturating_sub(self.baseline?.rss_kb))
    }

    /// Whether the peak was reset when the probe started, i.e. whether
    /// [`peak_growth_kb`](MemoryProbe::peak_growth_kb) measures this work's peak alone.
    pub fn peak_was_reset(&self) -> bool {
        self.peak_was_reset
    }
}

/// One line describing this machine, printed above every comparison's table, e.g.
/// `AMD EPYC 7B13 · 2 logical CPUs (available_parallelism) · linux x86_64`.
///
/// The CPU count is [`std::thread::available_parallelism`]: the CPUs this process may
/// use, which inside a container can be fewer than the machine has.
pub fn machine_line() -> String {
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|cpuinfo| cpu_model(&cpuinfo))
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let plural = if cpus == 1 { "" } else { "s" };
    format!(
        "{model} · {cpus} logical CPU{plural} (available_parallelism) · {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

/// The first `model name` in the text of `/proc/cpuinfo`.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_string())
    })
}

/// What a comparison prints when its timings come from an unoptimised build.
pub const DEBUG_BUILD_WARNING: &str = "debug build — add --release for representative timings";

/// The warning to print for a program built with (`true`) or without debug assertions.
///
/// Programs call [`warn_if_debug!`](crate::warn_if_debug) rather than this function: the
/// macro reads `cfg!(debug_assertions)` in the program's own crate.
pub fn build_warning(debug_assertions: bool) -> Option<&'static str> {
    debug_assertions.then_some(DEBUG_BUILD_WARNING)
}

/// Prints "debug build — add --release for representative timings" to stderr when the
/// program calling it was built without optimisations.
///
/// A macro and not a function because `cfg!(debug_assertions)` must be read in the
/// *caller's* crate: `common` itself is optimised even in a debug build (see the root
/// `Cargo.toml`), but the loop being timed lives in the program.
#[macro_export]
macro_rules! warn_if_debug {
    () => {
        if let Some(warning) = $crate::measure::build_warning(cfg!(debug_assertions)) {
            eprintln!("{warning}");
        }
    };
}

/// A duration in the unit that reads best, with three significant figures:
/// `"812 µs"`, `"41.3 ms"`, `"2.01 s"`.
pub fn fmt_duration(d: Duration) -> String {
    let nanos = d.as_nanos() as f64;
    // Switch unit at 999.5 rather than 1000, so 999.7 µs reads "1.00 ms", not "1000 µs".
    let (value, unit) = if nanos < 999.5 {
        (nanos, "ns")
    } else if nanos < 999.5e3 {
        (nanos / 1e3, "µs")
    } else if nanos < 999.5e6 {
        (nanos / 1e6, "ms")
    } else {
        (nanos / 1e9, "s")
    };
    let decimals = if value < 9.995 {
        2
    } else if value < 99.95 {
        1
    } else {
        0
    };
    // Whole nanoseconds are the clock's resolution: no decimals there.
    let decimals = if unit == "ns" { 0 } else { decimals };
    format!("{value:.decimals$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A child is one process of one thread, with memory of its own; its parent's tree
    /// holds it too; a process that is gone has no footprint.
    #[test]
    fn a_footprint_counts_the_tree() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        // Read it once it is `sleep` asleep: before, it may still be a copy of this
        // process (before exec), or faulting pages in between the two files we read.
        let stat = format!("/proc/{}/stat", child.id());
        let asleep = || {
            let stat = fs::read_to_string(&stat).unwrap_or_default();
            stat.contains("(sleep) S ")
        };
        let started = Instant::now();
        while !asleep() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "sleep never slept"
            );
            std::thread::yield_now();
        }
        let alone = Footprint::of_tree(child.id()).unwrap();
        assert_eq!((alone.processes, alone.threads), (1, 1));
        assert!(
            alone.rss_kb > 0 && alone.pss_kb > 0 && alone.pss_kb <= alone.rss_kb,
            "{alone:?}"
        );
        let family = Footprint::of_tree(std::process::id()).unwrap();
        assert!(family.processes >= 2 && family.rss_kb > alone.rss_kb);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(Footprint::of_tree(child.id()), None);
    }

    /// The kernel's counts only grow: a thread that sleeps is switched out at least once.
    #[test]
    fn the_kernel_counts_a_sleep_as_a_switch() {
        let (own, children) = context_switches();
        std::thread::sleep(Duration::from_millis(2));
        let (own_after, children_after) = context_switches();
        assert!(own_after > own, "{own} then {own_after}");
        assert!(children_after >= children);
    }

    #[test]
    fn time_returns_the_result_and_at_least_the_time_slept() {
        let (answer, elapsed) = time(|| {
            std::thread::sleep(Duration::from_millis(20));
            42
        });
        assert_eq!(answer, 42);
        assert!(elapsed >= Duration::from_millis(20));
    }

    #[test]
    fn cpu_time_grows_while_this_process_computes() {
        let before = cpu_time();
        // Spin (not sleep) until the kernel has charged us at least 20 ms of CPU.
        let mut spins = 0u64;
        while cpu_time() - before < Duration::from_millis(20) {
            spins = std::hint::black_box(spins + 1);
        }
        assert!(cpu_time() >= before + Duration::from_millis(20));
    }

    #[test]
    fn children_cpu_time_is_monotonic() {
        let before = children_cpu_time();
        assert!(children_cpu_time() >= before);
    }

    #[test]
    fn now_ns_is_monotonic_and_advances_with_sleep() {
        let a = now_ns();
        std::thread::sleep(Duration::from_millis(5));
        let b = now_ns();
        assert!(b >= a + 5_000_000, "{a} then {b}");
    }

    #[test]
    fn now_ns_agrees_with_instant() {
        // Rust's Instant reads CLOCK_MONOTONIC on Linux too: both measure the same interval.
        let (start_ns, start) = (now_ns(), Instant::now());
        std::thread::sleep(Duration::from_millis(10));
        let by_now_ns = now_ns() - start_ns;
        let by_instant = start.elapsed().as_nanos() as u64;
        assert!(by_now_ns.abs_diff(by_instant) < 5_000_000);
    }

    #[test]
    fn parses_a_proc_status_file() {
        let status = "Name:\tcpu_bound\nVmPeak:\t  20000 kB\nVmHWM:\t   15000 kB\n\
                      VmRSS:\t   13548 kB\nThreads:\t3\n";
        let snapshot = MemorySnapshot::parse(status).unwrap();
        assert_eq!(
            snapshot,
            MemorySnapshot {
                rss_kb: 13_548,
                peak_kb: 15_000
            }
        );
        assert_eq!(MemorySnapshot::parse("Name:\tx\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn snapshot_of_this_process_is_plausible() {
        let snapshot = MemorySnapshot::now().unwrap();
        assert!(snapshot.rss_kb > 0);
        assert!(snapshot.peak_kb >= snapshot.rss_kb);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn probe_sees_a_buffer_it_watched_being_filled() {
        let probe = MemoryProbe::start();
        // 64 MiB, every page written so it is really resident.
        let buffer = std::hint::black_box(vec![7u8; 64 << 20]);
        let peak = probe.peak_growth_kb().unwrap();
        let rss = probe.rss_growth_kb().unwrap();
        // Other tests run in parallel threads and may free memory meanwhile: leave room.
        assert!(peak >= 48 << 10, "peak growth {peak} kB");
        assert!(rss >= 48 << 10, "rss growth {rss} kB");
        drop(buffer);
    }

    #[test]
    fn cpu_model_reads_the_first_model_name() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n\
                       processor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(cpu_model(cpuinfo).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(cpu_model("processor\t: 0\n"), None);
    }

    #[test]
    fn machine_line_names_cpus_os_and_arch() {
        let line = machine_line();
        assert!(line.contains("logical CPU"), "{line}");
        assert!(line.contains(std::env::consts::OS), "{line}");
        assert!(line.contains(std::env::consts::ARCH), "{line}");
    }

    #[test]
    fn build_warning_only_for_debug_builds() {
        assert_eq!(build_warning(true), Some(DEBUG_BUILD_WARNING));
        assert_eq!(build_warning(false), None);
    }

    #[test]
    fn fmt_duration_keeps_three_significant_figures() {
        assert_eq!(fmt_duration(Duration::from_nanos(750)), "750 ns");
        assert_eq!(fmt_duration(Duration::from_micros(812)), "812 µs");
        assert_eq!(fmt_duration(Duration::from_micros(41_300)), "41.3 ms");
        assert_eq!(fmt_duration(Duration::from_millis(2_010)), "2.01 s");
        assert_eq!(fmt_duration(Duration::from_nanos(999_700)), "1.00 ms");
        assert_eq!(fmt_duration(Duration::from_secs(125)), "125 s");
        assert_eq!(fmt_duration(Duration::ZERO), "0 ns");
    }
}
