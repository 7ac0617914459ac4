//! The lecture's programs, run as a student runs them, against a real `redis-server`
//! each starts itself: every result arrives and is right with 1 and 2 workers; a killed
//! worker's job is delivered again and no result is missing or wrong; a broker that is
//! not there is a clear error within a deadline; no worker, broker or namespace is left.
//!
//!     cargo test -p distributed --test programs

use std::time::Duration;

use common::testing::{self, Running, assert_all_gone, numbers_after};
use serde_json::Value;

const SUBMIT: &str = env!("CARGO_BIN_EXE_submit");
const WORKER: &str = env!("CARGO_BIN_EXE_worker");
const WORKER_CRASH: &str = env!("CARGO_BIN_EXE_worker_crash");
const BROKER: &str = env!("CARGO_BIN_EXE_broker");
const CLUSTER: &str = env!("CARGO_BIN_EXE_cluster");

const DEADLINE: Duration = Duration::from_secs(60);

/// Whether Debian's redis-server is here; if not, says why the test is skipped.
fn redis_installed() -> bool {
    let found = distributed::broker::redis_server().is_some();
    if !found {
        eprintln!("skipped: redis-server is not installed (scripts/install-servers redis)");
    }
    found
}

/// Runs `bin` with `args` and `--json`: its rows, and the pids it said on stderr (the
/// broker's and every worker's).
fn rows_and_pids(bin: &str, args: &[&str]) -> (Vec<Value>, Vec<u32>) {
    let ran = testing::run(bin, &[args, &["--json"]].concat());
    let ran = ran.success();
    let pids = numbers_after(&ran.stderr, "pid");
    (ran.json_rows(), pids)
}

#[test]
fn every_result_arrives_right_with_one_and_two_workers_and_nothing_is_left() {
    if !redis_installed() {
        return;
    }
    let args = [
        "--jobs",
        "12",
        "--rounds",
        "2000",
        "--workers",
        "1,2",
        "--tiny",
        "6",
    ];
    let (rows, pids) = rows_and_pids(SUBMIT, &args);
    let broker_rows: Vec<&Value> = rows
        .iter()
        .filter(|row| row["variant"] != "local rayon pool")
        .collect();
    // Two workloads, each with 1 and 2 workers.
    assert_eq!(broker_rows.len(), 4, "{rows:?}");
    for row in &rows {
        assert_eq!(row["ok"], true, "a wrong or missing result: {row}");
    }
    for row in broker_rows {
        assert_eq!(
            row["ran_twice"], 0,
            "no worker died, yet a job ran twice: {row}"
        );
    }
    // The broker and 1 + 2 workers for each of the two workloads.
    assert_eq!(pids.len(), 1 + 2 * 3, "{pids:?}");
    assert_all_gone(&pids);
}

#[test]
fn a_killed_workers_job_is_delivered_again_and_no_result_is_lost() {
    if !redis_installed() {
        return;
    }
    // Jobs of about 0.1 s, so the kill lands while the job runs.
    let args = ["--jobs", "8", "--rounds", "2000000", "--kill-after", "1"];
    let (rows, pids) = rows_and_pids(WORKER_CRASH, &args);
    let row = &rows[0];
    assert_eq!(row["ok"], true, "a result is missing or wrong: {row}");
    assert!(testing::count(row, "delivered_twice") >= 1, "{row}");
    let recovery = row["recovery_s"].as_f64().expect("the job came back");
    // The job waited for the missed heartbeats (3 of 1 s, which the engine counts in
    // whole seconds: never less than about 1 s after the last one): it did not come back
    // at once, as it would if the broker had been told.
    assert!(recovery >= 1.0, "{row}");
    assert_eq!(pids.len(), 3, "the broker and two workers: {pids:?}");
    assert_all_gone(&pids);
}

#[test]
fn a_broker_that_is_not_there_is_a_clear_error_not_a_hang() {
    let nobody = format!("redis://127.0.0.1:{}/", free_port());
    for (bin, args) in [
        (SUBMIT, vec!["--redis", &nobody, "--jobs", "1"]),
        (WORKER, vec!["--redis", &nobody]),
        (BROKER, vec!["--redis", &nobody]),
    ] {
        let mut command = std::process::Command::new(bin);
        command.args(&args);
        // Killed, and the test failed, if it is still waiting at the deadline.
        let ran = testing::run_command(command, DEADLINE);
        assert_eq!(ran.code(), Some(1), "{bin}: {}", ran.stderr);
        let said = format!("no broker at {nobody}");
        assert!(ran.stderr.contains(&said), "{bin}: {}", ran.stderr);
    }
}

#[test]
fn the_broker_serves_until_told_and_leaves_nothing() {
    if !redis_installed() {
        return;
    }
    let ran = testing::run(BROKER, &["--port", "0", "--seconds", "1"]);
    let ran = ran.success();
    assert!(ran.stdout.contains("no persistence"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("stopped; every queue in it is gone"),
        "{}",
        ran.stdout
    );
    assert_all_gone(&ran.pids());
}

/// The cluster's network, 10.213.0.0/24, is one per machine: one cluster test at a time.
static ONE_CLUSTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Processes whose command line mentions the cluster's broker address, after waiting up
/// to 5 s for them to die with their parent: none, when the cluster cleaned up.
fn cluster_processes_left() -> Vec<u32> {
    let mentions = |pid: &str| {
        let line = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        String::from_utf8_lossy(&line).contains("10.213.0.1")
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let left: Vec<u32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| mentions(&pid.to_string()))
            .collect();
        if left.is_empty() || std::time::Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether this test may make network namespaces; if not, says why it is skipped.
fn can_make_hosts() -> bool {
    match distributed::hosts::can_make_hosts() {
        Ok(()) => redis_installed(),
        Err(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// Starts `cluster` with `args`, alone: the lock (held until the test ends), the
/// program and its pid. `None` when this test may not make namespaces.
fn start_cluster(args: &[&str]) -> Option<(std::sync::MutexGuard<'static, ()>, Running, u32)> {
    if !can_make_hosts() {
        return None;
    }
    let alone = ONE_CLUSTER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let cluster = Running::start(CLUSTER, args);
    let pid = cluster.pid();
    Some((alone, cluster, pid))
}

/// After a cluster run: no namespace or cable of its own, and no broker or worker.
fn assert_cluster_gone(pid: u32) {
    assert_eq!(distributed::hosts::left_behind(pid), Vec::<String>::new());
    let left = cluster_processes_left();
    assert_eq!(left, Vec::<u32>::new(), "a broker or worker is left");
}

#[test]
fn a_cluster_of_namespaces_runs_every_job_and_removes_every_namespace() {
    let args = ["--hosts", "2", "--jobs", "6", "--rounds", "1000", "--json"];
    let Some((_alone, cluster, pid)) = start_cluster(&args) else {
        return;
    };
    let (status, lines) = cluster.wait(DEADLINE);
    assert!(status.success(), "{lines:?}");
    let row: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(row["ok"], true, "{row}");
    assert_eq!(row["workers"], 2, "{row}");
    assert_cluster_gone(pid);
}

#[test]
fn ctrl_c_in_a_cluster_removes_every_namespace() {
    // Long jobs, so Ctrl-C comes while they run.
    let args = ["--hosts", "2", "--jobs", "4", "--rounds", "100000000"];
    let Some((_alone, cluster, pid)) = start_cluster(&args) else {
        return;
    };
    let first = cluster.next_line();
    assert!(first.starts_with("broker host"), "{first}");
    let made = distributed::hosts::left_behind(pid);
    assert!(!made.is_empty(), "the hosts exist by now");
    cluster.interrupt();
    let (status, _) = cluster.wait(DEADLINE);
    assert_eq!(status.code(), Some(130), "{status}");
    assert_cluster_gone(pid);
}
#[test]
fn bad_flags_are_refused() {
    testing::assert_refused(
        SUBMIT,
        &[&["--workers", "0"], &["--jobs", "0"], &["--rounds", "0"]],
    );
    testing::assert_refused(WORKER, &[&["--concurrency", "0"]]);
    testing::assert_refused(WORKER_CRASH, &[&["--jobs", "1"]]);
    testing::assert_refused(CLUSTER, &[&["--hosts", "0"], &["--hosts", "9"]]);
    testing::assert_refused(BROKER, &[&["--seconds", "0"]]);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
