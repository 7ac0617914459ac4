//! The four server programs, run as a student runs them: every reply of the load right,
//! and the model visible in the server's footprint (a thread or a process per open
//! connection, or neither); head-of-line blocking in the pool; garbage refused and
//! serving going on; Ctrl-C stops each of them, leaving nothing; killing a process per
//! connection leaves no child alive.
//!
//!     cargo test -p servers --test programs

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use common::testing::{self, Running, assert_all_gone, children_of, numbers_after};
use servers::client::Client;

const PROCESS: &str = env!("CARGO_BIN_EXE_process_per_connection");
const THREAD: &str = env!("CARGO_BIN_EXE_thread_per_connection");
const POOL: &str = env!("CARGO_BIN_EXE_thread_pool_server");
const EVENT_LOOP: &str = env!("CARGO_BIN_EXE_event_loop");

const DEADLINE: Duration = Duration::from_secs(20);

/// Runs `bin` with `args`; its stdout, once it has succeeded.
fn output(bin: &str, args: &[&str]) -> String {
    testing::run(bin, args).success().stdout.clone()
}

/// The numbers of the "at its peak" line: processes and threads.
fn peak(stdout: &str) -> (u32, u32) {
    let line = stdout
        .lines()
        .find(|line| line.starts_with("the server at its peak: "))
        .unwrap_or_else(|| panic!("no peak in\n{stdout}"));
    let processes = numbers_after(line, "peak:")[0];
    let threads = numbers_after(line, ",")[0];
    (processes, threads)
}

fn assert_all_answered_and_nothing_left(stdout: &str, requests: u32) {
    let answered = format!("{requests} of {requests} requests answered, every page right");
    assert!(stdout.contains(&answered), "{stdout}");
    assert!(
        stdout.contains("stopped: every connection closed; 1 thread and 0 child processes left"),
        "{stdout}"
    );
}

#[test]
fn a_thread_per_connection_holds_a_thread_for_every_open_connection() {
    let stdout = output(THREAD, &["--connections", "100", "--requests", "10"]);
    assert_all_answered_and_nothing_left(&stdout, 1000);
    let (processes, threads) = peak(&stdout);
    assert_eq!(processes, 1);
    assert!(
        threads >= 100,
        "100 connections open at once, {threads} threads"
    );
}

#[test]
fn a_process_per_connection_holds_a_process_for_every_open_connection() {
    let stdout = output(PROCESS, &["--connections", "50", "--requests", "4"]);
    assert_all_answered_and_nothing_left(&stdout, 200);
    assert_eq!(
        peak(&stdout).0,
        51,
        "the server and one child per connection"
    );
}

#[test]
fn an_event_loop_holds_no_thread_for_a_connection() {
    let stdout = output(EVENT_LOOP, &["--connections", "300", "--requests", "3"]);
    assert_all_answered_and_nothing_left(&stdout, 900);
    assert_eq!(peak(&stdout), (1, 2), "main and the runtime's one thread");
    let stdout = output(EVENT_LOOP, &["--threads", "2", "--connections", "300"]);
    assert_all_answered_and_nothing_left(&stdout, 3000);
    // Main, the thread that runs the runtime's `block_on`, its two workers, and now and
    // then a thread of tokio's own for blocking work: a few, for 300 connections.
    let (processes, threads) = peak(&stdout);
    assert!(processes == 1 && (4..=6).contains(&threads), "{stdout}");
}

/// Keep-alive connections held open: 4 workers serve the first 4, the others wait
/// until they give up. A worker for each connection serves them all.
#[test]
fn a_pool_serves_as_many_connections_as_it_has_workers() {
    let args = ["--workers", "4", "--connections", "20", "--patience", "1"];
    let stdout = output(POOL, &args);
    assert!(stdout.contains("40 of 200 requests answered"), "{stdout}");
    assert!(stdout.contains("(4 of 20 answered)"), "{stdout}");
    assert_eq!(peak(&stdout), (1, 6), "main, accept and 4 workers");
    let stdout = output(POOL, &["--workers", "20", "--connections", "20"]);
    assert_all_answered_and_nothing_left(&stdout, 200);
}

/// A stalled client holds its worker: with one, nobody else is answered. With a thread
/// per connection, a stalled client holds its own thread only.
#[test]
fn stalled_clients_block_a_pool_and_nobody_else() {
    let stalled = ["--stalled", "1", "--connections", "5", "--patience", "1"];
    let stdout = output(POOL, &[&["--workers", "1"][..], &stalled].concat());
    assert!(stdout.contains("0 of 50 requests answered"), "{stdout}");
    let stdout = output(THREAD, &stalled);
    assert_all_answered_and_nothing_left(&stdout, 50);
}

/// Starts `bin --serve`; the server and its address, from its first line.
fn serve(bin: &str) -> (Running, SocketAddr) {
    let server = Running::start(bin, &["--serve"]);
    let first = server.next_line();
    let url = first.split("listening on http://").nth(1);
    let addr = url.and_then(|addr| addr.parse().ok());
    (
        server,
        addr.unwrap_or_else(|| panic!("no address in {first:?}")),
    )
}

/// A reply with a 4xx status, or a closed connection: the server refused it.
fn refused(addr: SocketAddr, garbage: &[u8]) -> bool {
    let mut rude = Client::connect(addr, Some(DEADLINE)).unwrap();
    match rude.send(garbage).and_then(|()| rude.reply()) {
        Ok((status, _)) => (400..500).contains(&status),
        Err(error) => error.kind() != io::ErrorKind::WouldBlock,
    }
}

#[test]
fn every_server_refuses_garbage_serves_on_and_stops_on_ctrl_c() {
    let mut huge = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.extend(b"\r\n\r\n");
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let noise = [noise, b"\r\n\r\n".to_vec()].concat();
    let garbage = [b"GET /pages/1\r\n\r\n".to_vec(), huge, noise];
    for bin in [PROCESS, THREAD, POOL, EVENT_LOOP] {
        let (server, addr) = serve(bin);
        for bytes in &garbage {
            assert!(refused(addr, bytes), "{bin}: garbage was answered");
        }
        let mut polite = Client::connect(addr, Some(DEADLINE)).unwrap();
        polite.get_page(1).unwrap();
        drop(polite);
        server.interrupt();
        let (status, rest) = server.wait(DEADLINE);
        assert!(status.success(), "{bin}: {status}");
        let last = rest.last().map(String::as_str).unwrap_or_default();
        assert!(
            last.ends_with("1 thread and 0 child processes left"),
            "{bin}: {rest:?}"
        );
    }
}

#[test]
fn killing_a_process_per_connection_leaves_no_child() {
    let (server, addr) = serve(PROCESS);
    let mut clients: Vec<Client> = Vec::new();
    for page in 1..=3 {
        let mut client = Client::connect(addr, Some(DEADLINE)).unwrap();
        client.get_page(page).unwrap(); // answered: its child is running
        clients.push(client);
    }
    let children = children_of(server.pid());
    assert_eq!(children.len(), 3, "one child per open connection");
    testing::kill(server.pid()).unwrap();
    assert_all_gone(&children);
}

#[test]
fn bad_flags_are_refused() {
    testing::assert_refused(POOL, &[&["--workers", "0"], &["--connections", "0"]]);
    testing::assert_refused(EVENT_LOOP, &[&["--threads", "0"], &["--seconds", "5"]]);
    testing::assert_refused(THREAD, &[&["--port", "70000"], &["--patience", "0"]]);
}
