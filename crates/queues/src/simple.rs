//! [`SimpleQueue`]: Python's `queue.SimpleQueue`, an unbounded FIFO with nothing else.

use std::time::Duration;

use crate::queue::Queue;

/// An unbounded first-in, first-out queue without `maxsize`, `task_done` or `join`.
///
/// Python's `SimpleQueue` is a separate, smaller class (written in C, and safe to call
/// from a signal handler). Ours is a thin wrapper around an unbounded [`Queue`] that
/// simply offers fewer methods: `put` never waits, and there is no task counting to get
/// wrong. (The inner queue still counts unfinished tasks; nobody can see the count.)
pub struct SimpleQueue<T> {
    inner: Queue<T>,
}

impl<T> SimpleQueue<T> {
    /// An empty queue. Python's `SimpleQueue()`.
    pub fn new() -> Self {
        SimpleQueue {
            inner: Queue::new(),
        }
    }

    /// Adds an item; never waits, the queue has no limit. Python's `q.put(item)`.
    pub fn put(&self, item: T) {
        self.inner.put(item);
    }

    /// Removes and returns the next item, waiting while the queue is empty.
    /// Python's `q.get()`.
    pub fn get(&self) -> T {
        self.inner.get()
    }

    /// Waits at most `timeout` for an item. Python's `q.get(timeout=t)`.
    pub fn get_timeout(&self, timeout: Duration) -> Option<T> {
        self.inner.get_timeout(timeout)
    }

    /// Removes and returns the next item if there is one now. Python's `q.get_nowait()`.
    pub fn try_get(&self) -> Option<T> {
        self.inner.try_get()
    }

    /// How many items are in the queue right now. Python's `q.qsize()`.
    pub fn qsize(&self) -> usize {
        self.inner.qsize()
    }

    /// Whether the queue is empty right now. Python's `q.empty()`.
    pub fn empty(&self) -> bool {
        self.inner.empty()
    }
}

impl<T> Default for SimpleQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}
