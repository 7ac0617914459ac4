//! How fast a parallel row could have been at best, and how much of that it reached.
//!
//! Three bounds, each a speedup against the comparison's serial row:
//!
//! - **cores × serial**: CPU-bound work on `w` workers and `c` cores is at best
//!   `min(w, c)` times faster than one worker: nothing runs on a core that is not there.
//! - **the program's own**: a program that knows its work better says so in its row
//!   (`"bound"`): `prime_procs_speedup`'s Amdahl bound, where the largest job
//!   alone takes longer than the rest shared out.
//! - **one latency per wave**: `n` downloads of one latency each on `w` workers take at
//!   best `⌈n / w⌉` latencies: the row's `"expected_s"`.
//!
//! The fraction reached is the row's speedup over its bound: 0.97 is 97 % of what the
//! machine and the work allow; GIL-threads reach about half on two cores.

use crate::{Row, is_python, number, text};

/// The programs whose parallel rows are CPU-bound: their bound is cores × serial.
pub const CPU_BOUND: &[&str] = &[
    "cpu_bound",
    "prime_pool",
    "gil_cpu",
    "gil_release",
    "concurrent_vs_parallel",
    "when_not_to",
    "submit",
];

/// Rows of those programs whose speedup is not against a serial run of the same work,
/// so that no bound applies: `submit`'s local pool is set against one broker worker.
pub const NOT_AGAINST_SERIAL: &[(&str, &str)] = &[("submit", "local rayon pool")];

/// The Python workloads that are CPU-bound, named as the Rust rows name them.
pub const PYTHON_CPU_BOUND: &[&str] = &["hash_me", "sum_squares", "primes", "sum_primes"];

/// A parallel row's best possible speedup, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The best speedup against the serial row.
    pub speedup: f64,
    /// Where it comes from: `"cores × serial"`, `"order bound"`, `"one latency per wave"`.
    pub why: &'static str,
    /// The row's speedup over the bound: 1.0 when the bound was reached.
    pub reached: f64,
}

/// The bound of `row` on a machine of `cores` CPUs, if it is a parallel row of a kind
/// that has one (more than one worker, and a speedup).
pub fn of(row: &Row, cores: usize) -> Option<Bound> {
    let workers = number(row, "workers")?;
    let speedup = number(row, "speedup")?;
    if workers < 2.0 {
        return None;
    }
    let (bound, why) = if let Some(expected) = number(row, "expected_s") {
        let seconds = number(row, "seconds")?;
        (speedup * seconds / expected, "one latency per wave")
    } else if let Some(bound) = number(row, "bound") {
        (bound, "Amdahl bound")
    } else if cpu_bound(row) {
        (workers.min(cores as f64), "cores × serial")
    } else {
        return None;
    };
    Some(Bound {
        speedup: bound,
        why,
        reached: speedup / bound,
    })
}

fn cpu_bound(row: &Row) -> bool {
    let program = text(row, "program");
    let variant = text(row, "variant");
    match is_python(row) {
        true => PYTHON_CPU_BOUND.contains(&text(row, "workload")),
        false => CPU_BOUND.contains(&program) && !NOT_AGAINST_SERIAL.contains(&(program, variant)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(json: &str) -> Row {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn cpu_bound_rows_are_bound_by_the_cores() {
        let threads = row(
            r#"{"program":"cpu_bound","workload":"hash_me","variant":"threads","workers":2,"seconds":0.26,"speedup":1.9,"ok":true}"#,
        );
        let bound = of(&threads, 2).unwrap();
        assert_eq!((bound.speedup, bound.why), (2.0, "cores × serial"));
        assert!((bound.reached - 0.95).abs() < 1e-9);
        // Four workers on two cores: still 2×. On eight cores: 2 workers, 2×.
        let four =
            row(r#"{"program":"submit","variant":"broker, 4 workers","workers":4,"speedup":1.87}"#);
        assert_eq!(of(&four, 2).unwrap().speedup, 2.0);
        assert_eq!(of(&threads, 8).unwrap().speedup, 2.0);
    }

    #[test]
    fn the_serial_row_and_rows_without_a_speedup_have_none() {
        let serial = row(r#"{"program":"cpu_bound","variant":"serial","workers":1,"speedup":1.0}"#);
        assert_eq!(of(&serial, 2), None);
        let limits =
            row(r#"{"program":"limits","variant":"threads","workers":10000,"seconds":1.0}"#);
        assert_eq!(of(&limits, 2), None);
        let queue =
            row(r#"{"program":"queue_throughput","variant":"Queue","workers":4,"speedup":2.0}"#);
        assert_eq!(
            of(&queue, 2),
            None,
            "a queue's rows are not a speedup of parallel work"
        );
    }

    #[test]
    fn io_rows_are_bound_by_one_latency_per_wave() {
        // 160 downloads of 50 ms on 30 workers: 6 waves, 0.3 s at best; 8 s serial.
        let download = row(
            r#"{"program":"download","variant":"threads","workers":30,"seconds":0.4,"speedup":20.0,"expected_s":0.3}"#,
        );
        let bound = of(&download, 2).unwrap();
        assert_eq!(bound.why, "one latency per wave");
        assert!((bound.speedup - 26.666).abs() < 0.01, "{bound:?}");
        assert!((bound.reached - 0.75).abs() < 1e-9, "{bound:?}");
    }

    #[test]
    fn a_programs_own_bound_comes_first_and_python_rows_have_theirs() {
        let own = row(
            r#"{"program":"prime_procs_speedup","variant":"2 processes","workers":2,"speedup":1.24,"bound":1.507}"#,
        );
        assert_eq!(of(&own, 2).unwrap().why, "Amdahl bound");
        let python = row(
            r#"{"program":"python","workload":"hash_me","variant":"threads","workers":2,"speedup":0.93}"#,
        );
        let bound = of(&python, 2).unwrap();
        assert!((bound.reached - 0.465).abs() < 1e-9, "{bound:?}");
        let pipe = row(
            r#"{"program":"python","workload":"round trip, unpinned","workers":2,"speedup":0.86}"#,
        );
        assert_eq!(of(&pipe, 2), None);
    }
}
