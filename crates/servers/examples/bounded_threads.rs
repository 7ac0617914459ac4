//! a thread per connection, at most N at once: a semaphore in the accept loop, so connection N+1 waits in the kernel's backlog instead of costing a thread
//!
//!     cargo run -p servers --example bounded_threads
//!     cargo run -p servers --example bounded_threads -- --limit 100
//!
//! The chapter's exercise, solved. The model is `thread_per_connection` behind a counting
//! semaphore (a `Mutex<usize>` and a `Condvar`): the model takes a permit before it
//! spawns, and the thread gives it back when its connection ends. While `--limit`
//! connections are being served, the accept loop waits in `acquire` with the next one in
//! its hands, and every later one waits in the kernel's backlog: nobody accepts it, no
//! thread is spent on it. The load holds its 100 connections open until every reply has
//! come, so the default limit of 10 answers 10 of them and the other 90 wait, as behind
//! the pool's 4 workers: bounding the threads bounds the memory, and makes the rest wait,
//! in the kernel rather than in a queue of ours. `--limit 100` answers all of them.

use std::io;
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use clap::Parser;
use servers::models::{Connection, Handed, Server};
use servers::program::{self, ServeArgs};

/// A thread per connection, at most `--limit` at once, serving the cat server's pages.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Connections served at once, each by a thread of its own
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u16).range(1..=10_000))]
    limit: u16,

    #[command(flatten)]
    serve: ServeArgs,
}

// ANCHOR: semaphore
// A counting semaphore: the permits left, and a bell rung as one returns.
struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

// A permit taken from a semaphore; dropping it gives it back.
struct Permit(Arc<Semaphore>);

// Whether to stop waiting for a permit.
type Quit<'a> = dyn Fn() -> bool + 'a;

impl Semaphore {
    // Waits until a permit is free and takes it, unless `quit` says so
    // first. (The lock is held only to count: `unwrap` cannot fail.)
    fn acquire(self: &Arc<Self>, quit: &Quit<'_>) -> Option<Permit> {
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            if quit() {
                return None;
            }
            let tick = Duration::from_millis(50);
            free = self.released.wait_timeout(free, tick).unwrap().0;
        }
        *free -= 1;
        Some(Permit(Arc::clone(self)))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap() += 1;
        self.0.released.notify_one();
    }
}

// The model: a thread per connection, once one of `limit` permits is free.
fn bounded(limit: usize) -> impl FnMut(Connection) -> io::Result<Handed> {
    let free = Mutex::new(limit);
    let semaphore = Arc::new(Semaphore {
        free,
        released: Condvar::new(),
    });
    move |connection| {
        // The accept loop waits here, unless the server is stopping.
        let stopping = || connection.server_is_stopping();
        let Some(permit) = semaphore.acquire(&stopping) else {
            return Err(io::Error::other("stopping")); // drops it
        };
        Ok(Handed::Thread(thread::spawn(move || {
            connection.serve();
            drop(permit); // the accept loop may take the next one
        })))
    }
}
// ANCHOR_END: semaphore

fn main() -> ExitCode {
    if let Some(exit) = common::process::run_child(program::roles()) {
        return exit;
    }
    let args = Args::parse();
    let limit = usize::from(args.limit);
    let name = format!("a thread per connection, at most {limit} at once");
    program::serve("bounded_threads", &name, &args.serve, |config| {
        Server::start(config, bounded(limit))
    })
}
