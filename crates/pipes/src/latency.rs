//! How long one small message takes to go there and back: between two processes over
//! ipc-channel, between two processes over an OS pipe, and between two threads over a
//! crossbeam channel.
//!
//! Each measurement sends the numbers `0, 1, 2, …` one at a time to an echo on the other
//! side and waits for each to come back before sending the next, so every round trip wakes
//! the other side and then us. The reply must equal the request, or the row is marked not
//! ok. Three figures per row: the median (a typical round trip), the mean (the total time
//! shared out, which a few very slow round trips pull up), and the 99th percentile (how
//! bad the slow ones get).
//!
//! Every transport runs twice: free to use all CPUs, then pinned to one. Unpinned, the
//! echo usually runs on the *other* CPU. If that CPU went idle while it waited, waking it
//! takes an inter-processor interrupt, and on a virtual machine the hypervisor has to
//! deliver it to a virtual CPU it may have descheduled: tens of microseconds. crossbeam
//! spins for a moment before it puts a thread to sleep, so most of its replies are caught
//! in under a microsecond, and the ones that miss the spin pay that whole wake-up: look at
//! its mean and p99. Pinned to one CPU, both sides take turns on the same core, and every
//! hand-over is a plain context switch of a few microseconds, the same for all three
//! transports: what is left is the cost of the transport itself.
//!
//! `pipe_latency` runs each [`Transport`] through [`measure`] on the comparison harness,
//! unpinned and then inside a [`PinnedToOneCpu`]; its `main` serves the two echo roles:
//!
//! ```no_run
//! use common::process;
//! use pipes::latency;
//!
//! fn main() -> std::process::ExitCode {
//!     if let Some(exit) = process::run_child([
//!         process::role(latency::IPC_ECHO, latency::serve_ipc_echo),
//!         process::role(latency::PIPE_ECHO, latency::serve_pipe_echo),
//!     ]) {
//!         return exit;
//!     }
//!     let measured = latency::measure(latency::Transport::OsPipe, 1_000).expect("an echo");
//!     println!("median round trip: {:?}", measured.median());
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

use std::io::{self, BufRead, BufReader, Write};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

pub use common::affinity::PinnedToOneCpu;
use common::process::{self, Child, ProcessError};
use crossbeam::channel;

/// The hidden role of a child that echoes numbers over its ipc-channel pair.
pub const IPC_ECHO: &str = "ipc-echo";
/// The hidden role of a child that echoes lines from its stdin to its stdout.
pub const PIPE_ECHO: &str = "pipe-echo";

/// Round trips done before timing starts: they fault in pages, fill caches, and let the
/// scheduler settle, none of which is the cost of a message.
pub const WARM_UP: u64 = 200;

/// Child side: send every number straight back, until the parent closes its sender.
pub fn serve_ipc_echo() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<u64, u64>()?;
    while let Ok(n) = parent.rx.recv() {
        if parent.tx.send(n).is_err() {
            break; // the parent is gone
        }
    }
    Ok(())
}

/// Child side: copy each line of stdin to stdout, until stdin ends.
pub fn serve_pipe_echo() -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        writeln!(stdout, "{}", line?)?;
        stdout.flush()?;
    }
    Ok(())
}

/// The ways a message can travel, measured side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Typed messages between two processes (`common::process::Child`).
    IpcChannel,
    /// Lines of text through a child's stdin and stdout.
    OsPipe,
    /// A crossbeam channel each way between two threads of one process.
    Crossbeam,
}

impl Transport {
    /// All transports, in the order the table lists them.
    pub const ALL: [Transport; 3] = [
        Transport::IpcChannel,
        Transport::OsPipe,
        Transport::Crossbeam,
    ];

    /// The name in the table's `variant` column.
    pub fn label(self) -> &'static str {
        match self {
            Transport::IpcChannel => "ipc-channel, 2 processes",
            Transport::OsPipe => "OS pipe, 2 processes",
            Transport::Crossbeam => "crossbeam, 2 threads",
        }
    }
}

/// The timed round trips of one transport.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// One entry per timed round trip, sorted (shortest first).
    pub sorted: Vec<Duration>,
    /// Wall time of all the timed round trips together.
    pub total: Duration,
    /// Replies that differed from their request.
    pub wrong: u64,
}

impl Measurement {
    /// The round trip half of the others were faster than.
    pub fn median(&self) -> Duration {
        self.percentile(50.0)
    }

    /// The average round trip: the total time divided among them. Far above the median
    /// when a few round trips were very slow.
    pub fn mean(&self) -> Duration {
        match u32::try_from(self.sorted.len()) {
            Ok(0) | Err(_) => Duration::ZERO,
            Ok(n) => self.total / n,
        }
    }

    /// The round trip 99 % of the others were faster than.
    pub fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    /// The `p`-th percentile by the nearest-rank method (`p` in 0..=100).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }
}

/// Times `round_trips` calls of `round_trip(n)`, each of which must return `n`.
pub fn time_round_trips<E>(
    round_trips: u64,
    mut round_trip: impl FnMut(u64) -> Result<u64, E>,
) -> Result<Measurement, E> {
    // ANCHOR: time_round_trips
    for n in 0..WARM_UP {
        round_trip(n)?;
    }
    let mut samples = Vec::with_capacity(round_trips as usize);
    let mut wrong = 0;
    let started = Instant::now();
    for n in 0..round_trips {
        let sent = Instant::now();
        let reply = round_trip(n)?;
        samples.push(sent.elapsed());
        if reply != n {
            wrong += 1;
        }
    }
    // ANCHOR_END: time_round_trips
    let total = started.elapsed();
    samples.sort_unstable();
    Ok(Measurement {
        sorted: samples,
        total,
        wrong,
    })
}

/// Parent side over ipc-channel: send `n`, receive the echo.
// ANCHOR: over_ipc_channel
fn over_ipc_channel(round_trips: u64) -> Result<Measurement, ProcessError> {
    let mut child = Child::<u64, u64>::spawn(IPC_ECHO)?;
    let measured = time_round_trips(round_trips, |n| {
        child.send(n)?;
        child.recv()
    })?;
    child.join()?;
    Ok(measured)
}
// ANCHOR_END: over_ipc_channel

/// Parent side over a pipe: write `n` as a line into the child's stdin, read a line back.
fn over_os_pipe(round_trips: u64) -> io::Result<Measurement> {
    let mut command = process::child_command(PIPE_ECHO)?;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_child = child.stdin.take().expect("stdin was set to a pipe");
    let mut from_child = BufReader::new(child.stdout.take().expect("stdout was set to a pipe"));
    let mut line = String::new();
    let mut out = String::new();
    let measured = time_round_trips(round_trips, |n| {
        // One `write` per message, so the echo wakes once, to a whole line.
        out.clear();
        out.push_str(&n.to_string());
        out.push('\n');
        to_child.write_all(out.as_bytes())?;
        line.clear();
        if from_child.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the echo exited",
            ));
        }
        line.trim_end().parse::<u64>().map_err(io::Error::other)
    });
    drop(to_child); // end of input: the echo's loop ends
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!("the echo ended with {status}")));
    }
    measured
}

/// Two threads, a crossbeam channel each way.
fn over_crossbeam(round_trips: u64) -> Result<Measurement, channel::RecvError> {
    let (to_echo, echo_rx) = channel::bounded::<u64>(1);
    let (echo_tx, from_echo) = channel::bounded::<u64>(1);
    thread::scope(|scope| {
        scope.spawn(move || {
            for n in echo_rx {
                if echo_tx.send(n).is_err() {
                    break;
                }
            }
        });
        let measured = time_round_trips(round_trips, |n| {
            // A failed send means the echo thread is gone: no reply will ever come.
            to_echo.send(n).map_err(|_| channel::RecvError)?;
            from_echo.recv()
        });
        drop(to_echo); // the echo's loop ends, the scope joins it
        measured
    })
}

/// Measures one transport; an error becomes a message.
pub fn measure(transport: Transport, round_trips: u64) -> Result<Measurement, String> {
    match transport {
        Transport::IpcChannel => over_ipc_channel(round_trips).map_err(|e| e.to_string()),
        Transport::OsPipe => over_os_pipe(round_trips).map_err(|e| e.to_string()),
        Transport::Crossbeam => over_crossbeam(round_trips).map_err(|e| e.to_string()),
    }
}

/// A duration in microseconds, the unit of the latency table's columns.
pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(micros: impl IntoIterator<Item = u64>) -> Measurement {
        let mut sorted: Vec<Duration> = micros.into_iter().map(Duration::from_micros).collect();
        sorted.sort();
        Measurement {
            total: sorted.iter().sum(),
            sorted,
            wrong: 0,
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let m = measurement(1..=100);
        assert_eq!(m.median(), Duration::from_micros(50));
        assert_eq!(m.p99(), Duration::from_micros(99));
        assert_eq!(m.percentile(100.0), Duration::from_micros(100));
        assert_eq!(m.percentile(0.0), Duration::from_micros(1));
        assert_eq!(measurement([]).median(), Duration::ZERO);
    }

    #[test]
    fn a_wrong_echo_is_counted() {
        let m = time_round_trips(10, |n| Ok::<_, ()>(if n == 3 { 4 } else { n })).unwrap();
        assert_eq!(m.wrong, 1);
        assert_eq!(m.sorted.len(), 10);
    }

    #[test]
    fn crossbeam_echo_between_threads_is_checked() {
        let m = over_crossbeam(500).unwrap();
        assert_eq!(m.wrong, 0);
        assert_eq!(m.sorted.len(), 500);
    }

    #[test]
    fn pinning_restricts_to_one_cpu_and_restores() {
        let before = thread::available_parallelism().unwrap().get();
        {
            let _pinned = PinnedToOneCpu::first_allowed().unwrap();
            assert_eq!(thread::available_parallelism().unwrap().get(), 1);
        }
        assert_eq!(thread::available_parallelism().unwrap().get(), before);
    }
}
