#!/usr/bin/env python3
"""Twenty SHA-256 chains timed serially, on threads and on processes: the Python side of
`cargo run --release -p pools --bin cpu_bound -- --workload hash_me`.

Each chain starts from 16 fixed bytes (the chain number, big-endian, as
common::hashes::chain_start does), so every variant must reach the same twenty digests,
and the Rust program the same ones too. One JSON line per variant on stdout, shaped like
the Rust rows, with "program": "python".

    python3 scripts/python/hash_me.py [--workers N] [--scale F]

Expect threads to be no faster than serial (the GIL) and processes to use the cores.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import time

CHAINS = 20
ROUNDS = 500_000


def chain(number, rounds):
    """The last digest of `rounds` SHA-256 applications, starting from chain `number`."""
    data = number.to_bytes(16, "big")
    for _ in range(rounds):
        data = hashlib.sha256(data).digest()
    return data


def serial(rounds, workers):
    return [chain(number, rounds) for number in range(CHAINS)]


def on_executor(executor_class):
    def run(rounds, workers):
        with executor_class(max_workers=workers) as executor:
            return list(executor.map(chain, range(CHAINS), [rounds] * CHAINS))

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.workers < 1 or not 0.001 <= args.scale <= 100:
        parser.error("--workers must be at least 1 and --scale within 0.001..100")
    rounds = max(1, round(ROUNDS * args.scale))

    variants = [
        ("serial", 1, serial),
        ("threads", args.workers, on_executor(concurrent.futures.ThreadPoolExecutor)),
        ("processes", args.workers, on_executor(concurrent.futures.ProcessPoolExecutor)),
    ]
    reference = None
    baseline = None
    for variant, workers, run in variants:
        started = time.perf_counter()
        digests = run(rounds, workers)
        seconds = time.perf_counter() - started
        if reference is None:
            reference, baseline = digests, seconds
        row = {
            "program": "python",
            "workload": "hash_me",
            "variant": variant,
            "workers": workers,
            "seconds": seconds,
            "speedup": baseline / seconds,
            "ok": digests == reference,
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
