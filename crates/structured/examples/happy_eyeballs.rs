//! The chapter's exercise, solved: happy eyeballs (RFC 8305) on a nursery.
//!
//!     cargo run -p structured --example happy_eyeballs
//!
//! A name has several addresses, and some of them hang. Trying them one after the other
//! waits for every hung one; trying all at once floods the network. Happy eyeballs starts
//! the first attempt, then the next one after a delay (250 ms), or at once when an
//! attempt fails. The first to connect wins and cancels the others. trio's
//! `open_tcp_stream` works so, and Nathaniel J. Smith's PyCon 2018 talk on trio builds it
//! to show what a nursery is for: the attempts are children of one nursery, a failure is
//! kept and lets the others run, the winner cancels the nursery, and when every attempt
//! fails the caller gets every failure. It runs on tokio's paused clock: virtual time, so
//! the times printed are exact and the run takes no time at all.
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

/// An address that answers after `ms` milliseconds.
const fn at(ip: &'static str, ms: u64, accepts: bool) -> Address {
    let answers_in = Duration::from_millis(ms);
    Address {
        ip,
        answers_in,
        accepts,
    }
}

/// Four addresses: one hangs, one refuses, two accept.
const SOME_REFUSE: [Address; 4] = [
    at("2001:db8::1", 10_000, true), // hangs, for all we care
    at("2001:db8::2", 100, false),
    at("192.0.2.1", 300, true),
    at("192.0.2.2", 100, true),
];

/// Stands in for `TcpStream::connect`: after a while, connected or refused.
async fn connect(address: Address) -> Result<(), String> {
    sleep(address.answers_in).await;
    let refused = || "connection refused".to_string();
    address.accepts.then_some(()).ok_or_else(refused)
}

/// What every attempt shares: when the race began, a bell any failure rings, the winner.
struct Race {
    start: Instant,
    failed: Notify,
    winner: Mutex<Option<&'static str>>,
}

/// Prints a line with the time since `start`.
fn say(start: Instant, line: String) {
    println!("  {:.2} s  {line}", start.elapsed().as_secs_f64());
}

/// Prints "cancelled" if dropped before its attempt has finished (`.2` set).
struct Unfinished(Instant, &'static str, bool);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.2 {
            say(self.0, format!("{}: cancelled", self.1));
        }
    }
}

/// One attempt at one address, in the race.
struct Attempt(Address, Arc<Race>);

impl Attempt {
    /// Runs as a child of `n`: the winner cancels `n`; a failure rings the bell.
    // ANCHOR: attempt
    async fn run(self, n: Nursery) -> Result<(), String> {
        let Attempt(address, race) = self;
        let ip = address.ip;
        say(race.start, format!("{ip}: connecting"));
        let mut unfinished = Unfinished(race.start, ip, false);
        let connected = connect(address).await;
        unfinished.2 = true; // finished: no "cancelled" line
        if connected.is_err() {
            say(race.start, format!("{ip}: refused"));
            race.failed.notify_one(); // start the next attempt now
            return connected;
        }
        say(race.start, format!("{ip}: connected"));
        *race.winner.lock().unwrap() = Some(ip);
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
    addresses: [Address; 4],
    delay: Duration,
) -> Result<&'static str, MultiError> {
    let race = Arc::new(Race {
        start: Instant::now(),
        failed: Notify::new(),
        winner: Mutex::new(None),
    });
    // A refusal must not cancel the others: only the winner cancels.
    let tried = nursery(Policy::RunToCompletion, |n| {
        let race = race.clone();
        async move {
            for address in addresses {
                if n.is_cancelled() {
                    break; // a winner, in the same instant as our timer
                }
                let attempt = Attempt(address, race.clone());
                n.start_soon(address.ip, attempt.run(n.clone()));
                tokio::select! {
                    () = race.failed.notified() => {}
                    () = sleep(delay) => {}
                }
            }
        }
    })
    .await;
    match (race.winner.lock().unwrap().take(), tried) {
        (Some(ip), _) => Ok(ip), // the refusals before it do not matter
        (None, Err(every_failure)) => Err(every_failure),
        (None, Ok(())) => panic!("happy_eyeballs needs an address"),
    }
}
// ANCHOR_END: happy_eyeballs

fn main() -> ExitCode {
    let runtime = coroutines::asyncio::event_loop().expect("a tokio runtime");
    let delay = Duration::from_millis(250);
    let all_refuse = SOME_REFUSE.map(|address| at(address.ip, 100, false));
    let titles = [
        "happy eyeballs: a new attempt every 250 ms, or at once when one fails",
        "every address refuses:",
    ];
    runtime.block_on(async {
        tokio::time::pause(); // virtual time: exact, and instant
        for (title, addresses) in titles.into_iter().zip([SOME_REFUSE, all_refuse]) {
            println!("{title}");
            let start = Instant::now();
            match happy_eyeballs(addresses, delay).await {
                Ok(ip) => println!("winner: {ip} after {:.2} s", start.elapsed().as_secs_f64()),
                Err(error) => println!("no winner: {error}"),
            }
        }
    });
    ExitCode::SUCCESS
}
