//! What a switch costs: the reason tasks are cheap.
//!
//! The Python slides *Concurrency and Parallelism* define a context switch ("storing and
//! restoring the state … of a process or thread so that execution can be resumed from
//! the same point at a later time") and set OS threads beside green threads, scheduled by
//! a runtime instead of the kernel. They never measure either. Here we do: two parties
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
use pipes::latency::{self, Transport};

/// Who plays ping-pong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        }
    }

    /// Every timed message came back, once, in order.
    pub fn all_answered(&self) -> bool {
        self.answered == self.round_trips
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
    let (elapsed, answered) = match kind {
        Kind::Threads => lecture_1(Transport::Crossbeam, round_trips)?,
        Kind::Tasks => between_tasks(round_trips)?,
        Kind::Processes => lecture_1(Transport::OsPipe, round_trips)?,
    };
    Ok(Measured::new(
        kind,
        placement,
        round_trips,
        answered,
        elapsed,
    ))
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

    /// A round trip is two switches: 1 000 round trips in 2 µs are 1 ns per switch.
    #[test]
    fn a_round_trip_is_two_switches() {
        let m = Measured::new(
            Kind::Tasks,
            Placement::Free,
            1_000,
            1_000,
            Duration::from_micros(2),
        );
        assert_eq!(m.ns_per_switch, 1.0);
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
