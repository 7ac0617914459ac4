//! Many producers, many consumers: every item arrives exactly once, `join` returns, and the
//! queue ends empty, for each discipline, bounded and unbounded.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use queues::{BlockingQueue, Discipline, LifoQueue, PriorityQueue, Queue, SimpleQueue};

const PRODUCERS: u64 = 4;
const CONSUMERS: usize = 3;
const ITEMS_PER_PRODUCER: u64 = 5_000;
/// Small, so producers often find the queue full and have to sleep.
const BOUND: usize = 8;

/// Runs the scenario on `q` and checks everything that must hold at the end.
fn stress<D: Discipline<u64> + Send>(q: BlockingQueue<u64, D>) {
    let total = PRODUCERS * ITEMS_PER_PRODUCER;
    // A consumer takes a ticket before each `get`. There are exactly as many tickets as
    // items, so no consumer waits for an item that will never come. (A "stop" item would
    // not do: a LIFO or priority queue could hand it out before the real ones.)
    let tickets = AtomicUsize::new(total as usize);
    let received = Mutex::new(Vec::with_capacity(total as usize));

    thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let q = &q;
                // Every item is unique: producer p puts p*K .. (p+1)*K.
                s.spawn(move || {
                    for k in 0..ITEMS_PER_PRODUCER {
                        q.put(p * ITEMS_PER_PRODUCER + k);
                    }
                })
            })
            .collect();
        for _ in 0..CONSUMERS {
            s.spawn(|| {
                let mut mine = Vec::new();
                while take_ticket(&tickets) {
                    mine.push(q.get());
                    q.task_done().expect("one task_done per get");
                }
                received.lock().unwrap().extend(mine);
            });
        }
        // `join` waits for the items put *so far*. Called while producers are still
        // running, it could return as soon as the consumers catch up with them. So first
        // wait until every item is in.
        for producer in producers {
            producer.join().unwrap();
        }
        // Python's `q.join()`: returns once every item put has been marked done.
        q.join();
        assert_eq!(q.unfinished_tasks(), 0);
    });

    let mut received = received.into_inner().unwrap();
    received.sort_unstable();
    let expected: Vec<u64> = (0..total).collect();
    assert!(received == expected, "items lost or duplicated");
    assert!(q.empty());
    assert_eq!(q.try_get(), None);
}

/// Takes one ticket if any is left.
fn take_ticket(tickets: &AtomicUsize) -> bool {
    tickets
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(1)
        })
        .is_ok()
}

#[test]
fn fifo_unbounded() {
    stress(Queue::new());
}

#[test]
fn fifo_bounded() {
    stress(Queue::with_maxsize(BOUND));
}

#[test]
fn lifo_unbounded() {
    stress(LifoQueue::new());
}

#[test]
fn lifo_bounded() {
    stress(LifoQueue::with_maxsize(BOUND));
}

#[test]
fn priority_unbounded() {
    stress(PriorityQueue::new());
}

#[test]
fn priority_bounded() {
    stress(PriorityQueue::with_maxsize(BOUND));
}

/// `SimpleQueue` has no `join`: the consumers count what they received instead.
#[test]
fn simple_queue() {
    let q = SimpleQueue::new();
    let total = PRODUCERS * ITEMS_PER_PRODUCER;
    let tickets = AtomicUsize::new(total as usize);
    let sum = AtomicUsize::new(0);
    thread::scope(|s| {
        for p in 0..PRODUCERS {
            let q = &q;
            s.spawn(move || {
                for k in 0..ITEMS_PER_PRODUCER {
                    q.put(p * ITEMS_PER_PRODUCER + k);
                }
            });
        }
        for _ in 0..CONSUMERS {
            s.spawn(|| {
                while take_ticket(&tickets) {
                    sum.fetch_add(q.get() as usize, Ordering::Relaxed);
                }
            });
        }
    });
    // 0 + 1 + ... + (total - 1); each item is distinct, so the sum catches a lost item.
    assert_eq!(sum.into_inner() as u64, total * (total - 1) / 2);
    assert!(q.empty());
}
