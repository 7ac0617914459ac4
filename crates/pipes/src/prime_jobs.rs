//! The jobs of `prime_procs` and `prime_procs_speedup`: which numbers are checked, in which
//! order they are queued, and how much work each one is.
//!
//! The sets come from the Python originals: Fluent Python's `procs.py` checks `NUMBERS`
//! (one tiny prime, three large primes, a large composite), the Python course notebook's
//! `ProcessPoolExecutor` example checks `PRIMES`. The third set, five primes of `PRIMES`
//! eight times over, is ours: forty jobs of about the same size, to show what a pool of
//! processes does when no single job dominates.

use std::cmp::Reverse;

use clap::ValueEnum;
use common::primes::{self, NUMBERS, NUMBERS_ARE_PRIME, PRIMES, PRIMES_ARE_PRIME, PrimeCheck};
use common::process;

/// A set of numbers to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NumberSet {
    /// Fluent Python's `procs.py` NUMBERS: a tiny prime, three large primes, a large composite
    ProcsPy,
    /// The Python course notebook's PRIMES (ProcessPoolExecutor): five primes, one composite
    Primes,
    /// 40 jobs of about the same size: the five primes of PRIMES, eight times over
    Balanced,
}

/// How many times the balanced set repeats the primes of `PRIMES`.
const BALANCED_ROUNDS: usize = 8;

impl NumberSet {
    /// The numbers, each with its primality as `common::primes` knows it.
    pub fn numbers(self) -> Vec<(u64, bool)> {
        let known = |numbers: &[u64], prime: &[bool]| -> Vec<(u64, bool)> {
            numbers.iter().copied().zip(prime.iter().copied()).collect()
        };
        match self {
            NumberSet::ProcsPy => known(&NUMBERS, &NUMBERS_ARE_PRIME),
            NumberSet::Primes => known(&PRIMES, &PRIMES_ARE_PRIME),
            NumberSet::Balanced => {
                let mut primes = known(&PRIMES, &PRIMES_ARE_PRIME);
                primes.retain(|&(_, prime)| prime);
                primes.repeat(BALANCED_ROUNDS)
            }
        }
    }

    /// The set's name, as on the command line (`procs-py`) and in the `workload` column.
    pub fn name(self) -> &'static str {
        match self {
            NumberSet::ProcsPy => "procs-py",
            NumberSet::Primes => "primes",
            NumberSet::Balanced => "balanced",
        }
    }
}

/// The order in which the numbers are queued: the order in which the checks *start*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    /// As listed
    Given,
    /// Largest number first: the longest checks start early, the short ones fill in
    LargestFirst,
}

impl Order {
    /// Puts `jobs` in this order; `number` says which number a job checks.
    pub fn arrange<T>(self, mut jobs: Vec<T>, number: fn(&T) -> u64) -> Vec<T> {
        if let Order::LargestFirst = self {
            // A larger number is only a guess at a longer check: a composite with a small
            // factor is quick whatever its size. For these numbers the guess is good.
            jobs.sort_by_key(|job| Reverse(number(job)));
        }
        jobs
    }
}

/// The role in which `prime_procs` and `prime_procs_speedup` are a worker process:
/// `is_prime(n)` for each `n` it is sent, until the parent closes the channel.
pub const WORKER: &str = "prime-worker";

/// The worker role of both prime programs, for [`process::run_child`].
pub fn worker_role() -> process::Role {
    process::role(WORKER, || crate::pool::serve(primes::is_prime))
}

/// How many trial divisions `is_prime(n)` makes: for a prime, every odd divisor from 3 to
/// √n; for a composite, the odd divisors up to its smallest factor (counted by running the
/// check, which is quick for the composites of these sets).
pub fn divisions(n: u64, prime: bool) -> u64 {
    if prime {
        let root = n.isqrt();
        if root < 3 { 0 } else { (root - 3) / 2 + 1 }
    } else {
        let mut check = PrimeCheck::new(n);
        check.advance(u64::MAX);
        check.divisions()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_first_sorts_by_number_and_keeps_repeats() {
        let jobs = Order::LargestFirst.arrange(NumberSet::Primes.numbers(), |&(n, _)| n);
        assert!(jobs.windows(2).all(|pair| pair[0].0 >= pair[1].0));
        assert_eq!(jobs.len(), PRIMES.len());
        assert_eq!(Order::Given.arrange(vec![1, 3, 2], |&n| n), [1, 3, 2]);
    }

    #[test]
    fn the_balanced_set_is_forty_primes() {
        let jobs = NumberSet::Balanced.numbers();
        assert_eq!(jobs.len(), 40);
        assert!(jobs.iter().all(|&(_, prime)| prime));
    }

    #[test]
    fn divisions_count_the_odd_divisors_tried() {
        assert_eq!(divisions(2, true), 0);
        assert_eq!(divisions(97, true), 4); // 3, 5, 7, 9
        // 3333333333333333 = 3 · …: the check stops at the first divisor.
        assert!(divisions(3_333_333_333_333_333, false) <= 1);
    }
}
