//! Lecture 6: structured concurrency.
//!
//! The Python slides end the coroutines story with trio: a task can only be started inside
//! a *nursery*, the `async with` block cannot finish before every task it started has
//! finished, one failing task cancels its siblings, and every error comes back together
//! in a `MultiError` (trio 0.24 replaced it with Python 3.11's `ExceptionGroup`, and its
//! nurseries raise one since 0.25). This crate builds the same
//! rules on tokio, then looks at threads and at how many of each a machine holds:
//!
//! - [`mod@nursery`]: [`Nursery`] and [`nursery()`](nursery::nursery), the scope with trio's
//!   guarantees, and [`MultiError`], the error that carries every child's failure.
//! - [`trio`]: the Python slides' trio programs, their children written for [`Nursery`].
//! - [`cancel`]: cancel scopes: a deadline or a token that cancels a whole subtree.
//! - [`channel`]: trio's memory channel of capacity 0, a rendezvous.
//! - [`threads`]: the same rules for threads: scoped threads, and what `main` returning
//!   does to threads nobody joined.
//! - [`limits`]: 10 000 tasks, threads and processes, each sleeping: time and memory.

pub mod cancel;
pub mod channel;
pub mod limits;
pub mod nursery;
pub mod threads;
pub mod trio;

pub use nursery::{BoxError, ChildError, Failure, MultiError, Nursery, Policy, nursery};
