//! The course index: every section, every program, its one-line lesson and the exact
//! command that runs it — written down once, here.
//!
//! Everything that lists the course reads this catalog: `cargo run -p course` prints it,
//! each section crate's default program prints its own section with [`print_menu`],
//! `scripts/demo` and `scripts/bench` ask the `course` program for their command lists,
//! and this crate's tests check the catalog against the workspace (every program is a real
//! binary, every binary is listed, every program is on its section's slide).
//!
//! The catalog holds only programs that exist. When you add a program to a section crate
//! (a binary in `src/bin/`), add a [`Program`] to its [`Section`] below; when you add an
//! exercise's solution (an example in `examples/`), add an [`Exercise`]. The tests tell
//! you if you forget.
//!
//! This crate has no dependencies, so every crate of the course can use it without
//! pulling anything else into its build.

use std::path::{Path, PathBuf};

/// One lecture of the course: a chapter of the slides and the crates that hold its
/// programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The lecture's number, as in the slides (`0` is "Hello, concurrency"); `None` for a
    /// chapter of the slides' Foundations part ("Concepts"), which every lecture leans on
    /// and none numbers.
    pub number: Option<u8>,
    /// The chapter's title, as in `slides/src/SUMMARY.md`.
    pub title: &'static str,
    /// The packages (`crates/<name>`) whose programs this section runs.
    pub crates: &'static [&'static str],
    /// The chapter's page, relative to `slides/src` (for example `"00-hello/index.md"`).
    pub slide: &'static str,
    /// Every program of the section, in the order the lecture runs them.
    pub programs: &'static [Program],
    /// The exercises at the end of the chapter, each solved by an example of a crate.
    pub exercises: &'static [Exercise],
}

/// One runnable program: a binary of a workspace package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program {
    /// The package that builds it (`cargo run -p <package>`).
    pub package: &'static str,
    /// The binary's name (`--bin <bin>`). A single-program package names its binary
    /// after itself, and then `cargo run -p <package>` is enough.
    pub bin: &'static str,
    /// What running it shows, in one line.
    pub lesson: &'static str,
    /// Other ways to run it that teach something of their own (a flag that breaks the
    /// program on purpose, a fix, a comparison).
    pub variants: &'static [Variant],
    /// Whether it is a release-mode comparison that `scripts/bench` runs, and how.
    pub bench: Bench,
}

/// Whether `scripts/bench` runs a program, as
/// `cargo run --release -p <package> --bin <bin> -- [args] --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bench {
    /// Not a comparison: the benchmark script leaves it out.
    No,
    /// A comparison as it is: run with `--json` alone.
    AsIs,
    /// A comparison with these arguments before `--json` (for example `"--yield-cost"`).
    With(&'static str),
}

impl Bench {
    /// The arguments before `--json`, if the benchmark script runs the program.
    pub fn args(self) -> Option<&'static str> {
        match self {
            Bench::No => None,
            Bench::AsIs => Some(""),
            Bench::With(args) => Some(args),
        }
    }
}

/// A program run with particular arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// The arguments, as typed after `--` (for example `"--blocking --fix yield-now"`).
    pub args: &'static str,
    /// What running it with these arguments shows, in one line.
    pub lesson: &'static str,
}

/// An exercise of a chapter, whose solution is an example of a crate
/// (`cargo run -p <package> --example <example>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exercise {
    /// The package whose `examples/` holds the solution.
    pub package: &'static str,
    /// The example's name (`--example <example>`).
    pub example: &'static str,
    /// What the exercise asks, in one line.
    pub task: &'static str,
}

/// The packages that serve the course rather than teach a lesson: this index, and
/// `bench`, which runs every comparison and writes the results report. Their programs
/// are tools, not lessons, and no section lists them.
pub const TOOLS: &[&str] = &["course", "bench"];

/// Where the slides' sources live, relative to the workspace root.
pub const SLIDES_SRC: &str = "slides/src";

static SECTIONS: &[Section] = &[
    Section {
        number: Some(0),
        title: "Hello, concurrency: the spinners",
        crates: &[
            "spinner_thread",
            "spinner_proc",
            "spinner_async",
            "spinner_async_std",
        ],
        slide: "00-hello/index.md",
        programs: &[
            Program {
                package: "spinner_thread",
                bin: "spinner_thread",
                lesson: "a spinner thread animates while the main thread blocks for 2 s, then prints \"Answer: 42\"",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "spinner_proc",
                bin: "spinner_proc",
                lesson: "the spinner runs in a child process (this binary, re-executed) and is stopped by a message, not a kill",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "spinner_async",
                bin: "spinner_async",
                lesson: "the spinner is a tokio task; slow() awaits a 2 s sleep, then the spinner is cancelled",
                variants: &[
                    Variant {
                        args: "--blocking",
                        lesson: "a CPU-bound is_prime inside the task freezes the spinner (frames ≈ 0)",
                    },
                    Variant {
                        args: "--blocking --fix spawn-blocking",
                        lesson: "the prime check moves to tokio's blocking pool and the spinner turns again",
                    },
                    Variant {
                        args: "--blocking --fix yield-now",
                        lesson: "the prime check yields to the runtime every N divisions and the spinner turns again",
                    },
                ],
                bench: Bench::No,
            },
            Program {
                package: "spinner_async_std",
                bin: "spinner_async_std",
                lesson: "the same program on async-std (discontinued upstream), with the smol spelling alongside",
                variants: &[],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "spinner_async",
            example: "spinner_select",
            task: "stop the async spinner with a message (select! on a oneshot) instead of cancelling it",
        }],
    },
    Section {
        number: Some(1),
        title: "Processes and pipes",
        crates: &["pipes"],
        slide: "01-pipes/index.md",
        programs: &[
            Program {
                package: "pipes",
                bin: "pipe_worker",
                lesson: "parent and a child process exchange 10 commands and replies over a typed ipc-channel pair; the pids differ",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "pipe_latency",
                lesson: "round-trip latency of one small message: ipc-channel vs an OS pipe vs a crossbeam channel, pinned and not",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "pipes",
                bin: "pipe_raw",
                lesson: "the same dialogue over the child's stdin and stdout, one line per message: what ipc-channel adds",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "send_objects",
                lesson: "a typed value [42, None, 'hello'] crosses the process boundary by serde; an Rc or a closure does not compile",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "doubler",
                lesson: "five child processes each double a number and report their pid and name",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "process_lock",
                lesson: "a file lock works across processes: the children's lines never interleave",
                variants: &[Variant {
                    args: "--no-lock",
                    lesson: "without the lock the children's lines interleave mid-line",
                }],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "creator_consumer",
                lesson: "a creator and a consumer process joined by one channel; the sentinel ends the consumer; nothing is lost",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "manager",
                lesson: "a server process owns a dict and a list; children change them through request/response proxies",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "prime_procs",
                lesson: "a pool of worker processes checks the numbers of Fluent Python's `procs.py`, results as they finish, then `N checks in T s`",
                variants: &[Variant {
                    args: "--order largest-first",
                    lesson: "hand out the longest job first: the last process to finish finishes sooner",
                }],
                bench: Bench::No,
            },
            Program {
                package: "pipes",
                bin: "prime_procs_speedup",
                lesson: "1 vs 2 worker processes: ≈1.5× on the numbers of `procs.py`, bounded by the largest job (Amdahl); ≈2× on a balanced set",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "pipes",
                bin: "spawn_cost",
                lesson: "spawning and joining 100 processes vs 100 threads: the cost of one of each, and the ratio",
                variants: &[],
                bench: Bench::AsIs,
            },
        ],
        exercises: &[Exercise {
            package: "pipes",
            example: "creator_two_consumers",
            task: "make creator_consumer use two consumers and end both cleanly",
        }],
    },
    Section {
        number: Some(2),
        title: "Threads and queues",
        crates: &["queues"],
        slide: "02-queues/index.md",
        programs: &[
            Program {
                package: "queues",
                bin: "three_workers",
                lesson: "three threads sleeping 0.5/1.0/1.5 s per step overlap: the total is the slowest thread, not the sum",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "queue_kinds",
                lesson: "the same inputs come out of Queue, LifoQueue, PriorityQueue and SimpleQueue in FIFO, LIFO, priority and FIFO order",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "producer_consumer",
                lesson: "4 producers × 10 jobs, 3 consumers; join() returns after every task_done(), then Done; every job consumed once",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "copy_files",
                lesson: "worker threads copy real files from a job queue; contents checked; output lines never torn",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "sum_primes",
                lesson: "two threads sum the primes up to 400000, 500000 and 600000; the sums gathered in a Mutex<Vec>, like the Python notebook's list_lock",
                variants: &[Variant {
                    args: "--via channel",
                    lesson: "the same results sent back through a channel: no lock to share",
                }],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "channels",
                lesson: "std mpsc, crossbeam bounded, unbounded, zero-capacity and select!: when a send waits, and for whom",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "queues",
                bin: "queue_throughput",
                lesson: "messages per second: our Condvar queue (before and after), std mpsc, crossbeam bounded and unbounded",
                variants: &[],
                bench: Bench::AsIs,
            },
        ],
        exercises: &[Exercise {
            package: "queues",
            example: "put_timeout",
            task: "add put_timeout to the queue: a producer that gives up when the queue stays full",
        }],
    },
    Section {
        number: Some(3),
        title: "Pools: thread pools, process pools and futures",
        crates: &["pools", "cat_server"],
        slide: "03-pools/index.md",
        programs: &[
            Program {
                package: "cat_server",
                bin: "cat_server",
                lesson: "the course's offline internet: cat pictures and pages on 127.0.0.1, with injected latency and failures",
                variants: &[Variant {
                    args: "--port 8000 --delay-ms 100",
                    lesson: "a fixed port and 100 ms of latency on every response, for curl or a browser",
                }],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "thread_pool",
                lesson: "a pool of 3 threads runs three sleeping workers; Done! only after all finish; total ≈ the slowest",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "futures_demo",
                lesson: "a job's handle reports not done, then done, then its value",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "map_vs_as_completed",
                lesson: "map yields in submission order, as_completed in finishing order, side by side",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "pool_deadlock",
                lesson: "a job waiting on a job in a 1-worker pool, and a waits b waits a: both detected by a timeout, explained, fixed",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "default_workers",
                lesson: "available_parallelism, Python's min(32, cpu + 4) and rayon's default, side by side",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "download",
                lesson: "downloads from the cat server: sequential vs 5–30 threads vs processes; I/O-bound work scales with waiting workers",
                variants: &[Variant {
                    args: "--count 160",
                    lesson: "the Real Python notes' full run: 160 downloads, the whole curve (about 17 s)",
                }],
                bench: Bench::With("--count 160"),
            },
            Program {
                package: "pools",
                bin: "cpu_bound",
                lesson: "hash chains and sums of squares: serial vs threads vs processes vs rayon; no GIL, so threads scale too",
                variants: &[Variant {
                    args: "--scale 10",
                    lesson: "ten times the work: the process pool's start-up becomes a small share",
                }],
                bench: Bench::AsIs,
            },
            Program {
                package: "pools",
                bin: "prime_pool",
                lesson: "the Python course notebook's PRIMES checked by a thread pool, a process pool and rayon: the same answers",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "pools",
                bin: "fetch_titles",
                lesson: "worker threads take URLs from a queue, fetch pages from the cat server and print each <title>",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "pools",
                bin: "url_errors",
                lesson: "404, timeout, refused and dropped connections are reported per URL; the other URLs succeed",
                variants: &[],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "pools",
            example: "imap_unordered",
            task: "build Python's Pool.imap_unordered from submit and a channel",
        }],
    },
    Section {
        number: Some(4),
        title: "The GIL, and contention",
        crates: &["gil"],
        slide: "04-gil/index.md",
        programs: &[
            Program {
                package: "gil",
                bin: "gil_cpu",
                lesson: "20 hash chains on threads that must hold the simulated GIL take as long as serial; without it, and as processes, they scale",
                variants: &[Variant {
                    args: "--threads 5",
                    lesson: "five threads under the GIL: still no faster; four of them wait while one hashes",
                }],
                bench: Bench::AsIs,
            },
            Program {
                package: "gil",
                bin: "gil_io",
                lesson: "10 threads that wait 100 ms with the GIL released finish in about one wait, not ten",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "gil",
                bin: "gil_convoy",
                lesson: "next to a CPU-bound thread, each short I/O operation waits about one switch interval (5 ms) for the GIL",
                variants: &[Variant {
                    args: "--switch-interval 1ms",
                    lesson: "a shorter switch interval shrinks the wait, at the price of more switches",
                }],
                bench: Bench::AsIs,
            },
            Program {
                package: "gil",
                bin: "gil_release",
                lesson: "a matrix product on 2 threads: no faster while holding the GIL, up to 2× inside allow_threads (numpy's way)",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "gil",
                bin: "race",
                lesson: "a load-then-store increment on 2 threads loses updates; fetch_add and a Mutex lose none",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "gil",
                bin: "contention",
                lesson: "increments per second: one Mutex, one atomic, per-thread counters, false sharing and CachePadded, on 1 and 2 threads",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "gil",
                bin: "deadlock",
                lesson: "two threads take two locks in opposite order and deadlock; detected by a timeout, fixed by ordering; RLock and Condition in Rust",
                variants: &[],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "gil",
            example: "gil_race",
            task: "show that the GIL does not make `x += 1` atomic: a tick between the load and the store loses updates",
        }],
    },
    Section {
        number: Some(5),
        title: "Coroutines: from generators to async/await",
        crates: &["coroutines"],
        slide: "05-coroutines/index.md",
        programs: &[
            Program {
                package: "coroutines",
                bin: "lazy_range",
                lesson: "a Vec of 10⁷ numbers built up front against an Iterator computed on demand: time and peak memory; itertools in a generator pipeline",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "coroutines",
                bin: "jumping_range",
                lesson: "a coroutine you send values into prints 0 2 3 2 3 4, written as a state machine and as an async block",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "yield_from",
                lesson: "delegation through bottom, middle and top passes 42 up and 84 back down; yield from is a loop of resumes",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "tiny_executor",
                lesson: "an event loop from scratch (run queue, Waker, timer heap) runs display_date and the kettle; no runtime crate",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "task_cost",
                lesson: "what a task costs: spawn and complete 1 000 and 100 000 units on tokio, on our executor and as threads, in time and bytes",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "coroutines",
                bin: "tasks",
                lesson: "three tasks sleep and return their names reversed; the total is one sleep, not three",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "kettle",
                lesson: "breakfast awaited step by step takes 5 s; spawned tasks, join! and JoinSet take 3 s",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "async_queue",
                lesson: "20 jobs on an async channel: workers never awaited are cancelled when main returns; awaited, N workers take 20/N job times",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "display_date",
                lesson: "two tasks print timestamps at random intervals; when the second is done it stops the loop and the first is cancelled",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "runtimes",
                lesson: "the same small program (spawn, sleep, channel) on tokio, async-std (discontinued) and smol, with their names side by side",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "coroutines",
                bin: "async_download",
                lesson: "downloads from the cat server: 3 and 10 workers on a queue, sequential, join_all, buffer_unordered and a Semaphore; process time vs total time",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "coroutines",
                bin: "blocking_in_async",
                lesson: "a CPU-bound loop in a task starves a 100 ms ticker; spawn_blocking, yield_now every N and rayon + a oneshot bring the ticks back",
                variants: &[Variant {
                    args: "--yield-cost",
                    lesson: "what one yield_now costs, and the slowdown for yielding every 1, 1 000 and 100 000 steps",
                }],
                bench: Bench::With("--yield-cost"),
            },
            Program {
                package: "coroutines",
                bin: "async_pitfalls",
                lesson: "a runtime inside a runtime, a blocking client in a task, a std Mutex guard across .await: each caught, with its fix beside it",
                variants: &[],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "coroutines",
            example: "gather",
            task: "write gather for the tiny executor: run several tasks at once and collect their results in order",
        }],
    },
    Section {
        number: Some(6),
        title: "Structured concurrency",
        crates: &["structured"],
        slide: "06-structured/index.md",
        programs: &[
            Program {
                package: "structured",
                bin: "nursery",
                lesson: "a nursery cannot end before its children: 1st, 2nd and 3rd interleave, and done prints after all of them",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "multi_errors",
                lesson: "three children fail (a missing key, an index out of range, a division by zero) and a fourth panics: the nursery reports every one and cancels the slow sibling",
                variants: &[Variant {
                    args: "--policy run-to-completion",
                    lesson: "the same four failures, but the slow sibling is left to finish",
                }],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "cancel_scope",
                lesson: "a timeout cancels a whole subtree of tasks: the work after the cancellation point never runs, the Drop cleanup does",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "scoped_threads",
                lesson: "threads that borrow from the parent's stack: std::thread::scope and rayon::scope join them all before the borrow ends",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "daemon_threads",
                lesson: "every thread dies mid-work when main returns, with no join and no Drop, like Python's daemon threads; a join or a scope makes it safe",
                variants: &[
                    Variant {
                        args: "--fix join",
                        lesson: "main keeps the worker's JoinHandle and joins it: every step, the last line and the cleanup print",
                    },
                    Variant {
                        args: "--fix scope",
                        lesson: "the worker runs in a thread::scope, which joins it: nothing lost, and the worker may borrow main's locals",
                    },
                ],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "memory_channel",
                lesson: "trio's memory channel of capacity 0: the producer never runs ahead of the consumer, and the loop ends when the sender is dropped",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "structured",
                bin: "limits",
                lesson: "10 000 sleeping tokio tasks, 10 000 threads and 1 000 processes: spawn time and peak memory per unit, side by side",
                variants: &[Variant {
                    args: "--tasks 1000000",
                    lesson: "a million sleeping tasks at once, in well under a kilobyte each",
                }],
                bench: Bench::AsIs,
            },
        ],
        exercises: &[Exercise {
            package: "structured",
            example: "happy_eyeballs",
            task: "happy eyeballs on a nursery: start an attempt every 250 ms until one succeeds; the first success cancels the rest",
        }],
    },
    Section {
        number: Some(7),
        title: "Servers: a process, a thread or an event loop per connection",
        crates: &["servers"],
        slide: "07-servers/index.md",
        programs: &[
            Program {
                package: "servers",
                bin: "process_per_connection",
                lesson: "a child process per connection: the socket handed to this program started again (as inetd does), which serves that one connection and exits",
                variants: &[Variant {
                    args: "--serve",
                    lesson: "serve until Ctrl-C, for curl and wrk; the peak of processes and memory is printed at the end",
                }],
                bench: Bench::No,
            },
            Program {
                package: "servers",
                bin: "thread_per_connection",
                lesson: "a `std::thread` per accepted connection: nobody waits for a thread, but every connection, busy or idle, costs one",
                variants: &[Variant {
                    args: "--stalled 10",
                    lesson: "ten clients stall halfway through a request: each holds its own thread, and every other connection is answered",
                }],
                bench: Bench::No,
            },
            Program {
                package: "servers",
                bin: "thread_pool_server",
                lesson: "the pools lecture's ThreadPool serves the connections: with keep-alive, connection N+1 waits until a worker's client is done (head-of-line blocking)",
                variants: &[
                    Variant {
                        args: "--workers 100",
                        lesson: "a worker for every connection: all 1 000 requests answered",
                    },
                    Variant {
                        args: "--workers 4 --stalled 4",
                        lesson: "four stalled clients hold all four workers: nobody else is answered",
                    },
                ],
                bench: Bench::No,
            },
            Program {
                package: "servers",
                bin: "event_loop",
                lesson: "one tokio thread serves every connection, as an nginx worker does: thousands of connections in one process",
                variants: &[Variant {
                    args: "--connections 1000",
                    lesson: "a thousand connections open at once, still one process of two threads",
                }],
                bench: Bench::No,
            },
            Program {
                package: "servers",
                bin: "compare_servers",
                lesson: "wrk against every server, a real nginx and a real Apache among them, each on one pinned core: requests/s, latency and memory at 100, 1 000 and 10 000 connections",
                variants: &[Variant {
                    args: "--connections 10000",
                    lesson: "ten thousand keep-alive connections: the event loops and nginx keep their pace, a thread or a process per connection cannot start them fast enough",
                }],
                bench: Bench::With("--connections 10,100,1000"),
            },
            Program {
                package: "servers",
                bin: "c10k",
                lesson: "10 000 idle connections held open against every server: a thread or a process per connection pays memory for each, an event loop almost nothing (the C10k problem)",
                variants: &[Variant {
                    args: "--connections 10000",
                    lesson: "the C10k problem itself: ten thousand idle connections, a minute or two for a process per connection",
                }],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "servers",
            example: "bounded_threads",
            task: "a thread per connection, at most N at once: a semaphore in the accept loop, so connection N+1 waits in the kernel's backlog instead of costing a thread",
        }],
    },
    Section {
        number: Some(8),
        title: "Beyond one machine: jobs on a distributed engine and a real broker",
        crates: &["distributed"],
        slide: "08-distributed/index.md",
        programs: &[
            Program {
                package: "distributed",
                bin: "broker",
                lesson: "starts (or finds) a real broker server on loopback for the lecture, and says where it is",
                variants: &[],
                bench: Bench::No,
            },
            Program {
                package: "distributed",
                bin: "worker",
                lesson: "a worker process that takes the course's jobs (hash chains, prime checks) from the engine's queue",
                variants: &[Variant {
                    args: "--concurrency 2",
                    lesson: "one worker process running two jobs at once, each on a blocking thread",
                }],
                bench: Bench::No,
            },
            Program {
                package: "distributed",
                bin: "submit",
                lesson: "sends N jobs, waits for every result, checks each answer: through a broker with 1, 2 and 4 worker processes, beside the same jobs on a local rayon pool",
                variants: &[
                    Variant {
                        args: "--kind primes --tiny 0",
                        lesson: "the Python lectures' prime checks through the broker, each answer checked against the same check done here",
                    },
                    Variant {
                        args: "--redis redis://127.0.0.1:6390/",
                        lesson: "jobs to the broker that `broker` started, for the workers started by hand in other terminals",
                    },
                ],
                bench: Bench::AsIs,
            },
            Program {
                package: "distributed",
                bin: "worker_crash",
                lesson: "a worker killed mid-job: its job is delivered again and every result still arrives; nothing lost, nothing done twice in the results",
                variants: &[Variant {
                    args: "--kill-after 0",
                    lesson: "killed on its very first job: the job waits for three missed heartbeats, then runs on the other worker",
                }],
                bench: Bench::AsIs,
            },
            Program {
                package: "distributed",
                bin: "cluster",
                lesson: "the same run across several hosts — network namespaces on this machine — with the broker on one and workers on the others",
                variants: &[Variant {
                    args: "--hosts 4",
                    lesson: "four worker hosts on two cores: more hosts than cores share them, and every namespace is removed after",
                }],
                bench: Bench::No,
            },
        ],
        exercises: &[Exercise {
            package: "distributed",
            example: "idempotent_effects",
            task: "a job with a side effect, run at-least-once: a worker killed mid-job doubles a counter (INCR) but not a set (SADD); make every effect idempotent",
        }],
    },
    Section {
        number: None,
        title: "Concepts: concurrency, parallelism, latency, throughput",
        crates: &["intro"],
        slide: "intro/index.md",
        programs: &[
            Program {
                package: "intro",
                bin: "concurrent_vs_parallel",
                lesson: "two CPU-bound hash chains on one pinned core, then on two: wall time about 2× against 1×, CPU time the same",
                variants: &[Variant {
                    args: "--timeline cores.svg",
                    lesson: "both runs on one time axis: on one core the jobs take turns, on two they run side by side",
                }],
                bench: Bench::AsIs,
            },
            Program {
                package: "intro",
                bin: "latency_throughput",
                lesson: "8 service stations of one time unit: as a pipeline, latency 8 and 1 job a unit; as a farm, latency 1 and 8 jobs a unit",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "intro",
                bin: "gophers",
                lesson: "Rob Pike's gophers burn 100 books in the talk's 7 designs: more gophers sharing one cart gain nothing, a 4-stage pipeline is 3× faster",
                variants: &[Variant {
                    args: "--pictures gophers",
                    lesson: "one SVG per design into gophers/: who loaded, moved, unloaded and returned, when",
                }],
                bench: Bench::No,
            },
            Program {
                package: "intro",
                bin: "context_switch",
                lesson: "a ping-pong between two threads, two tokio tasks and two processes, pinned to one CPU and free: nanoseconds per switch",
                variants: &[],
                bench: Bench::AsIs,
            },
            Program {
                package: "intro",
                bin: "when_not_to",
                lesson: "a parallel sum against a serial one from 10² to 10⁸ numbers: below the crossover size, threads and rayon are slower",
                variants: &[Variant {
                    args: "--plot crossover.svg",
                    lesson: "time against size for the three sums, on log scales, the crossover marked",
                }],
                bench: Bench::AsIs,
            },
        ],
        exercises: &[Exercise {
            package: "intro",
            example: "slow_station",
            task: "one station of the pipeline takes 3 units: predict its latency and throughput, then measure them",
        }],
    },
];

/// Every section of the course, in lecture order.
pub fn sections() -> &'static [Section] {
    SECTIONS
}

/// Every program of the course, in lecture order.
pub fn programs() -> impl Iterator<Item = &'static Program> {
    SECTIONS.iter().flat_map(|section| section.programs)
}

/// The section with this number, if it has programs yet.
pub fn section(number: u8) -> Option<&'static Section> {
    SECTIONS
        .iter()
        .find(|section| section.number == Some(number))
}

/// The section a command line names: by its number (`3`), or, for one without a
/// number, by its crate (`intro`). See [`Section::key`].
pub fn find_section(key: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|section| section.key() == key)
}

/// The section whose crates include `package`.
pub fn section_of(package: &str) -> Option<&'static Section> {
    SECTIONS
        .iter()
        .find(|section| section.crates.contains(&package))
}

/// The program `bin` of `package`.
pub fn find_program(package: &str, bin: &str) -> Option<&'static Program> {
    programs().find(|program| program.package == package && program.bin == bin)
}

/// Every exercise of the course, in lecture order.
pub fn exercises() -> impl Iterator<Item = &'static Exercise> {
    SECTIONS.iter().flat_map(|section| section.exercises)
}

/// The exercise solved by `example` of `package`.
pub fn find_exercise(package: &str, example: &str) -> Option<&'static Exercise> {
    exercises().find(|exercise| exercise.package == package && exercise.example == example)
}

/// The menu of the section that `package` belongs to: every program with its lesson and
/// the exact command that runs it, then the exercises and the commands of their solutions.
/// `None` if the package is not in the catalog.
pub fn menu(package: &str) -> Option<String> {
    section_of(package).map(Section::menu)
}

/// Prints the menu of the section that `package` belongs to. A section crate's default
/// program calls it as `course::print_menu(env!("CARGO_PKG_NAME"))`.
///
/// A package missing from the catalog gets the whole catalog instead, under a note that
/// says so (the `course` tests catch that case before a student can).
pub fn print_menu(package: &str) {
    match menu(package) {
        Some(menu) => print!("{menu}"),
        None => {
            eprintln!(
                "note: package `{package}` is not in the course catalog (crates/course/src/lib.rs)"
            );
            print!("{}", catalog());
        }
    }
}

/// The whole course: every section's menu, one after another.
pub fn catalog() -> String {
    let menus: Vec<String> = SECTIONS.iter().map(Section::menu).collect();
    menus.join("\n")
}

/// The workspace's root directory (where the root `Cargo.toml` is), as it was when this
/// crate was compiled.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // crates/course → crates → the root.
    manifest_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

impl Section {
    /// What `--section` takes to pick this section: its number, or its first crate when
    /// it has no number (`"intro"`).
    pub fn key(&self) -> String {
        match self.number {
            Some(number) => number.to_string(),
            None => self.crates[0].to_string(),
        }
    }

    /// The title as the slides' table of contents shows it: `3. Pools: …`, or the bare
    /// title for a section without a number.
    pub fn heading(&self) -> String {
        match self.number {
            Some(number) => format!("{number}. {}", self.title),
            None => self.title.to_string(),
        }
    }

    /// The chapter's page, relative to the workspace root
    /// (for example `"slides/src/00-hello/index.md"`).
    pub fn slide_path(&self) -> String {
        format!("{SLIDES_SRC}/{}", self.slide)
    }

    /// The section's menu: its title and slide, then every program with its lesson and
    /// command, every variant indented under its program, and the exercises.
    pub fn menu(&self) -> String {
        let mut out = format!("{}\n   slides: {}\n", self.heading(), self.slide_path());
        for program in self.programs {
            out.push_str(&format!(
                "\n   {}: {}\n      {}\n",
                program.bin,
                program.lesson,
                program.command()
            ));
            for variant in program.variants {
                out.push_str(&format!(
                    "      with {}: {}\n         {}\n",
                    variant.args,
                    variant.lesson,
                    program.command_with(variant.args)
                ));
            }
        }
        for exercise in self.exercises {
            out.push_str(&format!(
                "\n   exercise: {}\n      solution: {}\n",
                exercise.task,
                exercise.command()
            ));
        }
        out
    }
}

impl Exercise {
    /// The arguments to give cargo to run the solution:
    /// `["run", "-p", package, "--example", example]`.
    pub fn cargo_args(&self) -> Vec<&'static str> {
        vec!["run", "-p", self.package, "--example", self.example]
    }

    /// The command that runs the solution:
    /// `cargo run -p spinner_async --example spinner_select`.
    pub fn command(&self) -> String {
        format!("cargo {}", self.cargo_args().join(" "))
    }
}

impl Program {
    /// Whether `cargo run -p <package>` runs this program without `--bin`: the package
    /// names its only (or its `default-run`) binary after itself.
    pub fn is_default(&self) -> bool {
        self.bin == self.package
    }

    /// The arguments to give cargo to run this program, without any of its own arguments:
    /// `["run", "-p", package]`, then `["--bin", bin]` unless [`Program::is_default`].
    pub fn cargo_args(&self) -> Vec<&'static str> {
        let mut args = vec!["run", "-p", self.package];
        if !self.is_default() {
            args.extend(["--bin", self.bin]);
        }
        args
    }

    /// The command that runs it: `cargo run -p spinner_async`, or
    /// `cargo run -p pipes --bin pipe_worker` in a package of several programs.
    pub fn command(&self) -> String {
        format!("cargo {}", self.cargo_args().join(" "))
    }

    /// The command that runs it with these arguments:
    /// `cargo run -p spinner_async -- --blocking`. Empty `args` give [`Program::command`].
    pub fn command_with(&self, args: &str) -> String {
        let args = args.trim();
        if args.is_empty() {
            self.command()
        } else {
            format!("{} -- {args}", self.command())
        }
    }

    /// Every command of this program: the plain one first, then one per variant.
    pub fn commands(&self) -> Vec<String> {
        let variants = self.variants.iter().map(|v| self.command_with(v.args));
        std::iter::once(self.command()).chain(variants).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SINGLE: Program = Program {
        package: "spinner_async",
        bin: "spinner_async",
        lesson: "",
        variants: &[Variant {
            args: "--blocking",
            lesson: "",
        }],
        bench: Bench::No,
    };

    const ONE_OF_MANY: Program = Program {
        package: "pipes",
        bin: "pipe_worker",
        lesson: "",
        variants: &[],
        bench: Bench::No,
    };

    #[test]
    fn a_program_named_after_its_package_runs_without_bin() {
        assert_eq!(SINGLE.command(), "cargo run -p spinner_async");
    }

    #[test]
    fn a_program_among_several_names_its_bin() {
        assert_eq!(
            ONE_OF_MANY.command(),
            "cargo run -p pipes --bin pipe_worker"
        );
    }

    #[test]
    fn arguments_follow_a_double_dash() {
        assert_eq!(
            SINGLE.command_with("--blocking --fix yield-now"),
            "cargo run -p spinner_async -- --blocking --fix yield-now"
        );
        assert_eq!(ONE_OF_MANY.command_with("  "), ONE_OF_MANY.command());
    }

    #[test]
    fn commands_list_the_plain_run_first_then_the_variants() {
        assert_eq!(
            SINGLE.commands(),
            [
                "cargo run -p spinner_async",
                "cargo run -p spinner_async -- --blocking"
            ]
        );
    }

    #[test]
    fn the_menu_shows_every_program_and_variant_with_its_command() {
        let menu = menu("spinner_async").expect("spinner_async is in the catalog");
        assert!(menu.starts_with("0. Hello, concurrency: the spinners\n"));
        for program in section_of("spinner_async").unwrap().programs {
            assert!(menu.contains(program.lesson));
            for command in program.commands() {
                assert!(menu.contains(&command), "{command} missing from\n{menu}");
            }
        }
        for exercise in section_of("spinner_async").unwrap().exercises {
            assert!(menu.contains(exercise.task));
            assert!(menu.contains(&exercise.command()));
        }
    }

    #[test]
    fn an_exercise_solution_runs_as_an_example() {
        let exercise = Exercise {
            package: "spinner_async",
            example: "spinner_select",
            task: "",
        };
        assert_eq!(
            exercise.command(),
            "cargo run -p spinner_async --example spinner_select"
        );
    }

    #[test]
    fn an_unknown_package_has_no_menu() {
        assert_eq!(menu("no_such_package"), None);
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("crates/course").is_dir());
    }
}
