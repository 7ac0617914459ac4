//! `limits`: every sleeping task, thread and process runs and finishes once, the table has
//! every kind and per-unit figures only (no speedup), the Python slides' one figure is
//! labelled for what it is, a refused spawn is reported with how far it got while the
//! other kinds still run, and no process is left behind.
//!
//!     cargo test -p structured --test limits

use std::process::Command;

use common::testing::{self, assert_all_gone, children_of, count};

const BIN: &str = env!("CARGO_BIN_EXE_limits");

/// Small runs: a debug build, and a test machine that runs other tests at once.
const SMALL: [&str; 8] = [
    "--tasks",
    "300",
    "--threads",
    "40",
    "--processes",
    "4",
    "--sleep-ms",
    "200",
];

/// The program under `ulimit -v` of 4 GiB (the kernel enforces it for root too), each
/// thread's stack 1 GiB (`RUST_MIN_STACK`): at most three threads fit beside the program.
fn under_4_gib() -> Command {
    let mut command = Command::new("bash");
    // One malloc arena: a new thread then reserves its stack and nothing else.
    command.env("RUST_MIN_STACK", (1u64 << 30).to_string());
    command.env("MALLOC_ARENA_MAX", "1");
    command.args(["-c", r#"ulimit -v 4194304 && exec "$0" "$@""#, BIN]);
    command
}

/// Every kind runs every unit: the harness checked each row's sum of indices (`ok`),
/// each row has as many units as asked, and its figures.
#[test]
fn every_unit_of_every_kind_runs_and_finishes() {
    let mut args = SMALL.to_vec();
    args.push("--json");
    let rows = testing::json_rows(BIN, &args);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (variant, units) in [("tokio tasks", 300), ("threads", 40), ("processes", 4)] {
        let row = rows.iter().find(|row| row["variant"] == variant).unwrap();
        assert_eq!(row["program"], "limits");
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(count(row, "workers"), units, "{row}");
        assert_eq!(row["workload"], format!("{units} units"));
        for field in ["seconds", "us_per_unit", "rss_mb", "kb_per_unit"] {
            assert!(row[field].is_number(), "{field} in {row}");
        }
        // The kinds run different counts: no speedup divides one's seconds by another's.
        assert!(row.get("speedup").is_none(), "{row}");
        // A unit sleeps before it finishes: the run lasts at least one sleep.
        assert!(row["total_s"].as_f64().unwrap() >= 0.2, "{row}");
        assert!(row["kb_per_unit"].as_f64().unwrap() > 0.0, "{row}");
    }
}

/// The table has a row per kind and no speedup column; under it the Python slides' one
/// figure, 87 MB, said to be mapped memory, not RSS, and where Python's per-unit figures
/// come from (none is printed as if measured here); it ends with the conclusion, per
/// unit, next to a task.
#[test]
fn the_table_has_every_kind_and_points_to_the_python_side() {
    let ran = testing::run(BIN, &SMALL);
    ran.success();
    let lines = ran.lines();
    for variant in ["tokio tasks", "threads", "processes"] {
        let in_table = |line: &&&str| line.starts_with('|') && line.contains(variant);
        let row = lines.iter().find(in_table);
        assert!(
            row.is_some_and(|row| row.contains('✓')),
            "{variant}:\n{}",
            ran.stdout
        );
    }
    let header = lines.iter().find(|line| line.starts_with("| workload"));
    assert!(
        header.is_some_and(|h| !h.contains("speedup")),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("40 threads (2048 KiB stacks), each asleep for 0.2 s")
    );
    let slides = lines
        .iter()
        .position(|l| l.starts_with("The Python slides: "));
    let slides = slides.unwrap_or_else(|| panic!("no Python figure:\n{}", ran.stdout));
    assert!(lines[slides].contains("10 000 trio tasks") && lines[slides].contains("87 MB"));
    assert!(lines[slides + 1].contains("not resident memory"));
    assert_eq!(
        lines[slides + 2],
        "Python's side: python3 scripts/python/limits.py"
    );
    for figure in ["1.55 KB", "3.8 KB", "16 KB", "98 µs", "CPython"] {
        assert!(!ran.stdout.contains(figure), "{figure}:\n{}", ran.stdout);
    }
    let last = lines.last().unwrap();
    assert!(last.starts_with("Shown: per unit, next to a sleeping task, a thread "));
    assert!(last.contains("; a process "), "{last}");
}

/// Bad flags are refused by clap with exit status 2, before anything is spawned.
#[test]
fn bad_flags_exit_2() {
    testing::assert_refused(
        BIN,
        &[
            &["--tasks", "0"],
            &["--tasks", "10000001"],
            &["--threads", "0"],
            &["--threads", "100001"],
            &["--processes", "10001"],
            &["--sleep-ms", "0"],
            &["--kinds", "fibers"],
        ],
    );
}

/// A thread spawn the machine refuses, for real: under `ulimit -v` of 4 GiB (the kernel
/// enforces it for root too) with stacks of 1 GiB (`RUST_MIN_STACK`), at most three
/// threads fit beside the program. The run says how far it got and why, names the
/// limits, and measures the tasks and the processes all the same.
#[test]
fn a_refused_spawn_says_where_it_stopped_and_the_others_run() {
    let mut command = under_4_gib();
    command.args(["--tasks", "50", "--threads", "2000", "--processes", "3"]);
    command.args(["--sleep-ms", "100"]);
    let ran = testing::run_command(command, testing::LIMIT);
    ran.success();
    let lines = ran.lines();
    let at = lines
        .iter()
        .position(|l| l.contains("threads: refused after"));
    let at = at.unwrap_or_else(|| panic!("no refusal in:\n{}", ran.stdout));
    let reached = testing::numbers_after(lines[at], "refused after");
    assert!(
        matches!(reached[..], [1..=3]),
        "{}: 4 GiB hold at most 3 stacks of 1 GiB beside the program",
        lines[at]
    );
    assert!(lines[at].ends_with(" of 2 000:"), "{}", lines[at]);
    let error = lines[at + 1].trim();
    assert_eq!(error, "Resource temporarily unavailable (os error 11)");
    let end = lines[at..]
        .iter()
        .position(|l| l.is_empty())
        .map_or(lines.len(), |n| at + n);
    let limits = lines[at + 2..end].join(" ");
    assert!(
        limits.trim().starts_with("limits: kernel.pid_max "),
        "{limits}"
    );
    assert!(limits.contains("ulimit -v 4194304 kB"), "{limits}");
    assert!(ran.stdout.contains("1048576 KiB stacks"));
    let rows: Vec<&str> = ran
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("| "))
        .collect();
    assert_eq!(rows.len(), 3, "a header, tasks, processes:\n{}", ran.stdout);
    assert!(rows[1].contains("tokio tasks") && rows[1].contains('✓'));
    assert!(rows[2].contains("processes") && rows[2].contains('✓'));
}

/// Every process of the program and its children, the program first.
fn family(pid: u32) -> Vec<u32> {
    let mut family = vec![pid];
    let mut at = 0;
    while at < family.len() {
        family.extend(children_of(family[at]));
        at += 1;
    }
    family
}

/// Starts the program with `args`, waits until it and its children number `size`, and
/// returns it and their pids.
fn start_family(args: &[&str], size: usize) -> (std::process::Child, Vec<u32>) {
    testing::start_until(BIN, args, &format!("{size} processes"), |pid| {
        let pids = family(pid);
        (pids.len() >= size).then_some(pids)
    })
}

/// A normal run reaps its sleepers: the program, its measuring child and ten sleeping
/// processes, all gone when it ends.
#[test]
fn a_run_leaves_no_process_behind() {
    let args = [
        "--kinds",
        "processes",
        "--processes",
        "10",
        "--sleep-ms",
        "1500",
    ];
    let (mut program, pids) = start_family(&args, 12);
    assert!(program.wait().unwrap().success());
    assert_all_gone(&pids);
}

/// A program killed while its processes sleep (for a minute) leaves none of them behind:
/// its measuring child dies with it, and the sleepers with that.
#[test]
fn a_killed_run_leaves_no_process_behind() {
    let args = [
        "--kinds",
        "processes",
        "--processes",
        "10",
        "--sleep-ms",
        "60000",
    ];
    let (mut program, pids) = start_family(&args, 12);
    testing::kill(program.id()).unwrap();
    program.wait().unwrap();
    assert_all_gone(&pids);
}

/// With `--json`, stdout is JSON rows only, the refused kind has none, and the refusal is
/// said on stderr.
#[test]
fn json_rows_and_a_refusal_on_stderr() {
    let mut command = under_4_gib();
    command.args([
        "--kinds",
        "tasks,threads",
        "--tasks",
        "20",
        "--threads",
        "100",
    ]);
    command.args(["--sleep-ms", "50", "--json"]);
    let ran = testing::run_command(command, testing::LIMIT);
    let rows = ran.json_rows();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["variant"], "tokio tasks");
    assert!(
        ran.stderr.contains("threads: refused after "),
        "{}",
        ran.stderr
    );
}
