//! What a unit of concurrency costs: a thread, a tokio task, a task of our own executor,
//! each spawned, run to completion and joined, in time and in memory.
//!
//! Every way runs the same units: unit `i` waits until every unit has started, then
//! returns `i`. So all units are alive at once (the barrier opens only when the last one
//! reaches it), and the sum of what they return, `n (n - 1) / 2`, proves each ran once.
//!
//! **Memory** is the growth of the peak resident size ([`MemoryProbe`]) divided by the
//! units: what one live unit holds, its handle included. Each run happens in a fresh
//! child process (this program, re-executed): a process that has just freed 100 000
//! tasks would give the next run pages that cost it nothing, and its bytes would lie.
//!
//! **Threads** run with small stacks (64 KiB, against Rust's 2 MiB default), and a machine
//! allows only so many at once: [`common::limits::thread_limit`] reads the kernel's limits,
//! and the program does not start more.

use std::error::Error;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::measure::MemoryProbe;
use common::process::{self, ProcessError};
use serde::{Deserialize, Serialize};

use crate::executor::{self, Executor};

/// The role of the child process that measures one run.
pub const ROLE: &str = "task-cost-run";

/// How long a child may take to measure one run.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A unit of concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// An OS thread with a small stack.
    Thread,
    /// A task on tokio's `current_thread` runtime.
    TokioTask,
    /// A task on [`crate::executor`], our own event loop.
    OurTask,
}

impl Unit {
    /// Every unit, in the table's order: the thread is the baseline.
    pub const ALL: [Unit; 3] = [Unit::Thread, Unit::TokioTask, Unit::OurTask];

    /// The unit's name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Thread => "threads",
            Unit::TokioTask => "tokio tasks",
            Unit::OurTask => "our executor's tasks",
        }
    }
}

/// One run to measure: `count` units of `unit`, threads with stacks of `stack_kb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub unit: Unit,
    pub count: usize,
    pub stack_kb: usize,
}

/// What one run measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// The sum of what the units returned.
    pub sum: u64,
    /// From the first spawn until every unit was joined.
    pub seconds: f64,
    /// Growth of the peak resident size, in kB (`None` where it cannot be read).
    pub peak_kb: Option<u64>,
}

impl Measured {
    /// Microseconds per unit.
    pub fn us_per_unit(&self, count: usize) -> f64 {
        self.seconds * 1e6 / count as f64
    }

    /// Bytes per live unit.
    pub fn bytes_per_unit(&self, count: usize) -> Option<u64> {
        self.peak_kb.map(|kb| kb * 1024 / count as u64)
    }
}

/// In the parent: measures `job` in a fresh child process ([`process::run_in_fresh_child`]).
pub fn measure(job: Job) -> Result<Measured, Box<dyn Error>> {
    process::run_in_fresh_child(ROLE, job, RUN_LIMIT)
}

/// In the child: measures each job the parent sends, until it closes the channel. Threads
/// of a failed run wait at a barrier that will never open: ending the process ends them.
pub fn serve() -> Result<(), ProcessError> {
    process::serve_jobs(measure_here)
}

/// Measures `job` in this process.
pub fn measure_here(job: Job) -> Result<Measured, String> {
    match job.unit {
        Unit::Thread => timed(|| threads(job.count, job.stack_kb)),
        Unit::TokioTask => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| e.to_string())?;
            timed(|| runtime.block_on(tokio_tasks(job.count)))
        }
        Unit::OurTask => {
            let executor = Executor::new();
            timed(|| {
                let sum = executor.block_on(our_tasks(job.count));
                sum.map_err(|stuck| stuck.to_string())
            })
        }
    }
}

/// Runs `work`, timing it and watching the memory it adds.
fn timed(work: impl FnOnce() -> Result<u64, String>) -> Result<Measured, String> {
    let probe = MemoryProbe::start();
    let started = Instant::now();
    let sum = work()?;
    Ok(Measured {
        sum,
        seconds: started.elapsed().as_secs_f64(),
        peak_kb: probe.peak_growth_kb(),
    })
}

/// `count` threads; the last to reach the barrier (this one) lets them all go.
fn threads(count: usize, stack_kb: usize) -> Result<u64, String> {
    let barrier = Arc::new(Barrier::new(count + 1)); // the units, and us
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let barrier = barrier.clone();
        let unit = thread::Builder::new().stack_size(stack_kb << 10);
        let started = unit.spawn(move || {
            barrier.wait();
            i as u64
        });
        let started = started.map_err(|e| format!("thread {i} did not start: {e}"));
        handles.push(started?);
    }
    barrier.wait(); // every unit is alive, and waiting
    let joined = handles.into_iter().map(|h| h.join());
    joined
        .sum::<Result<u64, _>>()
        .map_err(|_| "a thread panicked".into())
}

/// `count` tokio tasks, run by the `current_thread` runtime that awaits this.
// ANCHOR: tasks
async fn tokio_tasks(count: usize) -> Result<u64, String> {
    let barrier = Arc::new(tokio::sync::Barrier::new(count + 1));
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let barrier = barrier.clone();
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            i as u64
        }));
    }
    barrier.wait().await; // every unit is alive, and waiting
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.map_err(|e| e.to_string())?;
    }
    Ok(sum)
}
// ANCHOR_END: tasks

/// `count` tasks of our executor, the same way (tokio's barrier works on any executor).
async fn our_tasks(count: usize) -> u64 {
    let barrier = Arc::new(tokio::sync::Barrier::new(count + 1));
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let barrier = barrier.clone();
        handles.push(executor::spawn(async move {
            barrier.wait().await;
            i as u64
        }));
    }
    barrier.wait().await;
    let mut sum = 0;
    for handle in handles {
        sum += handle.await;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way returns the sum of the indices: each unit ran exactly once.
    #[test]
    fn every_way_runs_every_unit_once() {
        for unit in Unit::ALL {
            let job = Job {
                unit,
                count: 300,
                stack_kb: 64,
            };
            let measured = measure_here(job).unwrap();
            assert_eq!(measured.sum, common::sum_below(300), "{unit:?}");
        }
    }

    /// Per-unit figures divide by the units.
    #[test]
    fn per_unit_figures() {
        let measured = Measured {
            sum: 0,
            seconds: 0.002,
            peak_kb: Some(400),
        };
        assert_eq!(measured.us_per_unit(1000), 2.0);
        assert_eq!(measured.bytes_per_unit(1000), Some(409));
    }
}
