//! `gil_io`: downloads that release the GIL while they wait overlap; downloads that hold it
//! go one at a time. Checked with the GIL's counters, an in-flight gauge and a rendezvous,
//! never with a stopwatch.
//!
//!     cargo test -p gil --test gil_io

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use common::hashes::{chain_start, hash_me};
use common::testing;
use gil::Gil;
use gil::io::{self, Blocking, InFlight, Parsed};
use serde_json::Value;

/// Long enough that a correct program never gets near it; a broken one fails the test
/// instead of hanging it.
const LIMIT: Duration = Duration::from_secs(20);

const PARSE_ROUNDS: u64 = 20;

fn reference(sites: u64) -> Vec<Parsed> {
    (0..sites)
        .map(|site| hash_me(&chain_start(site), PARSE_ROUNDS))
        .collect()
}

/// A meeting point for `expected` threads: each one that arrives waits until all have,
/// or until [`LIMIT`]. Once one has given up, the others do not wait either.
struct Rendezvous {
    expected: usize,
    state: Mutex<Meeting>,
    changed: Condvar,
}

#[derive(Default)]
struct Meeting {
    arrived: usize,
    gave_up: bool,
}

impl Rendezvous {
    fn new(expected: usize) -> Rendezvous {
        Rendezvous {
            expected,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    /// Arrives and waits for the others; whether they all came.
    fn meet(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        state.arrived += 1;
        self.changed.notify_all();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, LIMIT, |s| s.arrived < self.expected && !s.gave_up)
            .unwrap();
        if state.arrived < self.expected {
            state.gave_up = true;
            self.changed.notify_all();
        }
        !state.gave_up
    }

    fn all_met(&self) -> bool {
        let state = self.state.lock().unwrap();
        state.arrived == self.expected && !state.gave_up
    }
}

/// With the GIL released around the wait, every thread can be inside its wait at the same
/// moment: the threads meet there. (Were the GIL held, the first one would wait alone, and
/// the rendezvous would give up after `LIMIT`.)
#[test]
fn waits_that_release_the_gil_all_overlap() {
    const THREADS: u64 = 6;
    let gil = Gil::default();
    let rendezvous = Rendezvous::new(THREADS as usize);
    let in_flight = InFlight::default();
    let answers = io::download_threads(
        &gil,
        THREADS,
        Blocking::ReleasesTheGil,
        |_site| {
            rendezvous.meet();
        },
        PARSE_ROUNDS,
        &in_flight,
    );
    assert!(
        rendezvous.all_met(),
        "the threads never were all inside at once"
    );
    assert_eq!(in_flight.max(), THREADS as usize);
    assert_eq!(answers, reference(THREADS));
    let stats = gil.stats();
    assert_eq!(stats.threads.len(), THREADS as usize);
    for thread in &stats.threads {
        assert_eq!(thread.releases, 1, "{thread:?}");
        // Taken at the start and again after the wait, perhaps after forced drops too.
        assert_eq!(thread.acquisitions, 2 + thread.forced_drops, "{thread:?}");
    }
}

/// Holding the GIL, a thread keeps every other one out of its wait: never more than one
/// inside at once, and no thread releases the GIL.
#[test]
fn waits_that_hold_the_gil_go_one_at_a_time() {
    const THREADS: u64 = 4;
    let gil = Gil::default();
    let in_flight = InFlight::default();
    let answers = io::download_threads(
        &gil,
        THREADS,
        Blocking::HoldsTheGil,
        |_site| thread::sleep(Duration::from_millis(2)),
        PARSE_ROUNDS,
        &in_flight,
    );
    assert_eq!(in_flight.max(), 1);
    assert_eq!(answers, reference(THREADS));
    let stats = gil.stats();
    assert_eq!(stats.threads.len(), THREADS as usize);
    assert!(stats.threads.iter().all(|t| t.releases == 0), "{stats:?}");
}

/// One thread in turn: one download in flight at a time, one release per download.
#[test]
fn serial_downloads_one_at_a_time() {
    let gil = Gil::default();
    let in_flight = InFlight::default();
    let answers = io::download_serial(&gil, 5, |_site| (), PARSE_ROUNDS, &in_flight);
    assert_eq!(answers, reference(5));
    assert_eq!(in_flight.max(), 1);
    let stats = gil.stats();
    let serial = stats.thread("serial").expect("the serial thread has ended");
    assert_eq!((serial.releases, serial.forced_drops), (5, 0));
    assert_eq!(stats.switches, 1);
}

/// The JSON rows of a successful run.
fn rows(args: &[&str]) -> Vec<Value> {
    testing::json_rows(env!("CARGO_BIN_EXE_gil_io"), args)
}

/// The program's three rows, each checked; the counts that do not depend on timing.
#[test]
fn the_program_reports_three_checked_variants() {
    let rows = rows(&["--threads", "4", "--delay-ms", "20", "--json"]);
    let variants: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(
        variants,
        [
            "serial",
            "threads releasing the GIL",
            "threads holding the GIL"
        ]
    );
    for row in &rows {
        assert_eq!(row["program"], "gil_io", "{row}");
        assert_eq!(row["ok"], true, "{row}");
    }
    let column =
        |key: &str| -> Vec<u64> { rows.iter().map(|r| r[key].as_u64().unwrap()).collect() };
    assert_eq!(column("workers"), [1, 4, 4]);
    // The serial thread and the releasing threads release once per download; the
    // holding threads never do.
    assert_eq!(column("releases"), [4, 4, 0]);
    // One wait at a time, except when the threads release the GIL.
    let in_flight = column("max_in_flight");
    assert_eq!((in_flight[0], in_flight[2]), (1, 1));
    assert!((1..=4).contains(&in_flight[1]), "{in_flight:?}");
    // The serial run has one thread: it takes the GIL once and is never asked to drop it.
    assert_eq!((column("switches")[0], column("forced_drops")[0]), (1, 0));
    // The ideal times: 4 waits of 20 ms in a row, or one.
    let expected: Vec<f64> = rows
        .iter()
        .map(|r| r["expected_s"].as_f64().unwrap())
        .collect();
    assert_eq!(expected, [0.08, 0.02, 0.08]);
}

/// `--timeline` draws a row per thread of every variant.
#[test]
fn the_timeline_has_a_row_per_thread() {
    let (_, drawn) = testing::run_drawing_timeline(
        env!("CARGO_BIN_EXE_gil_io"),
        &["--threads", "2", "--delay-ms", "5"],
    );
    for row in ["serial", "releases-1", "releases-2", "holds-1", "holds-2"] {
        assert!(drawn.contains(row), "no row for {row}");
    }
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_2() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "1001"],
        &["--threads", "many"],
        &["--delay-ms", "0"],
        &["--delay-ms", "-5"],
        &["--switch-interval", "0ms"],
        &["--switch-interval", "soon"],
        &["--json", "--timeline", "x.svg"],
    ] {
        let ran = testing::run(env!("CARGO_BIN_EXE_gil_io"), args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
    }
}
