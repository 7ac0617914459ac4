#!/usr/bin/env python3
"""Sleeping asyncio tasks, trio tasks, threads and processes, in time and in memory: the
Python side of `cargo run --release -p structured --bin limits`.

As in the Rust program, every unit says it has started, sleeps --sleep-ms, then hands in
its index; the indices must add up to n(n-1)/2. All are asleep at once: tasks start only
when the spawning loop awaits, threads and processes wait at a start line that opens once
the last one has started. Each kind is measured in a fresh python3 (this script again,
with --measure), so memory one kind freed cannot flatter the next:

- seconds: from before the first spawn until every unit had started (us_per_unit: per
  unit); total_s: until the last had finished and was joined.
- rss_mb: tasks and threads, the growth of the measuring process's peak resident size
  (VmHWM, reset first through /proc/self/clear_refs, as common::measure does: getrusage's
  ru_maxrss would carry the peak of the process that started it). Processes
  (multiprocessing, "fork"): the sum of the children's Pss (/proc/<pid>/smaps_rollup).
- kernel_mb: what the kernel added (KernelStack + PageTables in /proc/meminfo).

A thread gets the C library's default stack (ulimit -s, often 8 MiB, reserved, not
touched). trio is optional: without it, its row is skipped and the script says so.
One JSON line per kind on stdout, shaped like the Rust rows, with "program": "python".

    python3 scripts/python/limits.py [--tasks N] [--threads N] [--processes N]
        [--sleep-ms MS] [--kinds asyncio,trio,threads,processes]

Expect a task to cost a few kilobytes and microseconds, a thread more of both, a process
far more; and the whole run to take about a minute: 10 000 threads that wake at once all
wait for the GIL, and take tens of seconds to finish a 1 s sleep.
"""

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import select
import subprocess
import sys
import threading
import time

KINDS = ["asyncio", "trio", "threads", "processes"]
VARIANTS = {
    "asyncio": "asyncio tasks",
    "trio": "trio tasks",
    "threads": "threads",
    "processes": "processes",
}
# Beyond the sleep, how long a measuring child may take before it is given up on.
SLACK_S = 300


def round_sig(x):
    """x to four significant figures, as the Rust rows have them."""
    if not x or not math.isfinite(x):
        return x
    return round(x, 3 - math.floor(math.log10(abs(x))))


def field_kb(path, name):
    """The number on the line `name:   1234 kB` of a /proc file, or None."""
    try:
        with open(path) as file:
            for line in file:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def kernel_kb():
    """The kernel's stacks and page tables, in kB, for every thread and process."""
    stacks = field_kb("/proc/meminfo", "KernelStack")
    tables = field_kb("/proc/meminfo", "PageTables")
    return None if stacks is None or tables is None else stacks + tables


def settled_kernel_kb():
    """kernel_kb() once it has stopped falling (or after 2 s): the stacks of threads and
    processes of the kind measured before are freed a little after they ended."""
    before = kernel_kb()
    for _ in range(20):
        if before is None:
            return None
        time.sleep(0.1)
        now = kernel_kb()
        if abs(now - before) < 1024:
            return now
        before = now
    return before


class Tally:
    """What the units of a run report: how many started and finished, their indices."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = 0
        self.finished = 0
        self.sum = 0

    def start(self):
        with self.lock:
            self.started += 1

    def finish(self, index):
        with self.lock:
            self.finished += 1
            self.sum += index


class Meter:
    """The clock and the memory gauges of one run, started just before the first spawn."""

    def __init__(self):
        try:
            with open("/proc/self/clear_refs", "w") as file:
                file.write("5")  # the peak (VmHWM) starts again from the resident size
        except OSError:
            pass  # not Linux, or not allowed: the peak may include what came before
        self.rss_kb = field_kb("/proc/self/status", "VmRSS")
        self.kernel_kb = settled_kernel_kb()
        self.began = time.perf_counter()

    def all_started(self, tally):
        """Called once every unit has started: the spawn time, the units alive, and what
        the kernel added by then."""
        spawn_seconds = time.perf_counter() - self.began
        now, before = kernel_kb(), self.kernel_kb
        return {
            "spawn_seconds": spawn_seconds,
            "alive": tally.started - tally.finished,
            "kernel_kb": None if now is None or before is None else now - before,
        }

    def finish(self, tally, asleep, memory_kb=None, refused=None):
        """Called once every unit has finished: the whole run's figures."""
        peak = field_kb("/proc/self/status", "VmHWM")
        if memory_kb is None and peak is not None and self.rss_kb is not None:
            memory_kb = max(0, peak - self.rss_kb)
        return dict(
            asleep,
            started=tally.started,
            sum=tally.sum,
            total_seconds=time.perf_counter() - self.began,
            memory_kb=memory_kb,
            refused=refused,
        )


async def asyncio_tasks(count, sleep):
    """`count` tasks in an asyncio.TaskGroup (Python 3.11+), asyncio's nursery."""
    tally = Tally()

    async def unit(index):
        tally.start()
        await asyncio.sleep(sleep)
        tally.finish(index)

    meter = Meter()
    async with asyncio.TaskGroup() as group:
        for index in range(count):
            group.create_task(unit(index))
        while tally.started < count:  # one thread: no task starts before we await
            await asyncio.sleep(0)
        asleep = meter.all_started(tally)
    return meter.finish(tally, asleep)


async def trio_tasks(count, sleep):
    """`count` tasks in a trio nursery, as in the Python slides."""
    import trio

    tally = Tally()

    async def unit(index):
        tally.start()
        await trio.sleep(sleep)
        tally.finish(index)

    meter = Meter()
    async with trio.open_nursery() as nursery:
        for index in range(count):
            nursery.start_soon(unit, index)
        while tally.started < count:
            await trio.sleep(0)
        asleep = meter.all_started(tally)
    return meter.finish(tally, asleep)


def threads(count, sleep):
    """`count` threads; each waits at a start line (an Event) before its sleep. A refused
    start stops the spawning; the threads that did start sleep and are joined."""
    tally = Tally()
    start_line = threading.Event()

    def unit(index):
        tally.start()
        start_line.wait()
        time.sleep(sleep)
        tally.finish(index)

    meter = Meter()
    started, refused = [], None
    for index in range(count):
        thread = threading.Thread(target=unit, args=(index,))
        try:
            thread.start()
        except RuntimeError as error:  # "can't start new thread"
            refused = str(error)
            break
        started.append(thread)
    while tally.started < len(started):
        time.sleep(0.001)
    asleep = meter.all_started(tally)
    start_line.set()  # the line opens: every thread sleeps now
    for thread in started:
        thread.join()
    return meter.finish(tally, asleep, refused=refused)


def sleeper(index, sleep, reports, line_read, line_write):
    """A process unit: says `ready`, waits until the start line's pipe ends (the parent
    closed its end), sleeps, and says `done <index>`."""
    os.close(line_write)  # else this child would hold its own start line shut
    os.write(reports, b"ready\n")
    while os.read(line_read, 1):
        pass
    time.sleep(sleep)
    os.write(reports, f"done {index}\n".encode())


def pss_kb(pid):
    """The proportional set size of process `pid`: a page shared by k processes counts
    1/k for each, so the children's sum counts their shared pages once."""
    return field_kb(f"/proc/{pid}/smaps_rollup", "Pss")


def processes(count, sleep):
    """`count` processes, forked by multiprocessing; they report on one pipe (a short
    write is never mixed with another) and wait at another, whose end we close."""
    context = multiprocessing.get_context("fork")
    tally = Tally()
    reports_read, reports = os.pipe()
    line_read, line_write = os.pipe()
    meter = Meter()
    children, refused = [], None
    for index in range(count):
        args = (index, sleep, reports, line_read, line_write)
        child = context.Process(target=sleeper, args=args)
        try:
            child.start()
        except OSError as error:  # fork refused: EAGAIN, ENOMEM; EMFILE for its pipes
            refused = str(error)
            break
        children.append(child)
    os.close(reports)
    lines = read_lines(reports_read, sleep + SLACK_S)
    while tally.started < len(children):
        report(next(lines), tally)
    asleep = meter.all_started(tally)
    memory_kb = sum(pss_kb(child.pid) or 0 for child in children)
    os.close(line_write)  # the line opens: every process sleeps now
    while tally.finished < len(children):
        report(next(lines), tally)
    for child in children:
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"a sleeper ended with exit code {child.exitcode}")
    return meter.finish(tally, asleep, memory_kb=memory_kb, refused=refused)


def read_lines(fd, patience):
    """The lines written to pipe `fd`; an error when none comes for `patience` s."""
    pending = b""
    while True:
        while b"\n" not in pending:
            if not select.select([fd], [], [], patience)[0]:
                raise RuntimeError("the sleepers stopped reporting")
            data = os.read(fd, 65536)
            if not data:
                raise RuntimeError("the sleepers ended without reporting")
            pending += data
        line, pending = pending.split(b"\n", 1)
        yield line.decode()


def report(line, tally):
    """One line of a sleeper, `ready` or `done <index>`, into `tally`."""
    if line == "ready":
        tally.start()
    elif line.startswith("done "):
        tally.finish(int(line[5:]))
    else:
        raise RuntimeError(f"a sleeper said {line!r}")


def measure_here(kind, count, sleep):
    """In the measuring child: runs `count` units of `kind` and returns the figures."""
    if kind == "asyncio":
        return asyncio.run(asyncio_tasks(count, sleep))
    if kind == "trio":
        import trio

        return trio.run(trio_tasks, count, sleep)
    if kind == "threads":
        return threads(count, sleep)
    return processes(count, sleep)


def missing(kind):
    """Why `kind` cannot run under this python3, or None."""
    if kind == "asyncio" and not hasattr(asyncio, "TaskGroup"):
        return "asyncio tasks: skipped: asyncio.TaskGroup needs Python 3.11 or later"
    if kind == "trio":
        try:
            import trio  # noqa: F401
        except ImportError:
            return "trio tasks: skipped: trio is not installed (pip install trio)"
    return None


def measure(kind, count, sleep_ms):
    """In the parent: measures `kind` in a fresh python3 and returns its figures."""
    command = [sys.executable, os.path.abspath(__file__), "--measure", kind]
    command += ["--count", str(count), "--sleep-ms", str(sleep_ms)]
    ran = subprocess.run(
        command, capture_output=True, text=True, timeout=sleep_ms / 1000 + SLACK_S
    )
    if ran.returncode != 0:
        raise RuntimeError(f"{VARIANTS[kind]}: the measuring child failed:\n{ran.stderr}")
    return json.loads(ran.stdout.strip().splitlines()[-1])


def row(kind, count, measured):
    """The figures as a row shaped like the Rust program's."""
    started = max(1, measured["started"])
    row = {
        "program": "python",
        "workload": f"{count} units",
        "variant": VARIANTS[kind],
        "workers": measured["started"],
        "seconds": round_sig(measured["spawn_seconds"]),
        "ok": measured["sum"] == count * (count - 1) // 2,
        "us_per_unit": round_sig(measured["spawn_seconds"] * 1e6 / started),
    }
    if measured["memory_kb"] is not None:
        row["rss_mb"] = round_sig(measured["memory_kb"] / 1024)
        row["kb_per_unit"] = round_sig(measured["memory_kb"] / started)
    if measured["kernel_kb"] is not None:
        row["kernel_mb"] = round_sig(measured["kernel_kb"] / 1024)
    row["total_s"] = round_sig(measured["total_seconds"])
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="asyncio, trio tasks")
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=1_000)
    parser.add_argument("--sleep-ms", type=int, default=1_000)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated")
    parser.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measured = measure_here(args.measure, args.count, args.sleep_ms / 1000)
        print(json.dumps(measured))
        return 0
    kinds = args.kinds.split(",")
    if not set(kinds) <= set(KINDS):
        parser.error(f"--kinds: choose among {','.join(KINDS)}")
    if not (
        1 <= args.tasks <= 10_000_000
        and 1 <= args.threads <= 100_000
        and 1 <= args.processes <= 10_000
        and 1 <= args.sleep_ms <= 60_000
    ):
        parser.error("--tasks 1..10000000, --threads 1..100000, --processes 1..10000, "
                     "--sleep-ms 1..60000")
    counts = {
        "asyncio": args.tasks,
        "trio": args.tasks,
        "threads": args.threads,
        "processes": args.processes,
    }
    failed = 0
    for kind in KINDS:
        if kind not in kinds:
            continue
        why = missing(kind)
        if why:
            print(why, file=sys.stderr)
            continue
        count = counts[kind]
        try:
            measured = measure(kind, count, args.sleep_ms)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        if measured["refused"]:
            started = measured["started"]
            print(f"{VARIANTS[kind]}: refused after {started} of {count}: "
                  f"{measured['refused']}", file=sys.stderr)
            continue
        if measured["alive"] < measured["started"]:
            print(f"warning: only {measured['alive']} units were alive at once: "
                  "raise --sleep-ms", file=sys.stderr)
        print(json.dumps(row(kind, count, measured)), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
