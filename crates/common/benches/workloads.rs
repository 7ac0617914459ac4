//! The course's workloads, one core at a time: how long one unit of each job takes before
//! any thread, process or task is involved — the baseline every speedup is measured against.
//!
//! Run it (about two minutes, optimised build):
//!
//!     cargo bench -p common
//!     cargo bench -p common -- matrix     # only the benchmarks whose name contains "matrix"
//!
//! What to look for:
//! - `primes/is_prime` against `primes/prime_check_slices_1000`: the sliced check the
//!   async spinner uses costs no more per division than the plain loop;
//! - `matrix/*`: criterion's `elem/s` here counts floating-point operations, so
//!   `Gelem/s` reads as GFLOPS; watch the gap from `naive` to `gemm`;
//! - `squares/*`: `elem/s` counts terms. The honest `u128` loop does one to two billion a
//!   second; the wrapping `u64` loop claims hundreds of thousands of times more, because the
//!   compiler replaced the loop by a formula — that benchmark measures nothing.

use common::hashes::{chain_start, hash_me};
use common::matrix::{Matrix, Product};
use common::primes::{NUMBERS, PrimeCheck, is_prime, is_prime_6k, sum_primes_upto};
use common::squares::{sum_of_squares, sum_of_squares_wrapping_u64};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use std::hint::black_box;
use std::time::Duration;

fn primes(c: &mut Criterion) {
    // 3333333333333301 is prime: every check runs all the way to its square root, ~0.1 s.
    // Slow items get few samples, each of one run ("flat" sampling), to keep the total short.
    let n = NUMBERS[3];
    let mut group = c.benchmark_group("primes");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.bench_function("is_prime", |b| b.iter(|| is_prime(black_box(n))));
    group.bench_function("is_prime_6k", |b| b.iter(|| is_prime_6k(black_box(n))));
    group.bench_function("prime_check_slices_1000", |b| {
        b.iter(|| {
            let mut check = PrimeCheck::new(black_box(n));
            loop {
                if let Some(prime) = check.advance(black_box(1_000)) {
                    break prime;
                }
            }
        })
    });
    group.bench_function("sum_primes_upto_100000", |b| {
        b.iter(|| sum_primes_upto(black_box(100_000)))
    });
    group.finish();
}

fn hashes(c: &mut Criterion) {
    let start = chain_start(0);
    let mut group = c.benchmark_group("hashes");
    group.sample_size(20);
    group.throughput(Throughput::Elements(100_000)); // hashes per second
    group.bench_function("hash_me_100000", |b| {
        b.iter(|| hash_me(black_box(&start), black_box(100_000)))
    });
    group.finish();
}

fn matrices(c: &mut Criterion) {
    let mut group = c.benchmark_group("matrix");
    group.sample_size(10);
    // n = 128: all five forms. n = 512: all but the naive loop, which would take seconds.
    for (n, products) in [(128, &Product::ALL[..]), (512, &Product::ALL[1..])] {
        let a = Matrix::random(n, n, 1);
        let b = Matrix::random(n, n, 2);
        // 2·n³ floating-point operations per product, so criterion's elem/s is FLOPS.
        group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
        for &product in products {
            group.bench_with_input(
                BenchmarkId::new(product.name(), n),
                &(&a, &b),
                |bench, (a, b)| bench.iter(|| product.apply(a, b)),
            );
        }
    }
    group.finish();
}

fn squares(c: &mut Criterion) {
    let n = 5_000_000;
    let mut group = c.benchmark_group("squares");
    group.sample_size(20);
    group.throughput(Throughput::Elements(n)); // terms per second
    group.bench_function("honest_u128", |b| b.iter(|| sum_of_squares(black_box(n))));
    group.bench_function("wrapping_u64", |b| {
        b.iter(|| sum_of_squares_wrapping_u64(black_box(n)))
    });
    group.finish();
}

criterion_group! {
    name = workloads;
    // Short warm-up and measurement: these are baselines for the lessons, not a
    // performance study, and the whole run should stay around two minutes on 2 cores.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = primes, hashes, matrices, squares
}
criterion_main!(workloads);
