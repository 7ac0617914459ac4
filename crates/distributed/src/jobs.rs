//! The course's jobs as a distributed engine carries them: plain data that serde puts on
//! the wire, run by whichever worker takes them, and checked against the same work done
//! here.
//!
//! A job names its work (a hash chain, a prime check) and its place in the run, and
//! nothing else: no closure, no pointer, nothing that only makes sense in the process
//! that made it. Python's Celery has the same rule (a task's arguments must serialise);
//! so had `multiprocessing` (they must pickle).
//!
//! Each job is **idempotent**: running it twice gives the same answer and changes nothing
//! else. That is what lets an at-least-once engine run a job again after a crash without
//! anybody noticing in the results.

use std::fmt;

use common::hashes::{chain_start, hash_me, to_hex};
use common::primes::{NUMBERS, PRIMES, is_prime};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What a worker computes: everything it needs travels in the job. A hash chain is
/// the last digest of a SHA-256 chain of `rounds` from chain `chain`'s start; a prime
/// check says whether `n` is prime, by trial division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// ANCHOR: job
pub enum Work {
    HashChain { chain: u64, rounds: u64 },
    IsPrime { n: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub index: u64, // its number in the run
    pub work: Work,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    Digest(String),
    Prime(bool),
}
// ANCHOR_END: job

impl Work {
    /// Does the work: a pure function of the job, so running it twice is harmless.
    pub fn run(self) -> Answer {
        // ANCHOR: run
        match self {
            Work::HashChain { chain, rounds } => {
                let start = chain_start(chain);
                Answer::Digest(to_hex(&hash_me(&start, rounds)))
            }
            Work::IsPrime { n } => Answer::Prime(is_prime(n)),
        }
        // ANCHOR_END: run
    }
}

/// The kinds of run a program can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Hash chains of `--rounds` rounds each: CPU-bound, the same length every job.
    Hashes,
    /// The prime checks of the Python lectures (`procs.py`'s NUMBERS, the PRIMES pool).
    Primes,
}

/// `count` jobs of `kind`: chains 0, 1, 2, … of `rounds` rounds, or the Python lectures'
/// numbers in turn.
pub fn jobs(kind: Kind, count: u64, rounds: u64) -> Vec<Job> {
    let numbers: Vec<u64> = PRIMES.iter().chain(NUMBERS.iter()).copied().collect();
    (0..count)
        .map(|index| Job {
            index,
            work: match kind {
                Kind::Hashes => Work::HashChain {
                    chain: index,
                    rounds,
                },
                Kind::Primes => Work::IsPrime {
                    n: numbers[index as usize % numbers.len()],
                },
            },
        })
        .collect()
}

/// "40 hash chains of 500000 rounds", "12 prime checks": a run's jobs in words.
pub fn describe(jobs: &[Job]) -> String {
    match jobs.first().map(|job| job.work) {
        Some(Work::HashChain { rounds, .. }) => {
            format!("{} hash chains of {rounds} rounds", jobs.len())
        }
        Some(Work::IsPrime { .. }) => format!("{} prime checks", jobs.len()),
        None => "no jobs".to_string(),
    }
}

/// The same jobs on this machine's rayon pool, one answer per job in order: the local
/// pool the broker is measured against, and the answers a run through the broker must
/// match.
pub fn run_locally(jobs: &[Job]) -> Vec<Answer> {
    jobs.par_iter().map(|job| job.work.run()).collect()
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Work::HashChain { chain, rounds } => {
                write!(f, "hash chain {chain} ({rounds} rounds)")
            }
            Work::IsPrime { n } => write!(f, "is {n} prime?"),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The first 12 hex digits say enough to tell two digests apart on screen.
            Answer::Digest(hex) => write!(f, "{}…", &hex[..hex.len().min(12)]),
            Answer::Prime(true) => write!(f, "prime"),
            Answer::Prime(false) => write!(f, "not prime"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::primes::{NUMBERS_ARE_PRIME, PRIMES_ARE_PRIME};

    #[test]
    fn a_job_survives_the_wire_unchanged() {
        for job in jobs(Kind::Hashes, 3, 10)
            .into_iter()
            .chain(jobs(Kind::Primes, 3, 0))
        {
            let wire = serde_json::to_string(&job).unwrap();
            assert_eq!(serde_json::from_str::<Job>(&wire).unwrap(), job);
        }
    }

    #[test]
    fn prime_jobs_give_the_python_lectures_known_answers() {
        let known: Vec<bool> = PRIMES_ARE_PRIME
            .iter()
            .chain(NUMBERS_ARE_PRIME.iter())
            .copied()
            .collect();
        let answers = run_locally(&jobs(Kind::Primes, known.len() as u64, 0));
        let expected: Vec<Answer> = known.into_iter().map(Answer::Prime).collect();
        assert_eq!(answers, expected);
    }

    #[test]
    fn a_hash_job_is_common_s_hash_me_and_the_same_every_time() {
        let job = jobs(Kind::Hashes, 2, 5)[1];
        let expected = to_hex(&hash_me(&chain_start(1), 5));
        assert_eq!(job.work.run(), Answer::Digest(expected));
        assert_eq!(job.work.run(), job.work.run());
    }
}
