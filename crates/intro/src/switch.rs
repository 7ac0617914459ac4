//! What a switch costs: the reason tasks are cheap.
//!
//! The Python course notebook *Concurrency and Parallelism* explains a context switch (the
//! kernel puts one thread's state aside and brings another's back, so each later goes on
//! where it stopped) and contrasts OS threads with green threads, which a runtime
//! schedules instead of the kernel. It measures neither. Here we do: two parties
//! play ping-pong, a number goes over and comes straight back, again and again, and the
//! wall time divided among the hand-offs is what one switch costs:
//!
//! - [`Kind::Threads`]: two OS threads, a crossbeam channel of capacity 1 each way. Every
//!   hand-off goes through the kernel: the waiting thread sleeps, the kernel wakes it.
//!   This is lecture 1's [`pipes::latency`] round trip (`Transport::Crossbeam`), reused.
//! - [`Kind::Tasks`]: two tokio tasks on one `current_thread` runtime (the asyncio
//!   loop), a `tokio::sync::mpsc` channel of capacity 1 each way. A hand-off is the
//!   runtime polling the other task: no kernel, no saved registers, a function call.
//! - [`Kind::Processes`]: this program and a child (itself, re-executed), one line of
//!   text through the child's stdin and one back through its stdout: two address spaces,
//!   a kernel switch and a pipe each way. Lecture 1's `Transport::OsPipe`, reused.
//!
//! **A round trip is two switches**: ping hands over to pong, pong hands back. So
//! [`Measured::ns_per_switch`] is the elapsed time over `2 × round_trips`.
//!
//! Each kind runs [`Placement::Pinned`] (both sides on one CPU, which is where a switch is
//! a real switch: one side must stop for the other to run) and [`Placement::Free`] (the
//! kernel may put the two on two CPUs; then a hand-off is a wake-up of the other CPU, or,
//! when the receiver is still spinning in crossbeam's back-off, no sleep at all).
//! Pinned, that back-off costs the threads instead: a receiver that spins or yields
//! before it sleeps only delays the one CPU the sender needs, so their figure is the
//! kernel's switch plus crossbeam's patience, not the bare switch.
//!
//! Every reply must equal the number just sent: [`Measured::answered`] counts the replies
//! that did, so a lost, doubled or reordered message shows as `answered < round_trips`.
//!
//! The kernel keeps its own count of the switches it made ([`context_switches`], from
//! `getrusage`: voluntary, when a
//! thread waits, and involuntary, when it is preempted), for this process and for the
//! children it has reaped. [`Measured::kernel_switches`] is that count over the ping-pong:
//! about two per round trip for threads and processes, about none for tasks, whose
//! hand-offs the kernel never sees. [`Measured::child_switches`] is the children's part
//! alone, more than zero only when the other side was another process.
//!
//! The process kind needs lecture 1's echo role in the program's `main`, before anything
//! else:
//!
//! ```no_run
//! use common::process;
//! use intro::switch::{self, Kind, Placement};
//! use pipes::latency;
//!
//! fn main() -> std::process::ExitCode {
//!     let echo = process::role(latency::PIPE_ECHO, latency::serve_pipe_echo);
//!     if let Some(exit) = process::run_child([echo]) {
//!         return exit;
//!     }
//!     let m = switch::ping_pong(Kind::Processes, Placement::Pinned, 10_000)
//!         .expect("an echo process");
//!     println!("{:.0} ns per switch", m.ns_per_switch);
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

use std::io;
use std::time::{Duration, Instant};

use common::affinity::PinnedToOneCpu;
use common::measure::{context_switches, fmt_duration};
use pipes::latency::{self, Transport};

/// Who plays ping-pong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Two OS threads of this process, scheduled by the kernel.
    Threads,
    /// Two tokio tasks on one `current_thread` runtime, scheduled by tokio.
    Tasks,
    /// This process and a child process, a pipe each way.
    Processes,
}

impl Kind {
    /// Every kind, in the order a table lists them: cheapest switch last.
    pub const ALL: [Kind; 3] = [Kind::Processes, Kind::Threads, Kind::Tasks];

    /// The name in a table's `variant` column.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Threads => "2 threads",
            Kind::Tasks => "2 tokio tasks",
            Kind::Processes => "2 processes",
        }
    }
}

/// Where the two sides may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Placement {
    /// Both sides on one CPU (what `taskset -c 0` does): every hand-off is a switch.
    Pinned,
    /// On any CPU the kernel likes: usually one each.
    Free,
}

impl Placement {
    /// Both placements, pinned first.
    pub const ALL: [Placement; 2] = [Placement::Pinned, Placement::Free];

    /// The name in a table's `workload` column.
    pub fn label(self) -> &'static str {
        match self {
            Placement::Pinned => "pinned to one CPU",
            Placement::Free => "free",
        }
    }
}

/// One ping-pong, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Who played.
    pub kind: Kind,
    /// Where they ran.
    pub placement: Placement,
    /// Round trips timed (the warm-up, [`latency::WARM_UP`], not counted). Each is two
    /// switches.
    pub round_trips: u64,
    /// Timed round trips whose reply was the number just sent: `round_trips` when every
    /// message was answered exactly once, in order.
    pub answered: u64,
    /// Wall time of the timed round trips.
    pub elapsed: Duration,
    /// `elapsed` shared out among the `2 × round_trips` hand-offs, in nanoseconds.
    pub ns_per_switch: f64,
    /// Context switches the kernel counted in this process and the children it reaped,
    /// from the start of the ping-pong to its end: warm-up, spawning and reaping included.
    pub kernel_switches: u64,
    /// The reaped children's part of `kernel_switches`: more than zero only when the
    /// other side was a process of its own.
    pub child_switches: u64,
}

impl Measured {
    /// The figures of `round_trips` round trips that took `elapsed`.
    pub fn new(
        kind: Kind,
        placement: Placement,
        round_trips: u64,
        answered: u64,
        elapsed: Duration,
    ) -> Measured {
        // A round trip is two switches: ping to pong, pong to ping.
        let switches = 2 * round_trips.max(1);
        let ns_per_switch = elapsed.as_nanos() as f64 / switches as f64;
        Measured {
            kind,
            placement,
            round_trips,
            answered,
            elapsed,
            ns_per_switch,
            kernel_switches: 0,
            child_switches: 0,
        }
    }

    /// Every timed message came back, once, in order.
    pub fn all_answered(&self) -> bool {
        self.answered == self.round_trips
    }

    /// Switches per second: one every `ns_per_switch` nanoseconds.
    pub fn switches_per_s(&self) -> f64 {
        1e9 / self.ns_per_switch.max(f64::MIN_POSITIVE)
    }

    /// The kernel's context switches per round trip, the warm-up's round trips counted
    /// too (they are inside the count): about 2 for threads and processes, about 0 for
    /// tasks.
    pub fn kernel_switches_per_round_trip(&self) -> f64 {
        self.kernel_switches as f64 / (self.round_trips + latency::WARM_UP) as f64
    }
}

/// Plays `round_trips` round trips of ping-pong between two parties of `kind`, placed as
/// `placement`, after an untimed warm-up. Spawning the other side is not timed.
///
/// [`Kind::Processes`] starts this program again in [`latency::PIPE_ECHO`]: the program's
/// `main` must serve that role (see the module docs), or the child exits at once and this
/// returns an error. Fails too if the process cannot be pinned, or the other side is gone.
pub fn ping_pong(kind: Kind, placement: Placement, round_trips: u64) -> io::Result<Measured> {
    // Threads and processes started while we are pinned inherit the pinning, so the
    // two sides share the one CPU. Dropping the guard gives us every CPU back.
    let _pinned = match placement {
        Placement::Pinned => Some(PinnedToOneCpu::first_allowed()?),
        Placement::Free => None,
    };
    let (own_before, children_before) = context_switches();
    let (elapsed, answered) = match kind {
        Kind::Threads => lecture_1(Transport::Crossbeam, round_trips)?,
        Kind::Tasks => between_tasks(round_trips)?,
        Kind::Processes => lecture_1(Transport::OsPipe, round_trips)?,
    };
    let (own, children) = context_switches();
    let mut measured = Measured::new(kind, placement, round_trips, answered, elapsed);
    measured.child_switches = children.saturating_sub(children_before);
    measured.kernel_switches = own.saturating_sub(own_before) + measured.child_switches;
    Ok(measured)
}

/// The fastest run of `kind` placed as `placement` among `runs`, every reply answered
/// (a run that lost one is no figure at all).
pub fn fastest(runs: &[Measured], kind: Kind, placement: Placement) -> Option<&Measured> {
    runs.iter()
        .filter(|m| m.kind == kind && m.placement == placement && m.all_answered())
        .min_by(|a, b| a.ns_per_switch.total_cmp(&b.ns_per_switch))
}

/// What the figures say, one line per placement measured, cheapest switch first:
///
/// ```text
/// Pinned to one CPU: a task switch costs 52 ns; a thread switch 71× that (3.70 µs), a process switch 95× (4.93 µs).
/// Kernel switches per round trip, pinned to one CPU: processes 2.00, threads 2.01, tasks 0.00.
/// ```
///
/// from the fastest run of each kind and placement (see [`fastest`]).
pub fn conclusion(runs: &[Measured]) -> Vec<String> {
    let mut lines = Vec::new();
    for placement in Placement::ALL {
        let mut best: Vec<&Measured> = Kind::ALL
            .iter()
            .filter_map(|&kind| fastest(runs, kind, placement))
            .collect();
        best.sort_by(|a, b| a.ns_per_switch.total_cmp(&b.ns_per_switch));
        let Some((cheapest, dearer)) = best.split_first() else {
            continue;
        };
        let ns = |m: &Measured| fmt_duration(Duration::from_nanos(m.ns_per_switch.round() as u64));
        let mut line = format!(
            "{}: a {} switch costs {}",
            capitalised(placement.label()),
            noun(cheapest.kind),
            ns(cheapest)
        );
        for (index, m) in dearer.iter().enumerate() {
            let times = m.ns_per_switch / cheapest.ns_per_switch.max(f64::MIN_POSITIVE);
            // Two figures: 1.2×, 9.5×, 48×.
            let decimals = usize::from(times < 9.95);
            let that = if index == 0 { " that" } else { "" };
            let joint = if index == 0 { "; a" } else { ", a" };
            let (noun, ns) = (noun(m.kind), ns(m));
            line.push_str(&format!(
                "{joint} {noun} switch {times:.decimals$}×{that} ({ns})"
            ));
        }
        lines.push(line + ".");
        let counts: Vec<String> = Kind::ALL
            .iter()
            .filter_map(|&kind| fastest(runs, kind, placement))
            .map(|m| {
                format!(
                    "{} {:.2}",
                    plural(m.kind),
                    m.kernel_switches_per_round_trip()
                )
            })
            .collect();
        lines.push(format!(
            "Kernel switches per round trip, {}: {}.",
            placement.label(),
            counts.join(", ")
        ));
    }
    lines
}

/// `"pinned to one CPU"` as the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// What one side of `kind` is called in a sentence.
fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Threads => "thread",
        Kind::Tasks => "task",
        Kind::Processes => "process",
    }
}

/// Both sides of `kind`, in a sentence.
fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Threads => "threads",
        Kind::Tasks => "tasks",
        Kind::Processes => "processes",
    }
}

/// Lecture 1's round trips over `transport` (its warm-up untimed): the time, and how many
/// replies were the number just sent.
fn lecture_1(transport: Transport, round_trips: u64) -> io::Result<(Duration, u64)> {
    let measured = latency::measure(transport, round_trips).map_err(io::Error::other)?;
    Ok((measured.total, round_trips - measured.wrong))
}

/// The other side stopped answering: its channel closed.
fn gone<E>(_: E) -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the other side is gone")
}

/// Two tokio tasks on one `current_thread` runtime: ping and pong, each spawned.
fn between_tasks(round_trips: u64) -> io::Result<(Duration, u64)> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async move {
        // ANCHOR: tasks
        let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel::<u64>(1);
        let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel::<u64>(1);
        // Pong: send every number straight back.
        let pong = tokio::spawn(async move {
            while let Some(n) = ping_rx.recv().await {
                if pong_tx.send(n).await.is_err() {
                    break;
                }
            }
        });
        // Ping: send n; `recv().await` hands the thread to pong.
        let ping = tokio::spawn(async move {
            let mut round_trip = async |n: u64| {
                ping_tx.send(n).await.map_err(gone)?;
                pong_rx.recv().await.ok_or_else(|| gone(()))
            };
            // ANCHOR_END: tasks
            for n in 0..latency::WARM_UP {
                round_trip(n).await?;
            }
            let mut answered = 0;
            let started = Instant::now();
            for n in latency::WARM_UP..latency::WARM_UP + round_trips {
                if round_trip(n).await? == n {
                    answered += 1;
                }
            }
            Ok::<_, io::Error>((started.elapsed(), answered))
        });
        // Ping ends first and drops its sender, so pong's loop ends too.
        let measured = ping.await.map_err(io::Error::other)?;
        pong.await.map_err(io::Error::other)?;
        measured
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    /// Checks one run: every timed message answered, the figures consistent.
    fn assert_every_message_answered(m: &Measured, round_trips: u64) {
        assert_eq!(m.round_trips, round_trips);
        assert_eq!(m.answered, round_trips, "{m:?}");
        assert!(m.all_answered());
        let expected = m.elapsed.as_nanos() as f64 / (2 * round_trips) as f64;
        assert_eq!(m.ns_per_switch, expected);
    }

    /// Two threads, pinned and free: each of 2 000 numbers comes back once, in order.
    #[test]
    fn threads_answer_every_message_in_order() {
        for placement in Placement::ALL {
            let m = ping_pong(Kind::Threads, placement, 2_000).unwrap();
            assert_eq!((m.kind, m.placement), (Kind::Threads, placement));
            assert_every_message_answered(&m, 2_000);
        }
    }

    /// Two tokio tasks, pinned and free: each of 2 000 numbers comes back once, in order.
    #[test]
    fn tasks_answer_every_message_in_order() {
        for placement in Placement::ALL {
            let m = ping_pong(Kind::Tasks, placement, 2_000).unwrap();
            assert_eq!((m.kind, m.placement), (Kind::Tasks, placement));
            assert_every_message_answered(&m, 2_000);
        }
    }

    /// A round trip is two switches: 1 000 round trips in 2 µs are 1 ns per switch, a
    /// billion a second.
    #[test]
    fn a_round_trip_is_two_switches() {
        let mut m = Measured::new(
            Kind::Tasks,
            Placement::Free,
            1_000,
            1_000,
            Duration::from_micros(2),
        );
        assert_eq!(m.ns_per_switch, 1.0);
        assert_eq!(m.switches_per_s(), 1e9);
        // The kernel's count covers the warm-up's round trips too.
        m.kernel_switches = 2 * (1_000 + latency::WARM_UP);
        assert_eq!(m.kernel_switches_per_round_trip(), 2.0);
    }

    /// A run of `kind` at `ns` per switch, `kernel` kernel switches per round trip.
    fn run(kind: Kind, placement: Placement, ns: u64, kernel: u64) -> Measured {
        let mut m = Measured::new(
            kind,
            placement,
            1_000,
            1_000,
            Duration::from_nanos(2_000 * ns),
        );
        m.kernel_switches = kernel * (1_000 + latency::WARM_UP);
        m
    }

    /// The conclusion puts the cheapest switch first and the others as multiples of it,
    /// from each kind's fastest run; a run with a lost reply counts for nothing.
    #[test]
    fn the_conclusion_compares_with_the_cheapest_switch() {
        let mut lost = run(Kind::Tasks, Placement::Pinned, 10, 0);
        lost.answered -= 1;
        let runs = [
            run(Kind::Threads, Placement::Pinned, 4_000, 2),
            run(Kind::Tasks, Placement::Pinned, 60, 0),
            run(Kind::Tasks, Placement::Pinned, 50, 0),
            lost,
            run(Kind::Processes, Placement::Pinned, 5_000, 2),
            run(Kind::Threads, Placement::Free, 900, 1),
            run(Kind::Processes, Placement::Free, 30_000, 2),
        ];
        let free = [
            run(Kind::Threads, Placement::Free, 90, 0),
            run(Kind::Tasks, Placement::Free, 60, 0),
        ];
        assert_eq!(
            conclusion(&free)[0],
            "Free: a task switch costs 60 ns; a thread switch 1.5× that (90 ns)."
        );
        assert_eq!(
            fastest(&runs, Kind::Tasks, Placement::Pinned)
                .unwrap()
                .ns_per_switch,
            50.0
        );
        assert_eq!(
            conclusion(&runs),
            [
                "Pinned to one CPU: a task switch costs 50 ns; a thread switch 80× that \
                 (4.00 µs), a process switch 100× (5.00 µs).",
                "Kernel switches per round trip, pinned to one CPU: processes 2.00, \
                 threads 2.00, tasks 0.00.",
                "Free: a thread switch costs 900 ns; a process switch 33× that (30.0 µs).",
                "Kernel switches per round trip, free: processes 2.00, threads 1.00.",
            ]
        );
        assert!(conclusion(&[]).is_empty());
    }

    /// Pinned, this thread (and what it starts) sees one CPU; afterwards, all it had.
    #[test]
    fn pinning_restricts_to_one_cpu_and_restores() {
        let before = thread::available_parallelism().unwrap().get();
        {
            let _pinned = PinnedToOneCpu::first_allowed().unwrap();
            assert_eq!(thread::available_parallelism().unwrap().get(), 1);
            let inherited = thread::spawn(|| thread::available_parallelism().unwrap().get());
            assert_eq!(inherited.join().unwrap(), 1);
        }
        assert_eq!(thread::available_parallelism().unwrap().get(), before);
    }
}
