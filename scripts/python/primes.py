#!/usr/bin/env python3
"""The prime checks of the Python lectures timed serially, on threads and on processes: the
Python side of `cargo run --release -p pools --bin prime_pool` (workload primes) and of
`cargo run --release -p pipes --bin prime_procs_speedup` (workloads procs-py, balanced).

The workloads, with the numbers and answers of common::primes:

- primes: the PRIMES of the concurrent.futures ProcessPoolExecutor example, checked by
  is_prime (odd divisors up to isqrt(n)); five are prime, the last is 3306091 * 332636609.
  Variants serial, threads, processes, as prime_pool's rows: the processes row times the
  whole `with ProcessPoolExecutor()` block, starting and stopping the pool included.
- procs-py: the NUMBERS of Fluent Python's procs.py (a tiny prime, three large primes, a
  composite with small factors), the same is_prime. Variants serial, threads, and, as in
  prime_procs_speedup, "1 process", "N processes", "N processes, largest first": a
  ProcessPoolExecutor started and warmed up first, only the checking timed. Those rows
  carry prime_procs_speedup's bounds, counted in trial divisions: bound, the best speedup
  the jobs allow on that many processes in any order, total / max(largest, total / N);
  order_bound, what handing them out in this order allows.
- balanced (only when asked for with --sets): the five primes of PRIMES eight times over,
  forty jobs of one size: "1 process" and "N processes", as prime_procs_speedup.
- sum_primes: the threading notebook's find_rand jobs, the sum of the primes up to
  400000, 500000 and 600000 by the 6k +- 1 form of trial division; they must be
  6458901531, 9914236195 and 14071826345. Serial, threads, processes. The Rust side
  (`cargo run -p queues --bin sum_primes`) prints these sums but no timing rows.

Variants take turns for --runs rounds and each one's fastest run counts, as in the Rust
comparisons; every run's answers are checked against the known ones. Speedups are against
the workload's "serial" row, else its first. One JSON line per variant on stdout, shaped
like the Rust rows, with "program": "python"; exit status 1 if an answer was wrong.

    python3 scripts/python/primes.py [--workers N] [--runs N]
        [--sets procs-py,primes,sum_primes,balanced]

Expect threads to be no faster than serial (the GIL), processes to use the cores, and
procs-py's processes to stop short of N times: one number is two thirds of the work.
"""

import argparse
import concurrent.futures
import json
import math
import os
import sys
import time

NUMBERS = [
    2,
    142_702_110_479_723,
    299_593_572_317_531,
    3_333_333_333_333_301,
    3_333_333_333_333_333,
]
NUMBERS_ARE_PRIME = [True, True, True, True, False]

PRIMES = [
    112_272_535_095_293,
    112_582_705_942_171,
    112_272_535_095_293,
    115_280_095_190_773,
    115_797_848_077_099,
    1_099_726_899_285_419,
]
PRIMES_ARE_PRIME = [True, True, True, True, True, False]

# The five primes of PRIMES, eight times over (pipes::prime_jobs::NumberSet::Balanced).
BALANCED = [n for n, prime in zip(PRIMES, PRIMES_ARE_PRIME) if prime] * 8

SUM_NUMBERS = [400_000, 500_000, 600_000]
SUMS = [6_458_901_531, 9_914_236_195, 14_071_826_345]

SETS = ["procs-py", "primes", "sum_primes", "balanced"]
DEFAULT_SETS = ["procs-py", "primes", "sum_primes"]


def is_prime(n):
    """Trial division by 2, then by every odd number up to isqrt(n) (common::primes::is_prime,
    the form of procs.py and of the ProcessPoolExecutor example)."""
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    root = math.isqrt(n)
    for divisor in range(3, root + 1, 2):
        if n % divisor == 0:
            return False
    return True


def is_prime_6k(n):
    """Trial division by 2, by 3, then by 6k - 1 and 6k + 1 (common::primes::is_prime_6k,
    the form of the threading notebook)."""
    if n <= 1:
        return False
    if n <= 3:
        return True
    if n % 2 == 0 or n % 3 == 0:
        return False
    i = 5
    while i * i <= n:
        if n % i == 0 or n % (i + 2) == 0:
            return False
        i += 6
    return True


def sum_primes(n):
    """The sum of the primes p with 2 <= p <= n (common::primes::sum_primes_upto)."""
    return sum(candidate for candidate in range(2, n + 1) if is_prime_6k(candidate))


def divisions(n, prime):
    """How many trial divisions is_prime(n) makes: for a prime, every odd divisor from 3 to
    isqrt(n); for a composite, the odd divisors up to its smallest factor."""
    if prime:
        root = math.isqrt(n)
        return 0 if root < 3 else (root - 3) // 2 + 1
    if n < 3 or n % 2 == 0:
        return 0
    count, divisor = 0, 3
    while True:
        count += 1
        if n % divisor == 0:
            return count
        divisor += 2


def speedup_bound(costs, workers):
    """total / max(largest, total / workers): no order does better (pipes::pool)."""
    total = sum(costs)
    shortest = max(max(costs, default=0), total / max(1, workers))
    return 1.0 if shortest == 0 else total / shortest


def predicted_speedup(costs, workers):
    """The speedup handing out `costs` in this order allows: each job goes to the worker
    free first, the lowest-numbered on a tie (pipes::pool::predicted_speedup)."""
    free_at = [0] * max(1, workers)
    for cost in costs:
        first = free_at.index(min(free_at))
        free_at[first] += cost
    span = max(free_at)
    return 1.0 if span == 0 else sum(costs) / span


def round_sig(x):
    """x to four significant figures, as the Rust rows have their extra columns."""
    if not x or not math.isfinite(x):
        return x
    return round(x, 3 - math.floor(math.log10(abs(x))))


def timed(work):
    """A variant's run: calls `work()` and returns its answer, its seconds, no extras."""

    def run():
        started = time.perf_counter()
        answer = work()
        return answer, time.perf_counter() - started, {}

    return run


def serial(check, numbers):
    return timed(lambda: [check(n) for n in numbers])


def on_executor(executor_class, workers, check, numbers):
    """The whole `with executor_class(workers) as executor: executor.map(...)` block."""

    def work():
        with executor_class(max_workers=workers) as executor:
            return list(executor.map(check, numbers))

    return timed(work)


def ready(pause):
    """A warm-up job: sleeps a little, so that every worker gets one, and says who ran it."""
    time.sleep(pause)
    return os.getpid()


def on_started_pool(workers, numbers):
    """prime_procs_speedup's way: the pool's processes are started and have each run a
    job before the clock starts; the clock stops at the last answer, before shutdown."""

    def run():
        executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers)
        try:
            seen = set()
            for _ in range(20):  # a worker slow to start may leave its job to another
                seen.update(executor.map(ready, [0.05] * workers))
                if len(seen) >= workers:
                    break
            started = time.perf_counter()
            answer = list(executor.map(is_prime, numbers))
            seconds = time.perf_counter() - started
        finally:
            executor.shutdown()
        return answer, seconds, {}

    return run


def processes_name(workers):
    return "1 process" if workers == 1 else f"{workers} processes"


def process_plans(numbers, workers, largest_first):
    """prime_procs_speedup's variants: (name, workers, the numbers in their order)."""
    plans = [("1 process", 1, list(numbers))]
    if workers > 1:
        plans.append((processes_name(workers), workers, list(numbers)))
    if largest_first:
        name = f"{processes_name(workers)}, largest first"
        plans.append((name, workers, sorted(numbers, reverse=True)))
    return plans


def with_bounds(run, costs, workers):
    """`run` with prime_procs_speedup's two bounds as extra columns."""

    def bounded():
        answer, seconds, extras = run()
        extras = dict(extras, bound=round_sig(speedup_bound(costs, workers)))
        extras["order_bound"] = round_sig(predicted_speedup(costs, workers))
        return answer, seconds, extras

    return bounded


def arranged(run, numbers):
    """`run`, its answer as sorted (number, verdict) pairs, whatever the order it ran in."""

    def sorted_run():
        answer, seconds, extras = run()
        return sorted(zip(numbers, answer)), seconds, extras

    return sorted_run


def compare(workload, variants, expected, runs):
    """Runs the variants in turns, `runs` rounds, and returns one row per variant: its
    fastest run, ok only if every one of its runs gave `expected`."""
    fastest = {}  # name -> (seconds, extras) of its fastest run
    right = {name: True for name, _, _ in variants}
    for _ in range(runs):
        for name, _, run in variants:
            answer, seconds, extras = run()
            right[name] &= answer == expected
            if name not in fastest or seconds < fastest[name][0]:
                fastest[name] = (seconds, extras)
    seconds_of = {name: fastest[name][0] for name in fastest}
    baseline = seconds_of.get("serial", seconds_of[variants[0][0]])
    rows = []
    for name, workers, _ in variants:
        seconds, extras = fastest[name]
        row = {
            "program": "python",
            "workload": workload,
            "variant": name,
            "workers": workers,
            "seconds": seconds,
            "speedup": baseline / seconds if seconds else None,
            "ok": right[name],
        }
        rows.append(dict(row, **extras))
    return rows


def procs_py(workers, runs):
    """NUMBERS: serial, threads, then prime_procs_speedup's process variants."""
    known = sorted(zip(NUMBERS, NUMBERS_ARE_PRIME))
    costs_of = {n: divisions(n, prime) for n, prime in known}
    thread_pool = concurrent.futures.ThreadPoolExecutor
    variants = [
        ("serial", 1, arranged(serial(is_prime, NUMBERS), NUMBERS)),
        ("threads", workers, arranged(on_executor(thread_pool, workers, is_prime, NUMBERS),
                                      NUMBERS)),
    ]
    for name, count, numbers in process_plans(NUMBERS, workers, largest_first=True):
        costs = [costs_of[n] for n in numbers]
        run = with_bounds(arranged(on_started_pool(count, numbers), numbers), costs, count)
        variants.append((name, count, run))
    return compare("procs-py", variants, known, runs)


def primes(workers, runs):
    """PRIMES, as prime_pool: serial, threads, processes (no more workers than numbers)."""
    workers = min(workers, len(PRIMES))
    variants = [
        ("serial", 1, serial(is_prime, PRIMES)),
        ("threads", workers,
         on_executor(concurrent.futures.ThreadPoolExecutor, workers, is_prime, PRIMES)),
        ("processes", workers,
         on_executor(concurrent.futures.ProcessPoolExecutor, workers, is_prime, PRIMES)),
    ]
    return compare("primes", variants, PRIMES_ARE_PRIME, runs)


def balanced(workers, runs):
    """Forty jobs of one size, as prime_procs_speedup: 1 process, N processes."""
    known = sorted((n, True) for n in BALANCED)
    variants = []
    for name, count, numbers in process_plans(BALANCED, workers, largest_first=False):
        costs = [divisions(n, True) for n in numbers]
        run = with_bounds(arranged(on_started_pool(count, numbers), numbers), costs, count)
        variants.append((name, count, run))
    return compare("balanced", variants, known, runs)


def sum_primes_rows(workers, runs):
    """The notebook's find_rand jobs: serial, threads, processes."""
    variants = [
        ("serial", 1, serial(sum_primes, SUM_NUMBERS)),
        ("threads", workers, on_executor(concurrent.futures.ThreadPoolExecutor, workers,
                                         sum_primes, SUM_NUMBERS)),
        ("processes", workers, on_executor(concurrent.futures.ProcessPoolExecutor, workers,
                                           sum_primes, SUM_NUMBERS)),
    ]
    return compare("sum_primes", variants, SUMS, runs)


WORKLOADS = {
    "procs-py": procs_py,
    "primes": primes,
    "sum_primes": sum_primes_rows,
    "balanced": balanced,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="threads or processes per pool [default: the CPUs]")
    parser.add_argument("--runs", type=int, default=1,
                        help="rounds of every variant; the fastest counts [default: 1]")
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS),
                        help=f"comma-separated, among {','.join(SETS)} "
                             f"[default: {','.join(DEFAULT_SETS)}]")
    args = parser.parse_args()
    sets = args.sets.split(",")
    if not set(sets) <= set(SETS):
        parser.error(f"--sets: choose among {','.join(SETS)}")
    if not 1 <= args.workers <= 64 or not 1 <= args.runs <= 20:
        parser.error("--workers must be within 1..64 and --runs within 1..20")
    # The known answers, checked where that is quick, so a typo in a constant shows.
    assert [is_prime(n) for n in range(100)] == [is_prime_6k(n) for n in range(100)]
    assert sum_primes(100) == 1060

    wrong = 0
    for name in SETS:
        if name not in sets:
            continue
        for row in WORKLOADS[name](args.workers, args.runs):
            wrong += not row["ok"]
            print(json.dumps(row), flush=True)
    if wrong:
        print(f"primes.py: {wrong} row(s) computed a wrong answer", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
