#!/usr/bin/env python3
"""Messages per second from producer threads to one consumer through queue.Queue,
queue.Queue with a maxsize and queue.SimpleQueue: the Python side of
`cargo run --release -p queues --bin queue_throughput`.

As in the Rust program, the producers share --messages messages (the first few one more
when they do not divide evenly); producer p sends p << 32 | sequence number, and the
consumer, this thread, checks that every message arrived once and in order from its
producer (ok). The workloads are named as the Rust rows, "1 → 1" and "4 → 1" (producers
→ consumer), workers are the producers, and the rate is msgs_per_s. Each run's time
covers starting the producers, every message, and joining them. Variants take turns for
--runs rounds and each one's fastest run counts; speedups are against queue.Queue. The
Rust side has no cross-process row, so neither has this one (no multiprocessing.Queue).
One JSON line per variant on stdout, shaped like the Rust rows, with "program": "python";
exit status 1 if a message was lost, repeated or out of order.

    python3 scripts/python/queue_throughput.py [--messages N] [--producers 1,4]
        [--runs N] [--capacity N]

Fewer messages than the Rust program's 1 000 000 by default: a Python queue moves a few
hundred thousand a second, so a run would last seconds; the rate is what to compare.
Expect queue.SimpleQueue, written in C, far ahead of queue.Queue, Python code that takes
a Condition's lock and notifies it on every put and get. Under the GIL more producers
only take turns: the rate cannot grow with them.
"""

import argparse
import json
import math
import queue
import sys
import threading
import time


def round_sig(x):
    """x to four significant figures, as the Rust rows have their extra columns."""
    if not x or not math.isfinite(x):
        return x
    return round(x, 3 - math.floor(math.log10(abs(x))))


def transfer(make_queue, producers, messages):
    """One run: `producers` threads put their share of `messages` into a fresh queue, this
    thread gets them all. Returns whether each came once and in order, and the seconds."""
    channel = make_queue()

    def share(p):
        return messages // producers + (p < messages % producers)

    def produce(p):
        put = channel.put
        for sequence in range(share(p)):
            put(p << 32 | sequence)

    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    get = channel.get
    expected = [0] * producers
    in_order = True
    for _ in range(messages):
        message = get()
        p, sequence = message >> 32, message & 0xFFFF_FFFF
        if p < producers and expected[p] == sequence:
            expected[p] += 1
        else:
            in_order = False
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ok = in_order and all(expected[p] == share(p) for p in range(producers))
    return ok, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000,
                        help="messages in each run, shared among the producers "
                             "[default: 200000]")
    parser.add_argument("--producers", default="1,4",
                        help="producer counts to measure, comma-separated [default: 1,4]")
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds of every variant; the fastest counts [default: 3]")
    parser.add_argument("--capacity", type=int, default=1024,
                        help="maxsize of the bounded queue [default: 1024]")
    args = parser.parse_args()
    try:
        producer_counts = [int(word) for word in args.producers.split(",")]
    except ValueError:
        parser.error("--producers: comma-separated numbers, e.g. 1,4")
    if not (
        1 <= args.messages <= 2**32 - 1
        and all(1 <= p <= 64 for p in producer_counts)
        and 1 <= args.runs <= 100
        and 1 <= args.capacity <= 1 << 20
    ):
        parser.error("--messages 1..4294967295, --producers 1..64 each, --runs 1..100, "
                     "--capacity 1..1048576")

    variants = [
        ("queue.Queue", queue.Queue),
        (f"queue.Queue, maxsize {args.capacity}", lambda: queue.Queue(args.capacity)),
        ("queue.SimpleQueue", queue.SimpleQueue),
    ]
    wrong = 0
    for producers in producer_counts:
        fastest = {}
        right = {name: True for name, _ in variants}
        for _ in range(args.runs):
            for name, make_queue in variants:
                ok, seconds = transfer(make_queue, producers, args.messages)
                right[name] &= ok
                fastest[name] = min(seconds, fastest.get(name, math.inf))
        baseline = fastest["queue.Queue"]
        for name, _ in variants:
            seconds = fastest[name]
            row = {
                "program": "python",
                "workload": f"{producers} → 1",
                "variant": name,
                "workers": producers,
                "seconds": seconds,
                "speedup": baseline / seconds,
                "ok": right[name],
                "msgs_per_s": round_sig(round(args.messages / seconds)),
            }
            wrong += not row["ok"]
            print(json.dumps(row), flush=True)
    if wrong:
        print(f"queue_throughput.py: {wrong} row(s) lost or reordered messages",
              file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
