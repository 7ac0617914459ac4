//! Exclusive access, locking, deadlock: two bank accounts, each behind its own lock, and
//! two transfers between them in opposite directions.
//!
//! A transfer must lock both accounts, or another transfer could see the money gone from
//! one and not yet arrived in the other. The natural way is "lock the account the money
//! leaves, then the one it goes to". Then a transfer from A to B locks A then B, while a
//! transfer from B to A locks B then A: each can take its first lock and wait for ever for
//! its second, held by the other. That is a **deadlock**, and it needs a *circular wait*:
//! thread 1 waits for thread 2, which waits for thread 1.
//!
//! Nothing can tell a deadlock from a slow thread but the clock, so every lock here is
//! taken with a time limit, [`parking_lot::Mutex::try_lock_for`]: a thread that waits too
//! long gives up, says which lock it waited for and who held it, and unlocks what it holds,
//! which lets the other thread go on. The fix is a **lock order**: every transfer locks the
//! accounts in one global order (here, by name), whichever way the money goes; a circle of
//! waits is then impossible, since no thread ever waits for a lock that comes before one
//! it holds.
//!
//! The module ends with Python's other two tools, in Rust: `RLock`, a lock its holder may
//! take again ([`parking_lot::ReentrantMutex`]), and `Condition`, a wait for a condition
//! on data under a lock ([`std::sync::Condvar`]).
//!
//! `parking_lot`, built with its `deadlock_detection` feature (as this workspace builds
//! it), can also find deadlocks on its own: `parking_lot::deadlock::check_deadlock()`,
//! called from a watchdog thread, lists every circle of threads blocked in `lock()`. It
//! skips threads waiting with a time limit, as ours do, and it can only report a deadlock,
//! not end one: the threads in it stay blocked.
//!
//! ```
//! use std::time::Duration;
//! use gil::deadlock::{Order, Transfer, two_transfers};
//!
//! let outcome = two_transfers(Order::LockOrder, Duration::from_secs(5));
//! assert!(outcome.transfers.iter().all(|t| matches!(t, Transfer::Done { .. })));
//! assert_eq!(outcome.balances, [("A", 110), ("B", 90)]);
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Barrier, Condvar};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard, ReentrantMutex};

/// What both accounts hold at the start.
pub const OPENING_BALANCE: u64 = 100;

/// A bank account behind a lock of its own, which remembers who holds it.
#[derive(Debug)]
pub struct Account {
    name: &'static str,
    balance: Mutex<u64>,
    /// The thread holding `balance`'s lock, if any: only for the report of a thread that
    /// gives up waiting. A lock of its own, held for an instant, never while waiting.
    holder: Mutex<Option<&'static str>>,
}

/// An account's balance, locked by a thread (dropping it unlocks).
#[derive(Debug)]
pub struct Locked<'a> {
    account: &'a Account,
    balance: MutexGuard<'a, u64>,
}

/// A thread waited for an account's lock longer than its patience, and gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp {
    /// The thread that waited.
    pub waiter: &'static str,
    /// The account it waited for.
    pub account: &'static str,
    /// Who held that account when the waiter gave up.
    pub held_by: Option<&'static str>,
    /// How long it waited.
    pub waited: Duration,
}

impl Account {
    /// An account called `name` holding `balance`.
    pub fn new(name: &'static str, balance: u64) -> Account {
        Account {
            name,
            balance: Mutex::new(balance),
            holder: Mutex::new(None),
        }
    }

    /// The account's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The balance now (locks the account for an instant).
    pub fn balance(&self) -> u64 {
        *self.balance.lock()
    }

    /// Locks the account for the thread called `me`, waiting at most `patience`. If the
    /// time runs out, says who held the lock.
    pub fn lock_within(&self, me: &'static str, patience: Duration) -> Result<Locked<'_>, GaveUp> {
        // ANCHOR: lock_within
        let started = Instant::now();
        match self.balance.try_lock_for(patience) {
            Some(balance) => {
                *self.holder.lock() = Some(me);
                Ok(Locked {
                    account: self,
                    balance,
                })
            }
            None => Err(GaveUp {
                waiter: me,
                account: self.name,
                held_by: *self.holder.lock(),
                waited: started.elapsed(),
            }),
        }
        // ANCHOR_END: lock_within
    }
}

impl Deref for Locked<'_> {
    type Target = u64;

    fn deref(&self) -> &u64 {
        &self.balance
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut u64 {
        &mut self.balance
    }
}

impl Drop for Locked<'_> {
    /// Forgets the holder. This runs before the fields are dropped, so while the lock is
    /// still held: the next holder writes its own name only after this.
    fn drop(&mut self) {
        *self.account.holder.lock() = None;
    }
}

/// How two transfers lock their two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Each locks the account the money leaves first: opposite orders, a deadlock.
    Opposite,
    /// Each locks the accounts in order of their names: the fix.
    LockOrder,
}

/// How one transfer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transfer {
    /// The money moved. `waited` is how long the thread waited for its second lock, and
    /// `held_by` who held it when the thread asked (`None`: it was free).
    Done {
        thread: &'static str,
        amount: u64,
        from: &'static str,
        to: &'static str,
        first: &'static str,
        second: &'static str,
        waited: Duration,
        held_by: Option<&'static str>,
    },
    /// The thread gave up waiting for a lock, holding `holding` (its first lock, if it
    /// got that far): nothing moved.
    Cancelled {
        thread: &'static str,
        amount: u64,
        holding: Option<&'static str>,
        gave_up: GaveUp,
    },
}

/// What [`two_transfers`] came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Thread 1's transfer (10 from A to B), then thread 2's (20 from B to A).
    pub transfers: [Transfer; 2],
    /// Both accounts at the end, by name.
    pub balances: [(&'static str, u64); 2],
}

/// A circle of two waits: `thread` held `holds` and waited for `other_holds`, while `other`
/// held `other_holds` and waited for `holds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircularWait {
    /// The thread that gave up.
    pub thread: &'static str,
    /// The lock it held.
    pub holds: &'static str,
    /// The thread it waited for.
    pub other: &'static str,
    /// The lock that one held.
    pub other_holds: &'static str,
}

impl Outcome {
    /// The circle of waits, if there was one: a thread gave up waiting for a lock held by
    /// a thread that, at the same time, was waiting for a lock the first one held.
    pub fn circular_wait(&self) -> Option<CircularWait> {
        let [one, two] = &self.transfers;
        circle(one, two).or_else(|| circle(two, one))
    }
}

impl Outcome {
    /// Whatever happened, no money was made or lost: the balances add up to what the two
    /// accounts opened with.
    pub fn money_adds_up(&self) -> bool {
        self.balances
            .iter()
            .map(|(_, balance)| balance)
            .sum::<u64>()
            == 2 * OPENING_BALANCE
    }

    /// Both transfers moved their money.
    pub fn both_done(&self) -> bool {
        let done = |transfer: &Transfer| matches!(transfer, Transfer::Done { .. });
        self.transfers.iter().all(done)
    }
}

/// One line per thread (what it held, what it waited for, how it ended), then the
/// balances, each line indented by two spaces.
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for transfer in &self.transfers {
            writeln!(f, "  {transfer}")?;
        }
        let [(a, a_balance), (b, b_balance)] = self.balances;
        let total = a_balance + b_balance;
        writeln!(
            f,
            "  balances: {a} {a_balance}, {b} {b_balance} (total {total})"
        )
    }
}

/// What the thread held, what it waited for, and how its transfer ended, in one line.
impl fmt::Display for Transfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transfer::Done {
                thread,
                amount,
                from,
                to,
                first,
                second,
                waited,
                held_by: Some(holder),
            } => write!(
                f,
                "{thread} held {first} and waited {} ms for {second}, held by {holder}; it got \
                 {second} when {holder} let go, and moved {amount} from {from} to {to}",
                waited.as_millis()
            ),
            Transfer::Done {
                thread,
                amount,
                from,
                to,
                first,
                second,
                held_by: None,
                ..
            } => write!(
                f,
                "{thread} locked {first}, then {second}, and moved {amount} from {from} to {to}"
            ),
            Transfer::Cancelled {
                thread,
                amount,
                holding,
                gave_up,
            } => {
                let holder = gave_up.held_by.unwrap_or("nobody any more");
                let (held, unlocked) = match holding {
                    Some(lock) => (format!("held {lock} and "), format!(" and unlocked {lock}")),
                    None => (String::new(), String::new()),
                };
                write!(
                    f,
                    "{thread} {held}waited {} ms for {}, held by {holder}: it gave up, cancelled \
                     its transfer of {amount}{unlocked}",
                    gave_up.waited.as_millis(),
                    gave_up.account
                )
            }
        }
    }
}

/// `DEADLOCK DETECTED: thread 1 held A and waited for B; thread 2 held B and waited for A.`
impl fmt::Display for CircularWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let CircularWait {
            thread,
            holds,
            other,
            other_holds,
        } = self;
        write!(
            f,
            "DEADLOCK DETECTED: {thread} held {holds} and waited for {other_holds}; {other} held \
             {other_holds} and waited for {holds}."
        )
    }
}

/// The circle of [`Outcome::circular_wait`], if `cancelled` gave up waiting for `other`
/// while `other` was waiting for it.
fn circle(cancelled: &Transfer, other: &Transfer) -> Option<CircularWait> {
    // `&Transfer::…` patterns copy the names (`&'static str`) out of the borrowed values.
    let &Transfer::Cancelled {
        thread,
        holding: Some(held),
        ref gave_up,
        ..
    } = cancelled
    else {
        return None;
    };
    let &Transfer::Done {
        thread: other_thread,
        first: other_held,
        second: other_wanted,
        held_by: other_wanted_held_by,
        ..
    } = other
    else {
        return None;
    };
    // This thread waited for a lock the other held, and the other waited for the lock
    // this one held.
    let circular = gave_up.held_by == Some(other_thread)
        && other_wanted == held
        && other_wanted_held_by == Some(thread);
    circular.then_some(CircularWait {
        thread,
        holds: held,
        other: other_thread,
        other_holds: other_held,
    })
}

/// Moves `amount` from `from` to `to`, on the thread called `me`, locking both accounts in
/// the order `order` says, each with at most `patience` of waiting.
///
/// `after_first_lock` runs between the two locks. The demo passes a barrier wait there,
/// which makes the deadlock certain: both threads hold their first lock before either asks
/// for its second. Without it the threads deadlock only when they happen to interleave
/// this way: rarely, in a test, and then in production.
pub fn transfer(
    me: &'static str,
    from: &Account,
    to: &Account,
    amount: u64,
    order: Order,
    patience: Duration,
    after_first_lock: impl FnOnce(),
) -> Transfer {
    // ANCHOR: lock_order
    let (first, second) = match order {
        // The natural way: the account the money leaves, then the one it
        // goes to.
        Order::Opposite => (from, to),
        // The fix: whichever way the money goes, the accounts in order of
        // their names.
        Order::LockOrder if from.name <= to.name => (from, to),
        Order::LockOrder => (to, from),
    };
    // ANCHOR_END: lock_order
    let mut first_locked = match first.lock_within(me, patience) {
        Ok(locked) => locked,
        // Only a very busy machine gets here: nobody holds a first lock for long.
        Err(gave_up) => {
            return Transfer::Cancelled {
                thread: me,
                amount,
                holding: None,
                gave_up,
            };
        }
    };
    after_first_lock();
    let held_by = *second.holder.lock(); // for the report: who has it as we ask
    let started = Instant::now();
    let mut second_locked = match second.lock_within(me, patience) {
        Ok(locked) => locked,
        // Give up: returning drops `first_locked`, which unlocks the first account.
        Err(gave_up) => {
            return Transfer::Cancelled {
                thread: me,
                amount,
                holding: Some(first.name),
                gave_up,
            };
        }
    };
    let waited = started.elapsed();
    // Both locked: no other thread can see the money in flight.
    let (from_balance, to_balance) = if first.name == from.name {
        (&mut *first_locked, &mut *second_locked)
    } else {
        (&mut *second_locked, &mut *first_locked)
    };
    *from_balance -= amount;
    *to_balance += amount;
    Transfer::Done {
        thread: me,
        amount,
        from: from.name,
        to: to.name,
        first: first.name,
        second: second.name,
        waited,
        held_by,
    }
}

/// Two threads, two transfers between accounts A and B: thread 1 moves 10 from A to B,
/// thread 2 moves 20 from B to A, both at once, locking in the `order` given.
///
/// With [`Order::Opposite`] a barrier between the two locks makes the deadlock certain.
/// Thread 1 waits `patience` for its second lock; thread 2, four times as long, so that
/// thread 1 is certainly the one to give up: it unlocks A, and thread 2 goes on.
///
/// With [`Order::LockOrder`] both lock A first; there can be no barrier between the two
/// locks then (the thread waiting for A could never reach it, and the one holding A would
/// wait there for ever: another deadlock, with a barrier in the circle), so both start
/// together at a barrier before their first lock instead.
pub fn two_transfers(order: Order, patience: Duration) -> Outcome {
    let a = Account::new("A", OPENING_BALANCE);
    let b = Account::new("B", OPENING_BALANCE);
    let barrier = Barrier::new(2);
    let meet = || {
        barrier.wait();
    };
    let no_wait = || {};
    let transfers = thread::scope(|s| {
        let one = s.spawn(|| match order {
            Order::Opposite => transfer("thread 1", &a, &b, 10, order, patience, meet),
            Order::LockOrder => {
                meet();
                transfer("thread 1", &a, &b, 10, order, patience, no_wait)
            }
        });
        let two = s.spawn(|| match order {
            Order::Opposite => transfer("thread 2", &b, &a, 20, order, patience * 4, meet),
            Order::LockOrder => {
                meet();
                transfer("thread 2", &b, &a, 20, order, patience * 4, no_wait)
            }
        });
        [one, two].map(|handle| handle.join().expect("no transfer panics"))
    });
    Outcome {
        transfers,
        balances: [(a.name, a.balance()), (b.name, b.balance())],
    }
}

/// A log whose lines stay together: [`Log::write_block`] holds the lock while it calls
/// [`Log::write`], which takes the same lock again. Python's `threading.RLock`.
///
/// A [`ReentrantMutex`] counts how many times its holder has locked it, and unlocks when
/// the count is back to 0. It hands out only shared references (the holder could have two
/// guards at once, and two `&mut` to one value are not allowed), so the lines sit in a
/// [`RefCell`], which checks at run time that they are borrowed mutably once at a time.
#[derive(Debug, Default)]
pub struct Log {
    lines: ReentrantMutex<RefCell<Vec<String>>>,
}

impl Log {
    /// Appends one line.
    // ANCHOR: rlock
    pub fn write(&self, line: &str) {
        // The second lock, when called from `write_block`.
        let lines = self.lines.lock();
        lines.borrow_mut().push(line.to_string());
    }
    // ANCHOR_END: rlock

    /// Appends several lines, with no other thread's line in between.
    // ANCHOR: rlock_block
    pub fn write_block(&self, block: &[&str]) {
        let _whole_block = self.lines.lock(); // the first lock
        for line in block {
            self.write(line);
        }
    }
    // ANCHOR_END: rlock_block

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().borrow().clone()
    }
}

/// The same nesting with a plain [`Mutex`], which is not reentrant: the second lock waits
/// for the first, held by the same thread, which is waiting. A thread in a circle of one.
///
/// `lock()` would wait for ever; `try_lock_for` gives up after `patience`, and this returns
/// how long it waited (`Err`), or `Ok(())` if the second lock was somehow granted.
pub fn plain_mutex_relock(patience: Duration) -> Result<(), Duration> {
    let lines = Mutex::new(Vec::<String>::new());
    let _whole_block = lines.lock(); // the first lock
    let started = Instant::now();
    match lines.try_lock_for(patience) {
        // The second lock, from the same thread.
        Some(mut inner) => {
            inner.push("never".to_string());
            Ok(())
        }
        None => Err(started.elapsed()),
    }
}

/// Python's `threading.Condition`: a consumer waits until the producer has put something
/// in the queue. Returns what the consumer took, in order.
///
/// In Rust the condition variable is paired with the `Mutex` holding the data the condition
/// is about. `wait` unlocks the mutex while it sleeps and locks it again before it returns;
/// the `while` around it checks the condition again after every wake-up, because a wake-up
/// only means "look again": the item may already be gone, or the wake-up spurious.
pub fn producer_consumer(items: u64) -> Vec<u64> {
    // ANCHOR: condvar
    // The queue, and whether the producer is done.
    let state = std::sync::Mutex::new((VecDeque::new(), false));
    let changed = Condvar::new();
    thread::scope(|s| {
        s.spawn(|| {
            for item in 1..=items {
                state.lock().expect("no thread panics").0.push_back(item);
                changed.notify_one();
            }
            state.lock().expect("no thread panics").1 = true;
            changed.notify_one();
        });
        let mut taken = Vec::new();
        let mut guard = state.lock().expect("no thread panics");
        loop {
            // Python: `while not queue and not done: cond.wait()`.
            while guard.0.is_empty() && !guard.1 {
                guard = changed.wait(guard).expect("no thread panics");
            }
            match guard.0.pop_front() {
                Some(item) => taken.push(item),
                None => break taken, // empty and done
            }
        }
    })
    // ANCHOR_END: condvar
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const PATIENCE: Duration = Duration::from_millis(100);

    #[test]
    fn opposite_orders_deadlock_and_thread_1_gives_up() {
        let outcome = two_transfers(Order::Opposite, PATIENCE);
        let [one, two] = &outcome.transfers;
        match one {
            Transfer::Cancelled {
                holding, gave_up, ..
            } => {
                assert_eq!(*holding, Some("A"));
                assert_eq!(gave_up.waiter, "thread 1");
                assert_eq!(gave_up.account, "B");
                assert_eq!(gave_up.held_by, Some("thread 2"));
                assert!(gave_up.waited >= PATIENCE);
            }
            done => panic!("thread 1 should have given up: {done:?}"),
        }
        match two {
            Transfer::Done {
                first,
                second,
                held_by,
                ..
            } => {
                assert_eq!((*first, *second, *held_by), ("B", "A", Some("thread 1")));
            }
            cancelled => panic!("thread 2 should have finished: {cancelled:?}"),
        }
        assert_eq!(
            outcome.circular_wait(),
            Some(CircularWait {
                thread: "thread 1",
                holds: "A",
                other: "thread 2",
                other_holds: "B"
            })
        );
        // Only thread 2's 20 moved, from B to A; no money was made or lost.
        assert_eq!(outcome.balances, [("A", 120), ("B", 80)]);
    }

    #[test]
    fn an_outcome_reads_as_one_line_per_thread_then_the_balances() {
        let outcome = two_transfers(Order::Opposite, PATIENCE);
        let text = outcome.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("  thread 1 held A and waited "),
            "{text}"
        );
        assert!(
            lines[0].ends_with(" ms for B, held by thread 2: it gave up, cancelled its transfer of 10 and unlocked A"),
            "{text}"
        );
        assert!(
            lines[1].ends_with("; it got A when thread 1 let go, and moved 20 from B to A"),
            "{text}"
        );
        assert_eq!(lines[2], "  balances: A 120, B 80 (total 200)");
        assert!(outcome.money_adds_up() && !outcome.both_done());
        let circle = outcome.circular_wait().unwrap().to_string();
        assert_eq!(
            circle,
            "DEADLOCK DETECTED: thread 1 held A and waited for B; thread 2 held B and waited for A."
        );
        let fixed = two_transfers(Order::LockOrder, Duration::from_secs(10));
        assert!(fixed.both_done() && fixed.money_adds_up());
        assert!(
            fixed
                .to_string()
                .starts_with("  thread 1 locked A, then B, and moved 10 from A to B\n")
        );
    }

    #[test]
    fn a_lock_order_completes_both_transfers() {
        for _ in 0..20 {
            let outcome = two_transfers(Order::LockOrder, Duration::from_secs(10));
            for transfer in &outcome.transfers {
                match transfer {
                    Transfer::Done { first, second, .. } => {
                        assert_eq!((*first, *second), ("A", "B"));
                    }
                    cancelled => panic!("{cancelled:?}"),
                }
            }
            assert_eq!(outcome.circular_wait(), None);
            assert_eq!(outcome.balances, [("A", 110), ("B", 90)]);
        }
    }

    #[test]
    fn the_holder_is_known_while_locked_and_forgotten_after() {
        let account = Account::new("A", 5);
        {
            let mut locked = account.lock_within("me", PATIENCE).unwrap();
            *locked += 1;
            assert_eq!(*account.holder.lock(), Some("me"));
            let gave_up = account.lock_within("me again", PATIENCE).unwrap_err();
            assert_eq!(gave_up.held_by, Some("me"));
            assert_eq!(gave_up.account, "A");
        }
        assert_eq!(*account.holder.lock(), None);
        assert_eq!(account.balance(), 6);
    }

    #[test]
    fn a_reentrant_lock_can_be_taken_again_by_its_holder() {
        let log = Log::default();
        log.write("alone");
        log.write_block(&["one", "two"]);
        assert_eq!(log.lines(), ["alone", "one", "two"]);
    }

    #[test]
    fn a_plain_mutex_taken_again_by_its_holder_times_out() {
        let waited = plain_mutex_relock(PATIENCE).unwrap_err();
        assert!(waited >= PATIENCE);
    }

    #[test]
    fn the_consumer_gets_every_item_in_order() {
        for _ in 0..20 {
            assert_eq!(producer_consumer(5), [1, 2, 3, 4, 5]);
        }
        assert_eq!(producer_consumer(0), Vec::<u64>::new());
    }
}
