//! `manager`: a server process owns the data, proxies change it, and the parent prints
//! exactly what Python prints. Also the library's server and proxies, in one process.
//!
//!     cargo test -p pipes --test manager

use std::thread;

use common::testing;
use ipc_channel::ipc;
use pipes::manager::{Dict, DictProxy, Key, List, ListProxy, Manager, ProxyError, Request, Value};

const BIN: &str = env!("CARGO_BIN_EXE_manager");

/// The default run prints Python's two lines exactly, one after the other, and the
/// parent, the server and the worker are three different processes.
#[test]
fn prints_the_python_state_exactly() {
    let out = testing::run(BIN, &[]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "{1: '1', '2': 2, 0.25: None}")
        .unwrap_or_else(|| panic!("no dict line:\n{stdout}"));
    assert_eq!(lines.get(at + 1), Some(&"[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]"));

    let parent = testing::numbers_after(stdout, "parent pid")[0];
    let server = testing::numbers_after(stdout, "server process (pid")[0];
    let worker = testing::numbers_after(stdout, "Process-1 (pid")[0];
    assert!(
        parent != server && server != worker && parent != worker,
        "{stdout}"
    );
    // 1 extend + 3 sets + 1 reverse + 2 snapshots.
    assert!(stdout.contains("answered 7 requests"), "{stdout}");
}

/// Three workers at once: every worker's key arrives, nothing else does, and the list is
/// reversed once (only worker 1 reverses it).
#[test]
fn every_workers_keys_are_present() {
    let out = testing::run(BIN, &["--workers", "3"]);
    let stdout = &out.stdout;
    assert!(out.status.success(), "exit {}:\n{stdout}", out.status);
    let dict = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no dict line:\n{stdout}"));
    for entry in [
        "1: '1'",
        "'2': 2",
        "0.25: None",
        "'Process-2': 2",
        "'Process-3': 3",
    ] {
        assert!(dict.contains(entry), "{entry} missing from {dict}");
    }
    assert_eq!(dict.matches(": ").count(), 5, "{dict}");
    assert!(
        stdout.contains("\n[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]\n"),
        "{stdout}"
    );
    // 1 extend + 4 (worker 1) + 1 + 1 (workers 2 and 3) + 2 snapshots.
    assert!(stdout.contains("answered 9 requests"), "{stdout}");
}

/// Nonsense values are refused by the flag parser with exit code 2.
#[test]
fn nonsense_flags_exit_2() {
    for args in [&["--workers", "0"][..], &["--workers", "some"]] {
        let out = testing::run(BIN, args);
        assert_eq!(out.code(), Some(2), "{args:?}");
    }
}

/// The request/response pattern without extra processes: the server loop on a thread, the
/// proxies on this one. Sets, gets, an overwrite that keeps its place, a reverse, and the
/// server's count of the requests it answered.
#[test]
fn proxies_talk_to_the_server_loop() {
    let (requests, receiver) = ipc::channel::<Request>().unwrap();
    let server = thread::spawn(move || Manager::new().serve(&receiver));
    let d = DictProxy::new(requests.clone());
    let l = ListProxy::new(requests);

    d.set(Key::Int(1), Value::Str("1".into())).unwrap();
    d.set(Key::Str("2".into()), Value::Int(2)).unwrap();
    d.set(Key::Float(0.25), Value::None).unwrap();
    d.set(Key::Int(1), Value::Str("one".into())).unwrap(); // overwrite: stays first
    assert_eq!(d.get(Key::Float(0.25)).unwrap(), Some(Value::None));
    assert_eq!(d.get(Key::Str("missing".into())).unwrap(), None);
    assert_eq!(
        d.snapshot().unwrap().to_string(),
        "{1: 'one', '2': 2, 0.25: None}"
    );

    l.extend((0..5).map(Value::Int).collect()).unwrap();
    l.reverse().unwrap();
    assert_eq!(l.snapshot().unwrap().to_string(), "[4, 3, 2, 1, 0]");

    // Every sender gone (both proxies): the loop ends by itself and reports its count,
    // 4 sets + 2 gets + 1 snapshot of the dict, 1 extend + 1 reverse + 1 snapshot of the list.
    drop((d, l));
    assert_eq!(server.join().unwrap(), 10);
}

/// After a shutdown, a proxy's call fails with `ServerGone` instead of waiting for ever.
#[test]
fn a_call_to_a_stopped_server_fails_instead_of_hanging() {
    let (requests, receiver) = ipc::channel::<Request>().unwrap();
    let server = thread::spawn(move || Manager::new().serve(&receiver));
    let d = DictProxy::new(requests.clone());
    requests.send(Request::Shutdown).unwrap();
    assert_eq!(server.join().unwrap(), 0); // the receiver is dropped with the thread
    assert!(matches!(
        d.set(Key::Int(1), Value::None),
        Err(ProxyError::ServerGone)
    ));
}

/// Keys and values print as Python's `repr` does.
#[test]
fn values_print_like_python_reprs() {
    assert_eq!(Key::Int(-3).to_string(), "-3");
    assert_eq!(Key::Float(1.0).to_string(), "1.0");
    assert_eq!(Key::Float(0.25).to_string(), "0.25");
    assert_eq!(Value::Str("it's".into()).to_string(), r#""it's""#);
    assert_eq!(Value::Str(r"a\b".into()).to_string(), r"'a\\b'");
    assert_eq!(
        Value::Str("say \"hi\", it's".into()).to_string(),
        r#"'say "hi", it\'s'"#
    );
    assert_eq!(Value::None.to_string(), "None");
    assert_eq!(Dict::new().to_string(), "{}");
    assert_eq!(List::new().to_string(), "[]");
    assert_eq!(
        List::from(vec![Value::Int(1), Value::None]).to_string(),
        "[1, None]"
    );
}
