#!/usr/bin/env python3
"""The lecture's jobs on Python's Celery, beside the Rust engine: the Python side of
`cargo run --release -p distributed --bin submit -- --celery` (and of worker_crash's).

The same hash chains as the Rust jobs (chain number as 16 big-endian bytes, SHA-256
applied `rounds` times), sent with `delay()` to Celery workers on the same kind of Redis
broker, the results fetched with `get()`. Each worker is `celery worker --pool solo`: one
process running one job at a time, like a Rust worker with `--concurrency 1`. One JSON
line per run on stdout, shaped like the Rust rows, with the digests in "digests" for the
Rust side to check.

    python celery_jobs.py --redis URL --workers 1,2,4 --jobs 24 --rounds 2000000 --tiny 1000
    python celery_jobs.py --redis URL --crash --jobs 20 --rounds 2000000 --kill-after 3

Needs Celery with its Redis extra (`pip install "celery[redis]"`); the Rust program puts
it in a venv under target/ and runs this with that venv's python.

Crash settings: acks_late (a job is acknowledged when it is done, so a dead worker's job
is delivered again: at least once), prefetch 1, and a visibility timeout of 3 s checked
every second, so a dead worker's job comes back after about 3 s, as the Rust engine's
3 missed heartbeats of 1 s do. Celery's defaults would lose the job (it is acknowledged
when it starts: at most once), or with acks_late bring it back only after the visibility
timeout, an hour; with a short timeout but the default restore interval (every 10 s, a
scan every 10th time) it took 97 s in a trial.
"""

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

from celery import Celery

HERE = os.path.dirname(os.path.abspath(__file__))
BROKER = os.environ.get("COURSE_CELERY_BROKER", "redis://127.0.0.1:6390/0")

app = Celery("celery_jobs", broker=BROKER, backend=BROKER)
app.conf.update(
    task_acks_late=True,
    task_track_started=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    broker_transport_options={
        "visibility_timeout": 3,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
    result_expires=600,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


def chain(number, rounds):
    """The last digest of `rounds` SHA-256 applications, starting from chain `number`."""
    data = number.to_bytes(16, "big")
    for _ in range(rounds):
        data = hashlib.sha256(data).digest()
    return data.hex()


@app.task(bind=True)
def hash_chain(self, number, rounds):
    """A job: its digest, and who ran it when, and whether it came back after a crash."""
    started = time.time()
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return {
        "digest": chain(number, rounds),
        "worker": self.request.hostname,
        "started": started,
        "redelivered": redelivered,
    }


def start_workers(count, queue):
    """`count` Celery worker processes on `queue`, each running one job at a time."""
    workers = []
    for index in range(1, count + 1):
        command = [
            sys.executable, "-W", "ignore", "-m", "celery", "-A", "celery_jobs", "worker",
            "--pool", "solo", "--queues", queue, "--hostname", f"w{index}@course",
            "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
        ]
        workers.append(subprocess.Popen(command, cwd=HERE, env=dict(os.environ, COURSE_CELERY_BROKER=BROKER),
                                        stdout=subprocess.DEVNULL))
    deadline = time.time() + 30
    while time.time() < deadline:
        answered = app.control.ping(timeout=0.5) or []
        if len(answered) >= count:
            return workers
    stop_workers(workers)
    raise SystemExit(f"celery_jobs: {count} Celery workers were not ready in 30 s")


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def send(jobs, rounds, queue):
    return [hash_chain.apply_async((number, rounds), queue=queue) for number in range(jobs)]


def row(program, workload, variant, workers, seconds, results, **extra):
    line = {"program": program, "workload": workload, "variant": variant, "workers": workers,
            "seconds": seconds, "digests": [r["digest"] for r in results]}
    line.update(extra)
    print(json.dumps(line), flush=True)


def comparison(args):
    for jobs, rounds in [(args.jobs, args.rounds), (args.tiny, 1)]:
        if jobs == 0:
            continue
        workload = f"{jobs} hash chains of {rounds} rounds" if rounds > 1 else f"{jobs} tiny jobs (1 round)"
        for count in args.workers:
            queue = f"course-celery-{os.getpid()}-{count}-{rounds}"
            workers = start_workers(count, queue)
            try:
                started = time.perf_counter()
                pending = send(jobs, rounds, queue)
                results = [p.get(timeout=120) for p in pending]
                seconds = time.perf_counter() - started
            finally:
                stop_workers(workers)
            plural = "" if count == 1 else "s"
            row("submit", workload, f"Celery, {count} worker{plural}", count, seconds, results,
                jobs_per_s=jobs / seconds, ms_per_job=1e3 * seconds / jobs)


def running_its_next(pending, worker, done):
    """Whether `worker` has finished `done` jobs and started another (state STARTED)."""
    finished = started = 0
    for p in pending:
        state, info = p.state, p.info
        if state == "SUCCESS" and info["worker"] == worker:
            finished += 1
        elif state == "STARTED" and isinstance(info, dict) and info.get("hostname") == worker:
            started += 1
    return finished >= done and started > 0


def crash(args):
    queue = f"course-celery-crash-{os.getpid()}"
    workers = start_workers(2, queue)
    try:
        started = time.perf_counter()
        pending = send(args.jobs, args.rounds, queue)
        killed_at = None
        deadline = time.time() + 120
        while not all(p.ready() for p in pending):
            if time.time() > deadline:
                raise SystemExit("celery_jobs: the results did not all arrive in 120 s")
            if killed_at is None and running_its_next(pending, "w1@course", args.kill_after):
                workers[0].kill()
                workers[0].wait()
                killed_at = time.time()
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        results = [p.get() for p in pending]
    finally:
        stop_workers(workers)
    if killed_at is None:
        raise SystemExit("celery_jobs: worker w1 was never killed: it took too few jobs")
    again = [r["started"] for r in results if r["redelivered"] and r["started"] > killed_at]
    recovery = min(again) - killed_at if again else None
    row("worker_crash", f"{args.jobs} hash chains, a worker killed", "Celery on Redis", 2, seconds,
        results, recovery_s=recovery, delivered_twice=sum(1 for r in results if r["redelivered"]))


def main():
    global BROKER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=2_000_000)
    parser.add_argument("--tiny", type=int, default=1000)
    parser.add_argument("--crash", action="store_true")
    parser.add_argument("--kill-after", type=int, default=3)
    args = parser.parse_args()
    args.workers = [int(n) for n in args.workers.split(",")]
    BROKER = args.redis
    app.conf.broker_url = BROKER
    app.conf.result_backend = BROKER
    crash(args) if args.crash else comparison(args)


if __name__ == "__main__":
    main()
