//! [`BlockingQueue`]: Python's `queue.Queue`, built on one `Mutex` and three `Condvar`s.

use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use crate::discipline::{Discipline, Fifo, Lifo, Priority};
use crate::sync::{Condvar, Mutex, MutexGuard};

/// First in, first out: Python's `queue.Queue`.
pub type Queue<T> = BlockingQueue<T, Fifo<T>>;
/// Last in, first out: Python's `queue.LifoQueue`.
pub type LifoQueue<T> = BlockingQueue<T, Lifo<T>>;
/// Smallest item first: Python's `queue.PriorityQueue`.
pub type PriorityQueue<T> = BlockingQueue<T, Priority<T>>;

/// The message every lock and wait passes on when another thread panicked while holding the
/// lock. The queue never runs caller code under its lock (except `Ord` for a priority
/// queue), so this only happens after a bug elsewhere, and we pass the panic on.
const POISONED: &str = "a thread panicked while holding the queue's lock";

/// A thread-safe queue whose `get` waits for an item and whose `put` waits for room.
///
/// `D` decides the order ([`Fifo`], [`Lifo`] or [`Priority`]); everything else is shared.
/// Every method takes `&self`: share one queue between threads with `Arc` or by reference
/// inside `std::thread::scope`.
pub struct BlockingQueue<T, D> {
    /// Everything that changes lives behind this one lock (Python's `self.mutex`).
    state: Mutex<State<D>>,
    /// Getters wait here for an item (Python's `not_empty` condition).
    not_empty: Condvar,
    /// Putters wait here for room in a bounded queue (Python's `not_full`).
    not_full: Condvar,
    /// `join` waits here for the last `task_done` (Python's `all_tasks_done`).
    all_done: Condvar,
    /// The most items the queue holds; 0 means no limit. It never changes, so it needs no lock.
    maxsize: usize,
    /// The items themselves live in `D`; this only names their type. (`fn() -> T` keeps the
    /// queue `Send` and `Sync` whenever the items are `Send`, like `Mutex<T>`.)
    items_are: PhantomData<fn() -> T>,
}

/// What the lock protects.
struct State<D> {
    /// The items, in the discipline's order.
    items: D,
    /// Items put but not yet marked done with `task_done`; `join` waits for 0.
    unfinished: usize,
    /// Threads asleep on each condition variable that nobody has woken yet. This is what
    /// makes the queue fast: a notify is a system call even when nobody sleeps, so we
    /// notify only when one of these is above 0.
    ///
    /// A sleeper adds itself before `wait`; the thread that wakes it takes it off at once,
    /// without waiting for it to run. A woken thread needs microseconds to get going, and
    /// if it stayed on the count until then, every `put` in the meantime would wake it
    /// again, a system call each. A sleeper that wakes up by itself (a timeout, or a
    /// spurious wake-up) stays on the count: that costs one useless notify later. Counting
    /// too many is slow; counting too few would leave a thread asleep for ever.
    getters_to_wake: usize,
    putters_to_wake: usize,
    joiners_to_wake: usize,
}

/// The lock's guard, as the methods below pass it around.
type Guard<'a, D> = MutexGuard<'a, State<D>>;

impl<T, D: Discipline<T>> BlockingQueue<T, D> {
    /// An unbounded queue: `put` never waits. Python's `Queue()`.
    pub fn new() -> Self {
        Self::with_maxsize(0)
    }

    /// A queue that holds at most `maxsize` items; `put` waits while it is full.
    /// As in Python's `Queue(maxsize)`, 0 means no limit.
    // ANCHOR: with_maxsize
    pub fn with_maxsize(maxsize: usize) -> Self {
        BlockingQueue {
            state: Mutex::new(State {
                items: D::default(),
                unfinished: 0,
                getters_to_wake: 0,
                putters_to_wake: 0,
                joiners_to_wake: 0,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_done: Condvar::new(),
            maxsize,
            items_are: PhantomData,
        }
    }
    // ANCHOR_END: with_maxsize

    fn lock(&self) -> Guard<'_, D> {
        self.state.lock().expect(POISONED)
    }

    fn is_full(&self, state: &State<D>) -> bool {
        self.maxsize > 0 && state.items.len() >= self.maxsize
    }

    /// Adds an item, waiting while the queue is full. Python's `q.put(item)`
    /// (`block=True`, no timeout).
    // ANCHOR: put
    pub fn put(&self, item: T) {
        let mut state = self.lock();
        // A `while`, not an `if`: when we wake up, another putter
        // may have taken the room first. (A condition variable may
        // also wake us for no reason at all.)
        while self.is_full(&state) {
            // Count ourselves in before sleeping, still under the
            // lock: a getter that found the count at 0 would not
            // notify, and we would sleep for ever.
            state.putters_to_wake += 1;
            // `wait` unlocks, sleeps until `not_full` is notified,
            // then locks again.
            state = self.not_full.wait(state).expect(POISONED);
        }
        self.push(state, item);
    }
    // ANCHOR_END: put

    /// Stores the item (the lock is held and there is room), then wakes one waiting getter.
    // ANCHOR: push
    fn push(&self, mut state: Guard<'_, D>, item: T) {
        state.items.push(item);
        state.unfinished += 1;
        // Decide under the lock whether anyone needs waking (and
        // take them off the count), but wake them after unlocking:
        // a getter woken while we still hold the lock would only go
        // back to sleep on it.
        let wake_getter = state.getters_to_wake > 0;
        if wake_getter {
            state.getters_to_wake -= 1;
        }
        drop(state);
        if wake_getter {
            self.not_empty.notify_one();
        }
    }
    // ANCHOR_END: push

    /// Adds an item, waiting at most `timeout` for room. On timeout the item comes back
    /// inside [`Full`]. Python's `q.put(item, timeout=t)`, which raises `queue.Full`.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), Full<T>> {
        // ANCHOR: put_timeout
        // A timeout too long to represent as an instant is no timeout at
        // all.
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            self.put(item);
            return Ok(());
        };
        let mut state = self.lock();
        while self.is_full(&state) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Full(item));
            }
            state.putters_to_wake += 1;
            // We may wake because of a notify, because time is up, or
            // for no reason: the loop looks at the queue first and at
            // the clock second, whatever woke us.
            let woke = self.not_full.wait_timeout(state, left);
            (state, _) = woke.expect(POISONED);
        }
        self.push(state, item);
        Ok(())
        // ANCHOR_END: put_timeout
    }

    /// Adds an item if there is room now, otherwise gives it back inside [`Full`].
    /// Python's `q.put_nowait(item)` (or `put(item, block=False)`).
    pub fn try_put(&self, item: T) -> Result<(), Full<T>> {
        let state = self.lock();
        if self.is_full(&state) {
            return Err(Full(item));
        }
        self.push(state, item);
        Ok(())
    }

    /// Removes and returns the next item, waiting while the queue is empty.
    /// Python's `q.get()` (`block=True`, no timeout).
    // ANCHOR: get
    pub fn get(&self) -> T {
        let mut state = self.lock();
        while state.items.is_empty() {
            state.getters_to_wake += 1;
            state = self.not_empty.wait(state).expect(POISONED);
        }
        self.pop(state)
    }
    // ANCHOR_END: get

    /// Takes the next item (the lock is held and there is one), then wakes one waiting
    /// putter: there is room now.
    // ANCHOR: pop
    fn pop(&self, mut state: Guard<'_, D>) -> T {
        let item = state
            .items
            .pop()
            .expect("the caller checked the queue is not empty");
        let wake_putter = state.putters_to_wake > 0;
        if wake_putter {
            state.putters_to_wake -= 1;
        }
        drop(state);
        if wake_putter {
            self.not_full.notify_one();
        }
        item
    }
    // ANCHOR_END: pop

    /// Removes and returns the next item, waiting at most `timeout` for one; `None` if none
    /// came. Python's `q.get(timeout=t)`, which raises `queue.Empty`.
    pub fn get_timeout(&self, timeout: Duration) -> Option<T> {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            return Some(self.get());
        };
        let mut state = self.lock();
        // The queue first, the clock second: a getter that was notified *and* ran out of
        // time must still take the item. If it left empty-handed, the notify meant for it
        // would be lost, and another sleeping getter would never hear of the item.
        while state.items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state.getters_to_wake += 1;
            (state, _) = self.not_empty.wait_timeout(state, left).expect(POISONED);
        }
        Some(self.pop(state))
    }

    /// Removes and returns the next item if there is one now. Python's `q.get_nowait()`.
    pub fn try_get(&self) -> Option<T> {
        let state = self.lock();
        if state.items.is_empty() {
            return None;
        }
        Some(self.pop(state))
    }

    /// Marks one item taken with `get` as fully processed. Python's `q.task_done()`.
    ///
    /// Every `put` adds one unfinished task; when `task_done` has been called once for each,
    /// `join` returns. Calling it more often than items were put is a bug in the caller,
    /// reported as [`TaskDoneError`] (Python raises `ValueError`).
    // ANCHOR: task_done
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut state = self.lock();
        if state.unfinished == 0 {
            return Err(TaskDoneError);
        }
        state.unfinished -= 1;
        let wake_all = state.unfinished == 0 && state.joiners_to_wake > 0;
        if wake_all {
            state.joiners_to_wake = 0;
        }
        drop(state);
        if wake_all {
            // Every joiner is waiting for the same thing: all of them go.
            self.all_done.notify_all();
        }
        Ok(())
    }
    // ANCHOR_END: task_done

    /// Waits until every item ever put has been marked with `task_done`. Python's
    /// `q.join()`. Returns at once if there is no unfinished task.
    ///
    /// It waits for the items put *so far*. Called while producers are still putting, it
    /// may return whenever the consumers catch up with them: wait for the producers to
    /// finish (join their threads) first.
    // ANCHOR: join
    pub fn join(&self) {
        let mut state = self.lock();
        while state.unfinished > 0 {
            state.joiners_to_wake += 1;
            state = self.all_done.wait(state).expect(POISONED);
        }
    }
    // ANCHOR_END: join

    /// Like [`join`](Self::join), but gives up after `timeout`: `true` if every task was
    /// done, `false` if time ran out first. Python's `join` has no timeout.
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            self.join();
            return true;
        };
        let mut state = self.lock();
        while state.unfinished > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state.joiners_to_wake += 1;
            (state, _) = self.all_done.wait_timeout(state, left).expect(POISONED);
        }
        true
    }

    /// How many items are in the queue right now. Python's `q.qsize()`. Another thread may
    /// change it the moment after, so use it for reports, not for deciding whether `get`
    /// will wait (that is what `try_get` is for).
    pub fn qsize(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether the queue is empty right now. Python's `q.empty()`; the same caveat as
    /// [`qsize`](Self::qsize).
    pub fn empty(&self) -> bool {
        self.lock().items.is_empty()
    }

    /// Whether the queue is full right now (never, for an unbounded queue). Python's
    /// `q.full()`; the same caveat as [`qsize`](Self::qsize).
    pub fn full(&self) -> bool {
        self.is_full(&self.lock())
    }

    /// The limit given to [`with_maxsize`](Self::with_maxsize); 0 means unbounded.
    /// Python's `q.maxsize`.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Items put but not yet marked with `task_done`. Python keeps this as
    /// `q.unfinished_tasks`.
    pub fn unfinished_tasks(&self) -> usize {
        self.lock().unfinished
    }
}

impl<T, D: Discipline<T>> Default for BlockingQueue<T, D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, D: Discipline<T>> fmt::Debug for BlockingQueue<T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingQueue")
            .field("qsize", &self.qsize())
            .field("maxsize", &self.maxsize)
            .finish_non_exhaustive()
    }
}

/// The queue was full: `try_put` or `put_timeout` gives the item back inside this.
/// Python raises `queue.Full` (and the item is simply not put).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Full<T>(pub T);

impl<T> Full<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        self.0
    }
}

// By hand rather than derived, so that `unwrap()` works for items that are not `Debug`
// (std's `TrySendError` does the same).
impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full")
    }
}

impl<T> Error for Full<T> {}

/// `task_done` was called more times than items were put (Python's `ValueError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called more times than items were put")
    }
}

impl Error for TaskDoneError {}

/// Tests that need to see inside the lock: they wait until a thread is *counted* as
/// sleeping in `put`, `get` or `join`, which proves it is blocked, with no sleeps and no
/// guessing. ("At least one": a spurious wake-up would count a sleeper twice.) The
/// behaviour seen from outside is tested in `tests/queue.rs`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;

    /// Spins (politely) until `condition` holds for the queue's state.
    fn wait_until<T, D: Discipline<T>>(
        q: &BlockingQueue<T, D>,
        condition: impl Fn(&State<D>) -> bool,
    ) {
        while !condition(&q.lock()) {
            thread::yield_now();
        }
    }

    #[test]
    fn put_blocks_while_full_until_a_get() {
        let q = Queue::with_maxsize(1);
        q.put(1);
        thread::scope(|s| {
            let producer = s.spawn(|| q.put(2));
            // The producer is asleep inside `put`: the queue is full.
            wait_until(&q, |state| state.putters_to_wake >= 1);
            assert!(!producer.is_finished());
            assert_eq!(q.get(), 1); // makes room and wakes it
            producer.join().unwrap();
        });
        assert_eq!(q.get(), 2);
    }

    #[test]
    fn get_blocks_while_empty_until_a_put() {
        let q = Queue::new();
        thread::scope(|s| {
            let consumer = s.spawn(|| q.get());
            wait_until(&q, |state| state.getters_to_wake >= 1);
            q.put("job");
            assert_eq!(consumer.join().unwrap(), "job");
        });
    }

    #[test]
    fn join_waits_for_the_last_task_done() {
        let q = Queue::new();
        q.put(1);
        q.put(2);
        let (joined_tx, joined_rx) = mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                q.join();
                joined_tx.send(()).unwrap();
            });
            wait_until(&q, |state| state.joiners_to_wake >= 1);
            q.get();
            q.task_done().unwrap();
            // One task is still unfinished: the joiner was not woken, so it has not
            // returned, and it is still on the count.
            assert_eq!(q.lock().unfinished, 1);
            assert!(q.lock().joiners_to_wake >= 1);
            assert_eq!(joined_rx.try_recv(), Err(mpsc::TryRecvError::Empty));
            q.get();
            q.task_done().unwrap();
            joined_rx.recv().unwrap(); // and now it returns
        });
        // task_done woke every joiner and took them all off the count.
        assert_eq!(q.lock().joiners_to_wake, 0);
    }

    /// A getter that gave up stays counted (it cannot tell whether a notify was on its
    /// way): the next `put` spends one notify on nobody, and the count is right again.
    #[test]
    fn a_timed_out_getter_costs_one_spare_notify() {
        let q = Queue::new();
        assert_eq!(q.get_timeout(Duration::from_millis(1)), None);
        assert_eq!(q.lock().getters_to_wake, 1);
        q.put(1);
        assert_eq!(q.lock().getters_to_wake, 0);
        assert_eq!(q.get(), 1);
    }
}
