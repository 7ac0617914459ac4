//! The course's workloads cut into "bytecodes": between two steps a [`PyThread`] passes a
//! tick, where the GIL may change hands, as CPython's evaluation loop does between
//! bytecodes.
//!
//! Every variant of a comparison (serial, threads under one GIL, threads each with a GIL of
//! its own, processes) calls these same out-of-line kernels, so every variant runs the same
//! machine code and the comparison measures only the sharing. (Measured on the course
//! machine, letting the compiler inline a SHA-256 chain differently per variant moved it by
//! 35 %.)

use common::hashes::{self, DIGEST_LEN};
use common::matrix::{self, Matrix};

use crate::PyThread;

/// The tech talk's `hash_me` from the start of chain `chain`, `rounds` rounds, with a tick
/// before every round: one SHA-256 of 32 bytes is about one "bytecode" of work (in CPython
/// a `hashlib` call on 32 bytes keeps the GIL: it only lets go for data over 2047 bytes).
///
/// Gives exactly [`common::hashes::hash_me`]`(&chain_start(chain), rounds)`.
///
/// ```
/// use common::hashes::{chain_start, hash_me};
/// use gil::{Gil, work};
///
/// let gil = Gil::default();
/// let mut py = gil.attach("main");
/// assert_eq!(work::hash_chain(&mut py, 7, 1000), hash_me(&chain_start(7), 1000));
/// ```
#[inline(never)]
pub fn hash_chain(py: &mut PyThread<'_>, chain: u64, rounds: u64) -> [u8; DIGEST_LEN] {
    py.tick();
    let mut digest = hashes::hash_me(&hashes::chain_start(chain), 1);
    for _ in 1..rounds {
        py.tick();
        digest = hashes::hash_me(&digest, 1);
    }
    digest
}

/// Rows `first_row..` of `a · b` into `c_band` (a whole number of rows, `b.cols()` each),
/// the way pure Python computes them: holding the GIL, with a tick before every row.
///
/// Why a tick per row, and not one per multiply-add, as CPython's bytecodes would come?
/// A tick only has to come often compared with the switch interval, so that a drop
/// request is honoured soon: a row of a 1000 × 1000 product is a million multiply-adds,
/// under half a millisecond on the course machine, against the 5 ms a waiter waits before
/// it asks. And between two ticks this kernel must run the very same loop as
/// [`matmul_rows_native`], so that the two differ only in the GIL: a tick inside the
/// innermost loop would stop the compiler from vectorising it, and the "Python" kernel
/// would be a slower kernel as well as a locked one.
#[inline(never)]
// ANCHOR: matmul_rows
pub fn matmul_rows(
    py: &mut PyThread<'_>,
    a: &Matrix,
    b: &Matrix,
    first_row: usize,
    c_band: &mut [f64],
) {
    for (r, c_row) in c_band.chunks_mut(row_len(b)).enumerate() {
        py.tick();
        matrix::mul_row_into(a, b, first_row + r, c_row);
    }
}
// ANCHOR_END: matmul_rows

/// The same loop as [`matmul_rows`] without the ticks: native code, like a numpy kernel.
/// It needs no [`PyThread`]: it touches no Python object, so it can run inside
/// [`PyThread::allow_threads`], with the GIL released.
#[inline(never)]
pub fn matmul_rows_native(a: &Matrix, b: &Matrix, first_row: usize, c_band: &mut [f64]) {
    // ANCHOR: matmul_native
    for (r, c_row) in c_band.chunks_mut(row_len(b)).enumerate() {
        matrix::mul_row_into(a, b, first_row + r, c_row);
    }
    // ANCHOR_END: matmul_native
}

/// The length of a row of `a · b`: `b.cols()`, or 1 for a product with no columns (whose
/// rows are empty, and `chunks_mut` needs a length of at least 1).
fn row_len(b: &Matrix) -> usize {
    b.cols().max(1)
}
