#!/usr/bin/env python3
"""Twenty sums of squares timed serially, on threads and on processes: the Python side of
`cargo run --release -p pools --bin cpu_bound -- --workload sum_squares`.

The numbers are 5_000_000 ... 5_000_019 (common::squares::SQUARES_NUMBERS); at scale 1
the twenty sums must total 833337833344750010830, the answer the Rust program checks too.
One JSON line per variant on stdout, shaped like the Rust rows, with "program": "python".

    python3 scripts/python/sum_squares.py [--workers N] [--scale F]

Expect threads to be no faster than serial (the GIL) and processes to use the cores.
"""

import argparse
import concurrent.futures
import json
import os
import time

NUMBERS = [5_000_000 + x for x in range(20)]
TOTAL = 833_337_833_344_750_010_830


def squares_below(n):
    """0*0 + 1*1 + ... + (n-1)*(n-1), one term at a time."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def serial(numbers, workers):
    return [squares_below(n) for n in numbers]


def on_executor(executor_class):
    def run(numbers, workers):
        with executor_class(max_workers=workers) as executor:
            return list(executor.map(squares_below, numbers))

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.workers < 1 or not 0.001 <= args.scale <= 100:
        parser.error("--workers must be at least 1 and --scale within 0.001..100")
    numbers = [max(1, round(n * args.scale)) for n in NUMBERS]

    variants = [
        ("serial", 1, serial),
        ("threads", args.workers, on_executor(concurrent.futures.ThreadPoolExecutor)),
        ("processes", args.workers, on_executor(concurrent.futures.ProcessPoolExecutor)),
    ]
    # The closed formula n(n-1)(2n-1)/6 checks the serial loop; the others must match it.
    expected = [n * (n - 1) * (2 * n - 1) // 6 for n in numbers]
    if args.scale == 1:
        assert sum(expected) == TOTAL
    baseline = None
    for variant, workers, run in variants:
        started = time.perf_counter()
        sums = run(numbers, workers)
        seconds = time.perf_counter() - started
        if baseline is None:
            baseline = seconds
        row = {
            "program": "python",
            "workload": "sum_squares",
            "variant": variant,
            "workers": workers,
            "seconds": seconds,
            "speedup": baseline / seconds,
            "ok": sums == expected,
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
