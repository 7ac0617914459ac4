//! Primality by trial division: the CPU-bound workload of the spinners, the process pools
//! and the thread pools.
//!
//! Trial division is deliberately naive. Its cost grows with the square root of the number
//! checked, so choosing the number chooses how long a core stays busy — exactly what a
//! course about keeping cores busy needs. Three forms live here:
//!
//! - [`is_prime`]: odd divisors up to the integer square root (the form of the Python
//!   process-pool example);
//! - [`is_prime_6k`]: divisors of the form 6k ± 1 (the form of the Python threading
//!   examples);
//! - [`PrimeCheck`]: the same work as [`is_prime`], cut into slices, so an async task can do
//!   some divisions, give control back to its runtime, and carry on later.

/// The numbers of the Python process-pool example (its `NUMBERS`), in its order: one tiny
/// prime, three large primes, and a large composite that has small factors.
///
/// Their primality is in [`NUMBERS_ARE_PRIME`], at the same index.
pub const NUMBERS: [u64; 5] = [
    2,
    142_702_110_479_723,
    299_593_572_317_531,
    3_333_333_333_333_301,
    3_333_333_333_333_333,
];

/// Whether each of [`NUMBERS`] is prime, index for index.
///
/// Worked out independently of this module (Miller–Rabin and `sympy` in Python):
/// 3333333333333333 = 3 · 11 · 17 · 73 · 101 · 137 · 5882353, so its check ends at the very
/// first divisor, while 3333333333333301 makes trial division run all the way to its square
/// root.
pub const NUMBERS_ARE_PRIME: [bool; 5] = [true, true, true, true, false];

/// The numbers of the Python `ProcessPoolExecutor` example (its `PRIMES`), in its order
/// (the first one appears twice there too).
///
/// Their primality is in [`PRIMES_ARE_PRIME`], at the same index. Despite the name, one of
/// them is composite.
pub const PRIMES: [u64; 6] = [
    112_272_535_095_293,
    112_582_705_942_171,
    112_272_535_095_293,
    115_280_095_190_773,
    115_797_848_077_099,
    1_099_726_899_285_419,
];

/// Whether each of [`PRIMES`] is prime, index for index.
///
/// Worked out independently (Miller–Rabin and `sympy` in Python): the last one,
/// 1099726899285419, is 3306091 · 332636609.
pub const PRIMES_ARE_PRIME: [bool; 6] = [true, true, true, true, true, false];

/// A prime that keeps one core busy for a few seconds under [`is_prime`]: the "slow
/// computation" the spinner programs run while the spinner spins.
///
/// Being prime, it makes trial division try every odd divisor up to its square root,
/// about 7.2 · 10⁸ divisions. Measured in a release build on the course machine (a
/// 2-core Intel Xeon server): **about 2.6 s**. Expect a different figure on other hardware.
/// Primality checked independently with `sympy` in Python.
pub const SPINNER_PRIME: u64 = 2_099_999_999_999_999_971;

/// A prime whose check takes a fraction of a second: for quick comparisons, short demos and
/// tests that must exercise a real, long-running check.
///
/// About 8.7 · 10⁷ divisions under [`is_prime`]; measured in a release build on the course
/// machine (a 2-core Intel Xeon server): **about 0.3 s**. Expect a different figure on other
/// hardware. Primality checked independently with `sympy` in Python.
pub const SPINNER_PRIME_QUICK: u64 = 29_999_999_999_999_989;

/// Is `n` prime? Trial division by 2 and then by every odd number up to `isqrt(n)`.
///
/// This is the form of the Python process-pool example. A prime costs about `isqrt(n) / 2`
/// divisions, a composite stops at its smallest factor.
///
/// ```
/// use common::primes::is_prime;
/// assert!(is_prime(3_333_333_333_333_301));
/// assert!(!is_prime(3_333_333_333_333_333));
/// ```
// ANCHOR: is_prime
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    // A composite n has a factor no larger than its square root, so that is as far as the
    // search has to go. `isqrt` works on integers: no rounding, no overflow.
    let root = n.isqrt();
    (3..=root)
        .step_by(2)
        .all(|divisor| !n.is_multiple_of(divisor))
}
// ANCHOR_END: is_prime

/// Is `n` prime? Trial division by 2, by 3, and then by the numbers 6k − 1 and 6k + 1.
///
/// This is the form of the Python threading examples. Every prime above 3 is one more or one less
/// than a multiple of 6, so after 2 and 3 only those candidates need testing: a third of
/// the numbers, instead of [`is_prime`]'s half.
///
/// ```
/// use common::primes::is_prime_6k;
/// assert!(is_prime_6k(112_582_705_942_171));
/// assert!(!is_prime_6k(1_099_726_899_285_419));
/// ```
// ANCHOR: is_prime_6k
pub fn is_prime_6k(n: u64) -> bool {
    if n <= 1 {
        return false;
    }
    if n <= 3 {
        return true;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    // The Python loop runs while `i * i <= n`. For n close to `u64::MAX` that product
    // overflows, so the same bound is written as `i <= isqrt(n)`, which cannot.
    let root = n.isqrt();
    let mut i = 5;
    while i <= root {
        if n.is_multiple_of(i) || n.is_multiple_of(i + 2) {
            return false;
        }
        i += 6;
    }
    true
}
// ANCHOR_END: is_prime_6k

/// Sum of the primes `p` with `2 <= p <= n`, each tested with [`is_prime_6k`].
///
/// This is the worker job of the Python threading example (its `find_rand`): its three jobs,
/// `n = 400_000, 500_000, 600_000`, sum to 6458901531, 9914236195 and 14071826345.
///
/// # Panics
///
/// If the sum does not fit in a `u64`, which first happens for `n` in the tens of billions —
/// days of trial division. The check is explicit, so it holds in release builds too.
///
/// ```
/// use common::primes::sum_primes_upto;
/// assert_eq!(sum_primes_upto(10), 2 + 3 + 5 + 7);
/// ```
pub fn sum_primes_upto(n: u64) -> u64 {
    (2..=n)
        .filter(|&candidate| is_prime_6k(candidate))
        .try_fold(0_u64, u64::checked_add)
        .expect("the sum of the primes up to n does not fit in a u64")
}

/// A primality check done a slice at a time: the trial division of [`is_prime`], able to
/// stop after a given number of divisions and resume later where it stopped.
///
/// A long computation inside an async task never gives its thread back to the runtime, so
/// every other task on that thread (a spinner, say) freezes. Cutting the work into slices
/// fixes that: the task does a slice, yields, and comes back for the next one:
///
/// ```
/// use common::primes::PrimeCheck;
///
/// let mut check = PrimeCheck::new(142_702_110_479_723);
/// let prime = loop {
///     if let Some(prime) = check.advance(100_000) {
///         break prime;
///     }
///     // An async task would `yield_now().await` here, letting the spinner run.
/// };
/// assert!(prime);
/// assert_eq!(check.divisions(), 5_972_898); // every odd divisor from 3 to isqrt(n)
/// ```
///
/// Each slice runs the same tight loop as [`is_prime`], so slicing costs nothing per
/// division; what it costs is the yield between slices, and the slice size sets how often
/// that is paid.
#[derive(Debug, Clone)]
pub struct PrimeCheck {
    /// The number under test.
    n: u64,
    /// The next odd divisor to try.
    next_divisor: u64,
    /// The largest divisor worth trying, `isqrt(n)`.
    root: u64,
    /// How many trial divisions have been done so far.
    divisions: u64,
    /// The answer, once known.
    verdict: Option<bool>,
}

impl PrimeCheck {
    /// Starts checking `n`. Nothing is divided yet; numbers below 3 and even numbers are
    /// decided here, with no division at all.
    pub fn new(n: u64) -> Self {
        let verdict = if n < 2 {
            Some(false)
        } else if n == 2 {
            Some(true)
        } else if n.is_multiple_of(2) {
            Some(false)
        } else {
            None
        };
        PrimeCheck {
            n,
            next_divisor: 3,
            root: n.isqrt(),
            divisions: 0,
            verdict,
        }
    }

    /// The number under test.
    pub fn number(&self) -> u64 {
        self.n
    }

    // ANCHOR: advance
    /// Does at most `max_divisions` more trial divisions, then reports: `Some(answer)` once
    /// the answer is known (and on every later call), `None` while it is not.
    ///
    /// `advance(0)` does no work; `advance(u64::MAX)` finishes the check in one go.
    pub fn advance(&mut self, max_divisions: u64) -> Option<bool> {
        if self.verdict.is_some() {
            return self.verdict;
        }
        // This slice stops at whichever comes first: its budget, or the last divisor.
        let slice = max_divisions.min(self.divisors_left());
        for _ in 0..slice {
            self.divisions += 1;
            if self.n.is_multiple_of(self.next_divisor) {
                self.verdict = Some(false);
                return self.verdict;
            }
            self.next_divisor += 2;
        }
        if self.divisors_left() == 0 {
            // Every divisor up to the square root has been tried and none divides n.
            self.verdict = Some(true);
        }
        self.verdict
    }

    // ANCHOR_END: advance

    /// How many trial divisions this check has done so far.
    pub fn divisions(&self) -> u64 {
        self.divisions
    }

    /// How many odd divisors are still to try, from `next_divisor` to `root` inclusive.
    fn divisors_left(&self) -> u64 {
        if self.next_divisor > self.root {
            0
        } else {
            (self.root - self.next_divisor) / 2 + 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The primes below 100, by hand.
    const SMALL_PRIMES: [u64; 25] = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97,
    ];

    #[test]
    fn both_forms_find_exactly_the_primes_below_100() {
        for n in 0..100 {
            let expected = SMALL_PRIMES.contains(&n);
            assert_eq!(is_prime(n), expected, "is_prime({n})");
            assert_eq!(is_prime_6k(n), expected, "is_prime_6k({n})");
        }
    }

    #[test]
    fn both_forms_know_the_process_pool_numbers() {
        for (n, expected) in NUMBERS.into_iter().zip(NUMBERS_ARE_PRIME) {
            assert_eq!(is_prime(n), expected, "is_prime({n})");
            assert_eq!(is_prime_6k(n), expected, "is_prime_6k({n})");
        }
    }

    #[test]
    fn both_forms_know_the_executor_numbers() {
        for (n, expected) in PRIMES.into_iter().zip(PRIMES_ARE_PRIME) {
            assert_eq!(is_prime(n), expected, "is_prime({n})");
            assert_eq!(is_prime_6k(n), expected, "is_prime_6k({n})");
        }
    }

    #[test]
    fn squares_of_primes_are_composite() {
        // A square of a prime has no factor below its square root, so these catch an
        // off-by-one in the `<= root` bound.
        for p in [3_u64, 5, 7, 11, 13, 7_919, 1_000_003] {
            assert!(!is_prime(p * p), "is_prime({})", p * p);
            assert!(!is_prime_6k(p * p), "is_prime_6k({})", p * p);
        }
    }

    #[test]
    fn both_forms_work_at_the_top_of_u64() {
        // u64::MAX = 3 · 5 · 17 · 257 · 641 · 65537 · 6700417, and u64::MAX - 1 is even: quick
        // answers, computed where the Python `i * i` bound would be at risk of overflow.
        for n in [u64::MAX, u64::MAX - 1, u64::MAX - 4] {
            assert!(!is_prime(n), "is_prime({n})");
            assert!(!is_prime_6k(n), "is_prime_6k({n})");
            assert_eq!(
                PrimeCheck::new(n).advance(u64::MAX),
                Some(false),
                "PrimeCheck({n})"
            );
        }
    }

    #[test]
    fn the_spinner_primes_are_prime() {
        assert!(is_prime(SPINNER_PRIME_QUICK));
        assert!(is_prime_6k(SPINNER_PRIME_QUICK));
        // SPINNER_PRIME takes seconds; one form is enough to catch a typo in the constant.
        assert!(is_prime_6k(SPINNER_PRIME));
    }

    #[test]
    fn sum_primes_upto_matches_the_python_threading_example() {
        assert_eq!(sum_primes_upto(400_000), 6_458_901_531);
        assert_eq!(sum_primes_upto(500_000), 9_914_236_195);
        assert_eq!(sum_primes_upto(600_000), 14_071_826_345);
    }

    #[test]
    fn sum_primes_upto_includes_n_itself() {
        assert_eq!(sum_primes_upto(0), 0);
        assert_eq!(sum_primes_upto(1), 0);
        assert_eq!(sum_primes_upto(2), 2);
        assert_eq!(sum_primes_upto(7), 2 + 3 + 5 + 7);
        assert_eq!(sum_primes_upto(100), SMALL_PRIMES.iter().sum::<u64>());
    }

    /// Runs a check to the end in slices of `slice` divisions; returns the answer and how
    /// many slices it took.
    fn check_in_slices(n: u64, slice: u64) -> (bool, u64) {
        let mut check = PrimeCheck::new(n);
        let mut slices = 1;
        loop {
            if let Some(prime) = check.advance(slice) {
                return (prime, slices);
            }
            slices += 1;
        }
    }

    #[test]
    fn prime_check_agrees_with_is_prime_for_any_slice_size() {
        let numbers = (0..2_000)
            .chain(NUMBERS)
            .chain(PRIMES)
            .chain([7_919 * 7_919, 1_000_003 * 1_000_033]);
        for n in numbers {
            for slice in [1, 7, 1_000, u64::MAX] {
                assert_eq!(
                    check_in_slices(n, slice).0,
                    is_prime(n),
                    "n = {n}, slice {slice}"
                );
            }
        }
    }

    #[test]
    fn prime_check_counts_its_divisions_and_slices() {
        // 1009 is prime, isqrt(1009) = 31: the odd divisors 3, 5, ..., 31 are 15 divisions.
        let mut check = PrimeCheck::new(1_009);
        assert_eq!(check.advance(0), None);
        assert_eq!(check.advance(10), None);
        assert_eq!(check.divisions(), 10);
        assert_eq!(check.advance(10), Some(true));
        assert_eq!(check.divisions(), 15);
        assert_eq!(check_in_slices(1_009, 7), (true, 3));

        // 1007 = 19 · 53: found by the 9th division (3, 5, ..., 19).
        let mut check = PrimeCheck::new(1_007);
        assert_eq!(check.advance(u64::MAX), Some(false));
        assert_eq!(check.divisions(), 9);

        // Even numbers and numbers below 3 need no division at all.
        for n in [0, 1, 2, 1_000] {
            let mut check = PrimeCheck::new(n);
            assert_eq!(check.advance(0), Some(n == 2), "n = {n}");
            assert_eq!(check.divisions(), 0);
        }
    }

    #[test]
    fn prime_check_keeps_its_answer() {
        let mut check = PrimeCheck::new(97);
        assert_eq!(check.advance(u64::MAX), Some(true));
        let divisions = check.divisions();
        assert_eq!(check.advance(1), Some(true));
        assert_eq!(
            check.divisions(),
            divisions,
            "a decided check does no more work"
        );
        assert_eq!(check.number(), 97);
    }
}
