//! One small program on three runtimes: tokio, async-std and smol.
//!
//! The program spawns a few workers, in reverse order; worker `n` sleeps `n` ticks and
//! reports over a channel; `main` prints the reports as they arrive (so in the order the
//! workers wake, not the order they were spawned), then joins every worker for its
//! number. It is written three times below, once per runtime, line for line; only the
//! names change. Every version returns the same lines, which the `runtimes` program checks.
//!
//! The spinner chapter compares the same runtimes on spawn, sleep, cancel and `block_on`;
//! this one adds what it lacks: a channel, and joining tasks for their results.
//!
//! **async-std is discontinued**: its README asks users to move to smol. The course keeps
//! it only to compare spellings; smol is where its maintainers point.
//!
//! How the runtimes run tasks differs, and the transcript does not show it: tokio's runtime
//! here is `current_thread` (one thread, as asyncio); async-std runs tasks on a pool of
//! threads; `smol::spawn` puts them on smol's global executor, which runs on threads of its
//! own. Only `main` prints, so the lines come out the same on all three.

use std::time::Duration;

/// A runtime the program runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// tokio, on its `current_thread` runtime.
    Tokio,
    /// async-std (discontinued upstream).
    AsyncStd,
    /// smol, where async-std's maintainers point.
    Smol,
}

impl Runtime {
    /// The three, in the order the program runs them.
    pub const ALL: [Runtime; 3] = [Runtime::Tokio, Runtime::AsyncStd, Runtime::Smol];

    /// The crate's name.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio",
            Runtime::AsyncStd => "async-std",
            Runtime::Smol => "smol",
        }
    }

    /// A word on how it runs the tasks, and on its state.
    pub fn note(self) -> &'static str {
        match self {
            Runtime::Tokio => "current_thread runtime: one thread, as asyncio",
            Runtime::AsyncStd => "discontinued upstream: its README says use smol",
            Runtime::Smol => "where async-std points; tasks on its global executor",
        }
    }

    /// Runs the program on this runtime: `workers` workers, each sleeping its number of
    /// `tick`s. Returns the lines it printed.
    pub fn run(self, workers: u32, tick: Duration) -> std::io::Result<Vec<String>> {
        match self {
            Runtime::Tokio => on_tokio(workers, tick),
            Runtime::AsyncStd => Ok(on_async_std(workers, tick)),
            Runtime::Smol => Ok(on_smol(workers, tick)),
        }
    }
}

/// The program's API, one row per thing it does: what it is, then its spelling on tokio,
/// async-std and smol (`f` a future, `d` a duration). tokio's `handle.await` is a
/// `Result`: `Err` if the task panicked or was aborted; the others give the value itself.
pub const API: [[&str; 4]; 5] = [
    [
        "spawn",
        "tokio::spawn(f)",
        "task::spawn(f)",
        "smol::spawn(f)",
    ],
    [
        "sleep",
        "tokio::time::sleep(d)",
        "task::sleep(d)",
        "Timer::after(d)",
    ],
    [
        "channel",
        "mpsc::unbounded_channel()",
        "channel::unbounded()",
        "channel::unbounded()",
    ],
    [
        "block_on",
        "Runtime::block_on(f)",
        "task::block_on(f)",
        "smol::block_on(f)",
    ],
    [
        "join",
        "handle.await: a Result",
        "handle.await",
        "task.await",
    ],
];

/// The line `main` prints after spawning.
fn spawned(workers: u32) -> String {
    let order: Vec<String> = (1..=workers).rev().map(|n| n.to_string()).collect();
    format!("spawned workers {}", order.join(", "))
}

/// The line `main` prints for a report.
fn heard(n: u32) -> String {
    format!("worker {n} reports after {n} tick(s)")
}

/// The line `main` prints once every worker is joined.
fn joined(numbers: &[u32]) -> String {
    let terms: Vec<String> = numbers.iter().map(u32::to_string).collect();
    let sum: u32 = numbers.iter().sum();
    format!(
        "joined {} workers: {} = {sum}",
        numbers.len(),
        terms.join(" + ")
    )
}

/// The program on tokio.
pub fn on_tokio(workers: u32, tick: Duration) -> std::io::Result<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut handles = Vec::new();
        for n in (1..=workers).rev() {
            let tx = tx.clone();
            handles.push(tokio::spawn(async move {
                tokio::time::sleep(tick * n).await;
                let _ = tx.send(n);
                n
            }));
        }
        drop(tx); // the workers hold the only senders left
        let mut lines = vec![spawned(workers)];
        while let Some(n) = rx.recv().await {
            lines.push(heard(n));
        }
        let mut numbers = Vec::new();
        for handle in handles {
            numbers.push(handle.await.expect("a worker panicked"));
        }
        lines.push(joined(&numbers));
        lines
    }))
}

/// The program on async-std: the same lines, the names of `std` in async form.
pub fn on_async_std(workers: u32, tick: Duration) -> Vec<String> {
    use async_std::{channel, task};
    task::block_on(async {
        let (tx, rx) = channel::unbounded();
        let mut handles = Vec::new();
        for n in (1..=workers).rev() {
            let tx = tx.clone();
            handles.push(task::spawn(async move {
                task::sleep(tick * n).await;
                let _ = tx.send(n).await;
                n
            }));
        }
        drop(tx);
        let mut lines = vec![spawned(workers)];
        while let Ok(n) = rx.recv().await {
            lines.push(heard(n));
        }
        let mut numbers = Vec::new();
        for handle in handles {
            numbers.push(handle.await);
        }
        lines.push(joined(&numbers));
        lines
    })
}

/// The program on smol, line for line.
pub fn on_smol(workers: u32, tick: Duration) -> Vec<String> {
    use smol::{Timer, channel};
    smol::block_on(async {
        // ANCHOR: smol
        let (tx, rx) = channel::unbounded();
        let mut tasks = Vec::new();
        for n in (1..=workers).rev() {
            let tx = tx.clone();
            tasks.push(smol::spawn(async move {
                Timer::after(tick * n).await;
                let _ = tx.send(n).await;
                n
            }));
        }
        drop(tx); // recv() fails once every sender is gone
        let mut lines = vec![spawned(workers)];
        while let Ok(n) = rx.recv().await {
            lines.push(heard(n));
        }
        // ANCHOR_END: smol
        let mut numbers = Vec::new();
        for task in tasks {
            numbers.push(task.await); // dropping a Task would cancel it
        }
        lines.push(joined(&numbers));
        lines
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_say_who_woke_and_what_was_joined() {
        assert_eq!(spawned(3), "spawned workers 3, 2, 1");
        assert_eq!(heard(2), "worker 2 reports after 2 tick(s)");
        assert_eq!(joined(&[3, 2, 1]), "joined 3 workers: 3 + 2 + 1 = 6");
    }
}
