//! The order in which a queue hands its items out.
//!
//! Python's `queue` module has one class, `Queue`, and gets `LifoQueue` and `PriorityQueue`
//! by overriding four small methods (`_init`, `_qsize`, `_put`, `_get`) that decide where an
//! item goes and which one comes out. Everything else (the lock, the waiting, `task_done`)
//! is shared. We do the same with a trait: [`Discipline`] is those methods, and
//! [`BlockingQueue`](crate::BlockingQueue) is generic over it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Where an item goes on `put` and which item comes out on `get`.
///
/// The queue calls these only while holding its lock, so an implementation is plain,
/// single-threaded code.
pub trait Discipline<T>: Default {
    /// Stores an item (Python's `_put`).
    fn push(&mut self, item: T);
    /// Removes the next item, or `None` when there is none (Python's `_get`).
    fn pop(&mut self) -> Option<T>;
    /// How many items are stored (Python's `_qsize`).
    fn len(&self) -> usize;
    /// Whether no item is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out: a ring buffer, items leave from the front.
pub struct Fifo<T>(VecDeque<T>);

// ANCHOR: fifo
impl<T> Discipline<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
// ANCHOR_END: fifo

/// Last in, first out: a stack, the newest item leaves first.
pub struct Lifo<T>(Vec<T>);

impl<T> Discipline<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Smallest first, like Python's `heapq`-based `PriorityQueue`.
///
/// `BinaryHeap` is a max-heap: it pops the *largest* item. Wrapping every item in
/// [`Reverse`] flips the comparison, so the smallest comes out first, and `(1, "urgent")`
/// leaves before `(5, "later")` exactly as in Python.
// ANCHOR: priority
pub struct Priority<T>(BinaryHeap<Reverse<T>>);

impl<T: Ord> Discipline<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
// ANCHOR_END: priority

// `#[derive(Default)]` would demand `T: Default`, which an item type need not be.
impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority(BinaryHeap::new())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// Pushes `items` in order, then pops until empty.
    fn push_then_drain<D: Discipline<i32>>(items: &[i32]) -> Vec<i32> {
        let mut d = D::default();
        for &item in items {
            d.push(item);
        }
        assert_eq!(d.len(), items.len());
        let drained: Vec<i32> = std::iter::from_fn(|| d.pop()).collect();
        assert!(d.is_empty());
        drained
    }

    #[test]
    fn fifo_pops_oldest_first() {
        assert_eq!(push_then_drain::<Fifo<i32>>(&[3, 1, 2]), [3, 1, 2]);
    }

    #[test]
    fn lifo_pops_newest_first() {
        assert_eq!(push_then_drain::<Lifo<i32>>(&[3, 1, 2]), [2, 1, 3]);
    }

    #[test]
    fn priority_pops_smallest_first() {
        assert_eq!(
            push_then_drain::<Priority<i32>>(&[3, 1, 2, 1]),
            [1, 1, 2, 3]
        );
    }
}
