//! Lecture 5: coroutines, from generators to `async`/`await`.
//!
//! The Python course notebook and the Python slides go from generators (`yield`, `send`, `yield from`) to asyncio's
//! event loop, its tasks and queues, aiohttp downloads and the blocking pitfall. This
//! crate walks the same road in Rust, one module a step:
//!
//! - [`lazy`]: an eager `Vec` against a lazy `Iterator`, and Python's `itertools` beside
//!   the `itertools` crate and std;
//! - [`coroutine`]: a coroutine you can send values into, written twice: as an explicit
//!   state machine, and as an `async` block driven by a small resume loop;
//! - [`executor`]: an event loop from scratch (run queue, wakers, timer heap), no runtime
//!   crate;
//! - [`task_cost`]: what a thread, a tokio task and a task of our executor cost;
//! - [`asyncio`]: tasks, `join!`, `JoinSet`, an async queue and `loop.stop()` on tokio;
//! - [`runtimes`]: one small program on tokio, async-std and smol;
//! - [`download`]: concurrent downloads from the cat server, bounded and unbounded;
//! - [`blocking`]: a CPU-bound loop in a task, what it starves, and three fixes;
//! - [`pitfalls`]: the traps Fluent Python, the Python course notebook and the Real
//!   Python notes name, caught and fixed.

pub mod asyncio;
pub mod blocking;
pub mod coroutine;
pub mod download;
pub mod executor;
pub mod lazy;
pub mod pitfalls;
pub mod runtimes;
pub mod task_cost;
