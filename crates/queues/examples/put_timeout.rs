//! The chapter's exercise, solved: `put_timeout`, a producer that stops waiting.
//!
//!     cargo run -p queues --example put_timeout
//!
//! A queue holds at most 2 jobs. The producer makes a job every 50 ms, the consumer needs
//! 200 ms for each, so the queue fills up. Instead of waiting for ever in `put`, the
//! producer waits at most 120 ms for room; when none comes, it gets the job back inside
//! `Full` and drops it. Expect something like (the exact milliseconds vary):
//!
//!        0 ms  producer: put job 0
//!       50 ms  producer: put job 1
//!      100 ms  producer: put job 2
//!      200 ms  consumer: finished job 0
//!      200 ms  producer: put job 3
//!      370 ms  producer: gave up on job 4 after 120 ms: the queue is full
//!      ...
//!     9 jobs made: 7 done, 2 dropped

use std::thread;
use std::time::{Duration, Instant};

use queues::Queue;

const JOBS: u32 = 9;
const MAKE_EVERY: Duration = Duration::from_millis(50);
const WORK: Duration = Duration::from_millis(200);
const PATIENCE: Duration = Duration::from_millis(120);

fn main() {
    let start = Instant::now();
    let stamp = || format!("{:4} ms", start.elapsed().as_millis());
    // `None` tells the consumer there is nothing more to come.
    let q: Queue<Option<u32>> = Queue::with_maxsize(2);

    let (done, dropped) = thread::scope(|s| {
        let consumer = s.spawn(|| {
            let mut done = 0;
            while let Some(job) = q.get() {
                thread::sleep(WORK); // a slow consumer
                println!("{}  consumer: finished job {job}", stamp());
                done += 1;
            }
            done
        });

        let mut dropped = 0;
        for job in 0..JOBS {
            match q.put_timeout(Some(job), PATIENCE) {
                Ok(()) => println!("{}  producer: put job {job}", stamp()),
                // The queue stayed full for the whole timeout: the job comes back to us.
                Err(full) => {
                    let job = full.into_inner().expect("we only put Some jobs here");
                    println!(
                        "{}  producer: gave up on job {job} after {} ms: {full}",
                        stamp(),
                        PATIENCE.as_millis()
                    );
                    dropped += 1;
                }
            }
            thread::sleep(MAKE_EVERY);
        }
        // The end marker must get through, so this `put` may wait as long as it takes.
        q.put(None);
        (
            consumer.join().expect("the consumer does not panic"),
            dropped,
        )
    });
    println!("{JOBS} jobs made: {done} done, {dropped} dropped");
}
