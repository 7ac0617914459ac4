//! Lecture 1: processes, pipes and messages between address spaces.
//!
//! (module overview being written)

pub mod latency;
pub mod lock;
pub mod manager;
pub mod objects;
pub mod pool;
pub mod queue;
pub mod raw;
