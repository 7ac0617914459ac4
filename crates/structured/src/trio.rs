//! The Python slides' trio programs, their children written for [`Nursery`](crate::Nursery).
//!
//! Everything here runs on one thread, as trio does: the programs call
//! [`coroutines::asyncio::event_loop`] (tokio's `current_thread` runtime), and what they
//! print goes through a [`Transcript`], so the tests can read the lines in order. The
//! tests pause tokio's clock, so every sleep is exact and takes no real time.
//!
//! - [`go`]: what `tokio::spawn` is on its own, a `go` statement: the child outlives
//!   the function that started it, and its error has nowhere to go.
//! - [`task`] and [`trio_main`]: the Python slides' nursery of three children, "1st",
//!   "2nd" and "3rd", which interleave; `done` comes only after all three.
//! - [`task1`] to [`task4`], [`slow`] and [`multi_errors`]: the Python slides' three
//!   failing children (a missing key, an index out of range, a division by zero), a
//!   fourth that panics, and a slow sibling the failures cancel, or not, as the
//!   [`Policy`] says; the nursery returns all four failures in one [`MultiError`].

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::time::Duration;

use coroutines::asyncio::Transcript;
use tokio::time::sleep;

use crate::nursery::{BoxError, ChildError, Failure, MultiError, Policy, nursery};

// ---------------------------------------------------------------------------------------
// The go statement.

/// How long the child of [`go`] sleeps before it says it is still running.
pub const GO_CHILD_NAP: Duration = Duration::from_secs(1);

/// `tokio::spawn` used on its own: a `go` statement. It returns at once; the child runs
/// on after it, and the `Err` the child returns is dropped with its task: nobody waits
/// for it, nobody reads it.
// ANCHOR: go
pub fn go(out: Transcript) {
    tokio::spawn(async move {
        sleep(GO_CHILD_NAP).await;
        out.say("child: go() returned long ago, and I am still running");
        Err::<(), _>("child: this error goes nowhere")
    });
} // the JoinHandle is dropped: no one waits for the child or its error
// ANCHOR_END: go

// ---------------------------------------------------------------------------------------
// The nursery of three.

/// The names of the Python slides' three children, in the order they are started.
pub const CHILDREN: [&str; 3] = ["1st", "2nd", "3rd"];

/// The Python slides' trio child `task(name, n, s)`: says it started, then `n` times says
/// how far it is and sleeps `s`, then says it finished. It cannot fail; a nursery's child
/// returns a `Result` all the same.
// ANCHOR: task
pub async fn task(
    name: &'static str,
    n: u32,      // how many steps
    s: Duration, // the sleep after each step
    out: Transcript,
) -> Result<(), BoxError> {
    out.say(format!("{name} task started"));
    for i in 0..n {
        out.say(format!("{name} {}/{n}", i + 1));
        sleep(s).await;
    }
    out.say(format!("{name} task finished"));
    Ok(())
}
// ANCHOR_END: task

/// The Python slides' trio `main`: says `main started`, opens a nursery, starts the three
/// children in it, and says `done` once the nursery has returned, which is after every
/// child has finished. Returns how long the nursery took, on tokio's clock.
pub async fn trio_main(n: u32, s: Duration, out: &Transcript) -> Result<Duration, MultiError> {
    let started = tokio::time::Instant::now();
    // ANCHOR: trio_main
    out.say("main started");
    nursery(Policy::default(), |nursery| async move {
        nursery.start_soon("1st", task("1st", n, s, out.clone()));
        nursery.start_soon("2nd", task("2nd", n, s, out.clone()));
        nursery.start_soon("3rd", task("3rd", n, s, out.clone()));
    })
    .await?; // the end of `async with`: all three have finished
    out.say("done");
    // ANCHOR_END: trio_main
    Ok(started.elapsed())
}

// ---------------------------------------------------------------------------------------
// Multi-errors.

/// The Python exceptions the failing children stand for, as one Rust error type. Each is
/// shown as Python shows it, `KeyError: 'foo'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyError {
    /// Python's `KeyError`: `dct["foo"]` on a dict without that key.
    Key(String),
    /// Python's `IndexError`: `l[10]` on a shorter list; the index asked for.
    Index(usize),
    /// Python's `ZeroDivisionError`: `1/x` with `x == 0`.
    ZeroDivision,
}

impl PyError {
    /// The Python exception's name, which `except* KeyError:` would match.
    pub fn name(&self) -> &'static str {
        match self {
            PyError::Key(_) => "KeyError",
            PyError::Index(_) => "IndexError",
            PyError::ZeroDivision => "ZeroDivisionError",
        }
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            PyError::Key(key) => write!(f, "{name}: '{key}'"),
            PyError::Index(index) => write!(f, "{name}: list index out of range (index {index})"),
            PyError::ZeroDivision => write!(f, "{name}: division by zero"),
        }
    }
}

impl Error for PyError {}

/// The Python slides' `task1`: `dct["foo"]` on an empty dict. `HashMap::get` answers
/// `None`, which `ok_or` turns into the error and `?` returns.
// ANCHOR: task1
pub async fn task1() -> Result<(), PyError> {
    let dct: HashMap<&str, i32> = HashMap::new();
    let _value = dct.get("foo").ok_or(PyError::Key("foo".into()))?;
    Ok(())
}
// ANCHOR_END: task1

/// The Python slides' `task2`: `l[10]` on an empty list, asked with `Vec::get`, which
/// answers `None` rather than panicking.
// ANCHOR: task2
pub async fn task2() -> Result<(), PyError> {
    let l: Vec<i32> = Vec::new();
    let _item = l.get(10).ok_or(PyError::Index(10))?;
    Ok(())
}
// ANCHOR_END: task2

/// The Python slides' `task3`: `1/x` with `x = 0`. `checked_div` answers `None` where `/`
/// would panic.
// ANCHOR: task3
pub async fn task3() -> Result<(), PyError> {
    let x = 0;
    let _ratio = 1_i32.checked_div(x).ok_or(PyError::ZeroDivision)?;
    Ok(())
}
// ANCHOR_END: task3

/// What [`task4`] panics with, as Rust words it: `l[10]` on an empty `Vec`.
pub const TASK4_PANIC: &str = "index out of bounds: the len is 0 but the index is 10";

/// A fourth child, not in the Python slides: `l[10]` written as Python writes it. Rust's
/// `[]` panics instead of returning an error; the nursery catches the panic and reports
/// it with the others.
// ANCHOR: task4
pub async fn task4() -> Result<(), PyError> {
    let l: Vec<i32> = Vec::new();
    let _item = l[10]; // panics: `[]` has no error to return
    Ok(())
}
// ANCHOR_END: task4

/// Says, when dropped before [`slow`] finished, that the child was cancelled: the cleanup
/// a cancelled child still runs.
struct Cleanup {
    /// Where to say it.
    out: Transcript,
    /// Set by [`slow`] once it has finished: then there is nothing to say.
    finished: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.finished {
            self.out
                .say("slow task cancelled in its sleep: its Drop cleanup ran");
        }
    }
}

/// A slow sibling of the failing children: says it started, sleeps `s`, says it
/// finished. Cancelled, it is dropped in its sleep: its last line never runs, its
/// cleanup guard's `Drop` does.
// ANCHOR: slow
pub async fn slow(s: Duration, out: Transcript) -> Result<(), PyError> {
    let mut cleanup = Cleanup {
        out: out.clone(),
        finished: false,
    };
    out.say("slow task started");
    sleep(s).await; // cancelled: dropped here, and nothing below runs
    out.say("slow task finished");
    cleanup.finished = true;
    Ok(())
}
// ANCHOR_END: slow

/// The children of [`multi_errors`], in the order they are started.
pub const FAILING: [&str; 4] = ["task1", "task2", "task3", "task4"];

/// The Python slides' multi-errors `main`: starts the slow sibling, then the three
/// failing children and the one that panics, all in one nursery with `policy`. The
/// nursery's `MultiError` is returned by `?`, so `done` is never said, as in Python,
/// where the exception leaves `main` before its `print("done")`.
pub async fn multi_errors(policy: Policy, s: Duration, out: &Transcript) -> Result<(), MultiError> {
    out.say("main started");
    // ANCHOR: multi_errors
    nursery(policy, |nursery| async move {
        nursery.start_soon("slow", slow(s, out.clone()));
        nursery.start_soon("task1", task1());
        nursery.start_soon("task2", task2());
        nursery.start_soon("task3", task3());
        nursery.start_soon("task4", task4());
    })
    .await?; // the MultiError of all four
    out.say("done");
    // ANCHOR_END: multi_errors
    Ok(())
}

/// What `except*` would match a failure on: the Python exception's name for a
/// [`PyError`] (found by downcasting the boxed error back to its type), `panic` for a
/// panic, `other` for any other error.
pub fn kind(error: &ChildError) -> &'static str {
    match &error.failure {
        Failure::Error(error) => error
            .downcast_ref::<PyError>()
            .map_or("other", PyError::name),
        Failure::Panic(_) => "panic",
    }
}
