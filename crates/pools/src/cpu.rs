//! CPU-bound work shared out four ways: the library behind `cpu_bound` (and the process
//! pool of `prime_pool`).
//!
//! Two Python lectures time a job that keeps one core busy for seconds: twenty SHA-256
//! chains of half a million rounds (the tech talk's `hash_me`), and twenty sums of squares
//! of about five million terms (`cpu_bound` of the Real Python notes on speeding up a
//! program with concurrency). Each job splits into twenty independent pieces, a [`Job`]
//! each, and four variants hand those pieces out:
//!
//! - [`run_serial`]: one after the other, on the calling thread;
//! - [`run_threads`]: `std::thread::scope` threads, each given a contiguous slice of the jobs;
//! - processes: [`pipes::pool::map_timed`] on a pool of worker processes (this program re-executed);
//! - [`run_rayon`]: a rayon pool and `par_iter`, which balances the load by work stealing.
//!
//! All four end in [`Job::run`], so all four execute the very same machine code for the
//! heavy loop. That is not a detail: see [`hash_chain`].

use std::thread;

use common::hashes::{self, DIGEST_LEN, HASH_ME_CHAINS, HASH_ME_ITERATIONS};
use common::process::ProcessError;
use common::squares::{self, SQUARES_NUMBERS};
use pipes::pool;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The two CPU-bound workloads of the lectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// The tech talk's `hash_me`: 20 SHA-256 chains of 500 000 rounds each.
    HashMe,
    /// The Real Python notes' `cpu_bound`: the sums of `i * i` below each of 5 000 000 …
    /// 5 000 019.
    SumSquares,
}

/// `--workload`: one of the two workloads, or both, one after the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Workloads {
    /// The tech talk's `hash_me`: 20 SHA-256 chains of 500 000 rounds
    #[value(name = "hash_me")]
    HashMe,
    /// The Real Python notes' `cpu_bound`: 20 sums of i*i below 5 000 000 … 5 000 019
    #[value(name = "sum_squares")]
    SumSquares,
    /// One after the other
    Both,
}

impl Workloads {
    /// The workloads to time, in order.
    pub fn list(self) -> Vec<Workload> {
        match self {
            Workloads::HashMe => vec![Workload::HashMe],
            Workloads::SumSquares => vec![Workload::SumSquares],
            Workloads::Both => vec![Workload::HashMe, Workload::SumSquares],
        }
    }
}

impl Workload {
    /// The name used in tables and JSON rows: `hash_me` or `sum_squares`.
    pub fn name(self) -> &'static str {
        match self {
            Workload::HashMe => "hash_me",
            Workload::SumSquares => "sum_squares",
        }
    }

    /// The workload's twenty jobs, with the work of each multiplied by `scale`
    /// (rounds of a chain, terms of a sum; never fewer than one).
    ///
    /// At scale 1 these are exactly the Python originals' sizes.
    pub fn jobs(self, scale: f64) -> Vec<Job> {
        match self {
            Workload::HashMe => (0..HASH_ME_CHAINS)
                .map(|chain| Job::HashChain {
                    chain,
                    rounds: scaled(HASH_ME_ITERATIONS, scale),
                })
                .collect(),
            Workload::SumSquares => SQUARES_NUMBERS
                .iter()
                .map(|&n| Job::SumOfSquares {
                    n: scaled(n, scale),
                })
                .collect(),
        }
    }

    /// What `jobs` (this workload's, at some scale) are, in words, for a title:
    /// `hash_me: 20 SHA-256 chains of 500000 rounds`.
    pub fn describe(self, jobs: &[Job]) -> String {
        let size = match (jobs.first(), jobs.last()) {
            (Some(Job::HashChain { rounds, .. }), _) => {
                format!("{} SHA-256 chains of {rounds} rounds", jobs.len())
            }
            (Some(Job::SumOfSquares { n: first }), Some(Job::SumOfSquares { n: last })) => {
                let count = jobs.len();
                format!("{count} sums of i*i for i below n, n = {first} … {last}")
            }
            _ => format!("{} jobs", jobs.len()),
        };
        format!("{}: {size}", self.name())
    }
}

/// The answers of `jobs` worked out another way ([`Job::known_answer`]), if every job has
/// one: the sums of squares do, the hash chains do not.
pub fn known_answers(jobs: &[Job]) -> Option<Vec<Answer>> {
    jobs.iter().map(|job| job.known_answer()).collect()
}

/// `amount × scale`, rounded, and at least 1 (a chain needs one round).
fn scaled(amount: u64, scale: f64) -> u64 {
    ((amount as f64 * scale).round() as u64).max(1)
}

/// One independent piece of a workload. It crosses to a worker process as a message, so
/// it is plain data (serde), not a closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// `hash_me` from the start of chain number `chain`, for `rounds` rounds.
    HashChain { chain: u64, rounds: u64 },
    /// `0² + 1² + … + (n−1)²`.
    SumOfSquares { n: u64 },
}

/// What a [`Job`] computes. Variants are compared answer by answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// The last digest of a chain.
    Digest([u8; DIGEST_LEN]),
    /// A sum of squares (too big for a `u64`).
    Sum(u128),
}

impl Job {
    /// Does the work. Every variant, and every worker process, calls this and nothing else.
    pub fn run(self) -> Answer {
        match self {
            Job::HashChain { chain, rounds } => Answer::Digest(hash_chain(chain, rounds)),
            Job::SumOfSquares { n } => Answer::Sum(sum_squares(n)),
        }
    }

    /// The answer worked out another way, where there is one: the closed formula for a
    /// sum of squares. A hash chain has no shortcut (that is the point of a hash), so its
    /// reference is the serial run, whose kernel `common`'s tests check against Python's
    /// `hashlib`.
    pub fn known_answer(self) -> Option<Answer> {
        match self {
            Job::HashChain { .. } => None,
            Job::SumOfSquares { n } => Some(Answer::Sum(squares::sum_of_squares_closed_form(n))),
        }
    }
}

/// The hash-chain kernel: `hash_me` from the fixed start of chain `chain`.
///
/// Why a function of its own, and why `#[inline(never)]`? The optimiser decides, call site
/// by call site, whether to copy a function into its caller, and each copy is then
/// optimised on its own: register allocation, unrolling and instruction order can come out
/// differently. Measured on the course machine, such differences alone made the same
/// SHA-256 chain 35 % faster in one variant than in another, which showed up as a 2.6×
/// "speedup" on 2 cores: more than the cores can give, so part of it was the compiler, not
/// the parallelism. With one out-of-line kernel that every variant calls, every variant
/// runs the same instructions, and the comparison measures only how the work is shared.
// ANCHOR: kernels
#[inline(never)]
pub fn hash_chain(chain: u64, rounds: u64) -> [u8; DIGEST_LEN] {
    hashes::hash_me(&hashes::chain_start(chain), rounds)
}
// ANCHOR_END: kernels

/// The sum-of-squares kernel, kept out of line for the same reason as [`hash_chain`].
// ANCHOR: sum_kernel
#[inline(never)]
pub fn sum_squares(n: u64) -> u128 {
    squares::sum_of_squares(n)
}
// ANCHOR_END: sum_kernel

/// The baseline: every job in turn, on this thread.
pub fn run_serial(jobs: &[Job]) -> Vec<Answer> {
    jobs.iter().map(|job| job.run()).collect()
}

/// The jobs cut into contiguous slices of equal length (the last may be shorter), at most
/// `workers` of them: one slice per thread in [`run_threads`].
///
/// 20 jobs on 2 workers are two slices of 10; on 6 workers, five slices of 4, because a
/// sixth thread would have nothing left to take.
pub fn split(jobs: &[Job], workers: usize) -> Vec<&[Job]> {
    let per_slice = jobs.len().div_ceil(workers.max(1)).max(1);
    jobs.chunks(per_slice).collect()
}

/// One scoped thread per slice of [`split`]; the answers come back in job order.
///
/// There is no lock anywhere: each thread reads its own slice (a borrow the scope allows,
/// since no thread outlives it) and returns its own answers. The split is fixed before
/// any thread starts, which suits jobs of equal size on idle cores; if another program
/// slows one core down, the thread there falls behind and nobody takes work off it.
/// rayon's work stealing and the process pool's one-job-at-a-time hand-out do.
pub fn run_threads(jobs: &[Job], workers: usize) -> Vec<Answer> {
    thread::scope(|scope| {
        let handles: Vec<_> = split(jobs, workers)
            .into_iter()
            .map(|slice| scope.spawn(move || run_serial(slice)))
            .collect();
        // Joining in spawn order keeps the answers in job order.
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a kernel does not panic"))
            .collect()
    })
}

/// A rayon pool of `workers` threads running `par_iter` over the jobs; `collect` keeps
/// job order.
///
/// The pool is built here, not taken from rayon's global one, so that `--workers` means
/// the same for every variant; building it is part of the time, as spawning is for
/// [`run_threads`].
pub fn run_rayon(jobs: &[Job], workers: usize) -> Result<Vec<Answer>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    Ok(pool.install(|| jobs.par_iter().map(|job| job.run()).collect()))
}

/// A worker process's whole life: run each [`Job`] the parent sends, until it closes the
/// channel.
pub fn serve() -> Result<(), ProcessError> {
    pool::serve(Job::run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::squares::SQUARES_NUMBERS_TOTAL;

    #[test]
    fn scale_one_is_the_python_originals() {
        let hash_jobs = Workload::HashMe.jobs(1.0);
        assert_eq!(hash_jobs.len(), 20);
        for (chain, job) in (0..).zip(&hash_jobs) {
            assert_eq!(
                *job,
                Job::HashChain {
                    chain,
                    rounds: 500_000
                }
            );
        }
        let sum_jobs = Workload::SumSquares.jobs(1.0);
        let ns: Vec<Job> = SQUARES_NUMBERS
            .iter()
            .map(|&n| Job::SumOfSquares { n })
            .collect();
        assert_eq!(sum_jobs, ns);
    }

    #[test]
    fn scale_multiplies_the_work_and_never_reaches_zero() {
        assert_eq!(
            Workload::HashMe.jobs(0.01)[3],
            Job::HashChain {
                chain: 3,
                rounds: 5_000
            }
        );
        assert_eq!(
            Workload::SumSquares.jobs(10.0)[1],
            Job::SumOfSquares { n: 50_000_010 }
        );
        assert_eq!(
            Workload::HashMe.jobs(1e-9)[0],
            Job::HashChain {
                chain: 0,
                rounds: 1
            }
        );
    }

    #[test]
    fn the_twenty_sums_total_the_known_answer() {
        let total: u128 = run_serial(&Workload::SumSquares.jobs(1.0))
            .into_iter()
            .map(|answer| match answer {
                Answer::Sum(sum) => sum,
                Answer::Digest(_) => panic!("a sum job gave a digest"),
            })
            .sum();
        assert_eq!(total, SQUARES_NUMBERS_TOTAL);
    }

    #[test]
    fn a_chain_runs_the_common_kernel_from_its_own_start() {
        // Python: data = bytes(16); 1000 × data = hashlib.sha256(data).digest()
        let Answer::Digest(digest) = (Job::HashChain {
            chain: 0,
            rounds: 1_000,
        })
        .run() else {
            panic!("a chain gives a digest");
        };
        assert_eq!(
            hashes::to_hex(&digest),
            "e7618d3a98648c0e0378288322dda817d16dc1a43ac95583ab387d4eb95d9e0c"
        );
    }

    #[test]
    fn split_makes_at_most_workers_slices_covering_every_job() {
        let jobs = Workload::HashMe.jobs(0.001);
        for workers in 1..=25 {
            let slices = split(&jobs, workers);
            assert!(slices.len() <= workers, "{workers} workers");
            assert_eq!(slices.concat(), jobs, "{workers} workers");
        }
        assert_eq!(split(&jobs, 2).len(), 2);
        assert_eq!(split(&jobs, 6).len(), 5);
    }

    #[test]
    fn threads_and_rayon_give_the_serial_answers_in_order() {
        for workload in [Workload::HashMe, Workload::SumSquares] {
            let jobs = workload.jobs(0.002);
            let serial = run_serial(&jobs);
            for workers in [1, 2, 3, 7] {
                assert_eq!(run_threads(&jobs, workers), serial, "threads, {workers}");
                assert_eq!(
                    run_rayon(&jobs, workers).unwrap(),
                    serial,
                    "rayon, {workers}"
                );
            }
        }
    }

    #[test]
    fn sums_have_a_known_answer_and_chains_do_not() {
        for job in Workload::SumSquares.jobs(0.01) {
            assert_eq!(job.known_answer(), Some(job.run()));
        }
        assert_eq!(Workload::HashMe.jobs(0.01)[0].known_answer(), None);
        let sums = Workload::SumSquares.jobs(0.01);
        assert_eq!(known_answers(&sums), Some(run_serial(&sums)));
        assert_eq!(known_answers(&Workload::HashMe.jobs(0.01)), None);
    }

    #[test]
    fn a_title_says_what_the_jobs_are() {
        let chains = Workload::HashMe.jobs(1.0);
        assert_eq!(
            Workload::HashMe.describe(&chains),
            "hash_me: 20 SHA-256 chains of 500000 rounds"
        );
        let sums = Workload::SumSquares.jobs(1.0);
        assert_eq!(
            Workload::SumSquares.describe(&sums),
            "sum_squares: 20 sums of i*i for i below n, n = 5000000 … 5000019"
        );
    }
}
