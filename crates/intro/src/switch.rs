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
//! - [`Kind::Tasks`]: two tokio tasks on one `current_thread` runtime (the asyncio
//!   loop), a `tokio::sync::mpsc` channel of capacity 1 each way. A hand-off is the
//!   runtime polling the other task: no kernel, no saved registers, a function call.
//! - [`Kind::Processes`]: this program and a child (itself, re-executed by
//!   [`common::process::child_command`]), one line of text through the child's stdin and
//!   one back through its stdout: two address spaces, a kernel switch and a pipe each way.
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
//! The process kind needs its child role in the program's `main`, before anything else:
//!
//! ```no_run
//! use common::process;
//! use intro::switch::{self, Kind, Placement};
//!
//! fn main() -> std::process::ExitCode {
//!     if let Some(exit) =
//!         process::run_child([process::role(switch::ECHO_ROLE, switch::serve_echo)])
//!     {
//!         return exit;
//!     }
//!     let m = switch::ping_pong(Kind::Processes, Placement::Pinned, 10_000)
//!         .expect("an echo process");
//!     println!("{:.0} ns per switch", m.ns_per_switch);
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::affinity::PinnedToOneCpu;
use crossbeam::channel;

/// The hidden role of the child process that echoes lines: register it in `main` with
/// `common::process::role(ECHO_ROLE, serve_echo)`.
pub const ECHO_ROLE: &str = "switch-echo";

/// Round trips done before the clock starts, not counted: the other side is up and
/// waiting, pages are faulted in, and the scheduler has seen both sides run.
const WARM_UP: u64 = 100;

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
    /// Round trips timed (the warm-up not counted). Each is two switches.
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
/// [`Kind::Processes`] starts this program again in [`ECHO_ROLE`]: the program's `main`
/// must serve that role (see the module docs), or the child exits at once and this
/// returns an error. Fails too if the process cannot be pinned, or the other side is gone.
pub fn ping_pong(kind: Kind, placement: Placement, round_trips: u64) -> io::Result<Measured> {
    // Threads and processes started while we are pinned inherit the pinning, so the
    // two sides share the one CPU. Dropping the guard gives us every CPU back.
    let _pinned = match placement {
        Placement::Pinned => Some(PinnedToOneCpu::first_allowed()?),
        Placement::Free => None,
    };
    let (elapsed, answered) = match kind {
        Kind::Threads => between_threads(round_trips)?,
        Kind::Tasks => between_tasks(round_trips)?,
        Kind::Processes => {
            between_processes(common::process::child_command(ECHO_ROLE)?, round_trips)?
        }
    };
    Ok(Measured::new(
        kind,
        placement,
        round_trips,
        answered,
        elapsed,
    ))
}

/// Runs [`WARM_UP`] round trips, then times `round_trips` more; each `round_trip(n)`
/// sends `n` and returns the reply. Returns the time and how many replies equalled `n`.
fn time_round_trips<E>(
    round_trips: u64,
    mut round_trip: impl FnMut(u64) -> Result<u64, E>,
) -> Result<(Duration, u64), E> {
    for n in 0..WARM_UP {
        round_trip(n)?;
    }
    let mut answered = 0;
    let started = Instant::now();
    for n in WARM_UP..WARM_UP + round_trips {
        if round_trip(n)? == n {
            answered += 1;
        }
    }
    Ok((started.elapsed(), answered))
}

/// The other side stopped answering: its channel closed.
fn gone<E>(_: E) -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the other side is gone")
}

/// Two OS threads: `ping` is this thread, `pong` a scoped thread that echoes.
fn between_threads(round_trips: u64) -> io::Result<(Duration, u64)> {
    let (ping_tx, ping_rx) = channel::bounded::<u64>(1);
    let (pong_tx, pong_rx) = channel::bounded::<u64>(1);
    thread::scope(|s| {
        // Pong: send every number straight back.
        s.spawn(move || {
            for n in ping_rx {
                if pong_tx.send(n).is_err() {
                    break;
                }
            }
        });
        // Ping: send n, sleep until pong answers.
        let measured = time_round_trips(round_trips, |n| {
            ping_tx.send(n).map_err(gone)?;
            pong_rx.recv().map_err(gone)
        });
        drop(ping_tx); // pong's loop ends; the scope joins it
        measured
    })
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
            for n in 0..WARM_UP {
                round_trip(n).await?;
            }
            let mut answered = 0;
            let started = Instant::now();
            for n in WARM_UP..WARM_UP + round_trips {
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

/// Two processes: writes each number as a line into the child's stdin and reads the
/// reply from its stdout. `command` is the echo to start (this program in [`ECHO_ROLE`]).
fn between_processes(mut command: Command, round_trips: u64) -> io::Result<(Duration, u64)> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_child = child.stdin.take().expect("stdin was set to a pipe");
    let mut from_child = BufReader::new(child.stdout.take().expect("stdout was set to a pipe"));
    let (mut out, mut line) = (String::new(), String::new());
    let measured = time_round_trips(round_trips, |n| {
        // One `write` per message, so the child wakes once, to a whole line.
        out.clear();
        let _ = writeln!(out, "{n}");
        to_child.write_all(out.as_bytes())?;
        line.clear();
        if from_child.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the echo process ended",
            ));
        }
        line.trim_end().parse::<u64>().map_err(io::Error::other)
    });
    drop(to_child); // end of input: the echo's loop ends
    if measured.is_err() {
        let _ = child.kill();
    }
    let status = child.wait()?;
    let measured = measured?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "the echo process ended with {status}"
        )));
    }
    Ok(measured)
}

/// The child side of [`Kind::Processes`], run in [`ECHO_ROLE`]: copies each line of stdin
/// to stdout, until stdin ends (the parent closed it, or died).
pub fn serve_echo() -> io::Result<()> {
    echo(io::stdin().lock(), io::stdout().lock())
}

/// Copies each line of `from` to `to`, flushing each one so it leaves at once.
fn echo(from: impl BufRead, mut to: impl Write) -> io::Result<()> {
    for line in from.lines() {
        writeln!(to, "{}", line?)?;
        to.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The parent's side of the process kind, against a real second process: `cat`
    /// echoes each line it reads, as the course's echo role does. (The role itself needs
    /// a program's `main`; its echo loop is checked below.)
    #[test]
    fn a_process_over_pipes_answers_every_message_in_order() {
        let (elapsed, answered) = between_processes(Command::new("cat"), 500).unwrap();
        assert_eq!(answered, 500);
        assert!(elapsed > Duration::ZERO);
    }

    /// An echo that ends early is an error, not a hang: this one answers the first
    /// line and exits, inside the warm-up.
    #[test]
    fn an_echo_process_that_ends_is_an_error() {
        let mut once = Command::new("sh");
        once.args(["-c", "read n && echo \"$n\""]);
        assert!(between_processes(once, 10).is_err());
    }

    /// The child's echo loop sends back every line, once, in order.
    #[test]
    fn the_echo_role_sends_every_line_back() {
        let mut out = Vec::new();
        echo(&b"100\n101\n102\n"[..], &mut out).unwrap();
        assert_eq!(out, b"100\n101\n102\n");
    }

    /// A reply that is not the number just sent is not counted as answered.
    #[test]
    fn a_wrong_reply_is_not_counted() {
        let (_, answered) =
            time_round_trips(10, |n| Ok::<_, ()>(if n == WARM_UP + 3 { 0 } else { n })).unwrap();
        assert_eq!(answered, 9);
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
