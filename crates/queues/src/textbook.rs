//! The textbook blocking queue: the "before" of the queue chapter.
//!
//! This is the version every course starts with, and it is correct: one `Mutex` around a
//! `VecDeque`, one `Condvar`, and a `notify_one` after every `put`. It is also slow, and
//! not because of the lock: `std`'s `notify_one` is a system call (a futex wake) whether
//! or not anybody sleeps, so every message pays for one. Counted with `strace`, a million
//! messages cost this queue about 1.5 million futex calls, and [`Queue`](crate::Queue)
//! about 500.
//!
//! `Queue` keeps, under its lock, the number of threads asleep that nobody has woken yet,
//! and notifies only when that number is above 0 (see its `State`). The
//! `queue_throughput` program measures the two side by side; diff this file against
//! `queue.rs` to see everything else `Queue` adds (a size limit, timeouts, `task_done`
//! and `join`).

use std::collections::VecDeque;

use crate::sync::{Condvar, Mutex};

/// An unbounded FIFO queue: `Mutex<VecDeque<T>>` plus one condition variable.
pub struct TextbookQueue<T> {
    items: Mutex<VecDeque<T>>,
    /// Getters sleep here while the queue is empty.
    not_empty: Condvar,
}

impl<T> TextbookQueue<T> {
    /// An empty, unbounded queue.
    pub fn new() -> Self {
        TextbookQueue {
            items: Mutex::new(VecDeque::new()),
            not_empty: Condvar::new(),
        }
    }

    /// Adds an item at the back.
    // ANCHOR: textbook_put
    pub fn put(&self, item: T) {
        // The guard is a temporary: the lock is released at the end
        // of this line.
        self.items.lock().unwrap().push_back(item);
        // Wake one getter, in case one is asleep. Most of the time
        // none is, and this costs a system call anyway.
        self.not_empty.notify_one();
    }
    // ANCHOR_END: textbook_put

    /// Removes the front item, waiting while there is none.
    // ANCHOR: textbook_get
    pub fn get(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }
    // ANCHOR_END: textbook_get
}

impl<T> TextbookQueue<T> {
    /// Removes and returns the first item if there is one now.
    pub fn try_get(&self) -> Option<T> {
        self.items.lock().unwrap().pop_front()
    }

    /// How many items are in the queue right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.items.lock().unwrap().is_empty()
    }
}

impl<T> Default for TextbookQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}
