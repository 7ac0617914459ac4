//! The chapter's exercise, solved: happy eyeballs (RFC 8305) on a nursery.
//!
//!     cargo run -p structured --example happy_eyeballs
//!
//! A name has several addresses, and some of them hang. Trying them one after the other
//! waits for every hung one; trying all at once floods the network. Happy eyeballs starts
//! the first attempt, then the next one after a delay (250 ms), or at once when the
//! previous one fails. The first attempt to connect wins and cancels the others. trio's
//! own documentation tells this story to show what a nursery is for: the attempts are
//! children of one nursery, a failure is kept and lets the others run, and the winner
//! cancels the nursery. When every attempt fails, the caller gets every failure.
//!
//! What to look for: attempt 3 wins at 0.65 s though attempt 1 hangs for 10 s; attempts 1
//! and 4 are cancelled mid-connect; with every address refusing, all four errors come back.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use structured::{MultiError, Nursery, Policy, nursery};
use tokio::sync::Notify;
use tokio::time::{Instant, sleep};

/// One address to try: how long it takes to answer, and whether it accepts.
#[derive(Debug, Clone, Copy)]
struct Address {
    ip: &'static str,
    answers_in: Duration,
    accepts: bool,
}

/// Stands in for `TcpStream::connect`: after a while, connected or refused.
async fn connect(address: Address) -> Result<(), String> {
    sleep(address.answers_in).await;
    match address.accepts {
        true => Ok(()),
        false => Err("connection refused".into()),
    }
}

/// Prints a line with the time since `start`.
fn say(start: Instant, line: String) {
    println!("  {:.2} s  {line}", start.elapsed().as_secs_f64());
}

/// Prints "cancelled" when an attempt is dropped before it has finished.
struct Unfinished(Instant, &'static str);

impl Drop for Unfinished {
    fn drop(&mut self) {
        say(self.0, format!("{}: cancelled", self.1));
    }
}

/// Who connected first, if anyone has.
type Winner = Arc<Mutex<Option<&'static str>>>;

/// One attempt: its address, the shared winner, and how it tells the loop it failed.
struct Attempt {
    address: Address,
    failed: Arc<Notify>,
    winner: Winner,
    start: Instant,
}

impl Attempt {
    /// Runs as a child of `n`: the winner cancels `n`; a failure tells the loop.
    // ANCHOR: attempt
    async fn run(self, n: Nursery) -> Result<(), String> {
        let ip = self.address.ip;
        say(self.start, format!("{ip}: connecting"));
        let unfinished = Unfinished(self.start, ip);
        let connected = connect(self.address).await;
        std::mem::forget(unfinished); // finished: no "cancelled" line
        if connected.is_err() {
            say(self.start, format!("{ip}: refused"));
            self.failed.notify_one(); // start the next attempt now
            return connected;
        }
        say(self.start, format!("{ip}: connected"));
        *self.winner.lock().unwrap() = Some(ip);
        n.cancel(); // every other attempt, and the loop that starts them
        Ok(())
    }
    // ANCHOR_END: attempt
}

/// Tries every address, a new attempt every `delay` or as soon as one fails; the first
/// to connect wins and cancels the rest. `Err` holds every failure when none connected.
/// There must be at least one address.
// ANCHOR: happy_eyeballs
async fn happy_eyeballs(
    addresses: Vec<Address>,
    delay: Duration,
) -> Result<&'static str, MultiError> {
    let start = Instant::now();
    let winner = Winner::default();
    // A refusal must not cancel the others: only the winner cancels.
    let tried = nursery(Policy::RunToCompletion, |n| {
        let winner = winner.clone();
        async move {
            for address in addresses {
                if n.is_cancelled() {
                    break; // a winner, in the same instant as our timer
                }
                let failed = Arc::new(Notify::new());
                let attempt = Attempt {
                    address,
                    failed: failed.clone(),
                    winner: winner.clone(),
                    start,
                };
                n.start_soon(address.ip, attempt.run(n.clone()));
                tokio::select! {
                    () = failed.notified() => {}
                    () = sleep(delay) => {}
                }
            }
        }
    })
    .await;
    let winner = winner.lock().unwrap().take();
    match (winner, tried) {
        (Some(ip), _) => Ok(ip), // the refusals before it do not matter
        (None, Err(every_failure)) => Err(every_failure),
        (None, Ok(())) => panic!("happy_eyeballs needs an address"),
    }
}
// ANCHOR_END: happy_eyeballs

/// Four addresses: one hangs, one refuses, two accept.
fn some_refuse() -> Vec<Address> {
    let address = |ip, ms, accepts| Address {
        ip,
        answers_in: Duration::from_millis(ms),
        accepts,
    };
    vec![
        address("2001:db8::1", 10_000, true), // hangs, for all we care
        address("2001:db8::2", 100, false),
        address("192.0.2.1", 300, true),
        address("192.0.2.2", 100, true),
    ]
}

fn main() -> ExitCode {
    let runtime = coroutines::asyncio::event_loop().expect("a tokio runtime");
    let delay = Duration::from_millis(250);
    runtime.block_on(async {
        println!("happy eyeballs: a new attempt every 250 ms, or at once when one fails");
        let start = Instant::now();
        match happy_eyeballs(some_refuse(), delay).await {
            Ok(ip) => println!("winner: {ip} after {:.2} s", start.elapsed().as_secs_f64()),
            Err(error) => println!("no winner: {error}"),
        }
        println!("every address refuses:");
        let refusing = some_refuse().into_iter().map(|address| Address {
            answers_in: Duration::from_millis(100),
            accepts: false,
            ..address
        });
        match happy_eyeballs(refusing.collect(), delay).await {
            Ok(ip) => println!("winner: {ip}"),
            Err(error) => println!("no winner: {error}"),
        }
    });
    ExitCode::SUCCESS
}
