//! Concepts: the ideas every Python lecture opens with, each as something to measure.
//!
//! - [`cores`]: concurrency and parallelism: the same two CPU-bound jobs on one pinned
//!   core, then on two; wall time against CPU time.
//! - [`stations`]: latency and throughput: eight service stations as a pipeline and as a
//!   farm.
//! - [`gophers`]: Rob Pike's gophers: a pile of books moved by channel pipelines.
//! - [`switch`]: what a hand-off costs between two threads, two tasks, two processes.
//! - [`crossover`]: when not to: the size below which a parallel sum is slower.

pub mod cores;
pub mod crossover;
pub mod gophers;
pub mod stations;
pub mod switch;
