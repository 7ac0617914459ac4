//! Lecture 2: Python's `queue` module, rebuilt from a `Mutex` and `Condvar`s.
//!
//! Python's `queue` offers four queues, and so does this crate:
//!
//! | Python                 | here                          | order               |
//! |------------------------|-------------------------------|---------------------|
//! | `queue.Queue`          | [`Queue<T>`]                  | first in, first out |
//! | `queue.LifoQueue`      | [`LifoQueue<T>`]              | last in, first out  |
//! | `queue.PriorityQueue`  | [`PriorityQueue<T>`]          | smallest first      |
//! | `queue.SimpleQueue`    | [`SimpleQueue<T>`]            | first in, first out |
//!
//! The first three are one type, [`BlockingQueue<T, D>`], whose [`Discipline`] `D` decides
//! which item comes out next; the locking, the waiting and the task counting are written
//! once. A producer/consumer round trip looks like Python's:
//!
//! ```
//! use queues::Queue;
//!
//! let q = Queue::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| {
//!         for _ in 0..3 {
//!             let job: u32 = q.get();
//!             println!("worker got {job}");
//!             q.task_done().expect("one task_done per get");
//!         }
//!     });
//!     for job in 0..3 {
//!         q.put(job);
//!     }
//!     q.join(); // returns once the worker has marked all three done
//!     println!("Done");
//! });
//! ```
//!
//! Method names follow Python's, with Rust's idiom where Python uses flags or exceptions:
//! `put(item, block=False)` is [`try_put`](BlockingQueue::try_put), `get(timeout=t)` is
//! [`get_timeout`](BlockingQueue::get_timeout) returning an `Option`, and `queue.Full`
//! is the [`Full`] error that hands the item back.
//!
//! [`textbook::TextbookQueue`] is the simplest correct blocking queue, kept as the "before"
//! of the chapter. It notifies its condition variable on every `put`, a system call each
//! time; [`Queue`] notifies only when a thread is asleep and nobody has woken it yet, and
//! moves several times more messages per second.
//! `cargo run --release -p queues --bin queue_throughput` measures both beside the
//! channels of `std` and `crossbeam`, which avoid the lock altogether.
//!
//! [`channels`] holds the chapter's channel demos (std `mpsc`, crossbeam's bounded,
//! unbounded and zero-capacity channels, `select!`), which the `channels` program runs;
//! [`scratch`] makes the files `copy_files` copies.
//!
//! Under `RUSTFLAGS="--cfg loom"` the queues are built on `loom`'s primitives and the
//! tests at the bottom of this file let the model checker try every interleaving.

pub mod channels;
mod discipline;
mod queue;
pub mod scratch;
mod simple;
mod sync;
pub mod textbook;

pub use discipline::{Discipline, Fifo, Lifo, Priority};
pub use queue::{BlockingQueue, Full, LifoQueue, PriorityQueue, Queue, TaskDoneError};
pub use simple::SimpleQueue;

/// Model checks: `loom` runs each closure under every interleaving of its threads that
/// matters (every order of lock acquisitions, every choice of which waiter a notify wakes)
/// and fails if any of them deadlocks, loses a wake-up or breaks an assertion.
///
///     RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p queues --lib
///
/// loom's `Condvar::wait_timeout` never times out (it waits like `wait`), so the timeout
/// methods are tested with real threads in `tests/queue.rs`, not here. The models stay
/// small (two or three threads, one to three items): the number of interleavings grows
/// very fast with each thread and each operation.
#[cfg(all(test, loom))]
mod loom_models {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicBool, Ordering};
    use loom::thread;

    use super::textbook::TextbookQueue;
    use super::{LifoQueue, Queue};

    /// A consumer that may call `get` before anything is put: it must be woken, and get
    /// the items in order.
    #[test]
    fn get_waits_for_put() {
        loom::model(|| {
            let q = Arc::new(Queue::new());
            let consumer = {
                let q = Arc::clone(&q);
                thread::spawn(move || (q.get(), q.get()))
            };
            q.put(1);
            q.put(2);
            assert_eq!(consumer.join().unwrap(), (1, 2));
            assert!(q.empty());
        });
    }

    /// Two consumers asleep at once, one item each: counting the waiters must not make a
    /// `put` skip the notify the second sleeper needs. (This is the model that catches the
    /// tempting "notify only when the queue was empty" shortcut: the second `put` finds one
    /// item already there, stays silent, and the second consumer sleeps for ever.)
    #[test]
    fn two_sleeping_getters_both_wake() {
        loom::model(|| {
            let q = Arc::new(LifoQueue::new());
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let q = Arc::clone(&q);
                    thread::spawn(move || q.get())
                })
                .collect();
            q.put(1);
            q.put(2);
            let mut got: Vec<i32> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
            got.sort();
            assert_eq!(got, [1, 2]);
        });
    }

    /// `join` returns only after the worker's `task_done`, and then sees everything the
    /// worker did before it.
    #[test]
    fn join_returns_after_task_done() {
        loom::model(|| {
            let q = Arc::new(Queue::new());
            let processed = Arc::new(AtomicBool::new(false));
            q.put("job");
            let worker = {
                let (q, processed) = (Arc::clone(&q), Arc::clone(&processed));
                thread::spawn(move || {
                    q.get();
                    processed.store(true, Ordering::Relaxed);
                    q.task_done().unwrap();
                })
            };
            q.join();
            // Relaxed is enough: the queue's lock orders the store before join's return.
            assert!(processed.load(Ordering::Relaxed));
            assert_eq!(q.task_done(), Err(super::TaskDoneError));
            worker.join().unwrap();
        });
    }

    /// A bounded queue (maxsize 1): the producer must sleep on the second `put` until the
    /// consumer makes room, and then be woken.
    #[test]
    fn full_queue_blocks_the_producer_until_a_get() {
        loom::model(|| {
            let q = Arc::new(Queue::with_maxsize(1));
            let producer = {
                let q = Arc::clone(&q);
                thread::spawn(move || {
                    q.put(1);
                    q.put(2);
                })
            };
            assert_eq!(q.get(), 1);
            assert_eq!(q.get(), 2);
            producer.join().unwrap();
            assert!(q.empty());
        });
    }

    /// Two producers and one free slot: one producer sleeps while the other's item waits,
    /// and every `get` must wake the right kind of thread.
    #[test]
    fn two_producers_share_one_slot() {
        loom::model(|| {
            let q = Arc::new(Queue::with_maxsize(1));
            let producers: Vec<_> = [1, 2]
                .map(|item| {
                    let q = Arc::clone(&q);
                    thread::spawn(move || q.put(item))
                })
                .into_iter()
                .collect();
            let mut got = [q.get(), q.get()];
            got.sort();
            assert_eq!(got, [1, 2]);
            for producer in producers {
                producer.join().unwrap();
            }
        });
    }

    /// The textbook queue, for comparison: correct too, just slower.
    #[test]
    fn textbook_get_waits_for_put() {
        loom::model(|| {
            let q = Arc::new(TextbookQueue::new());
            let consumer = {
                let q = Arc::clone(&q);
                thread::spawn(move || q.get())
            };
            q.put(7);
            assert_eq!(consumer.join().unwrap(), 7);
        });
    }
}
