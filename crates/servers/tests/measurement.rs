//! The measurement programs, on a small load: every server they start answers the cat
//! server's page (nginx's and Apache's copies included), wrk's load is answered without
//! an error, and the footprints show each model: one process of a few threads for an
//! event loop and nginx, a process per connection for Apache's prefork, a thread per
//! idle connection for a thread per connection. Figures of speed and memory are not
//! asserted: they belong to scripts/servers.
//!
//!     cargo test -p servers --test measurement
//!
//! wrk, nginx and Apache come from `scripts/install-servers` (CI runs it); where one is
//! missing, the test that needs it says so and checks nothing more.

use common::testing::{self, count};
use serde_json::Value;

const COMPARE: &str = env!("CARGO_BIN_EXE_compare_servers");
const C10K: &str = env!("CARGO_BIN_EXE_c10k");

/// Whether `program` runs here; if not, says so on stderr.
fn installed(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("-v")
        .output()
        .is_ok()
        || ["/usr/sbin", "/usr/bin"]
            .iter()
            .any(|dir| std::path::Path::new(dir).join(program).exists());
    if !found {
        eprintln!("skipped: {program} is not installed (scripts/install-servers installs it)");
    }
    found
}

/// The row of `server`.
fn row<'a>(rows: &'a [Value], server: &str) -> &'a Value {
    let found = rows.iter().find(|row| row["variant"] == server);
    found.unwrap_or_else(|| panic!("no row for {server} in {rows:?}"))
}

#[test]
fn wrk_is_answered_by_ours_by_nginx_and_by_apache() {
    if !["wrk", "nginx", "apache2"].iter().all(|p| installed(p)) {
        return;
    }
    let args = ["--connections", "20", "--seconds", "1", "--json"];
    let servers = ["--servers", "1 thread,thread per,nginx,Apache"];
    let rows = testing::json_rows(COMPARE, &[&args[..], &servers].concat());
    assert_eq!(rows.len(), 4, "{rows:?}");
    for row in &rows {
        assert_eq!(row["ok"], true, "the page was right: {row}");
        assert_eq!(count(row, "errors"), 0, "{row}");
        assert!(row["req_per_s"].as_f64() > Some(0.0), "{row}");
    }
    assert_eq!(count(row(&rows, "event loop, 1 thread"), "processes"), 1);
    assert_eq!(
        count(row(&rows, "nginx, 1 worker"), "processes"),
        2,
        "master, worker"
    );
    let apache = row(&rows, "Apache prefork");
    assert_eq!(
        count(apache, "processes"),
        1001,
        "its parent and 1 000 children"
    );
    assert!(count(row(&rows, "thread per connection"), "workers") >= 20);
}

#[test]
fn idle_connections_cost_a_thread_each_only_with_a_thread_per_connection() {
    if !installed("nginx") {
        return;
    }
    let args = ["--connections", "300", "--json"];
    let servers = ["--servers", "thread per,1 thread,nginx"];
    let rows = testing::json_rows(C10K, &[&args[..], &servers].concat());
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows {
        assert_eq!(count(row, "held"), 300, "{row}");
    }
    let threads = row(&rows, "thread per connection");
    assert!(count(threads, "workers") >= 300, "{threads}");
    let event_loop = row(&rows, "event loop, 1 thread");
    assert!(count(event_loop, "workers") <= 4, "{event_loop}");
    assert_eq!(count(row(&rows, "nginx, 1 worker"), "workers"), 2);
}

#[test]
fn bad_flags_are_refused() {
    testing::assert_refused(COMPARE, &[&["--connections", "0"], &["--seconds", "0"]]);
    testing::assert_refused(
        C10K,
        &[&["--connections", "20000"], &["--connections", "x"]],
    );
}
