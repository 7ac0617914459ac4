//! The synchronisation primitives the queues are built on.
//!
//! Normally these are `std`'s. Under `RUSTFLAGS="--cfg loom"` they are `loom`'s look-alikes,
//! which let the model checker run every interleaving of the threads that use them. The
//! queue code imports from here and never names either crate, so the code that is
//! model-checked is the code that ships.

#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};
