//! two threads take two locks in opposite order and deadlock; detected by a timeout, fixed by ordering; RLock and Condition in Rust
//!
//!     cargo run -p gil --bin deadlock
//!     cargo run -p gil --bin deadlock -- --patience-ms 2000
//!
//! The Python course notebook's "Exclusive access, Locking, Deadlock", with two bank
//! accounts. What to look for: thread 1 holds A and waits for B, thread 2 holds B and waits
//! for A. In Python both would wait for ever; here every lock is taken with
//! `try_lock_for`, so thread 1 gives up after `--patience-ms`, says which lock it waited
//! for and who held it, and unlocks A: thread 2 goes on. With a lock order (both lock A
//! first) both transfers complete. A plain `Mutex` locked twice by its holder is the second
//! deadlock detected (a circle of one); a `ReentrantMutex`, Python's `RLock`, allows it.
//! The money always adds up to 200, and the program always ends, with exit code 0.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use gil::deadlock::{
    Log, OPENING_BALANCE, Order, plain_mutex_relock, producer_consumer, two_transfers,
};

/// Two locks in opposite orders: a deadlock, detected and fixed; RLock and Condition.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    patience: common::term::PatienceFlag,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::exit_code("deadlock", run(args.patience.patience()))
}

fn run(patience: Duration) -> Result<(), &'static str> {
    let mut detected = 0;
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
    print!("{deadlocked}");
    if let Some(circle) = deadlocked.circular_wait() {
        detected += 1;
        println!("  {circle}");
        println!(
            "  A circular wait: each thread held the lock the other needed, and waited for the"
        );
        println!(
            "  lock the other held, so neither could go on. In Python (`with lock_a: with lock_b:`)"
        );
        println!(
            "  both would wait for ever. Here {}'s patience ran out: giving up broke the circle.",
            circle.thread
        );
    }
    println!();
    println!("  fix, a lock order: every transfer locks A before B, whichever way the money goes");
    let fixed = two_transfers(Order::LockOrder, patience);
    print!("{fixed}");
    println!(
        "  (one order for all: a thread never waits for a lock that comes before one it holds,"
    );
    println!("  so the waits can never close into a circle)");
    let all_right = deadlocked.money_adds_up() && fixed.both_done() && fixed.money_adds_up();

    println!();
    println!("2. Python's RLock is parking_lot::ReentrantMutex: its holder may lock it again");
    let log = Log::default();
    log.write("alone");
    log.write_block(&["one", "two"]);
    let lines = log.lines();
    println!("  write_block holds the log's lock and calls write, which locks it again: {lines:?}");
    let Err(waited) = plain_mutex_relock(patience) else {
        return Err("a plain Mutex let its holder lock it again (this should not happen)");
    };
    detected += 1;
    println!(
        "  the same with a plain Mutex: the second lock waited for the first, held by the same thread."
    );
    println!(
        "  DEADLOCK DETECTED: the thread waited {} ms for a lock it held itself, a circle of one.",
        waited.as_millis()
    );
    println!("  `lock()` would have waited for ever (std's Mutex may deadlock or panic instead).");

    println!();
    println!("3. Python's Condition is std::sync::Condvar, paired with the Mutex of its data");
    let taken = producer_consumer(5);
    println!("  a producer puts 1 to 5 in a queue; the consumer takes them, and when the queue is");
    println!("  empty waits on the Condvar (`while queue is empty and not done: wait`): {taken:?}");

    println!();
    println!("{detected} of 2 deadlocks detected; no thread is left waiting");
    if all_right && taken == [1, 2, 3, 4, 5] {
        Ok(())
    } else {
        Err("the money or the queue did not add up")
    }
}
