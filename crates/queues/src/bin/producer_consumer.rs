//! Seed 000's producer/consumer: producer threads put jobs into one `Queue`, consumer
//! threads take them out, and the main thread waits in `q.join()` until every job taken has
//! been marked done with `task_done()`. Then it prints `Done`.
//!
//!     cargo run -p queues --bin producer_consumer
//!     cargo run -p queues --bin producer_consumer -- --producers 2 --consumers 1
//!     cargo run -p queues --bin producer_consumer -- --work-ms 0
//!
//! What to look for: the jobs of the four producers are spread over the three consumers in
//! no fixed order (run it twice), yet every job is consumed exactly once, and `Done` comes
//! only after the last consumer has finished its last job. A consumer works a little
//! longer on a job (`--work-ms`) than a producer takes to make one, as in the seed, so
//! the queue fills up faster than it empties.
//!
//! One difference from the seed: its consumers are *daemon* threads, still blocked in
//! `q.get()` when the program ends, and killed with it. Here every thread is joined before
//! the program ends, so once `q.join()` has returned, the main thread puts one `Stop`
//! message per consumer and each consumer returns when it takes one. (Python 3.13 added
//! `q.shutdown()` for the same job; crossbeam's channels do it by closing, when the last
//! sender is dropped. Our `Queue`, like the seed's, has no such thing, so it is a message.)

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Mutex;
use std::thread::{self, Builder};
use std::time::Duration;

use clap::Parser;
use queues::Queue;

/// Producers put jobs into one Queue, consumers take them, q.join() waits (seed 000).
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

    /// Milliseconds a consumer works on each job; a producer pauses ¾ of that between jobs
    /// (the seed's 0.4 s and 0.3 s)
    #[arg(long, value_name = "MS", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    work_ms: u64,
}

// ANCHOR: message
/// A job: which producer made it, and its number there (the seed's `range(10)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    producer: u32,
    number: u32,
}

/// What travels through the queue: a job, or the signal for one consumer to return.
enum Message {
    Job(Job),
    Stop,
}
// ANCHOR_END: message

// ANCHOR: producer
/// Puts `jobs` jobs into the queue, pausing between them as if making each took a while.
fn producer(q: &Queue<Message>, producer: u32, jobs: u32, pause: Duration) {
    let name = thread::current().name().unwrap_or("producer").to_string();
    for number in 0..jobs {
        // Printed before the `put`, so this line always comes before the consumer's line
        // about the same job.
        println!("{name} puts job {number}");
        q.put(Message::Job(Job { producer, number }));
        thread::sleep(pause);
    }
}
// ANCHOR_END: producer

// ANCHOR: consumer
/// Takes messages until a `Stop`: works on each job, notes it, marks it done.
fn consumer(q: &Queue<Message>, consumed: &Mutex<Vec<Job>>, work: Duration) {
    let name = thread::current().name().unwrap_or("consumer").to_string();
    loop {
        match q.get() {
            Message::Job(job) => {
                println!(
                    "{name} got job {} from Producer-{}",
                    job.number, job.producer
                );
                thread::sleep(work);
                consumed.lock().expect("no consumer panics").push(job);
                // Last of all: once every job is marked done, `q.join()` returns, and the
                // job must be finished (and noted) by then.
                q.task_done().expect("one task_done per get");
            }
            Message::Stop => {
                // One `task_done` per `get`, for the stop too: the queue's count stays true.
                q.task_done().expect("one task_done per get");
                return;
            }
        }
    }
}
// ANCHOR_END: consumer

fn main() -> ExitCode {
    let args = Args::parse();
    end_the_program_on_any_panic();
    let work = Duration::from_millis(args.work_ms);
    let pause = work * 3 / 4;

    // ANCHOR: main
    let q = Queue::new();
    let consumed = Mutex::new(Vec::new());
    let (q, consumed) = (&q, &consumed);
    let all_consumed_once = thread::scope(|s| {
        // Named threads, like the seed's `name="1st"`: `thread::current().name()` is
        // Python's `threading.current_thread().name`.
        for c in 1..=args.consumers {
            Builder::new()
                .name(format!("Consumer-{c}"))
                .spawn_scoped(s, move || consumer(q, consumed, work))
                .expect("the system starts a thread");
        }
        let producers: Vec<_> = (1..=args.producers)
            .map(|p| {
                Builder::new()
                    .name(format!("Producer-{p}"))
                    .spawn_scoped(s, move || producer(q, p, args.jobs, pause))
                    .expect("the system starts a thread")
            })
            .collect();

        // `q.join()` waits until the count of unfinished jobs is zero, and before any
        // producer has put its first job that count is already zero. The seed calls it at
        // once and counts on its producers being quicker; we wait for them to finish first.
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        q.join();

        let all_consumed_once = check(&consumed.lock().expect("no consumer panics"), &args);
        println!("Done");

        // The consumers are all blocked in `q.get()` now. One `Stop` each: a consumer
        // returns after its first, so no consumer can take two.
        for _ in 0..args.consumers {
            q.put(Message::Stop);
        }
        all_consumed_once
        // The end of the scope joins the consumers.
    });
    // ANCHOR_END: main

    if all_consumed_once {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Makes a panic in any thread end the whole program, as it would a single-threaded one.
///
/// By default a panic ends only the thread it happens in. Here that would be a hang: a
/// consumer that dies holding a job never calls `task_done`, so `q.join()` waits for ever.
/// (Python's threads behave the same: an exception ends the thread, and `q.join()` waits
/// for ever.) The easiest way to see it: `println!` panics when stdout is a pipe that was
/// closed, as in `producer_consumer | head -3`.
fn end_the_program_on_any_panic() {
    let print_the_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        print_the_panic(info);
        std::process::exit(101); // the exit code of a panicking `main`
    }));
}

/// Prints whether every job the producers made was consumed exactly once.
fn check(consumed: &[Job], args: &Args) -> bool {
    let mut times: BTreeMap<Job, u32> = BTreeMap::new();
    for &job in consumed {
        *times.entry(job).or_default() += 1;
    }
    let made = (1..=args.producers)
        .flat_map(|producer| (0..args.jobs).map(move |number| Job { producer, number }));
    let mut wrong = 0;
    for job in made {
        match times.remove(&job).unwrap_or(0) {
            1 => {}
            n => {
                eprintln!("error: {job:?} was consumed {n} times");
                wrong += 1;
            }
        }
    }
    for job in times.keys() {
        eprintln!("error: {job:?} was consumed but never made");
        wrong += 1;
    }
    let total = args.producers * args.jobs;
    if wrong == 0 {
        println!("q.join() returned: all {total} jobs done, each consumed exactly once");
    }
    wrong == 0
}
