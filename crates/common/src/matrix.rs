//! Dense matrices and five ways to multiply them: the CPU-bound workload of the GIL and
//! data-parallelism lessons.
//!
//! The Python original cubes matrices twice: once with a pure-Python triple loop (slow, and held
//! back by the GIL), once with NumPy (fast, and it releases the GIL). Here the same
//! contrast is spelled out in five steps, from the textbook loop to an optimised library:
//!
//! | [`Product`]  | function        | idea                                                    |
//! |--------------|-----------------|---------------------------------------------------------|
//! | `naive`      | [`mul_naive`]   | the textbook i-j-k loop, as in the Python original      |
//! | `ikj`        | [`mul_ikj`]     | the same sums, loops reordered to read memory in order  |
//! | `blocked`    | [`mul_blocked`] | tiles small enough to stay in cache                     |
//! | `rayon`      | [`mul_rayon`]   | the blocked product, bands of rows on all cores         |
//! | `gemm`       | [`mul_gemm`]    | `matrixmultiply::dgemm`, our stand-in for NumPy's BLAS  |
//!
//! [`mul_row_into`] computes a single row of the ikj product, for a caller that shares the
//! rows out itself (the `gil` lecture's threads each take a band of rows).
//!
//! Every product takes two matrices and returns a new one, and panics with a message naming
//! both shapes when they cannot be multiplied — a programming error, as in NumPy, which
//! raises on mismatched shapes.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// The tile size of [`Product::Blocked`] and [`Product::Rayon`]: 64 × 64 `f64`s, 32 KiB a
/// tile, small enough to stay in a core's first-level cache while a band of rows uses it.
/// It also cuts a 128-row output into two bands, so [`mul_rayon`] has work for two cores
/// even at that small size.
pub const DEFAULT_BLOCK: usize = 64;

/// A dense matrix of `f64`, stored row after row ("row-major") in one `Vec`: the element in
/// row `i` and column `j` sits at index `i * cols + j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    /// Always exactly `rows * cols` elements.
    data: Vec<f64>,
}

impl Matrix {
    /// A matrix of the given shape, filled from `data`, which lists it row after row.
    ///
    /// # Panics
    ///
    /// If `data` does not hold exactly `rows * cols` elements.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(
            Some(data.len()),
            rows.checked_mul(cols),
            "a {rows}×{cols} matrix needs {rows}·{cols} elements, got {}",
            data.len()
        );
        Matrix { rows, cols, data }
    }

    /// A matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        let len = rows.checked_mul(cols).expect("matrix too large");
        Matrix::from_vec(rows, cols, vec![0.0; len])
    }

    /// The `n`×`n` identity matrix: ones on the diagonal, zeros elsewhere.
    pub fn identity(n: usize) -> Self {
        let mut m = Matrix::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = 1.0;
        }
        m
    }

    /// A matrix of values drawn uniformly from [-1, 1), from a generator seeded with `seed`:
    /// the same seed gives the same matrix on every run and every machine, so comparisons
    /// can check their answers. (The Python original uses `np.random.rand`, unseeded, in [0, 1).)
    pub fn random(rows: usize, cols: usize, seed: u64) -> Self {
        let len = rows.checked_mul(cols).expect("matrix too large");
        let mut rng = StdRng::seed_from_u64(seed);
        let data = (0..len).map(|_| rng.random_range(-1.0..1.0)).collect();
        Matrix::from_vec(rows, cols, data)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The elements, row after row.
    pub fn data(&self) -> &[f64] {
        &self.data
    }

    /// The element in row `row` and column `col`.
    ///
    /// # Panics
    ///
    /// If the position is outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> f64 {
        assert!(
            row < self.rows && col < self.cols,
            "position ({row}, {col}) is outside a {}×{} matrix",
            self.rows,
            self.cols
        );
        self.data[row * self.cols + col]
    }

    /// Row `i`, as a slice.
    fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Do the two matrices have the same shape and, element by element, nearly the same
    /// values?
    ///
    /// Two products computed in different orders round differently, so they are compared
    /// with a tolerance, never with `==`. The tolerance is relative, `|x − y| ≤ tol · max(|x|,
    /// |y|)`, except below 1 in magnitude, where it becomes absolute (`|x − y| ≤ tol`) so that
    /// values near zero are not held to an impossible standard. `NaN` is never close to
    /// anything.
    pub fn approx_eq(&self, other: &Matrix, tol: f64) -> bool {
        self.rows == other.rows
            && self.cols == other.cols
            && self.data.iter().zip(&other.data).all(|(&x, &y)| {
                let scale = x.abs().max(y.abs()).max(1.0);
                (x - y).abs() <= tol * scale
            })
    }
}

/// Panics unless `a · b` is defined: `a` needs as many columns as `b` has rows.
fn assert_can_multiply(a: &Matrix, b: &Matrix) {
    assert_eq!(
        a.cols, b.rows,
        "cannot multiply a {}×{} matrix by a {}×{} matrix: {} columns against {} rows",
        a.rows, a.cols, b.rows, b.cols, a.cols, b.rows
    );
}

/// `a · b` by the textbook triple loop: for each row `i` of `a` and column `j` of `b`, the sum
/// of `a[i][k] · b[k][j]` over `k`. This is the Python original's `matrix_product`.
///
/// The inner loop walks down a column of `b`, jumping a whole row of memory at every step,
/// so most reads miss the cache: the slowest form here.
///
/// # Panics
///
/// If `a.cols() != b.rows()`.
// ANCHOR: naive
pub fn mul_naive(a: &Matrix, b: &Matrix) -> Matrix {
    assert_can_multiply(a, b);
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let mut c = Matrix::zeros(m, n);
    for i in 0..m {
        for j in 0..n {
            let mut sum = 0.0;
            for p in 0..k {
                sum += a.data[i * k + p] * b.data[p * n + j];
            }
            c.data[i * n + j] = sum;
        }
    }
    c
}
// ANCHOR_END: naive

/// `a · b` with the loops reordered i-k-j: the same sums, each built in the same order, but
/// the inner loop now walks along a row of `b` and a row of `c`.
///
/// Memory is read in order, whole cache lines are used, and the compiler can vectorise the
/// inner loop. No extra cleverness, often several times faster than [`mul_naive`].
///
/// # Panics
///
/// If `a.cols() != b.rows()`.
// ANCHOR: ikj
pub fn mul_ikj(a: &Matrix, b: &Matrix) -> Matrix {
    assert_can_multiply(a, b);
    let (m, n) = (a.rows, b.cols);
    let mut c = Matrix::zeros(m, n);
    for i in 0..m {
        let c_row = &mut c.data[i * n..(i + 1) * n];
        for (p, &a_ip) in a.row(i).iter().enumerate() {
            // Row i of c += a[i][p] · row p of b.
            let b_row = &b.data[p * n..(p + 1) * n];
            for (c_ij, &b_pj) in c_row.iter_mut().zip(b_row) {
                *c_ij += a_ip * b_pj;
            }
        }
    }
    c
}
// ANCHOR_END: ikj

/// Row `i` of `a · b`, written into `c_row` (whatever it held is overwritten): the ikj
/// loop of [`mul_ikj`] for a single output row, `row i of c = Σ_p a[i][p] · row p of b`.
///
/// A product cut into rows can be shared out (each thread takes a band of rows and calls
/// this for each of them) and can stop between two rows to do something else: the `gil`
/// crate's "pure Python" kernel passes a bytecode boundary there. Rows are independent, so
/// the rows of a band computed this way are exactly the rows [`mul_ikj`] computes.
///
/// # Panics
///
/// If `a.cols() != b.rows()`, if `i` is not a row of `a`, or if `c_row` is not
/// `b.cols()` long.
pub fn mul_row_into(a: &Matrix, b: &Matrix, i: usize, c_row: &mut [f64]) {
    assert_can_multiply(a, b);
    assert!(
        i < a.rows,
        "row {i} is outside a {}×{} matrix",
        a.rows,
        a.cols
    );
    let n = b.cols;
    assert_eq!(c_row.len(), n, "a row of the product has {n} elements");
    c_row.fill(0.0);
    for (p, &a_ip) in a.row(i).iter().enumerate() {
        // c_row += a[i][p] · row p of b: read in order, vectorised.
        let b_row = &b.data[p * n..(p + 1) * n];
        for (c_ij, &b_pj) in c_row.iter_mut().zip(b_row) {
            *c_ij += a_ip * b_pj;
        }
    }
}

/// `a · b` computed tile by tile ("cache blocking"): the output is cut into bands of
/// `block` rows, and each band is built from `block`×`block` tiles of `a` and `b`.
///
/// [`mul_ikj`] streams all of `b` once per row of the output; for a large `b` that no longer
/// fits in cache, every row reloads it from memory. A tile is small enough to stay in cache
/// while every row of the band uses it.
///
/// # Panics
///
/// If `a.cols() != b.rows()` or `block` is 0.
pub fn mul_blocked(a: &Matrix, b: &Matrix, block: usize) -> Matrix {
    let (mut c, block) = prepare_blocked(a, b, block);
    if c.data.is_empty() {
        return c;
    }
    let band_len = block * c.cols; // elements in `block` full rows of c
    for (band, c_band) in c.data.chunks_mut(band_len).enumerate() {
        mul_band(a, b, band * block, c_band, block);
    }
    c
}

/// [`mul_blocked`] on every core: the bands of output rows are independent (each writes
/// its own rows of `c` and only reads `a` and `b`), so rayon hands them to its threads.
///
/// The only change from the serial form is `chunks_mut` → `par_chunks_mut`: the borrow
/// checker already knows the bands do not overlap, so no lock is needed. Tiles are
/// [`DEFAULT_BLOCK`] wide; a matrix with fewer rows than that is a single band, one task,
/// and gains nothing.
///
/// # Panics
///
/// If `a.cols() != b.rows()`.
// ANCHOR: rayon
pub fn mul_rayon(a: &Matrix, b: &Matrix) -> Matrix {
    let (mut c, block) = prepare_blocked(a, b, DEFAULT_BLOCK);
    if c.data.is_empty() {
        return c;
    }
    let band_len = block * c.cols;
    c.data
        .par_chunks_mut(band_len)
        .enumerate()
        .for_each(|(band, c_band)| mul_band(a, b, band * block, c_band, block));
    c
}
// ANCHOR_END: rayon

/// Checks the shapes and the block size, and returns the zeroed output with a usable block.
fn prepare_blocked(a: &Matrix, b: &Matrix, block: usize) -> (Matrix, usize) {
    assert_can_multiply(a, b);
    assert!(block > 0, "the block size must be at least 1");
    // A block bigger than every dimension is the whole matrix; clamping it keeps the tile
    // arithmetic below within the matrices' own sizes.
    let block = block.min(a.rows.max(a.cols).max(b.cols));
    (Matrix::zeros(a.rows, b.cols), block)
}

/// Adds `a · b` into `c_band`, the rows `first_row..` of the output, tile by tile.
///
/// For each `block`×`block` tile of `b` (rows `p0..p1`, columns `j0..j1`), every row of
/// the band takes its share: the ikj loop of [`mul_ikj`], cut to the tile.
fn mul_band(a: &Matrix, b: &Matrix, first_row: usize, c_band: &mut [f64], block: usize) {
    let (k, n) = (a.cols, b.cols);
    let band_rows = c_band.len() / n;
    for p0 in (0..k).step_by(block) {
        let p1 = (p0 + block).min(k);
        for j0 in (0..n).step_by(block) {
            let j1 = (j0 + block).min(n);
            for r in 0..band_rows {
                let a_row = a.row(first_row + r);
                let c_row = &mut c_band[r * n + j0..r * n + j1];
                for (p, &a_ip) in (p0..p1).zip(&a_row[p0..p1]) {
                    let b_row = &b.data[p * n + j0..p * n + j1];
                    for (c_ij, &b_pj) in c_row.iter_mut().zip(b_row) {
                        *c_ij += a_ip * b_pj;
                    }
                }
            }
        }
    }
}

/// `a · b` by `matrixmultiply::dgemm`, a general matrix multiply (GEMM) written for speed:
/// packed tiles, SIMD kernels picked for this CPU at run time. It is the course's stand-in
/// for NumPy, which hands the same job to a BLAS library. (This GEMM runs on one thread.)
///
/// # Panics
///
/// If `a.cols() != b.rows()`.
pub fn mul_gemm(a: &Matrix, b: &Matrix) -> Matrix {
    assert_can_multiply(a, b);
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let mut c = Matrix::zeros(m, n);
    // dgemm describes each matrix by a pointer and two strides: how far apart, in elements,
    // two neighbours in a column (the row stride) and in a row (the column stride) are.
    // Row-major storage: row stride = number of columns, column stride = 1.
    let stride = |cols: usize| isize::try_from(cols).expect("a matrix dimension exceeds isize");
    // Safety: dgemm reads a (m×k), reads b (k×n) and writes c (m×n) through the pointers and
    // strides given, so all three must describe memory that is valid for those accesses:
    // - a.data holds exactly m·k elements (the Matrix invariant) and element (i, p) is read
    //   at offset i·k + p ≤ (m−1)·k + (k−1) < m·k: in bounds. Likewise b (k·n elements) and
    //   c (m·n elements, freshly allocated).
    // - c is written through a pointer from `&mut c.data`, an exclusive borrow, so it
    //   aliases neither a nor b, which are only read; its strides (n, 1) are non-zero and
    //   give distinct elements distinct addresses, as dgemm requires of its output.
    // - with beta = 0, dgemm overwrites c without reading it (c is zeroed anyway).
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            stride(k),
            1,
            b.data.as_ptr(),
            stride(n),
            1,
            0.0,
            c.data.as_mut_ptr(),
            stride(n),
            1,
        );
    }
    c
}

/// `m · m · m`, each multiplication done by `product`: the Python `compute_cubic`, the
/// job its threads share.
///
/// (The pure-Python version computes `m · m · m`, as here; its NumPy version multiplies
/// by the transpose instead, `np.dot(np.dot(m, m.T), m.T)`, which costs the same.)
///
/// # Panics
///
/// If `m` is not square.
pub fn cube(m: &Matrix, product: Product) -> Matrix {
    assert_eq!(
        m.rows, m.cols,
        "only a square matrix has a cube, not a {}×{} one",
        m.rows, m.cols
    );
    let square = product.apply(m, m);
    product.apply(&square, m)
}

/// Billions of floating-point operations per second for a product of an
/// `n_rows`×`n_inner` matrix by an `n_inner`×`n_cols` matrix that took `seconds`.
///
/// Each output element needs `n_inner` multiplications and `n_inner` additions, so the
/// product is `2 · n_rows · n_inner · n_cols` operations whatever the method.
pub fn gflops(n_rows: usize, n_inner: usize, n_cols: usize, seconds: f64) -> f64 {
    2.0 * n_rows as f64 * n_inner as f64 * n_cols as f64 / seconds / 1e9
}

/// The five ways to multiply, so a comparison can loop over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// [`mul_naive`]: the textbook i-j-k loop.
    Naive,
    /// [`mul_ikj`]: loops reordered to read memory in order.
    Ikj,
    /// [`mul_blocked`] with [`DEFAULT_BLOCK`]: cache-sized tiles.
    Blocked,
    /// [`mul_rayon`]: the blocked product on all cores.
    Rayon,
    /// [`mul_gemm`]: an optimised library GEMM.
    Gemm,
}

impl Product {
    /// All five, slowest first.
    pub const ALL: [Product; 5] = [
        Product::Naive,
        Product::Ikj,
        Product::Blocked,
        Product::Rayon,
        Product::Gemm,
    ];

    /// A short lower-case name, for tables and the `variant` field of JSON rows.
    pub fn name(self) -> &'static str {
        match self {
            Product::Naive => "naive",
            Product::Ikj => "ikj",
            Product::Blocked => "blocked",
            Product::Rayon => "rayon",
            Product::Gemm => "gemm",
        }
    }

    /// Computes `a · b` this way.
    ///
    /// # Panics
    ///
    /// If `a.cols() != b.rows()`.
    pub fn apply(self, a: &Matrix, b: &Matrix) -> Matrix {
        match self {
            Product::Naive => mul_naive(a, b),
            Product::Ikj => mul_ikj(a, b),
            Product::Blocked => mul_blocked(a, b, DEFAULT_BLOCK),
            Product::Rayon => mul_rayon(a, b),
            Product::Gemm => mul_gemm(a, b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tolerance for comparing products of random matrices with entries in [-1, 1):
    /// sums of a few hundred terms round differently by ~1e-14.
    const TOL: f64 = 1e-12;

    #[test]
    fn a_small_product_by_hand() {
        // [1 2 3]   [ 7  8]   [ 58  64]
        // [4 5 6] · [ 9 10] = [139 154]
        //           [11 12]
        let a = Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Matrix::from_vec(3, 2, vec![7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        let expected = Matrix::from_vec(2, 2, vec![58.0, 64.0, 139.0, 154.0]);
        for product in Product::ALL {
            // Small integers are exact in f64: every form must get them exactly.
            assert_eq!(product.apply(&a, &b), expected, "{}", product.name());
        }
    }

    #[test]
    fn all_forms_agree_on_a_non_square_product() {
        let a = Matrix::random(37, 53, 1);
        let b = Matrix::random(53, 29, 2);
        let reference = assert_all_forms_agree(&a, &b);
        assert_eq!((reference.rows(), reference.cols()), (37, 29));
        // Tiles that do not divide the sizes, and tiles larger than the matrices.
        for block in [1, 5, 16, 1_000, usize::MAX] {
            assert!(
                mul_blocked(&a, &b, block).approx_eq(&reference, TOL),
                "block {block}"
            );
        }
    }

    #[test]
    fn all_forms_agree_on_a_square_product() {
        let a = Matrix::random(128, 128, 3);
        let b = Matrix::random(128, 128, 4);
        assert_all_forms_agree(&a, &b);
    }

    /// Every form of the product agrees with the naive one; returns the naive product.
    fn assert_all_forms_agree(a: &Matrix, b: &Matrix) -> Matrix {
        let reference = mul_naive(a, b);
        for product in Product::ALL {
            let c = product.apply(a, b);
            assert!(
                c.approx_eq(&reference, TOL),
                "{} differs from naive",
                product.name()
            );
        }
        reference
    }

    #[test]
    fn row_by_row_gives_the_ikj_product_exactly() {
        let a = Matrix::random(23, 31, 9);
        let b = Matrix::random(31, 17, 10);
        let expected = mul_ikj(&a, &b);
        // Start from garbage: every row must be overwritten, not added to.
        let mut c = Matrix::from_vec(23, 17, vec![f64::NAN; 23 * 17]);
        for (i, c_row) in c.data.chunks_mut(17).enumerate() {
            mul_row_into(&a, &b, i, c_row);
        }
        // The same sums in the same order: equal to the last bit.
        assert_eq!(c, expected);
    }

    #[test]
    #[should_panic(expected = "row 2 is outside a 2×3 matrix")]
    fn mul_row_into_refuses_a_row_past_the_end() {
        mul_row_into(&Matrix::zeros(2, 3), &Matrix::zeros(3, 4), 2, &mut [0.0; 4]);
    }

    #[test]
    fn the_identity_changes_nothing() {
        let m = Matrix::random(45, 45, 5);
        let id = Matrix::identity(45);
        for product in Product::ALL {
            // Multiplying by 1 and adding 0 is exact.
            assert_eq!(product.apply(&m, &id), m, "{} m·I", product.name());
            assert_eq!(product.apply(&id, &m), m, "{} I·m", product.name());
        }
    }

    #[test]
    fn empty_shapes_multiply_to_zeros() {
        let (a, b) = (Matrix::zeros(2, 0), Matrix::zeros(0, 3));
        let (d, e) = (Matrix::zeros(0, 4), Matrix::zeros(4, 2));
        for product in Product::ALL {
            assert_eq!(
                product.apply(&a, &b),
                Matrix::zeros(2, 3),
                "{}",
                product.name()
            );
            assert_eq!(
                product.apply(&d, &e),
                Matrix::zeros(0, 2),
                "{}",
                product.name()
            );
        }
    }

    #[test]
    fn cube_of_a_known_matrix() {
        // [1 1]³   [3 2]
        // [1 0]  = [2 1]  (powers of this matrix hold Fibonacci numbers)
        let m = Matrix::from_vec(2, 2, vec![1.0, 1.0, 1.0, 0.0]);
        let expected = Matrix::from_vec(2, 2, vec![3.0, 2.0, 2.0, 1.0]);
        for product in Product::ALL {
            assert_eq!(cube(&m, product), expected, "{}", product.name());
        }
    }

    #[test]
    fn all_forms_agree_on_a_cube() {
        let m = Matrix::random(70, 70, 6);
        let reference = cube(&m, Product::Naive);
        for product in Product::ALL {
            assert!(
                cube(&m, product).approx_eq(&reference, TOL),
                "{}",
                product.name()
            );
        }
    }

    #[test]
    fn random_is_seeded_and_in_range() {
        let m = Matrix::random(20, 30, 7);
        assert_eq!(m, Matrix::random(20, 30, 7));
        assert_ne!(m, Matrix::random(20, 30, 8));
        assert!(m.data().iter().all(|x| (-1.0..1.0).contains(x)));
        assert!(m.data().iter().any(|&x| x < 0.0) && m.data().iter().any(|&x| x > 0.0));
    }

    #[test]
    fn get_reads_row_major() {
        let m = Matrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(m.get(0, 2), 3.0);
        assert_eq!(m.get(1, 0), 4.0);
        assert_eq!(Matrix::identity(3).get(1, 1), 1.0);
        assert_eq!(Matrix::identity(3).get(1, 2), 0.0);
    }

    #[test]
    #[should_panic(expected = "outside a 2×3 matrix")]
    fn get_refuses_a_column_past_the_end() {
        // Index 0·3 + 3 = 3 is inside the data, but column 3 is not in the matrix.
        Matrix::zeros(2, 3).get(0, 3);
    }

    #[test]
    #[should_panic(expected = "cannot multiply a 2×3 matrix by a 2×3 matrix")]
    fn mismatched_shapes_are_refused() {
        mul_gemm(&Matrix::zeros(2, 3), &Matrix::zeros(2, 3));
    }

    #[test]
    #[should_panic(expected = "only a square matrix has a cube")]
    fn cube_refuses_a_non_square_matrix() {
        cube(&Matrix::zeros(2, 3), Product::Ikj);
    }

    #[test]
    fn approx_eq_is_relative_and_strict_about_shape() {
        let big = Matrix::from_vec(1, 1, vec![1e6]);
        assert!(big.approx_eq(&Matrix::from_vec(1, 1, vec![1e6 + 0.5e-6]), 1e-12));
        assert!(!big.approx_eq(&Matrix::from_vec(1, 1, vec![1e6 + 1.0]), 1e-12));
        let small = Matrix::from_vec(1, 1, vec![1e-20]);
        assert!(small.approx_eq(&Matrix::from_vec(1, 1, vec![0.0]), 1e-12));
        assert!(!Matrix::zeros(2, 3).approx_eq(&Matrix::zeros(3, 2), 1.0));
        assert!(!Matrix::from_vec(1, 1, vec![f64::NAN]).approx_eq(&small, 1.0));
    }

    #[test]
    fn gflops_counts_two_operations_per_term() {
        // 2 · 1000³ = 2e9 operations in one second.
        assert_eq!(gflops(1_000, 1_000, 1_000, 1.0), 2.0);
        assert!((gflops(10, 20, 30, 1e-6) - 12.0).abs() < 1e-12);
    }

    #[test]
    fn products_have_their_report_names() {
        let names: Vec<_> = Product::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["naive", "ikj", "blocked", "rayon", "gemm"]);
    }
}
