//! Lecture 6: structured concurrency.
//!
//! The Python slides end the coroutines story with trio: a task can only be started inside
//! a *nursery*, the `async with` block cannot finish before every task it started has
//! finished, one failing task cancels its siblings, and every error comes back together
//! in a `MultiError` (Python 3.11 calls it an `ExceptionGroup`). This crate builds the same
//! rules on tokio:
//!
//! - [`nursery`]: [`Nursery`] and [`nursery()`](nursery::nursery), the scope with trio's
//!   guarantees, and [`MultiError`], the error that carries every child's failure.

pub mod nursery;

pub use nursery::{BoxError, ChildError, Failure, MultiError, Nursery, Policy, nursery};
