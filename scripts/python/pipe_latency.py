#!/usr/bin/env python3
"""Round-trip latency of one small message: multiprocessing.Pipe vs an OS pipe between two
processes vs queue.SimpleQueue between two threads, pinned and not: the Python side of
`cargo run --release -p pipes --bin pipe_latency`.

As in the Rust program, the numbers 0, 1, 2, ... go one at a time to an echo on the other
side, each sent only once the last came back, and every echo must equal what was sent
(ok). 200 round trips warm up first, untimed; then each round trip is timed on its own:
median_us is a typical one, mean_us the total shared out (which a few slow ones pull up),
p99_us how bad the slow ones get (nearest rank). seconds is the whole timed run. The
variants:

- "multiprocessing.Pipe, 2 processes": a forked child echoes over a Connection, each
  message a pickled int (in the place of the Rust row "ipc-channel, 2 processes": typed
  messages between processes, and the baseline of the speedups);
- "OS pipe, 2 processes": as the Rust row of that name, a child program (this script
  again) copies each line of its stdin to its stdout;
- "queue.SimpleQueue, 2 threads": a second thread echoes, one queue each way (in the
  place of "crossbeam, 2 threads").

Every variant runs free to use all CPUs ("round trip, unpinned"), then pinned to the first
CPU this process may use ("round trip, pinned to CPU N", what `taskset -c N` does; the
children and the thread inherit it), as the Rust rows are named. Variants take turns for
--runs rounds and each one's fastest run counts. One JSON line per variant on stdout,
shaped like the Rust rows, with "program": "python"; exit status 1 if an echo came back
wrong.

    python3 scripts/python/pipe_latency.py [--round-trips N] [--runs N]

Expect round trips of several to a few tens of microseconds, the OS pipe's the shortest:
a Connection pickles every message and reads a length before it, a SimpleQueue hands the
GIL over. Unpinned, waking the other CPU can add to it; pinned, the two sides take turns
on one core.
"""

import argparse
import json
import math
import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time

# Round trips done before the timing starts (pipes::latency::WARM_UP).
WARM_UP = 200
PIPE = "multiprocessing.Pipe, 2 processes"
OS_PIPE = "OS pipe, 2 processes"
THREADS = "queue.SimpleQueue, 2 threads"


def round_sig(x):
    """x to four significant figures, as the Rust rows have their extra columns."""
    if not x or not math.isfinite(x):
        return x
    return round(x, 3 - math.floor(math.log10(abs(x))))


def time_round_trips(round_trips, round_trip):
    """Times `round_trips` calls of `round_trip(n)`, each of which must return n, after
    WARM_UP untimed ones. Returns the sorted samples, the total and the wrong echoes."""
    for n in range(WARM_UP):
        round_trip(n)
    samples, wrong = [], 0
    clock = time.perf_counter
    started = clock()
    for n in range(round_trips):
        sent = clock()
        reply = round_trip(n)
        samples.append(clock() - sent)
        wrong += reply != n
    total = clock() - started
    samples.sort()
    return samples, total, wrong


def pipe_echo(connection):
    """Child side over a Connection: send every object straight back, until None."""
    while (n := connection.recv()) is not None:
        connection.send(n)


def over_pipe(round_trips):
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    child = context.Process(target=pipe_echo, args=(theirs,))
    child.start()
    theirs.close()

    def round_trip(n):
        ours.send(n)
        return ours.recv()

    measured = time_round_trips(round_trips, round_trip)
    ours.send(None)
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"the Pipe echo ended with exit code {child.exitcode}")
    return measured


def serve_os_pipe_echo():
    """Child side over its stdin and stdout: copy each line back, until stdin ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    for line in iter(stdin.readline, b""):
        stdout.write(line)
        stdout.flush()


def over_os_pipe(round_trips):
    command = [sys.executable, os.path.abspath(__file__), "--echo"]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    to_child, from_child = child.stdin.fileno(), child.stdout

    def round_trip(n):
        os.write(to_child, b"%d\n" % n)  # one write per message: the echo wakes once
        line = from_child.readline()
        if not line:
            raise RuntimeError("the OS pipe echo exited")
        return int(line)

    measured = time_round_trips(round_trips, round_trip)
    child.stdin.close()  # end of input: the echo's loop ends
    if child.wait() != 0:
        raise RuntimeError(f"the OS pipe echo ended with exit code {child.returncode}")
    child.stdout.close()
    return measured


def over_threads(round_trips):
    to_echo, from_echo = queue.SimpleQueue(), queue.SimpleQueue()

    def echo():
        while (n := to_echo.get()) is not None:
            from_echo.put(n)

    thread = threading.Thread(target=echo)
    thread.start()

    def round_trip(n):
        to_echo.put(n)
        return from_echo.get()

    measured = time_round_trips(round_trips, round_trip)
    to_echo.put(None)
    thread.join()
    return measured


TRANSPORTS = [(PIPE, over_pipe), (OS_PIPE, over_os_pipe), (THREADS, over_threads)]


def percentile(samples, p):
    """The p-th percentile of sorted `samples` by the nearest-rank method."""
    if not samples:
        return 0.0
    rank = math.ceil(p / 100 * len(samples))
    return samples[min(max(rank, 1), len(samples)) - 1]


def compare(workload, round_trips, runs):
    """The three transports in turns, `runs` rounds: one row each, its fastest run."""
    fastest, right = {}, {name: True for name, _ in TRANSPORTS}
    for _ in range(runs):
        for name, measure in TRANSPORTS:
            samples, total, wrong = measure(round_trips)
            right[name] &= wrong == 0
            if name not in fastest or total < fastest[name][1]:
                fastest[name] = (samples, total)
    baseline = fastest[PIPE][1]
    rows = []
    for name, _ in TRANSPORTS:
        samples, total = fastest[name]
        rows.append({
            "program": "python",
            "workload": workload,
            "variant": name,
            "workers": 2,
            "seconds": total,
            "speedup": baseline / total,
            "ok": right[name],
            "median_us": round_sig(percentile(samples, 50) * 1e6),
            "mean_us": round_sig(total / len(samples) * 1e6),
            "p99_us": round_sig(percentile(samples, 99) * 1e6),
            "round_trips": round_trips,
        })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round-trips", type=int, default=10_000,
                        help="round trips timed per transport and run [default: 10000]")
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds of every transport; the fastest counts [default: 3]")
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo:
        serve_os_pipe_echo()
        return 0
    if not 1 <= args.round_trips <= 1_000_000 or not 1 <= args.runs <= 20:
        parser.error("--round-trips must be within 1..1000000 and --runs within 1..20")

    rows = compare("round trip, unpinned", args.round_trips, args.runs)
    try:
        allowed = os.sched_getaffinity(0)
        cpu = min(allowed)
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError) as error:
        print(f"could not pin to one CPU ({error}): pinned rows left out", file=sys.stderr)
    else:
        try:
            workload = f"round trip, pinned to CPU {cpu}"
            rows += compare(workload, args.round_trips, args.runs)
        finally:
            os.sched_setaffinity(0, allowed)  # every CPU back
    wrong = 0
    for row in rows:
        wrong += not row["ok"]
        print(json.dumps(row), flush=True)
    if wrong:
        print(f"pipe_latency.py: {wrong} row(s) had wrong echoes", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
