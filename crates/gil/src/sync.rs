//! The synchronisation primitives the [`Gil`](crate::Gil) is built on.
//!
//! Normally these are `std`'s. Under `RUSTFLAGS="--cfg loom"` they are `loom`'s look-alikes,
//! which let the model checker run every interleaving of the threads that use them. The
//! GIL's code imports from here and never names either crate, so the code that is
//! model-checked is the code that ships.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};
