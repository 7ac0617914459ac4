//! "Don't communicate by sharing memory; share memory by communicating": the channels of
//! `std` and `crossbeam`, each shown in a few lines by a demo that prints what happened.
//! The `channels` program runs them: `cargo run -p queues --bin channels`.
//!
//! - [`mpsc_demo`]: std's channel. Many senders (clones of one `Sender`), one `Receiver`;
//!   the receiving loop ends when the last sender is dropped.
//! - [`unbounded_demo`]: `send` never waits, however many messages nobody has received yet.
//! - [`bounded_demo`]: room for two messages; a third `send` waits until someone receives.
//! - [`zero_demo`]: room for none. Every `send` waits until a receiver takes the message
//!   from its hand: a rendezvous.
//! - [`select_demo`]: wait on several channels at once and take whichever is ready first;
//!   here a job's answer against a timeout.
//!
//! The three middle demos run the very same [`sender`] against the same receiving side;
//! only the channel differs. Their events are numbered in the order the main thread saw
//! them, a logical clock rather than a stopwatch: only the main thread prints, the sender
//! reports what it did over a second channel, and the main thread reads each report at a
//! point where the order of events is already settled. So the numbers are the same on
//! every run.

use std::fmt;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::primes::sum_primes_upto;
use crossbeam::channel::{self, Receiver, RecvTimeoutError, Sender};
use crossbeam::select;

/// How long the main thread watches a waiting sender before it receives, to show that
/// the sender really does not move on its own.
const WATCH: Duration = Duration::from_millis(100);

/// Longer than any step of a demo can take: past this, something is broken, and the
/// demo stops with a message rather than hang.
const GIVE_UP: Duration = Duration::from_secs(5);

/// Three producers send three messages each to one receiver.
pub fn mpsc_demo() {
    println!("std mpsc::channel(): three senders, one receiver");
    // ANCHOR: mpsc
    let (tx, rx) = mpsc::channel();
    let arrived: Vec<(u32, u32)> = thread::scope(|s| {
        for producer in 1..=3 {
            let tx = tx.clone(); // each producer owns a Sender
            s.spawn(move || {
                for i in 0..3 {
                    tx.send((producer, i))
                        .expect("the main thread is receiving");
                }
            }); // the producer returns: its Sender is dropped
        }
        // `rx.iter()` ends only when no Sender is left. The producers
        // drop theirs as they finish; this original one we drop here,
        // or the loop would wait for it for ever.
        drop(tx);
        rx.iter().collect()
    });
    // ANCHOR_END: mpsc
    let order: Vec<String> = arrived.iter().map(|(p, i)| format!("{p}.{i}")).collect();
    println!("  arrived (producer.message): {}", order.join(" "));
    println!("  (the order between producers may change from run to run; within one, never)");
    for producer in 1..=3 {
        let from: Vec<String> = arrived
            .iter()
            .filter(|&&(p, _)| p == producer)
            .map(|(_, i)| i.to_string())
            .collect();
        println!(
            "  from producer {producer}, in arrival order: {}",
            from.join(" ")
        );
    }
    println!("  the receiving loop ended: every Sender had been dropped");
}

/// No limit: the sender never waits, even with nobody receiving.
pub fn unbounded_demo() {
    println!("crossbeam channel::unbounded(): send never waits");
    // ANCHOR: unbounded
    let (tx, rx) = channel::unbounded();
    send_and_receive(tx, rx, 5);
    // ANCHOR_END: unbounded
}

/// Room for two: the third send waits until the main thread receives.
pub fn bounded_demo() {
    println!("crossbeam channel::bounded(2): a send waits while the channel is full");
    // ANCHOR: bounded
    let (tx, rx) = channel::bounded(2);
    send_and_receive(tx, rx, 3);
    // ANCHOR_END: bounded
}

/// Room for nothing: every send waits until a receiver takes the message (a rendezvous).
pub fn zero_demo() {
    println!("crossbeam channel::bounded(0): every send waits for its receiver");
    // ANCHOR: zero
    let (tx, rx) = channel::bounded(0);
    send_and_receive(tx, rx, 2);
    // ANCHOR_END: zero
}

/// `select!` waits on several channels and takes the first one ready: here a job's answer
/// against a timer, the channel `channel::after` fills once its time is up.
pub fn select_demo() {
    println!("crossbeam select!: whichever channel is ready first");

    // A job that answers at once (summing the primes up to 1000 takes microseconds),
    // against a timeout it will not lose to.
    // ANCHOR: select
    let (answer_tx, answer) = channel::bounded(1);
    thread::scope(|s| {
        s.spawn(move || answer_tx.send(sum_primes_upto(1000)));
        select! {
            recv(answer) -> sum => println!(
                "  a quick job against after(5 s): \
                 the answer came first: {}",
                sum.expect("the job answers")
            ),
            recv(channel::after(GIVE_UP)) -> _ => println!(
                "  a quick job against after(5 s): the timeout came first"
            ),
        }
    });
    // ANCHOR_END: select

    // A job held back until the select is over: only the timer can be ready.
    let (go_tx, go) = channel::bounded::<()>(0);
    let (answer_tx, answer) = channel::bounded(1);
    thread::scope(|s| {
        // `go_tx` moves in here: if anything below panics, dropping it wakes the job.
        let go_tx = go_tx;
        s.spawn(move || {
            if go.recv().is_ok() {
                let _ = answer_tx.send(sum_primes_upto(1000));
            }
        });
        select! {
            recv(answer) -> _ => println!(
                "  a held-back job against after(100 ms): the answer came first"
            ),
            recv(channel::after(WATCH)) -> _ => println!(
                "  a held-back job against after(100 ms): the timeout came first"
            ),
        }
        go_tx.send(()).expect("the job is waiting for the go");
        let late = answer.recv_timeout(GIVE_UP).expect("the job answers");
        println!("  released afterwards, the held-back job answers: {late}");
    });
}

/// What the sender tells the main thread, on a channel of its own.
pub enum Report {
    /// `send(message)` is about to wait: the channel has no room (`is_full()`).
    Waits {
        /// The message it is sending.
        message: u32,
        /// Messages in the channel (`len()`).
        len: usize,
        /// Room in the channel (`capacity()`).
        capacity: usize,
    },
    /// `send(message)` returned; `len` messages are in the channel now.
    Sent {
        /// The message it sent.
        message: u32,
        /// Messages in the channel (`len()`).
        len: usize,
    },
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Report::Waits {
                message,
                len,
                capacity,
            } => write!(
                f,
                "send({message}) will wait: no room (len() = {len}, capacity {capacity})"
            ),
            Report::Sent { message, len } => write!(f, "sent {message}; len() = {len}"),
        }
    }
}

/// Sends 0, 1, 2, … on `tx`, reporting each step on `reports`.
// ANCHOR: sender
pub fn sender(tx: Sender<u32>, messages: u32, reports: Sender<Report>) {
    let report = |r| {
        reports.send(r).expect("the main thread reads reports");
    };
    for message in 0..messages {
        // `is_full` is true for a bounded channel with no room left, and
        // always true for a zero-capacity one, which never has room. An
        // unbounded channel is never full.
        if tx.is_full() {
            let len = tx.len();
            let capacity = tx.capacity().unwrap_or_default();
            report(Report::Waits {
                message,
                len,
                capacity,
            });
        }
        tx.send(message).expect("the main thread receives");
        report(Report::Sent {
            message,
            len: tx.len(),
        });
    }
    // Returning drops `tx` and `reports`: both channels close.
}
// ANCHOR_END: sender

/// Runs [`sender`] on a thread and plays the receiving side: it logs every report, and
/// receives only when the sender says it must wait, after watching it wait. Once the
/// sender has finished, it receives whatever is left.
fn send_and_receive(tx: Sender<u32>, rx: Receiver<u32>, messages: u32) {
    let (reports_tx, reports) = channel::unbounded();
    let mut events = Events::default();
    thread::scope(|s| {
        s.spawn(move || sender(tx, messages, reports_tx));
        // `rx` and `reports` move into the closure: if anything panics here, they are
        // dropped at once, which wakes a waiting sender with an error instead of leaving
        // the scope to wait for it for ever.
        let (rx, reports) = (rx, reports);
        loop {
            let report = match reports.recv_timeout(GIVE_UP) {
                Ok(report) => report,
                Err(RecvTimeoutError::Disconnected) => break, // the sender is done
                Err(RecvTimeoutError::Timeout) => panic!("the sender stopped reporting"),
            };
            let waiting = match report {
                Report::Waits { message, .. } => Some(message),
                Report::Sent { .. } => None,
            };
            events.log("sender", report);
            if let Some(message) = waiting {
                // Nobody but us receives, so the send cannot return before our receive:
                // no report can come in the meantime, however long we watch.
                if let Ok(report) = reports.recv_timeout(WATCH) {
                    panic!("a send returned with nobody receiving: {report}");
                }
                let watched = WATCH.as_millis();
                events.log(
                    "main",
                    format!("{watched} ms later, send({message}) has not returned"),
                );
                let got = rx.recv_timeout(GIVE_UP).expect("the sender sends");
                events.log("main", format!("received {got}"));
            }
        }
        for got in rx.iter() {
            events.log("main", format!("received {got}"));
        }
    });
}

/// Numbers the events of a demo, 1, 2, 3, …, in the order the main thread logs them.
#[derive(Default)]
struct Events {
    logged: u32,
}

impl Events {
    fn log(&mut self, who: &str, what: impl fmt::Display) {
        self.logged += 1;
        println!("{:>4}  {who:<6}  {what}", self.logged);
    }
}
