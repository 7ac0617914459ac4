//! Sums of squares: the CPU-bound workload of the "speed up your program" lessons.
//!
//! The Python original's `cpu_bound(number)` adds up `i * i` for every `i` below `number`, twenty
//! times, for numbers just above five million. It is the simplest job that keeps a core
//! busy, and it carries two lessons of its own for a compiled language:
//!
//! - the sums do not fit in 64 bits (Python's integers grow silently, Rust's do not), so the
//!   honest loop adds in `u128`, and checks every addition;
//! - a loop this simple can be solved by the compiler: when nothing can stop the loop
//!   early, the optimiser replaces it by a formula and the "work" disappears from the
//!   benchmark. [`sum_of_squares_wrapping_u64`] shows that on purpose.

/// The Python original's twenty numbers, `[5_000_000 + x for x in range(20)]`.
pub const SQUARES_NUMBERS: [u64; 20] = [
    5_000_000, 5_000_001, 5_000_002, 5_000_003, 5_000_004, 5_000_005, 5_000_006, 5_000_007,
    5_000_008, 5_000_009, 5_000_010, 5_000_011, 5_000_012, 5_000_013, 5_000_014, 5_000_015,
    5_000_016, 5_000_017, 5_000_018, 5_000_019,
];

/// The sum of [`sum_of_squares`] over all of [`SQUARES_NUMBERS`]: the answer a comparison
/// checks before it prints its timings. Computed independently, in Python.
pub const SQUARES_NUMBERS_TOTAL: u128 = 833_337_833_344_750_010_830;

/// The largest `n` whose sum of squares `0² + 1² + … + (n−1)²` fits in a `u128`; one more
/// and both [`sum_of_squares`] and [`sum_of_squares_closed_form`] panic.
///
/// (The loop would need over an hour to get there.)
pub const SUM_OF_SQUARES_MAX_N: u64 = 10_069_012_961_345;

/// `0² + 1² + … + (n−1)²`, one term at a time: the Python
/// `sum(i * i for i in range(number))`.
///
/// One sum for `n` = 5,000,000 is about 4.2 · 10¹⁹, already past `u64::MAX`
/// (1.8 · 10¹⁹), so the total is kept in a `u128`, and every addition is checked.
///
/// The check is not only about safety. A release build turns overflow checks off, and a
/// plain `total += i * i` then becomes a loop the optimiser solves by formula, as it does
/// [`sum_of_squares_wrapping_u64`]: the twenty sums would take no time at all. A loop that
/// may stop with a panic at any term has to be run term by term, so this one does the work
/// the Python original times, in every build (about 0.6–1 ns a term on the course machine).
///
/// # Panics
///
/// If the sum overflows a `u128`, that is if `n` > [`SUM_OF_SQUARES_MAX_N`].
///
/// ```
/// use common::squares::sum_of_squares;
/// assert_eq!(sum_of_squares(4), 0 + 1 + 4 + 9);
/// ```
// ANCHOR: honest
pub fn sum_of_squares(n: u64) -> u128 {
    let mut total: u128 = 0;
    for i in 0..n {
        let i = u128::from(i);
        total = total
            .checked_add(i * i)
            .expect("the sum of squares overflows a u128");
    }
    total
}
// ANCHOR_END: honest

/// The same sum, written so the optimiser can delete the loop: a `u64` total with
/// wrapping arithmetic, so the answer is the true sum modulo 2⁶⁴.
///
/// Nothing in this loop can stop it early, so LLVM recognises a sum of a polynomial in the
/// loop counter and replaces the loop by the closed formula: in an optimised build this
/// function does a handful of multiplications whatever `n` is — even when the benchmark
/// hides `n` behind `std::hint::black_box`, because `black_box` hides the *value* of `n`,
/// not the shape of the loop. Timing it measures nothing: a benchmark the compiler
/// deleted. Compare its time with [`sum_of_squares`].
///
/// ```
/// use common::squares::sum_of_squares_wrapping_u64;
/// assert_eq!(sum_of_squares_wrapping_u64(4), 0 + 1 + 4 + 9);
/// ```
// ANCHOR: folded
pub fn sum_of_squares_wrapping_u64(n: u64) -> u64 {
    let mut total: u64 = 0;
    for i in 0..n {
        total = total.wrapping_add(i.wrapping_mul(i));
    }
    total
}
// ANCHOR_END: folded

/// `0² + 1² + … + (n−1)²` by the formula `n(n−1)(2n−1)/6`: the reference the tests check
/// the loops against.
///
/// The product `n(n−1)(2n−1)` is always a multiple of 6, but it can be three times larger
/// than a `u128` holds while the sum still fits. So the 2 and the 3 are divided out of the
/// factors first, and the multiplication then never goes past the result.
///
/// # Panics
///
/// If `n` > [`SUM_OF_SQUARES_MAX_N`], where the sum would overflow a `u128`.
///
/// ```
/// use common::squares::sum_of_squares_closed_form;
/// assert_eq!(sum_of_squares_closed_form(5_000_000), 41_666_654_166_667_500_000);
/// ```
pub fn sum_of_squares_closed_form(n: u64) -> u128 {
    assert!(
        n <= SUM_OF_SQUARES_MAX_N,
        "the sum of squares below {n} overflows a u128"
    );
    if n == 0 {
        return 0;
    }
    let n = u128::from(n);
    let (mut a, mut b, mut c) = (n, n - 1, 2 * n - 1);
    // One of n and n − 1 is even.
    if a.is_multiple_of(2) {
        a /= 2;
    } else {
        b /= 2;
    }
    // One of n, n − 1 and 2n − 1 is a multiple of 3 (halving did not change that).
    if a.is_multiple_of(3) {
        a /= 3;
    } else if b.is_multiple_of(3) {
        b /= 3;
    } else {
        c /= 3;
    }
    a * b * c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_numbers_are_the_python_originals() {
        for (x, &number) in SQUARES_NUMBERS.iter().enumerate() {
            assert_eq!(number, 5_000_000 + x as u64);
        }
    }

    #[test]
    fn small_sums_by_hand() {
        let by_hand = [0, 0, 1, 5, 14, 30, 55, 91];
        for (n, expected) in (0..).zip(by_hand) {
            assert_eq!(sum_of_squares(n), expected, "n = {n}");
            assert_eq!(sum_of_squares_closed_form(n), expected, "n = {n}");
            assert_eq!(sum_of_squares_wrapping_u64(n), expected as u64, "n = {n}");
        }
    }

    #[test]
    fn the_twenty_sums_total_the_known_answer() {
        let total: u128 = SQUARES_NUMBERS.iter().map(|&n| sum_of_squares(n)).sum();
        assert_eq!(total, 833_337_833_344_750_010_830);
        assert_eq!(total, SQUARES_NUMBERS_TOTAL);
    }

    #[test]
    fn each_sum_matches_the_formula_and_exceeds_u64() {
        for n in SQUARES_NUMBERS {
            let sum = sum_of_squares(n);
            assert_eq!(sum, sum_of_squares_closed_form(n), "n = {n}");
            assert!(sum > u128::from(u64::MAX), "n = {n}");
        }
    }

    #[test]
    fn the_wrapping_sum_is_the_true_sum_modulo_2_to_the_64() {
        // Python: (5_000_000 * 4_999_999 * 9_999_999 // 6) % 2**64
        assert_eq!(
            sum_of_squares_wrapping_u64(5_000_000),
            4_773_166_019_248_396_768
        );
        for n in SQUARES_NUMBERS {
            let modulo_2_64 = sum_of_squares_closed_form(n) as u64; // keeps the low 64 bits
            assert_eq!(sum_of_squares_wrapping_u64(n), modulo_2_64, "n = {n}");
        }
    }

    #[test]
    fn the_formula_holds_up_to_the_largest_n() {
        // Python: n = 10_069_012_961_345; n * (n - 1) * (2 * n - 1) // 6
        assert_eq!(
            sum_of_squares_closed_form(SUM_OF_SQUARES_MAX_N),
            340_282_366_920_839_261_491_266_184_731_045_101_920
        );
    }

    #[test]
    #[should_panic(expected = "overflows a u128")]
    fn the_formula_refuses_an_overflowing_n() {
        sum_of_squares_closed_form(SUM_OF_SQUARES_MAX_N + 1);
    }
}
