//! The traps Fluent Python, the Python course notebook and the Real Python notes name,
//! in Rust: each one sprung and caught, with its fix beside it.
//!
//! 1. **A runtime inside a runtime.** Fluent Python's `asyncio.run()` "cannot be called
//!    from a running event loop", and the Python course notebook applies `nest_asyncio`
//!    because Jupyter already runs one. tokio refuses the same way: `block_on` inside a
//!    task panics ([`runtime_in_a_runtime`]). The fixes: `.await` the future
//!    ([`fix_await`]), or, for code that must block, block on the running runtime's
//!    `Handle` from a blocking thread ([`fix_handle_on_a_blocking_thread`]).
//! 2. **A blocking client inside a task.** The Real Python notes: `requests` "is not
//!    designed to notify the event loop that it is blocked". Neither is `reqwest::blocking`:
//!    it holds the runtime's only thread until the answer comes, and every other task waits
//!    ([`blocking_client_in_a_task`]). In a debug build reqwest checks for this and panics
//!    instead. The fixes: the async client, awaited ([`fix_async_client`]), or the blocking
//!    client on a blocking thread ([`fix_blocking_client_on_a_blocking_thread`]).
//! 3. **A `std::sync::Mutex` guard held across `.await`.** A task that does this does not
//!    compile when spawned: the guard is not `Send`, and a task may move between threads at
//!    each `.await`. The fixes: drop the guard before the `.await` ([`fix_scoped_guard`]),
//!    or use `tokio::sync::Mutex`, whose guard may wait ([`fix_tokio_mutex`]).
//!
//! The third trap, proved: this does not compile,
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//!
//! let counter = Arc::new(Mutex::new(0u64));
//! tokio::spawn(async move {
//!     let mut count = counter.lock().unwrap();
//!     *count += 1;
//!     tokio::task::yield_now().await; // the guard is still alive here
//!     *count += 1;
//! });
//! ```
//!
//! and the same task with the guard dropped before the `.await` does (the one change):
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let counter = Arc::new(Mutex::new(0u64));
//! tokio::spawn(async move {
//!     *counter.lock().unwrap() += 1; // the guard is dropped at the `;`
//!     tokio::task::yield_now().await;
//!     *counter.lock().unwrap() += 1;
//! });
//! # });
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::task::JoinError;
use tokio::time::Instant;

use crate::blocking::ticker;
use crate::download;

/// What rustc says of the third trap, the code above (rustc 1.95, tokio 1.54): the lines
/// that matter, folded to fit a slide.
pub const COMPILER_SAYS: &str = "\
error: future cannot be sent between threads safely
  | / tokio::spawn(async move {
  | |     let mut count = counter.lock().unwrap();
  ...
  | |__^ future created by async block is not `Send`
  = help: within `{async block}`, the trait `Send` is not
          implemented for `std::sync::MutexGuard<'_, u64>`
note: future is not `Send` as this value is used across an await
  |     let mut count = counter.lock().unwrap();
  |         --------- has type `std::sync::MutexGuard<'_, u64>`
  |                   which is not `Send`
  |     tokio::task::yield_now().await; // the guard is still alive here
  |                              ^^^^^ await occurs here, with
  |                                    `mut count` maybe used later
note: required by a bound in `tokio::spawn`";

/// The start of each panic message a trap is expected to raise.
pub const EXPECTED_PANICS: [&str; 2] = [
    "Cannot start a runtime from within a runtime",
    "Cannot drop a runtime in a context where blocking is not allowed",
];

/// How a trap sprang.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caught {
    /// The task panicked with this message; tokio caught it and the `JoinHandle` said so.
    Panicked(String),
    /// The task ran, but held the runtime's only thread: the ticker beside it counted this
    /// many ticks in this time.
    Starved {
        /// Ticks while the call ran.
        ticks: u64,
        /// How long the call took.
        took: Duration,
    },
}

/// The message of a task's panic, or what else ended it (a cancellation).
pub fn panic_message(error: JoinError) -> String {
    if !error.is_panic() {
        return error.to_string();
    }
    let payload = error.into_panic();
    common::panic_text(&*payload).to_string()
}

/// The work every fix of the first trap does: the spinners' `slow()`, 42 after a sleep.
async fn answer() -> u64 {
    spinner_async::slow(Duration::from_millis(10)).await
}

/// Trap 1: a runtime of its own, started inside a task, like `asyncio.run()` inside a
/// running loop. Its `block_on` panics; the task's `JoinHandle` gives the panic back.
pub async fn runtime_in_a_runtime() -> Result<Caught, String> {
    let task = tokio::spawn(async {
        // ANCHOR: nested_runtime
        let inner = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        inner.block_on(answer()) // panics: this thread is driving tasks
        // ANCHOR_END: nested_runtime
    });
    match task.await {
        Err(error) => Ok(Caught::Panicked(panic_message(error))),
        Ok(value) => Err(format!("block_on inside a task returned {value}")),
    }
}

/// Fix 1: inside async code, await the future: the runtime already running drives it.
pub async fn fix_await() -> u64 {
    answer().await
}

/// Fix 1, for code that must block (a synchronous callback, say): run it on the blocking
/// pool, where it may block on the running runtime through its `Handle`.
pub async fn fix_handle_on_a_blocking_thread() -> u64 {
    // ANCHOR: handle
    let handle = Handle::current();
    let blocking = tokio::task::spawn_blocking(move || {
        // Not a runtime thread: blocking here holds up no task.
        handle.block_on(answer())
    });
    blocking.await.expect("the blocking call panicked")
    // ANCHOR_END: handle
}

/// What a download beside the ticker gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beside {
    /// The size of the body.
    pub bytes: usize,
    /// Ticks while it downloaded.
    pub ticks: u64,
    /// How long it took.
    pub took: Duration,
}

/// Downloads `url` the blocking way, with a client that has the course's timeouts.
fn blocking_get(url: &str) -> Result<usize, String> {
    // ANCHOR: blocking_get
    let client = reqwest::blocking::Client::builder()
        .timeout(download::REQUEST_TIMEOUT)
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let body = client.get(url).send().and_then(|r| r.bytes());
    // ANCHOR_END: blocking_get
    Ok(body.map_err(|e| e.to_string())?.len())
}

/// Runs `download` beside a ticker (every `period`) and counts the ticks while it runs.
async fn beside_a_ticker<F>(period: Duration, download: F) -> Result<Beside, String>
where
    F: AsyncFnOnce() -> Result<usize, String>,
{
    let ticks = Arc::new(AtomicU64::new(0));
    let ticking = tokio::spawn(ticker(period, Arc::clone(&ticks)));
    tokio::task::yield_now().await; // let the ticker start its clock
    let started = Instant::now();
    let bytes = download().await;
    let (ticks, took) = (ticks.load(Ordering::Relaxed), started.elapsed());
    ticking.abort();
    Ok(Beside {
        bytes: bytes?,
        ticks,
        took,
    })
}

/// Trap 2: `reqwest::blocking` inside a task, a ticker beside it. In a release build the
/// call holds the thread and the ticker counts nothing; in a debug build reqwest notices
/// it is inside a runtime and panics.
pub async fn blocking_client_in_a_task(url: &str, period: Duration) -> Result<Caught, String> {
    let url = url.to_string();
    let task =
        tokio::spawn(async move { beside_a_ticker(period, async || blocking_get(&url)).await });
    match task.await {
        Err(error) => Ok(Caught::Panicked(panic_message(error))),
        Ok(beside) => {
            let Beside { ticks, took, .. } = beside?;
            Ok(Caught::Starved { ticks, took })
        }
    }
}

/// Fix 2: the async client, awaited: while it waits for the answer the ticker ticks.
pub async fn fix_async_client(url: &str, period: Duration) -> Result<Beside, String> {
    let client = download::new_client();
    beside_a_ticker(period, async || download::fetch(&client, url).await).await
}

/// Fix 2, for a library that only blocks: call it on the blocking pool and await that.
pub async fn fix_blocking_client_on_a_blocking_thread(
    url: &str,
    period: Duration,
) -> Result<Beside, String> {
    let url = url.to_string();
    let on_the_pool = async || {
        let get = tokio::task::spawn_blocking(move || blocking_get(&url));
        get.await.map_err(panic_message)?
    };
    beside_a_ticker(period, on_the_pool).await
}

/// Fix 3: `tasks` tasks each add 1 to a shared count, await, and add 1 again, taking the
/// `std::sync::Mutex` each time and dropping its guard before the `.await`. Gives the
/// count: 2 × `tasks`.
pub async fn fix_scoped_guard(tasks: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0));
    let mut all = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        // ANCHOR: scoped_guard
        all.spawn(async move {
            {
                let mut count = counter.lock().unwrap();
                *count += 1;
            } // the guard is dropped here, before the .await
            tokio::task::yield_now().await;
            *counter.lock().unwrap() += 1;
        });
        // ANCHOR_END: scoped_guard
    }
    all.join_all().await;
    *counter.lock().unwrap()
}

/// Fix 3, the other way: the same tasks with `tokio::sync::Mutex`, whose `lock()` is
/// awaited and whose guard may be held across an `.await` (the other tasks wait for it
/// without blocking the thread). Gives the count: 2 × `tasks`.
pub async fn fix_tokio_mutex(tasks: u64) -> u64 {
    let counter = Arc::new(tokio::sync::Mutex::new(0));
    let mut all = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        // ANCHOR: tokio_mutex
        all.spawn(async move {
            let mut count = counter.lock().await;
            *count += 1;
            tokio::task::yield_now().await; // the guard is held: allowed
            *count += 1;
        });
        // ANCHOR_END: tokio_mutex
    }
    all.join_all().await;
    *counter.lock().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use cat_server::{CatServer, Config};

    /// block_on inside a task panics with tokio's message; both fixes answer 42.
    #[tokio::test(flavor = "current_thread")]
    async fn a_runtime_inside_a_runtime_is_refused_and_the_fixes_answer() {
        let Ok(Caught::Panicked(message)) = runtime_in_a_runtime().await else {
            panic!("the trap did not spring");
        };
        assert!(message.starts_with(EXPECTED_PANICS[0]), "{message}");
        assert!(message.contains("use `.await` on the future"), "{message}");
        assert_eq!(fix_await().await, 42);
        assert_eq!(fix_handle_on_a_blocking_thread().await, 42);
    }

    /// The blocking client inside a task: a panic in a debug build (reqwest's check), no
    /// tick at all in a release build. Both fixes download the page while the ticker ticks.
    #[tokio::test(flavor = "current_thread")]
    async fn a_blocking_client_holds_the_thread_and_the_fixes_free_it() {
        let server = CatServer::start(Config::delayed(Duration::from_millis(200))).unwrap();
        let url = server.url("/pages/1");
        let period = Duration::from_millis(10);
        match blocking_client_in_a_task(&url, period).await {
            Ok(Caught::Panicked(message)) if cfg!(debug_assertions) => {
                assert!(message.starts_with(EXPECTED_PANICS[1]), "{message}")
            }
            Ok(Caught::Starved { ticks, took }) if !cfg!(debug_assertions) => {
                assert_eq!(ticks, 0);
                assert!(took >= Duration::from_millis(200));
            }
            other => panic!("{other:?}"),
        }
        let size = download::fetch(&download::new_client(), &url)
            .await
            .unwrap();
        for beside in [
            fix_async_client(&url, period).await.unwrap(),
            fix_blocking_client_on_a_blocking_thread(&url, period)
                .await
                .unwrap(),
        ] {
            assert_eq!(beside.bytes, size);
            // 200 ms of waiting, a tick every 10 ms: most of them, whatever the load.
            assert!(beside.ticks >= 10, "{beside:?}");
        }
    }

    /// Both fixes of the guard across .await count every increment: 2 per task.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_mutex_fixes_count_every_increment() {
        assert_eq!(fix_scoped_guard(50).await, 100);
        assert_eq!(fix_tokio_mutex(50).await, 100);
    }
}
