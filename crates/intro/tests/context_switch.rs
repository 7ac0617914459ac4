//! `context_switch`: every kind × placement row is there and every reply was answered;
//! the kernel's own count shows the switches (pinned, at least two a round trip for
//! threads and for processes, next to none for tasks); the process kind's other side
//! really is another process (its switches, its pid, this program again), and none is
//! left behind, even when the program is killed; the conclusion follows the table; bad
//! flags are refused.
//!
//!     cargo test -p intro --test context_switch

use std::process::Child;
use std::thread;
use std::time::Duration;

use common::testing::{self, assert_all_gone, children_of, count, is_alive};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_context_switch");

/// Few round trips: a debug build, and a machine that runs other tests at once.
const SMALL: [&str; 4] = ["--round-trips", "500", "--rounds", "1"];

const KINDS: [&str; 3] = ["2 processes", "2 threads", "2 tokio tasks"];
const PLACEMENTS: [&str; 2] = ["pinned to one CPU", "free"];

/// The row of `kind` placed as `placement`.
fn row<'a>(rows: &'a [Value], placement: &str, kind: &str) -> &'a Value {
    let found = rows
        .iter()
        .find(|r| r["workload"] == placement && r["variant"] == kind);
    found.unwrap_or_else(|| panic!("no row {placement} / {kind} in {rows:?}"))
}

fn number(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {row}"))
}

/// Six rows, each with both sides answering every number (the harness's check: `ok`),
/// its figures consistent: a round trip is two switches.
#[test]
fn every_kind_and_placement_answers_every_message() {
    let rows = testing::json_rows(BIN, &[&SMALL[..], &["--json"]].concat());
    assert_eq!(rows.len(), 6, "{rows:?}");
    for placement in PLACEMENTS {
        for kind in KINDS {
            let row = row(&rows, placement, kind);
            assert_eq!(row["program"], "context_switch");
            assert_eq!(row["ok"], true, "{row}");
            assert_eq!(count(row, "workers"), 2);
            assert!(row.get("speedup").is_none(), "{row}");
            // seconds over 2 × 500 switches, to the harness's four figures.
            let ns = number(row, "seconds") * 1e9 / 1_000.0;
            let shown = number(row, "ns_per_switch");
            assert!((ns - shown).abs() <= shown * 1e-3 + 1.0, "{row}");
        }
    }
}

/// Pinned to one CPU, a hand-off cannot happen without the kernel switching the CPU to
/// the other side, and back: at least two switches a round trip, warm-up included, for
/// threads and for processes. Tasks hand over inside tokio: next to no kernel switch.
/// Only the process kind has a child's switches, from a child of this program.
#[test]
fn the_kernel_counts_the_switches_tasks_do_not_make() {
    let rows = testing::json_rows(BIN, &[&SMALL[..], &["--json"]].concat());
    for kind in ["2 threads", "2 processes"] {
        let pinned = row(&rows, PLACEMENTS[0], kind);
        assert!(number(pinned, "kernel_per_round_trip") >= 2.0, "{pinned}");
    }
    for placement in PLACEMENTS {
        let tasks = row(&rows, placement, "2 tokio tasks");
        assert!(number(tasks, "kernel_per_round_trip") < 0.5, "{tasks}");
        for kind in KINDS {
            let row = row(&rows, placement, kind);
            let child = count(row, "child_switches");
            match kind {
                "2 processes" => assert!(child > 0, "{row}"),
                _ => assert_eq!(child, 0, "{row}"),
            }
        }
    }
}

/// The table has every row, each ✓; the conclusion's first line per placement opens with
/// the kind whose switch the table shows cheapest, and the kernel's counts follow.
#[test]
fn the_conclusion_follows_the_table() {
    let ran = testing::run(BIN, &SMALL);
    ran.success();
    let lines = ran.lines();
    for (placement, opening) in [
        (PLACEMENTS[0], "Pinned to one CPU: a "),
        (PLACEMENTS[1], "Free: a "),
    ] {
        let rows: Vec<Vec<&str>> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("| {placement} ")))
            .map(|l| l.split('|').map(str::trim).collect())
            .collect();
        assert_eq!(rows.len(), 3, "{}", ran.stdout);
        assert!(rows.iter().all(|r| r[5] == "✓"), "{}", ran.stdout);
        let ns = |r: &Vec<&str>| r[6].parse::<f64>().unwrap();
        let cheapest = rows.iter().min_by(|a, b| ns(a).total_cmp(&ns(b))).unwrap();
        let noun = match cheapest[2] {
            "2 processes" => "process",
            "2 threads" => "thread",
            _ => "task",
        };
        let at = lines.iter().position(|l| l.starts_with(opening));
        let at = at.unwrap_or_else(|| panic!("no `{opening}` in:\n{}", ran.stdout));
        assert!(
            lines[at].starts_with(&format!("{opening}{noun} switch costs ")),
            "{}\n{}",
            lines[at],
            ran.stdout
        );
        assert!(
            lines[at + 1].starts_with(&format!("Kernel switches per round trip, {placement}: "))
        );
    }
}

/// Starts the program with `args` and waits until it has a child: the echo process.
fn start_with_a_child(args: &[&str]) -> (Child, u32) {
    testing::start_until(BIN, args, "its echo process", |pid| {
        children_of(pid).first().copied()
    })
}

/// The other side is this same program, re-executed in lecture 1's echo role, and it is
/// gone when the program ends.
#[test]
fn the_echo_is_this_program_again_and_is_reaped() {
    let args = [
        "--kinds",
        "processes",
        "--placements",
        "pinned",
        "--round-trips",
        "200000",
    ];
    let (mut program, child) = start_with_a_child(&[&args[..], &["--rounds", "1"]].concat());
    // Seen just after its fork, the child may not have started the program again yet:
    // wait for its command line to change (or for it to end, which fails below).
    let role = |arg: &str| arg == pipes::latency::PIPE_ECHO;
    let cmdline = || std::fs::read_to_string(format!("/proc/{child}/cmdline")).unwrap_or_default();
    while is_alive(child) && !cmdline().split('\0').any(role) {
        thread::sleep(Duration::from_millis(1));
    }
    let (exe, cmdline) = (std::fs::read_link(format!("/proc/{child}/exe")), cmdline());
    assert!(program.wait().unwrap().success());
    // Read while it ran: the same executable, given the echo's role.
    assert!(cmdline.split('\0').any(role), "{cmdline:?}");
    assert_eq!(
        exe.unwrap(),
        std::path::Path::new(BIN).canonicalize().unwrap()
    );
    assert_all_gone(&[child]);
}

/// A program killed in the middle of a ping-pong leaves no echo behind.
#[test]
fn a_killed_run_leaves_no_process_behind() {
    let args = [
        "--kinds",
        "processes",
        "--placements",
        "pinned",
        "--round-trips",
        "10000000",
    ];
    let (mut program, child) = start_with_a_child(&args);
    testing::kill(program.id()).unwrap();
    program.wait().unwrap();
    assert_all_gone(&[child]);
}

/// Bad flags are refused by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--round-trips", "0"],
            &["--round-trips", "10000001"],
            &["--rounds", "0"],
            &["--rounds", "21"],
            &["--kinds", "fibers"],
            &["--placements", "everywhere"],
        ],
    );
}
