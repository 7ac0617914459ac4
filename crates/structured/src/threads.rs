//! The nursery's rules for threads: a scope that joins every thread it started, and what
//! becomes of the threads that nobody joined.
//!
//! **Scoped threads.** [`std::thread::scope`] (since Rust 1.63) does not return before
//! every thread spawned in it has finished, so those threads may borrow the caller's
//! locals: [`sum_in_scope`] hands each thread a `&` chunk of a local `Vec`, a disjoint
//! `&mut` chunk of a local buffer, a `&mut` slot for its result and one shared `&`
//! counter, and reads every result after the scope, with no `Arc` and no clone.
//! `rayon::scope` keeps the same promise for jobs on rayon's pool: a job is a closure
//! queued for one of the pool's threads, not a thread of its own.
//!
//! A panic does not escape the scope early: the scope still waits for every other thread,
//! then panics itself. `std`'s scope panics with `"a scoped thread panicked"`
//! ([`std_scope_panics`]); rayon's re-raises one of its jobs' panics, and drops the others
//! ([`rayon_scope_panics`]). Neither can cancel a thread: a thread only stops when it
//! chooses to.
//!
//! # Without a scope, it does not compile
//!
//! `thread::spawn` may start a thread that outlives the function that started it, so its
//! closure must own everything it uses (`F: 'static`). A closure that borrows a local is
//! refused, even though every handle is joined before the local is dropped: the compiler
//! goes by `spawn`'s signature, not by what the code happens to do.
//!
#![doc = concat!("```compile_fail\n", include_str!("../snippets/unscoped.rs"), "```")]
//!
//! This doc test only checks that the program does not compile (stable rustdoc does not
//! check an error code). `tests/unscoped.rs` runs `rustc` on it and checks the error:
//! E0597, `numbers` borrowed for `'static`; and that the same lines in a
//! [`thread::scope`] compile and print the sum.
//!
//! # Daemon threads
//!
//! Python waits at exit for every thread that is not marked `daemon=True`; a daemon thread
//! is killed where it stands. Rust waits for none: when `main` returns, the process ends
//! and every thread still running dies mid-work, its `Drop` cleanup never run. A thread
//! whose `JoinHandle` is dropped ([`detached`]) is a daemon thread; keeping the handle and
//! joining it ([`joined`]), or spawning it in a scope ([`scoped`]), lets it finish.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, ThreadId};
use std::time::Duration;

use coroutines::asyncio::Transcript;

/// Which scope [`sum_in_scope`] runs its parts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// [`std::thread::scope`]: one new OS thread per part.
    Std,
    /// `rayon::scope`: one job per part, run by the threads of rayon's global pool.
    Rayon,
}

impl How {
    /// Both scopes, in the order the lecture shows them.
    pub const ALL: [How; 2] = [How::Std, How::Rayon];

    /// The scope's name, as the code spells it.
    pub fn name(self) -> &'static str {
        match self {
            How::Std => "std::thread::scope",
            How::Rayon => "rayon::scope",
        }
    }
}

/// What one thread (or job) of [`sum_in_scope`] found, written into its own `&mut` slot of
/// the caller's `Vec`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// How many numbers its chunk held.
    pub len: usize,
    /// The sum of its chunk.
    pub sum: u64,
    /// The thread that ran it.
    pub thread: Option<ThreadId>,
    /// Its thread's index in rayon's pool; `None` on a thread that is not the pool's.
    pub pool_index: Option<usize>,
}

impl Part {
    /// Squares `chunk` into `squares` (its own part of the caller's buffer), sums it into
    /// `self`, adds its length to the shared `seen`, and says so.
    fn fill(&mut self, chunk: &[u64], squares: &mut [u64], seen: &AtomicUsize, out: &Transcript) {
        for (square, n) in squares.iter_mut().zip(chunk) {
            *square = n * n;
        }
        let thread = thread::current().id();
        *self = Part {
            len: chunk.len(),
            sum: chunk.iter().sum(),
            thread: Some(thread),
            pool_index: rayon::current_thread_index(),
        };
        seen.fetch_add(chunk.len(), Ordering::Relaxed);
        let on = match self.pool_index {
            Some(i) => format!("on thread {i} of rayon's pool"),
            None => format!("on a thread of its own, {thread:?}"),
        };
        let (first, last) = (chunk[0], chunk[chunk.len() - 1]);
        out.say(format!("  {first}..={last}: sum {}, {on}", self.sum));
    }
}

/// What the threads of [`sum_in_scope`] left behind, read after the scope ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summed {
    /// Each part's result, in the order of the chunks.
    pub parts: Vec<Part>,
    /// The local buffer, every number squared in place by the thread of its chunk.
    pub squares: Vec<u64>,
    /// The shared counter: how many numbers the threads saw, all together.
    pub seen: usize,
}

impl Summed {
    /// The sum of every part's sum.
    pub fn total(&self) -> u64 {
        self.parts.iter().map(|part| part.sum).sum()
    }

    /// How many different threads ran the parts.
    pub fn threads(&self) -> usize {
        let threads: HashSet<ThreadId> = self.parts.iter().filter_map(|p| p.thread).collect();
        threads.len()
    }
}

/// `1 + 2 + … + n`, to check [`Summed::total`] against.
pub fn expected_sum(n: u64) -> u64 {
    n * (n + 1) / 2
}

/// `1² + 2² + … + n²`, to check [`Summed::squares`] against.
pub fn expected_sum_of_squares(n: u64) -> u64 {
    n * (n + 1) * (2 * n + 1) / 6
}

/// Sums `1..=n` in `parts` chunks (fewer when `n` is smaller), one thread or job per chunk,
/// inside `how`'s scope: every part borrows the locals of this function, and the results
/// are read after the scope, which has joined them all.
pub fn sum_in_scope(how: How, n: u64, parts: usize, out: &Transcript) -> Summed {
    // ANCHOR: scope
    let numbers: Vec<u64> = (1..=n).collect();
    let size = numbers.len().div_ceil(parts);
    let mut squares = vec![0; numbers.len()];
    let mut slots = vec![Part::default(); numbers.len().div_ceil(size)];
    let seen = &AtomicUsize::new(0);
    let jobs = numbers.chunks(size).zip(squares.chunks_mut(size));
    match how {
        How::Std => thread::scope(|s| {
            for ((chunk, sq), part) in jobs.zip(&mut slots) {
                s.spawn(move || part.fill(chunk, sq, seen, out));
            }
        }),
        How::Rayon => rayon::scope(|s| {
            for ((chunk, sq), part) in jobs.zip(&mut slots) {
                s.spawn(move |_| part.fill(chunk, sq, seen, out));
            }
        }),
    }
    out.say("scope ended: every part has finished");
    // ANCHOR_END: scope
    let seen = seen.load(Ordering::Relaxed);
    Summed {
        parts: slots,
        squares,
        seen,
    }
}

/// The message a scope panicked with, or `None` if it returned.
fn panic_of(caught: thread::Result<()>) -> Option<String> {
    caught
        .err()
        .map(|payload| common::panic_text(&*payload).to_string())
}

/// Part 1 of a [`std::thread::scope`] panics; part 2 waits until it has, then finishes. The
/// scope waits for part 2 all the same, then panics itself: the message it panicked with
/// is returned (`None` if it did not panic).
pub fn std_scope_panics(out: &Transcript) -> Option<String> {
    // ANCHOR: std_panic
    let (alive, gone) = mpsc::channel::<()>();
    // `AssertUnwindSafe`: nothing is left half-changed by the panic.
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        thread::scope(|s| {
            s.spawn(move || {
                let _alive = alive; // dropped as this thread unwinds
                panic!("part 1 is bad");
            });
            s.spawn(move || {
                let _ = gone.recv(); // returns once part 1 has panicked
                out.say("  part 2: finished, after part 1 panicked");
            });
        });
        out.say("  never said: the scope panics instead of returning");
    }));
    // ANCHOR_END: std_panic
    panic_of(caught)
}

/// Jobs 1 and 2 of a `rayon::scope` panic, job 3 finishes; the scope waits for all three,
/// then re-raises one of the two panics (which one is not fixed) and drops the other. The
/// message it re-raised is returned (`None` if it did not panic).
pub fn rayon_scope_panics(out: &Transcript) -> Option<String> {
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        rayon::scope(|s| {
            s.spawn(|_| panic!("job 1 is bad"));
            s.spawn(|_| panic!("job 2 is bad"));
            s.spawn(|_| out.say("  job 3: finished"));
        });
    }));
    panic_of(caught)
}

// ---------------------------------------------------------------------------------------
// Daemon threads.

/// The step the worker reports before `main` stops waiting for it and moves on.
pub const MAIN_WAITS_FOR: u32 = 2;

/// The worker's job: `steps` steps, each taking `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// How many steps; more than [`MAIN_WAITS_FOR`], so some are left when `main` moves on.
    pub steps: u32,
    /// How long one step takes.
    pub step: Duration,
}

/// The line the worker's cleanup says.
pub const CLEANUP: &str = "worker: cleanup (its guard's Drop)";

/// The worker's cleanup: says [`CLEANUP`] when dropped, as Python's `finally:` would, or
/// a file that flushes its buffer when it is closed.
struct Guard<'a>(&'a Transcript);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.0.say(CLEANUP);
    }
}

/// The worker's last line, once every step is done.
pub fn finished(work: Work) -> String {
    format!("worker: finished all {} steps", work.steps)
}

/// The line the worker says after step `step`.
pub fn step_done(step: u32, work: Work) -> String {
    format!("worker: step {step}/{} done", work.steps)
}

/// The worker: every step in turn, each reported on `progress`, then its last line; its
/// guard says [`CLEANUP`] as the function returns.
pub fn worker(work: Work, progress: Sender<u32>, out: &Transcript) {
    // ANCHOR: worker
    let _guard = Guard(out);
    for step in 1..=work.steps {
        thread::sleep(work.step); // the step's work
        out.say(step_done(step, work));
        let _ = progress.send(step); // main may have stopped listening
    }
    out.say(finished(work));
    // ANCHOR_END: worker
}

/// `main`'s side of the handshake: waits until the worker reports step [`MAIN_WAITS_FOR`],
/// then says what it does next.
fn wait_for_the_worker(progress: &Receiver<u32>, next: &str, out: &Transcript) {
    progress.iter().find(|&step| step == MAIN_WAITS_FOR);
    out.say(format!(
        "main: the worker has done step {MAIN_WAITS_FOR}; {next}"
    ));
}

/// Starts the worker and drops its `JoinHandle`: a daemon thread. Returns once the worker
/// has reported step [`MAIN_WAITS_FOR`], while it works on the next one; when `main`
/// returns after this, the worker dies there.
pub fn detached(work: Work, out: &Transcript) {
    // ANCHOR: detached
    let (progress, reports) = mpsc::channel();
    let worker_out = out.clone(); // `spawn` wants a closure that owns all
    thread::spawn(move || worker(work, progress, &worker_out));
    // The JoinHandle was dropped: nothing can wait for the worker now.
    wait_for_the_worker(&reports, "main has nothing left to do", out);
    // ANCHOR_END: detached
}

/// Starts the worker, keeps its `JoinHandle`, and joins it once the worker has reported
/// step [`MAIN_WAITS_FOR`]: returns after the worker's last line and its cleanup.
pub fn joined(work: Work, out: &Transcript) {
    // ANCHOR: joined
    let (progress, reports) = mpsc::channel();
    let worker_out = out.clone();
    let handle = thread::spawn(move || worker(work, progress, &worker_out));
    wait_for_the_worker(&reports, "main joins it", out);
    handle.join().expect("the worker does not panic");
    // ANCHOR_END: joined
}

/// Starts the worker in a [`thread::scope`], which joins it before it returns: returns after
/// the worker's last line and its cleanup. The worker borrows `out`: no clone.
pub fn scoped(work: Work, out: &Transcript) {
    // ANCHOR: scoped
    let (progress, reports) = mpsc::channel();
    thread::scope(|s| {
        s.spawn(|| worker(work, progress, out));
        wait_for_the_worker(&reports, "the scope waits for it", out);
    });
    // ANCHOR_END: scoped
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every part of either scope borrowed the locals and left its result behind: the
    /// sums add up, every square is in place, the shared counter saw every number.
    #[test]
    fn both_scopes_compute_from_borrowed_locals() {
        for how in How::ALL {
            let out = Transcript::quiet();
            let summed = sum_in_scope(how, 1000, 4, &out);
            assert_eq!(summed.total(), expected_sum(1000), "{how:?}");
            let squares: u64 = summed.squares.iter().sum();
            assert_eq!(squares, expected_sum_of_squares(1000), "{how:?}");
            assert_eq!(summed.squares[999], 1_000_000, "{how:?}");
            assert_eq!(summed.seen, 1000, "{how:?}");
            let lens: Vec<usize> = summed.parts.iter().map(|p| p.len).collect();
            assert_eq!(lens, [250; 4], "{how:?}");
        }
    }

    /// "scope ended" is said after the last line of every part: the scope joined them all.
    #[test]
    fn the_scope_ends_after_every_part() {
        for how in How::ALL {
            let out = Transcript::quiet();
            sum_in_scope(how, 100, 8, &out);
            let lines = out.lines();
            assert_eq!(lines.len(), 9, "{how:?}: {lines:?}");
            assert_eq!(lines[8], "scope ended: every part has finished", "{how:?}");
            assert!(lines[..8].iter().all(|l| l.contains(": sum ")), "{lines:?}");
        }
    }

    /// std starts one OS thread per part, none of them the pool's; rayon runs its jobs on
    /// the threads of its pool, never more of them than the pool has.
    #[test]
    fn std_starts_threads_rayon_queues_jobs_on_its_pool() {
        let (main, out) = (thread::current().id(), Transcript::quiet());
        let std = sum_in_scope(How::Std, 100, 8, &out);
        assert_eq!(std.threads(), 8);
        assert!(std.parts.iter().all(|p| p.pool_index.is_none()));
        assert!(std.parts.iter().all(|p| p.thread != Some(main)));
        let rayon = sum_in_scope(How::Rayon, 100, 8, &out);
        assert!(rayon.threads() <= rayon::current_num_threads(), "{rayon:?}");
        assert!(
            rayon.parts.iter().all(|p| p.pool_index.is_some()),
            "{rayon:?}"
        );
    }

    /// Fewer numbers than parts: each part has one number, and none is left empty.
    #[test]
    fn small_inputs_make_fewer_parts() {
        let summed = sum_in_scope(How::Std, 3, 8, &Transcript::quiet());
        assert_eq!(summed.parts.len(), 3);
        assert_eq!(summed.total(), 6);
    }

    /// std's scope waits for the healthy thread, then panics with its own message.
    #[test]
    fn a_std_scope_waits_then_panics() {
        let out = Transcript::quiet();
        let raised = std_scope_panics(&out);
        assert_eq!(raised.as_deref(), Some("a scoped thread panicked"));
        assert_eq!(out.lines(), ["  part 2: finished, after part 1 panicked"]);
    }

    /// rayon's scope waits for every job, then re-raises one of the two panics.
    #[test]
    fn a_rayon_scope_waits_then_raises_one_panic() {
        let out = Transcript::quiet();
        let raised = rayon_scope_panics(&out).expect("the scope panics");
        assert!(
            ["job 1 is bad", "job 2 is bad"].contains(&raised.as_str()),
            "{raised}"
        );
        assert_eq!(out.lines(), ["  job 3: finished"]);
    }

    /// Joined or scoped, the worker does every step, says its last line, then its cleanup,
    /// and `main`'s line comes after step 2.
    #[test]
    fn a_joined_or_scoped_worker_finishes_and_cleans_up() {
        let work = Work {
            steps: 4,
            step: Duration::ZERO,
        };
        for run in [joined, scoped] {
            let out = Transcript::quiet();
            run(work, &out);
            let lines = out.lines();
            let worker: Vec<&str> = lines
                .iter()
                .map(String::as_str)
                .filter(|l| l.starts_with("worker"))
                .collect();
            let expected: Vec<String> = (1..=4)
                .map(|step| step_done(step, work))
                .chain([finished(work), CLEANUP.to_string()])
                .collect();
            assert_eq!(worker, expected, "{lines:?}");
            let main = lines.iter().position(|l| l.starts_with("main")).unwrap();
            let step_2 = lines.iter().position(|l| *l == step_done(2, work)).unwrap();
            assert!(main > step_2, "{lines:?}");
        }
    }
}
