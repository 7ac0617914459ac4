//! the same inputs come out of Queue, LifoQueue, PriorityQueue and SimpleQueue in FIFO, LIFO, priority and FIFO order
//!
//!     cargo run -p queues --bin queue_kinds
//!
//! The four queues of the Python slides, each given the same five tasks in the same order.
//! A task is `(priority, name)`, the usual shape of a priority-queue item in Python too:
//! tuples compare by their first element, then by the next, in Rust as in Python.
//!
//! What to look for: the four lines after the input differ only in the order of the very
//! same items: first in first out, last in first out, smallest first. `SimpleQueue` is
//! first in first out too; what it lacks is `maxsize`, `task_done` and `join`. The last
//! lines show what `maxsize` adds: a full queue refuses `try_put` and hands the item back,
//! and `put_timeout` gives up after waiting.

use std::time::Duration;

use clap::Parser;
use queues::{Full, LifoQueue, PriorityQueue, Queue, SimpleQueue};

/// The same items through Queue, LifoQueue, PriorityQueue and SimpleQueue.
#[derive(Parser)]
#[command(version)]
struct Args {}

/// Five tasks, `(priority, name)`, in the order they are put.
const TASKS: [(u8, &str); 5] = [
    (3, "write"),
    (1, "fix"),
    (4, "mail"),
    (2, "review"),
    (5, "tidy"),
];

/// Puts every item, then takes them all back until the queue is empty.
///
/// `try_get`, not `get`: this program has one thread, so once the queue is empty nobody
/// will ever put again, and a `get` would wait for ever.
fn through<T: Copy>(items: &[T], put: impl Fn(T), try_get: impl Fn() -> Option<T>) -> Vec<T> {
    for &item in items {
        put(item);
    }
    std::iter::from_fn(try_get).collect()
}

fn main() {
    Args::parse();
    println!("put in this order:\n  {TASKS:?}");

    // ANCHOR: kinds
    let fifo = Queue::new();
    let out = through(&TASKS, |t| fifo.put(t), || fifo.try_get());
    print_order("Queue", "first in, first out", &out);
    let lifo = LifoQueue::new();
    let out = through(&TASKS, |t| lifo.put(t), || lifo.try_get());
    print_order("LifoQueue", "last in, first out", &out);
    let priority = PriorityQueue::new();
    let out = through(&TASKS, |t| priority.put(t), || priority.try_get());
    print_order("PriorityQueue", "smallest first", &out);
    let simple = SimpleQueue::new();
    let out = through(&TASKS, |t| simple.put(t), || simple.try_get());
    print_order("SimpleQueue", "first in, first out", &out);
    // ANCHOR_END: kinds

    // A bounded queue: `put` would wait for room, so on one thread we ask without waiting
    // (`try_put`) or with a time limit (`put_timeout`). Python raises `queue.Full`; here
    // the refusal is a value, `Full(item)`, that hands the item back.
    // ANCHOR: maxsize
    let bounded = Queue::with_maxsize(2);
    bounded.put("a");
    bounded.put("b");
    println!("Queue::with_maxsize(2), after put(\"a\") and put(\"b\"):");
    let (qsize, full) = (bounded.qsize(), bounded.full());
    println!("  qsize() = {qsize}, full() = {full}");
    println!("  try_put(\"c\") -> {}", outcome(bounded.try_put("c")));
    let wait = Duration::from_millis(50);
    println!(
        "  put_timeout(\"c\", 50 ms) -> {}",
        outcome(bounded.put_timeout("c", wait))
    );
    println!("  get() -> {:?}", bounded.get());
    println!("  try_put(\"c\") -> {}", outcome(bounded.try_put("c")));
    let left: Vec<_> = std::iter::from_fn(|| bounded.try_get()).collect();
    println!("  left in the queue: {left:?}");
    // ANCHOR_END: maxsize
}

/// One line of the comparison: the queue, its order, and what came out.
fn print_order(queue: &str, order: &str, items: &[(u8, &str)]) {
    println!("{queue} ({order}):\n  {items:?}");
}

/// `Ok` or `Full("c")`, as the lines above print them.
fn outcome<T: std::fmt::Debug>(result: Result<(), Full<T>>) -> String {
    match result {
        Ok(()) => "Ok".into(),
        Err(Full(item)) => format!("Full({item:?}): full, the item comes back"),
    }
}
