//! A matrix product under the GIL, four ways: the library behind `gil_release`.
//!
//! The Python course notebook multiplies matrices twice on threads: with a pure-Python loop, which holds the
//! GIL and gains nothing from a second thread, and with numpy, whose kernel releases the
//! GIL and so runs on both cores at once. Here both kernels are the same Rust loop
//! (see [`work::matmul_rows`] and [`work::matmul_rows_native`]); what differs is only
//! whether the thread keeps the GIL while it runs:
//!
//! - [`serial_holding`] and [`threads_holding`]: the ticking kernel, GIL held ("Python");
//! - [`serial_native`] and [`threads_native`]: the plain kernel inside
//!   [`PyThread::allow_threads`] ("numpy").
//!
//! The threads each compute a band of rows of the product: the bands do not overlap, so
//! every thread writes its own part of the output, and only reads the two factors.
//!
//! [`PyThread::allow_threads`]: crate::PyThread::allow_threads

use std::thread;
use std::time::Duration;

use common::matrix::Matrix;

use crate::counters::GilCounters;
use crate::{Gil, PyThread, work};

/// A product and what its GIL went through.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// `a · b`.
    pub c: Matrix,
    /// Threads that computed it (one per band of rows).
    pub threads: usize,
    /// What its GIL went through.
    pub gil: GilCounters,
}

/// One thread computes every row with the ticking kernel, holding the GIL: pure Python.
pub fn serial_holding(a: &Matrix, b: &Matrix, switch_interval: Duration) -> Product {
    let gil = Gil::new(switch_interval);
    let mut c = output_for(a, b);
    {
        let mut py = gil.attach("MainThread");
        work::matmul_rows(&mut py, a, b, 0, &mut c);
    }
    product(a, b, c, 1, &gil)
}

/// One thread computes every row with the plain kernel, the GIL released around it: one
/// numpy call.
pub fn serial_native(a: &Matrix, b: &Matrix, switch_interval: Duration) -> Product {
    let gil = Gil::new(switch_interval);
    let mut c = output_for(a, b);
    {
        let mut py = gil.attach("MainThread");
        py.allow_threads(|| work::matmul_rows_native(a, b, 0, &mut c));
    }
    product(a, b, c, 1, &gil)
}

/// Up to `threads` threads sharing one GIL, each computing its band of rows with the
/// ticking kernel while holding the GIL: they take turns, so two are no faster than one.
pub fn threads_holding(a: &Matrix, b: &Matrix, threads: usize, gil: Gil) -> Product {
    on_bands(a, b, threads, gil, |py, row, band| {
        work::matmul_rows(py, a, b, row, band)
    })
}

/// The same threads and the same GIL, but each computes its band with the plain kernel
/// inside `allow_threads`, as numpy does: the GIL is free while they compute, so they
/// compute at the same time.
///
/// The closure given to `allow_threads` borrows `a`, `b` and this thread's own band,
/// nothing that the GIL guards: in Rust the borrow checker, not a code review, makes sure
/// of that.
pub fn threads_native(a: &Matrix, b: &Matrix, threads: usize, gil: Gil) -> Product {
    // ANCHOR: threads_native
    on_bands(a, b, threads, gil, |py, row, band| {
        py.allow_threads(|| work::matmul_rows_native(a, b, row, band))
    })
    // ANCHOR_END: threads_native
}

/// One thread per band of rows of `a · b`, each attached to `gil` and running
/// `compute(py, first_row, band)` for its band; the product once all have ended.
fn on_bands(
    a: &Matrix,
    b: &Matrix,
    threads: usize,
    gil: Gil,
    compute: impl Fn(&mut PyThread<'_>, usize, &mut [f64]) + Sync,
) -> Product {
    let mut c = output_for(a, b);
    let bands = thread::scope(|s| {
        let (gil, compute) = (&gil, &compute);
        let mut bands = 0;
        for (band, (first_row, c_band)) in bands_of(a, b, &mut c, threads).enumerate() {
            s.spawn(move || {
                let mut py = gil.attach(format!("Thread-{}", band + 1));
                compute(&mut py, first_row, c_band);
            });
            bands += 1;
        }
        bands
    });
    product(a, b, c, bands, &gil)
}

/// Zeros for `a · b`, row after row.
///
/// # Panics
///
/// If `a · b` is not defined.
fn output_for(a: &Matrix, b: &Matrix) -> Vec<f64> {
    assert_eq!(
        a.cols(),
        b.rows(),
        "cannot multiply a {}×{} matrix by a {}×{} one",
        a.rows(),
        a.cols(),
        b.rows(),
        b.cols()
    );
    vec![0.0; a.rows() * b.cols()]
}

/// The output `c` cut into at most `threads` bands of whole rows, as equal as can be,
/// each with the index of its first row: 1000 rows on 2 threads are rows 0..500 and
/// 500..1000. `chunks_mut` hands out non-overlapping `&mut` slices, so each thread can
/// write its band while the others write theirs.
fn bands_of<'c>(
    a: &Matrix,
    b: &Matrix,
    c: &'c mut [f64],
    threads: usize,
) -> impl Iterator<Item = (usize, &'c mut [f64])> {
    let rows_per_band = rows_per_band(a.rows(), threads);
    let row_len = b.cols().max(1);
    c.chunks_mut(rows_per_band * row_len)
        .enumerate()
        .map(move |(band, c_band)| (band * rows_per_band, c_band))
}

/// How many threads compute a product of `rows` rows on at most `threads` threads: one per
/// band of [`bands_of`], e.g. 10 on 16 threads for 20 rows (bands of 2 rows).
pub fn band_count(rows: usize, threads: usize) -> usize {
    rows.div_ceil(rows_per_band(rows, threads))
}

/// Rows in each band but the last: as equal as can be, at least one.
fn rows_per_band(rows: usize, threads: usize) -> usize {
    rows.div_ceil(threads.max(1)).max(1)
}

/// Wraps up a run: the output as a matrix, and the counters of `gil`, whose threads have
/// all ended.
fn product(a: &Matrix, b: &Matrix, c: Vec<f64>, threads: usize, gil: &Gil) -> Product {
    Product {
        c: Matrix::from_vec(a.rows(), b.cols(), c),
        threads,
        gil: GilCounters::of(&gil.stats()),
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use common::matrix::mul_ikj;

    use super::*;

    const INTERVAL: Duration = Duration::from_micros(100);

    #[test]
    fn every_way_gives_the_ikj_product_exactly() {
        let a = Matrix::random(37, 29, 1);
        let b = Matrix::random(29, 41, 2);
        let expected = mul_ikj(&a, &b);
        // Each row is summed in the same order as by `mul_ikj`: equal to the last bit.
        assert_eq!(serial_holding(&a, &b, INTERVAL).c, expected);
        assert_eq!(serial_native(&a, &b, INTERVAL).c, expected);
        for threads in [1, 2, 3, 36, 37, 100] {
            let holding = threads_holding(&a, &b, threads, Gil::new(INTERVAL));
            assert_eq!(holding.c, expected, "holding, {threads} threads");
            let native = threads_native(&a, &b, threads, Gil::new(INTERVAL));
            assert_eq!(native.c, expected, "native, {threads} threads");
            assert_eq!(holding.threads, native.threads);
            assert_eq!(native.threads, band_count(37, threads));
            assert!(native.threads <= threads && native.threads <= 37);
        }
    }

    #[test]
    fn bands_cover_every_row_once() {
        let (a, b) = (Matrix::zeros(10, 4), Matrix::zeros(4, 3));
        let mut c = vec![0.0; 30];
        let bands: Vec<(usize, usize)> = bands_of(&a, &b, &mut c, 3)
            .map(|(first_row, band)| (first_row, band.len() / 3))
            .collect();
        // 10 rows on 3 threads: bands of 4, 4 and 2 rows.
        assert_eq!(bands, [(0, 4), (4, 4), (8, 2)]);
        assert_eq!(band_count(10, 3), 3);
        assert_eq!(
            (band_count(20, 16), band_count(16, 16), band_count(5, 1)),
            (10, 16, 1)
        );
    }

    #[test]
    fn allow_threads_releases_once_per_thread_and_is_never_forced() {
        let (a, b) = (Matrix::random(64, 64, 3), Matrix::random(64, 64, 4));
        let native = threads_native(&a, &b, 2, Gil::new(INTERVAL));
        assert_eq!(native.threads, 2);
        assert_eq!(native.gil.releases, 2);
        // The plain kernel never ticks, so no drop request can be honoured inside it.
        assert_eq!(native.gil.forced_drops, 0);
        let holding = threads_holding(&a, &b, 2, Gil::new(INTERVAL));
        assert_eq!(holding.gil.releases, 0);
    }
}
