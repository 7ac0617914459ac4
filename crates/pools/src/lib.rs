//! Lecture 3: thread pools, process pools and futures; I/O-bound vs CPU-bound.
//!
//! The chapter takes an executor apart to see how it works, then uses ready-made ones:
//!
//! - [`thread_pool`]: a hand-built [`ThreadPool`](thread_pool::ThreadPool), one job channel
//!   and N worker threads, whose [`JobHandle`](thread_pool::JobHandle) is Python's
//!   `Future` (`done()`, `result()`), with `map` and `as_completed`. rayon's pool is shown
//!   beside it in the programs;
//! - [`deadlock`]: two ways to freeze a thread pool, each caught by a timeout;
//! - [`cpu`]: CPU-bound work shared out serially, by threads, by processes and by rayon;
//! - [`net`]: HTTP for the I/O-bound lessons, against the local cat server;
//! - [`download`]: a list of sites downloaded one after the other, by a pool of threads
//!   and by a pool of processes.
//!
//! `cargo run -p pools` lists the chapter's programs and how to run each one.
pub mod cpu;
pub mod deadlock;
pub mod download;
pub mod net;
pub mod thread_pool;
