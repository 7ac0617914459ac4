//! Exclusive access, locking, deadlock (seed 001): two threads lock two accounts in
//! opposite orders and deadlock; the deadlock is detected by a timeout, explained, and fixed
//! with a lock order. Then Python's `RLock` and `Condition`, in Rust.
//!
//!     cargo run -p gil --bin deadlock
//!     cargo run -p gil --bin deadlock -- --patience-ms 2000
//!
//! What to look for: thread 1 holds A and waits for B, thread 2 holds B and waits for A.
//! In Python both would wait for ever (and `Ctrl-C` would not even stop them). Here every
//! lock is taken with `try_lock_for`: thread 1 gives up after `--patience-ms`, reports
//! which lock it waited for and who held it, and unlocks A, so thread 2 goes on. With a
//! lock order (both lock A first) both transfers complete. A plain `Mutex` locked twice by
//! the same thread is the second deadlock detected (a circle of one); a `ReentrantMutex`,
//! Python's `RLock`, allows it. The money always adds up to 200, and the program always
//! ends, with exit code 0.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use gil::deadlock::{
    Log, OPENING_BALANCE, Order, Outcome, Transfer, plain_mutex_relock, producer_consumer,
    two_transfers,
};

/// Two locks in opposite orders: a deadlock, detected and fixed; RLock and Condition (seed 001).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How long a thread waits for a lock before it gives up, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(20..=10_000))]
    patience_ms: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let patience = Duration::from_millis(args.patience_ms);
    let mut detected = 0;
    let mut all_right = true;

    println!("1. Two threads, two locks, taken in opposite orders");
    println!(
        "  Accounts A and B hold {OPENING_BALANCE} each. A transfer locks the account the money leaves,"
    );
    println!("  then the one it goes to:");
    println!("    thread 1 moves 10 from A to B: locks A, then B");
    println!("    thread 2 moves 20 from B to A: locks B, then A");
    println!("  A barrier makes sure each holds its first lock before either asks for its second.");
    println!();
    let deadlocked = two_transfers(Order::Opposite, patience);
    describe(&deadlocked);
    if let Some(circle) = deadlocked.circular_wait() {
        detected += 1;
        let (t, held, other, other_held) = (
            circle.thread,
            circle.holds,
            circle.other,
            circle.other_holds,
        );
        println!(
            "  DEADLOCK DETECTED: {t} held {held} and waited for {other_held}; {other} held {other_held} and waited for {held}."
        );
        println!(
            "  A circular wait: each thread held the lock the other needed, and waited for the"
        );
        println!(
            "  lock the other held, so neither could go on. In Python (`with lock_a: with lock_b:`)"
        );
        println!(
            "  both would wait for ever. Here {t}'s patience ran out: giving up broke the circle."
        );
    }
    all_right &= money_adds_up(&deadlocked);

    println!();
    println!("  fix, a lock order: every transfer locks A before B, whichever way the money goes");
    let fixed = two_transfers(Order::LockOrder, patience);
    describe(&fixed);
    println!(
        "  (one order for all: a thread never waits for a lock that comes before one it holds,"
    );
    println!("  so the waits can never close into a circle)");
    let both_done = fixed
        .transfers
        .iter()
        .all(|transfer| matches!(transfer, Transfer::Done { .. }));
    all_right &= both_done && money_adds_up(&fixed);

    println!();
    println!("2. Python's RLock is parking_lot::ReentrantMutex: its holder may lock it again");
    let log = Log::default();
    log.write("alone");
    log.write_block(&["one", "two"]);
    println!(
        "  write_block holds the log's lock and calls write, which locks it again: {:?}",
        log.lines()
    );
    match plain_mutex_relock(patience) {
        Err(waited) => {
            detected += 1;
            println!(
                "  the same with a plain Mutex: the second lock waited for the first, held by the same thread."
            );
            println!(
                "  DEADLOCK DETECTED: the thread waited {} ms for a lock it held itself, a circle of one.",
                waited.as_millis()
            );
            println!(
                "  `lock()` would have waited for ever (std's Mutex may deadlock or panic instead)."
            );
        }
        Ok(()) => {
            println!("  a plain Mutex let its holder lock it again (this should not happen)");
            all_right = false;
        }
    }

    println!();
    println!("3. Python's Condition is std::sync::Condvar, paired with the Mutex of its data");
    let taken = producer_consumer(5);
    println!("  a producer puts 1 to 5 in a queue; the consumer takes them, and when the queue is");
    println!("  empty waits on the Condvar (`while queue is empty and not done: wait`): {taken:?}");
    all_right &= taken == [1, 2, 3, 4, 5];

    println!();
    println!("{detected} of 2 deadlocks detected; no thread is left waiting");
    if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One line per thread: what it held, what it waited for, how it ended; then the balances.
fn describe(outcome: &Outcome) {
    for transfer in &outcome.transfers {
        match transfer {
            Transfer::Done {
                thread,
                amount,
                from,
                to,
                first,
                second,
                waited,
                held_by: Some(holder),
            } => println!(
                "  {thread} held {first} and waited {} ms for {second}, held by {holder}; it got {second} when {holder} let go, and moved {amount} from {from} to {to}",
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
            } => println!(
                "  {thread} locked {first}, then {second}, and moved {amount} from {from} to {to}"
            ),
            Transfer::Cancelled {
                thread,
                amount,
                holding,
                gave_up,
            } => {
                let holder = gave_up.held_by.unwrap_or("nobody any more");
                let held = match holding {
                    Some(lock) => format!("held {lock} and "),
                    None => String::new(),
                };
                let unlocked = match holding {
                    Some(lock) => format!(" and unlocked {lock}"),
                    None => String::new(),
                };
                println!(
                    "  {thread} {held}waited {} ms for {}, held by {holder}: it gave up, cancelled its transfer of {amount}{unlocked}",
                    gave_up.waited.as_millis(),
                    gave_up.account
                );
            }
        }
    }
    let [(a, a_balance), (b, b_balance)] = outcome.balances;
    println!(
        "  balances: {a} {a_balance}, {b} {b_balance} (total {})",
        a_balance + b_balance
    );
}

/// Whatever happened, no money was made or lost.
fn money_adds_up(outcome: &Outcome) -> bool {
    outcome
        .balances
        .iter()
        .map(|(_, balance)| balance)
        .sum::<u64>()
        == 2 * OPENING_BALANCE
}
