//! `gil_convoy`: next to a CPU-bound thread, every take of the GIL by the I/O thread needs a
//! drop request and a forced drop; alone, none does. Checked with the GIL's counters, never
//! with a stopwatch.
//!
//!     cargo test -p gil --test gil_convoy

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::hashes::{chain_start, hash_me};
use common::testing;
use gil::Gil;
use gil::convoy::{self, HANDLE_ROUNDS};
use gil::io::Parsed;
use serde_json::Value;

/// Long enough that a correct program never gets near it; a broken one fails the test
/// instead of hanging it.
const LIMIT: Duration = Duration::from_secs(20);

fn reference(ops: u64) -> Vec<Parsed> {
    (0..ops)
        .map(|op| hash_me(&chain_start(op), HANDLE_ROUNDS))
        .collect()
}

/// Waits until `condition` holds; false if it did not within [`LIMIT`].
fn wait_until(condition: impl Fn() -> bool) -> bool {
    let started = Instant::now();
    while !condition() {
        if started.elapsed() > LIMIT {
            return false;
        }
        thread::sleep(Duration::from_micros(20));
    }
    true
}

/// Next to the CPU thread, the I/O thread must ask for the GIL every time it needs it:
/// at its start, and after each operation. The I/O operation here waits until the CPU
/// thread has really taken the GIL (it is locked while the I/O thread is inside
/// `allow_threads`, so the CPU thread holds it), which takes the scheduler's timing out
/// of the count: the CPU thread never lets go by itself, so each of those takes needs a
/// drop request and costs the CPU thread one forced drop. Exactly one: after a forced
/// drop the CPU thread waits until the I/O thread has the GIL. If the I/O thread was
/// itself made to drop the GIL (asked by the CPU thread while it held it for too long),
/// it needs the GIL back once more: one more forced drop of the CPU thread each time.
#[test]
fn with_a_cpu_thread_every_take_needs_a_forced_drop() {
    const OPS: u64 = 40;
    let gil = Gil::new(Duration::from_micros(500));
    let gave_up = AtomicBool::new(false);
    let run = convoy::run(&gil, OPS, true, || {
        if !wait_until(|| gil.is_locked()) {
            gave_up.store(true, Ordering::Relaxed);
        }
    });
    assert!(
        !gave_up.load(Ordering::Relaxed),
        "the CPU thread never took the GIL"
    );
    assert_eq!(run.latencies.len(), OPS as usize);
    assert_eq!(run.answers, reference(OPS));

    let cpu = run.cpu.as_ref().expect("a CPU thread ran");
    let io = &run.io;
    // The I/O thread takes the GIL at its start, after each operation, and after each of
    // its own forced drops.
    assert_eq!(io.acquisitions, 1 + OPS + io.forced_drops, "{io:?}");
    assert_eq!(io.releases, OPS, "{io:?}");
    // Every one of those takes needed the CPU thread to drop the GIL when asked…
    assert_eq!(
        cpu.forced_drops,
        1 + OPS + io.forced_drops,
        "{cpu:?} {io:?}"
    );
    // …and never did it let go by itself.
    assert_eq!(cpu.releases, 0, "{cpu:?}");
    // Each forced drop answered at least one drop request of the I/O thread.
    assert!(io.drop_requests >= cpu.forced_drops, "{cpu:?} {io:?}");
}

/// Alone, the I/O thread always finds the GIL free: no drop request, no forced drop.
#[test]
fn alone_nothing_is_forced() {
    const OPS: u64 = 40;
    let gil = Gil::new(Duration::from_micros(500));
    let run = convoy::run(&gil, OPS, false, || {
        thread::sleep(Duration::from_micros(10))
    });
    assert!(run.cpu.is_none());
    assert_eq!(run.latencies.len(), OPS as usize);
    assert_eq!(run.answers, reference(OPS));
    let io = &run.io;
    assert_eq!((io.forced_drops, io.drop_requests), (0, 0), "{io:?}");
    assert_eq!((io.acquisitions, io.releases), (1 + OPS, OPS), "{io:?}");
    assert_eq!(run.switches, 1);
}

/// The nearest-rank percentiles of a known set of latencies.
#[test]
fn percentiles_by_nearest_rank() {
    let gil = Gil::default();
    let mut run = convoy::run(&gil, 1, false, || ());
    run.latencies = (1..=100).rev().map(Duration::from_micros).collect();
    assert_eq!(run.median(), Duration::from_micros(50));
    assert_eq!(run.p99(), Duration::from_micros(99));
    assert_eq!(run.percentile(100.0), Duration::from_micros(100));
    assert_eq!(run.percentile(0.0), Duration::from_micros(1));
}

fn run(args: &[&str]) -> testing::Ran {
    testing::run(env!("CARGO_BIN_EXE_gil_convoy"), args)
}

/// The JSON rows of a successful run.
fn rows(args: &[&str]) -> Vec<Value> {
    run(args).json_rows()
}

/// The program: alone, nothing forced; next to the CPU thread, at least the I/O thread's
/// first take needed a forced drop (the CPU thread holds the GIL when it starts), and
/// each forced drop answered a drop request.
#[test]
fn the_program_counts_forced_drops_only_next_to_the_cpu_thread() {
    for interval in ["5ms", "1ms"] {
        let rows = rows(&["--ops", "20", "--switch-interval", interval, "--json"]);
        let variants: Vec<&str> = rows
            .iter()
            .map(|r| r["variant"].as_str().unwrap())
            .collect();
        assert_eq!(variants, ["alone", "next to a CPU thread"]);
        let (alone, with_cpu) = (&rows[0], &rows[1]);
        for row in &rows {
            assert_eq!(row["program"], "gil_convoy", "{row}");
            assert_eq!(row["ok"], true, "{row}");
        }
        assert_eq!(alone["workers"], 1);
        assert_eq!(alone["forced_drops"], 0);
        assert_eq!(alone["drop_requests"], 0);
        assert_eq!(with_cpu["workers"], 2);
        let forced = with_cpu["forced_drops"].as_u64().unwrap();
        let requests = with_cpu["drop_requests"].as_u64().unwrap();
        assert!(forced >= 1 && requests >= forced, "{with_cpu}");
    }
}

/// `--timeline` draws the CPU thread's row and the I/O thread's.
#[test]
fn the_timeline_has_both_threads() {
    let (_, drawn) = testing::run_drawing_timeline(
        env!("CARGO_BIN_EXE_gil_convoy"),
        &["--ops", "5", "--switch-interval", "200us"],
    );
    for row in [convoy::CPU_THREAD, convoy::IO_THREAD] {
        assert!(drawn.contains(row), "no row for {row}");
    }
}

/// Nonsense flags are refused by clap with exit code 2; `--switch-interval` takes what
/// `parse_switch_interval` takes.
#[test]
fn nonsense_flags_exit_2() {
    for args in [
        &["--ops", "0"][..],
        &["--ops", "lots"],
        &["--io-us", "0"],
        &["--switch-interval", "0ms"],
        &["--switch-interval", "2s"],
        &["--switch-interval", "soon"],
        &["--json", "--timeline", "x.svg"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
    for interval in ["500us", "0.002"] {
        run(&["--ops", "3", "--switch-interval", interval]).success();
    }
}
