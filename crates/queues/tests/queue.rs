//! The queues' behaviour as a user sees it: order, limits, timeouts, `task_done` and `join`.
//!
//! Blocking is proved without sleeping-and-hoping: where a test needs "this has not happened
//! yet", something the test itself controls (a channel it has not sent on yet) makes it
//! impossible. The tests that watch a thread fall asleep inside `put`, `get` or `join` are
//! the unit tests in `src/queue.rs`; they can see the waiter counts.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use queues::{Full, LifoQueue, PriorityQueue, Queue, SimpleQueue, TaskDoneError};

/// Long enough never to expire in a passing test.
const PATIENCE: Duration = Duration::from_secs(10);
/// Short, for waits that are meant to time out.
const BRIEF: Duration = Duration::from_millis(20);

/// Puts `items` in order, then gets until the queue is empty.
fn round_trip<Q>(
    items: &[i32],
    put: impl Fn(&Q, i32),
    try_get: impl Fn(&Q) -> Option<i32>,
    q: Q,
) -> Vec<i32> {
    for &item in items {
        put(&q, item);
    }
    std::iter::from_fn(|| try_get(&q)).collect()
}

/// `Queue` hands items out in the order they were put.
#[test]
fn queue_is_first_in_first_out() {
    let got = round_trip(&[5, 1, 4], Queue::put, Queue::try_get, Queue::new());
    assert_eq!(got, [5, 1, 4]);
}

/// `LifoQueue` hands out the newest item first.
#[test]
fn lifo_queue_is_last_in_first_out() {
    let got = round_trip(
        &[5, 1, 4],
        LifoQueue::put,
        LifoQueue::try_get,
        LifoQueue::new(),
    );
    assert_eq!(got, [4, 1, 5]);
}

/// `PriorityQueue` hands out the smallest item first, whatever the order of `put`.
#[test]
fn priority_queue_is_smallest_first() {
    let got = round_trip(
        &[5, 1, 4],
        PriorityQueue::put,
        PriorityQueue::try_get,
        PriorityQueue::new(),
    );
    assert_eq!(got, [1, 4, 5]);
}

/// Python's idiom: `(priority, data)` tuples, compared by priority first.
#[test]
fn priority_queue_orders_tuples_by_their_first_field() {
    let q = PriorityQueue::new();
    q.put((3, "low"));
    q.put((1, "urgent"));
    q.put((2, "normal"));
    assert_eq!(q.get(), (1, "urgent"));
    assert_eq!(q.get(), (2, "normal"));
    assert_eq!(q.get(), (3, "low"));
}

/// `SimpleQueue` is first in, first out too.
#[test]
fn simple_queue_is_first_in_first_out() {
    let got = round_trip(
        &[5, 1, 4],
        SimpleQueue::put,
        SimpleQueue::try_get,
        SimpleQueue::new(),
    );
    assert_eq!(got, [5, 1, 4]);
}

/// `with_maxsize(0)` is unbounded, as `Queue(maxsize=0)` is in Python.
#[test]
fn maxsize_zero_means_unbounded() {
    let q = Queue::with_maxsize(0);
    for n in 0..10_000 {
        q.try_put(n).expect("an unbounded queue is never full");
    }
    assert_eq!((q.qsize(), q.maxsize(), q.full()), (10_000, 0, false));
}

/// A full queue refuses `try_put` and hands the item back.
#[test]
fn try_put_on_a_full_queue_gives_the_item_back() {
    let q = Queue::with_maxsize(2);
    assert_eq!(q.try_put("a"), Ok(()));
    assert_eq!(q.try_put("b"), Ok(()));
    assert!(q.full());
    assert_eq!(q.try_put("c"), Err(Full("c")));
    assert_eq!(q.try_get(), Some("a"));
    assert_eq!(q.try_put("c"), Ok(()));
}

/// `try_get` on an empty queue returns `None` at once.
#[test]
fn try_get_on_an_empty_queue_is_none() {
    let q: Queue<i32> = Queue::new();
    assert!(q.empty());
    assert_eq!(q.try_get(), None);
}

/// `get_timeout` on an empty queue waits about the timeout, then returns `None`.
#[test]
fn get_timeout_on_an_empty_queue_is_none() {
    let q: Queue<i32> = Queue::new();
    let start = Instant::now();
    assert_eq!(q.get_timeout(BRIEF), None);
    assert!(start.elapsed() >= BRIEF, "returned before the timeout");
}

/// `put_timeout` on a full queue gives the item back inside `Full`.
#[test]
fn put_timeout_on_a_full_queue_gives_the_item_back() {
    let q = Queue::with_maxsize(1);
    q.put(String::from("first"));
    let start = Instant::now();
    let refused = q.put_timeout(String::from("second"), BRIEF).unwrap_err();
    assert!(start.elapsed() >= BRIEF, "gave up before the timeout");
    assert_eq!(refused.into_inner(), "second");
    assert_eq!(q.qsize(), 1);
}

/// `get_timeout` takes an item that another thread puts while it waits.
#[test]
fn get_timeout_receives_an_item_put_while_it_waits() {
    let q = Queue::new();
    thread::scope(|s| {
        let consumer = s.spawn(|| q.get_timeout(PATIENCE));
        q.put(42);
        assert_eq!(consumer.join().unwrap(), Some(42));
    });
}

/// A producer on a full queue finishes its `put` once a consumer makes room.
#[test]
fn put_on_a_full_queue_completes_after_a_get() {
    let q = Queue::with_maxsize(1);
    q.put(1);
    thread::scope(|s| {
        let producer = s.spawn(|| q.put(2));
        assert_eq!(q.get(), 1);
        producer.join().unwrap();
    });
    assert_eq!(q.get(), 2);
}

/// `put_timeout` succeeds when a consumer makes room before the timeout.
#[test]
fn put_timeout_succeeds_when_room_appears() {
    let q = Queue::with_maxsize(1);
    q.put(1);
    thread::scope(|s| {
        let producer = s.spawn(|| q.put_timeout(2, PATIENCE));
        assert_eq!(q.get(), 1);
        assert_eq!(producer.join().unwrap(), Ok(()));
    });
    assert_eq!(q.get(), 2);
}

/// One `task_done` more than items put is an error, as Python's `ValueError`.
#[test]
fn task_done_too_often_is_an_error() {
    let q = Queue::new();
    assert_eq!(q.task_done(), Err(TaskDoneError));
    q.put(());
    q.get();
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
}

/// `join` on a queue with no unfinished task returns at once.
#[test]
fn join_without_tasks_returns_at_once() {
    let q: Queue<i32> = Queue::new();
    q.join();
    assert!(q.join_timeout(Duration::ZERO));
}

/// `join` returns after every item has been marked done, and not before: while a worker
/// holds a task that the test has not let it finish, `join_timeout` must time out.
#[test]
fn join_returns_only_after_every_task_done() {
    let q = Queue::new();
    q.put("job 1");
    q.put("job 2");
    let (got_tx, got_rx) = mpsc::channel();
    let (finish_tx, finish_rx) = mpsc::channel::<()>();
    let q = &q;
    thread::scope(|s| {
        s.spawn(move || {
            for _ in 0..2 {
                got_tx.send(q.get()).unwrap();
                finish_rx.recv().unwrap(); // hold the task until the test says so
                q.task_done().unwrap();
            }
        });
        assert_eq!(got_rx.recv().unwrap(), "job 1");
        assert!(
            !q.join_timeout(BRIEF),
            "join returned with two tasks unfinished"
        );
        finish_tx.send(()).unwrap();
        assert_eq!(got_rx.recv().unwrap(), "job 2");
        // The queue is empty now, but job 2 is not done: still no join.
        assert!(q.empty());
        assert!(
            !q.join_timeout(BRIEF),
            "join returned with a task unfinished"
        );
        finish_tx.send(()).unwrap();
        q.join();
        assert_eq!(q.unfinished_tasks(), 0);
    });
}
