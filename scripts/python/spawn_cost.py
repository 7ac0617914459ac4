#!/usr/bin/env python3
"""Starting and joining N threads vs N processes, by multiprocessing's "fork" and "spawn"
start methods, with and without a Pipe handshake: the Python side of
`cargo run --release -p pipes --bin spawn_cost`.

As in the Rust program, every variant starts all its units, then joins them all, and is
checked: threads store their index, processes exit at once with status 0, and processes
with a handshake get their index over a Pipe, send it back, and exit with status 0.
"fork" copies this process, "spawn" starts a fresh python3 that imports this script: far
dearer. The workload is named as the Rust row, "spawn + join"; workers is N; per_unit_us
is the cost of one unit (microseconds: 50000 is 50 ms); speedups are against the threads
row. Before the timing, one process of each start method is started and joined, untimed,
so the run pays for neither multiprocessing's resource tracker nor a cold page cache.
Variants take turns for --runs rounds and each one's fastest run counts. One JSON line
per variant on stdout, shaped like the Rust rows, with "program": "python"; exit status 1
if a unit did not do its part.

    python3 scripts/python/spawn_cost.py [--count N] [--runs N]

Fewer units than the Rust program's 100 by default: a spawned process costs tens of
milliseconds. Expect a forked process to cost a few milliseconds, tens of times a
thread, and a spawned one tens of times a forked one.
"""

import argparse
import json
import math
import multiprocessing
import sys
import threading
import time

START_METHODS = ["fork", "spawn"]


def round_sig(x):
    """x to four significant figures, as the Rust rows have their extra columns."""
    if not x or not math.isfinite(x):
        return x
    return round(x, 3 - math.floor(math.log10(abs(x))))


def exit_at_once():
    """A process unit: what is timed is starting and ending."""


def echo_index(connection):
    """A process unit with a handshake: send back the number it is given, then exit."""
    connection.send(connection.recv())
    connection.close()


def threads(count):
    """Starts `count` threads, each storing its index, and joins them."""
    seen = [None] * count

    def unit(index):
        seen[index] = index

    units = [threading.Thread(target=unit, args=(index,)) for index in range(count)]
    for thread in units:
        thread.start()
    for thread in units:
        thread.join()
    return seen == list(range(count))


def processes(method):
    """Starts `count` processes that exit at once, by `method`, and waits for them all."""
    context = multiprocessing.get_context(method)

    def run(count):
        children = [context.Process(target=exit_at_once) for _ in range(count)]
        for child in children:
            child.start()
        for child in children:
            child.join()
        return all(child.exitcode == 0 for child in children)

    return run


def processes_with_handshake(method):
    """Starts `count` processes with a Pipe each, by `method`; each echoes its index."""
    context = multiprocessing.get_context(method)

    def run(count):
        children = []
        for _ in range(count):
            ours, theirs = context.Pipe()
            child = context.Process(target=echo_index, args=(theirs,))
            child.start()
            theirs.close()  # the child has its own end now
            children.append((child, ours))
        ok = True
        for index, (_, ours) in enumerate(children):
            try:
                ours.send(index)
            except OSError:  # the child is gone: a broken pipe, a reset connection
                ok = False
        for index, (child, ours) in enumerate(children):
            try:
                ok &= ours.recv() == index
            except (EOFError, OSError):  # the child died before answering
                ok = False
            ours.close()
            child.join()
            ok &= child.exitcode == 0
        return ok

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20,
                        help="threads, and processes, per variant [default: 20]")
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds of every variant; the fastest counts [default: 3]")
    args = parser.parse_args()
    if not 1 <= args.count <= 400 or not 1 <= args.runs <= 20:
        parser.error("--count must be within 1..400 and --runs within 1..20")
    methods = multiprocessing.get_all_start_methods()
    for method in START_METHODS:
        if method not in methods:
            print(f"start method {method!r} not available here: its rows left out",
                  file=sys.stderr)

    variants = [("threads", threads)]
    variants += [(f"processes, {m}", processes(m)) for m in START_METHODS if m in methods]
    variants += [
        (f"processes + Pipe handshake, {m}", processes_with_handshake(m))
        for m in START_METHODS
        if m in methods
    ]
    for name, run in variants[1:]:
        run(1)  # untimed: the resource tracker, imports and page cache, once

    fastest, right = {}, {name: True for name, _ in variants}
    for _ in range(args.runs):
        for name, run in variants:
            started = time.perf_counter()
            ok = run(args.count)
            seconds = time.perf_counter() - started
            right[name] &= ok
            fastest[name] = min(seconds, fastest.get(name, math.inf))
    baseline = fastest["threads"]
    wrong = 0
    for name, _ in variants:
        seconds = fastest[name]
        row = {
            "program": "python",
            "workload": "spawn + join",
            "variant": name,
            "workers": args.count,
            "seconds": seconds,
            "speedup": baseline / seconds,
            "ok": right[name],
            "per_unit_us": round_sig(seconds * 1e6 / args.count),
        }
        wrong += not row["ok"]
        print(json.dumps(row), flush=True)
    if wrong:
        print(f"spawn_cost.py: {wrong} row(s) had a unit that failed", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
