//! 4 producers × 10 jobs, 3 consumers; join() returns after every task_done(), then Done; every job consumed once
//!
//!     cargo run -p queues --bin producer_consumer
//!     cargo run -p queues --bin producer_consumer -- --producers 2 --consumers 1
//!     cargo run -p queues --bin producer_consumer -- --work-ms 0
//!
//! What to look for: the four lines of every job, as in the Python slides ("Concurrency and
//! parallelism in Python"): `Producer-2 thread: Starting producing 7`, `… Produced 7`,
//! `Consumer-1 thread: Starting consuming 7 from Producer-2`, `… Consumed 7 from
//! Producer-2`. The jobs are spread over the consumers in no fixed order (run it twice),
//! yet every job is consumed exactly once, and `Done` comes only after the last
//! `Consumed`. The Python consumers are daemon threads, killed at exit while blocked in
//! `q.get()`; ours are joined: after `q.join()`, each takes a `None` and returns.

use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use clap::Parser;
use queues::Queue;

/// Producers put jobs into one Queue, consumers take them, q.join() waits, then Done.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Producer threads
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    producers: u32,

    /// Jobs each producer puts
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,

    /// Consumer threads
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    consumers: u32,

    /// Milliseconds a consumer works on each job; a producer takes ¾ of that to make one
    /// (the Python slides' 0.4 s and 0.3 s)
    #[arg(long, value_name = "MS", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    work_ms: u64,
}

/// A job: which producer made it, and its number there (the Python slides' `range(10)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    producer: u32,
    number: u32,
}

/// Makes `jobs` jobs, each taking a while, and puts each into the queue once it is made.
/// (The Python original puts first and says "Produced" after its pause; we put a job
/// when it is made, so its `Produced` line always comes before any consumer's line.)
fn producer(q: &Queue<Option<Job>>, producer: u32, jobs: u32, pause: Duration) {
    // ANCHOR: producer
    let name = format!("Producer-{producer}");
    for number in 0..jobs {
        println!("{name} thread: Starting producing {number}");
        thread::sleep(pause);
        println!("{name} thread: Produced {number}");
        q.put(Some(Job { producer, number }));
    }
    // ANCHOR_END: producer
}

/// Takes jobs until a `None`: works on each, notes it, marks it done.
fn consumer(name: &str, q: &Queue<Option<Job>>, consumed: &Mutex<Vec<Job>>, work: Duration) {
    // ANCHOR: consumer
    while let Some(job) = q.get() {
        let from = format!("{} from Producer-{}", job.number, job.producer);
        println!("{name} thread: Starting consuming {from}");
        thread::sleep(work);
        consumed.lock().expect("no consumer panics").push(job);
        println!("{name} thread: Consumed {from}");
        // Last of all: once every job is marked done, `q.join()`
        // returns, and the job must be finished (and noted) by then.
        q.task_done().expect("one task_done per get");
    }
    // One `task_done` per `get`, for the `None` too: the queue's
    // count stays true.
    q.task_done().expect("one task_done per get");
    // ANCHOR_END: consumer
}

fn main() -> ExitCode {
    let args = Args::parse();
    end_the_program_on_any_panic();
    let work = Duration::from_millis(args.work_ms);
    let pause = work * 3 / 4;

    // ANCHOR: spawn
    let q = Queue::new();
    let consumed = Mutex::new(Vec::new());
    let (q, consumed) = (&q, &consumed);
    let checked = thread::scope(|s| {
        // Python names its threads (`name="1st"`) and asks
        // `current_thread().name`; here each thread is told its name.
        for c in 1..=args.consumers {
            let name = format!("Consumer-{c}");
            s.spawn(move || consumer(&name, q, consumed, work));
        }
        let producers: Vec<_> = (1..=args.producers)
            .map(|p| s.spawn(move || producer(q, p, args.jobs, pause)))
            .collect();
        // ANCHOR_END: spawn

        // `q.join()` waits until the count of unfinished jobs is zero, and before any
        // producer has put its first job that count is already zero. The Python original
        // calls it at once and counts on its producers being quicker; we wait for them.
        // ANCHOR: join
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        q.join();
        let checked = check(consumed, &args);
        println!("Done");

        // The consumers are all blocked in `q.get()` now. One `None`
        // each: a consumer returns after its first, so no consumer can
        // take two.
        for _ in 0..args.consumers {
            q.put(None);
        }
        checked // the end of the scope joins the consumers
        // ANCHOR_END: join
    });
    common::exit_code("producer_consumer", checked)
}

/// Whether every job the producers made was consumed exactly once; says so if it was.
fn check(consumed: &Mutex<Vec<Job>>, args: &Args) -> Result<(), String> {
    let mut consumed = consumed.lock().expect("no consumer panics").to_vec();
    consumed.sort();
    let made: Vec<Job> = (1..=args.producers)
        .flat_map(|producer| (0..args.jobs).map(move |number| Job { producer, number }))
        .collect();
    if consumed != made {
        let (made, consumed) = (made.len(), consumed.len());
        return Err(format!(
            "{made} jobs made, {consumed} consumed: not each exactly once"
        ));
    }
    let total = made.len();
    println!("q.join() returned: all {total} jobs done, each consumed exactly once");
    Ok(())
}

/// Makes a panic in any thread end the whole program, as it would a single-threaded one.
///
/// By default a panic ends only the thread it happens in. Here that would be a hang: a
/// consumer that dies holding a job never calls `task_done`, so `q.join()` waits for ever.
/// (Python's threads behave the same.) The easiest way to see it: `println!` panics when
/// stdout is a pipe that was closed, as in `producer_consumer | head -3`.
fn end_the_program_on_any_panic() {
    let print_the_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        print_the_panic(info);
        std::process::exit(101); // the exit code of a panicking `main`
    }));
}
