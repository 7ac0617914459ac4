//! Lecture 1: processes, pipes and messages between address spaces.
//!
//! Every child process in this crate is the running program started again with a hidden
//! role argument ([`common::process`]: Python's *spawn* start method; [`pool`]'s docs say
//! why a Rust program does not fork). The modules are what the lecture's programs share,
//! and what later lectures reuse:
//!
//! - [`pool`]: a pool of worker processes, jobs handed out on demand, results as they
//!   finish, a worker that dies mid-job reported with its job and signal;
//! - [`manager`]: a server process that owns a dict and a list, and the proxies other
//!   processes change them through (the request/response pattern);
//! - [`queue`]: a creator and a consumer process joined by one channel, and the sentinel
//!   that ends the consumer;
//! - [`lock`]: a lock that holds across processes, an exclusive lock on a file;
//! - [`objects`]: what can cross a process boundary (serde), and what cannot compile;
//! - [`raw`]: the same dialogue over a plain pipe, one line per message;
//! - [`latency`]: the round-trip latency of one message over each transport;
//! - [`prime_jobs`]: the numbers `prime_procs` checks, their order, and what each costs.
//!
//! `cargo run -p pipes` prints the lecture's menu.

pub mod latency;
pub mod lock;
pub mod manager;
pub mod objects;
pub mod pool;
pub mod prime_jobs;
pub mod queue;
pub mod raw;
