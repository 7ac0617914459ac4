//! The promises of `common::process`, each checked with real processes. This test binary is
//! its own child: started with the hidden role argument, it plays the child's part instead.
//!
//!     cargo test -p common --test process

use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::process::{self, Child, ProcessError};
use common::testing;

/// What the test's children are asked to do.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum Request {
    Double(u64),
    /// Reply with your pid.
    Pid,
    /// Abort mid-conversation, as a crashing worker would.
    Crash,
    /// Start a grandchild that sleeps, reply with its pid, then wait to be killed.
    SpawnSleeper,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
enum Response {
    Doubled(u64),
    Pid(u32),
}

fn main() -> ExitCode {
    if let Some(role) = process::child_role() {
        return child_main(&role);
    }
    let scenarios: [(&str, testing::Scenario); 7] = [
        (
            "a child is another process and answers typed messages",
            round_trip,
        ),
        (
            "the child ends when its channel closes",
            ends_when_channel_closes,
        ),
        (
            "a crash mid-conversation is reported with its signal",
            crash_is_reported,
        ),
        (
            "a child that exits with an error before connecting is reported",
            early_exit,
        ),
        (
            "a child killed by another hand is reported, not waited on",
            killed_child,
        ),
        (
            "a child dies within a second of its parent",
            dies_with_parent,
        ),
        (
            "a job runs in a fresh child, and its own error comes back first",
            fresh_child_jobs,
        ),
    ];
    testing::run_scenarios(&scenarios)
}

/// The child's part: serve requests until the channel closes.
fn child_main(role: &str) -> ExitCode {
    if role == "exit-early" {
        return ExitCode::from(3);
    }
    if role == "jobs" {
        let doubled = process::serve_jobs(|n: u64| match n {
            0 => Err("zero is not a job".to_string()),
            n => Ok((2 * n, std::process::id())),
        });
        return common::exit_code("jobs", doubled);
    }
    let parent = process::connect_to_parent::<Request, Response>().expect("connect to parent");
    if role == "sleeper" {
        // Busy with something else, not reading its channel: only the kernel's
        // parent-death signal can end it early.
        std::thread::sleep(Duration::from_secs(60));
        return ExitCode::SUCCESS;
    }
    // Keeps the grandchild's handle alive while we wait to be killed.
    let mut grandchild = None;
    while let Ok(request) = parent.rx.recv() {
        let reply = match request {
            Request::Double(n) => Response::Doubled(2 * n),
            Request::Pid => Response::Pid(std::process::id()),
            Request::Crash => std::process::abort(),
            Request::SpawnSleeper => {
                let sleeper = Child::<Request, Response>::spawn("sleeper").expect("grandchild");
                let pid = sleeper.pid();
                grandchild = Some(sleeper);
                Response::Pid(pid)
            }
        };
        if parent.tx.send(reply).is_err() {
            break;
        }
    }
    drop(grandchild);
    ExitCode::SUCCESS
}

fn check(condition: bool, what: impl Into<String>) -> Result<(), String> {
    if condition { Ok(()) } else { Err(what.into()) }
}

fn round_trip() -> Result<(), String> {
    let mut child = Child::<Request, Response>::spawn("worker").map_err(|e| e.to_string())?;
    for n in 0..10 {
        child.send(Request::Double(n)).map_err(|e| e.to_string())?;
        let reply = child.recv().map_err(|e| e.to_string())?;
        check(
            reply == Response::Doubled(2 * n),
            format!("reply to {n}: {reply:?}"),
        )?;
    }
    child.send(Request::Pid).map_err(|e| e.to_string())?;
    let reply = child.recv().map_err(|e| e.to_string())?;
    check(
        reply == Response::Pid(child.pid()),
        format!("child says {reply:?}, handle says {}", child.pid()),
    )?;
    check(child.pid() != std::process::id(), "child pid equals ours")?;
    child.join().map(|_| ()).map_err(|e| e.to_string())
}

fn ends_when_channel_closes() -> Result<(), String> {
    let child = Child::<Request, Response>::spawn("worker").map_err(|e| e.to_string())?;
    // No request at all: closing our sender alone must end the child's loop.
    let status = child.join().map_err(|e| e.to_string())?;
    check(status.success(), format!("status {status}"))
}

fn crash_is_reported() -> Result<(), String> {
    let mut child = Child::<Request, Response>::spawn("worker").map_err(|e| e.to_string())?;
    child.send(Request::Crash).map_err(|e| e.to_string())?;
    match child.recv() {
        Err(ProcessError::Crashed { status, .. }) => {
            let words = process::describe(status);
            check(words.contains("SIGABRT"), format!("described as {words}"))
        }
        other => Err(format!("expected a crash, got {other:?}")),
    }
}

fn early_exit() -> Result<(), String> {
    match Child::<Request, Response>::spawn("exit-early") {
        Err(e @ ProcessError::Crashed { .. }) => {
            check(e.to_string().contains("exit code 3"), e.to_string())
        }
        Err(other) => Err(format!("expected a crash report, got {other}")),
        Ok(_) => Err("spawn succeeded for a child that never connects".into()),
    }
}

fn killed_child() -> Result<(), String> {
    let mut child = Child::<Request, Response>::spawn("worker").map_err(|e| e.to_string())?;
    testing::kill(child.pid())?;
    match child.recv_timeout(Duration::from_secs(5)) {
        Err(ProcessError::Crashed { status, .. }) => check(
            process::describe(status).contains("SIGKILL"),
            process::describe(status),
        ),
        other => Err(format!("expected a crash, got {other:?}")),
    }
}

fn dies_with_parent() -> Result<(), String> {
    // We start a middle process, which starts a sleeping grandchild and tells us its pid.
    // Then we kill the middle one, as a user's `kill -9` would.
    let mut middle = Child::<Request, Response>::spawn("middle").map_err(|e| e.to_string())?;
    middle
        .send(Request::SpawnSleeper)
        .map_err(|e| e.to_string())?;
    let Response::Pid(grandchild) = middle.recv().map_err(|e| e.to_string())? else {
        return Err("middle did not report its child".into());
    };
    check(
        testing::is_alive(grandchild),
        "grandchild not running before the kill",
    )?;
    middle.kill().map_err(|e| e.to_string())?;
    let killed_at = Instant::now();
    while testing::is_alive(grandchild) {
        if killed_at.elapsed() > Duration::from_secs(1) {
            let _ = testing::kill(grandchild);
            return Err(format!(
                "grandchild {grandchild} outlived its parent by 1 s"
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// `run_in_fresh_child` answers each job in a process of its own, and a job that failed
/// there comes back as the child's own message, not as its exit status.
fn fresh_child_jobs() -> Result<(), String> {
    let limit = Duration::from_secs(30);
    let run = |n: u64| process::run_in_fresh_child::<u64, (u64, u32)>("jobs", n, limit);
    let (first, second) = (
        run(21).map_err(|e| e.to_string())?,
        run(4).map_err(|e| e.to_string())?,
    );
    if first.0 != 42 || second.0 != 8 {
        return Err(format!("answers {first:?} and {second:?}"));
    }
    if first.1 == second.1 || first.1 == std::process::id() {
        return Err(format!(
            "not fresh children: pids {} and {}",
            first.1, second.1
        ));
    }
    match run(0) {
        Err(e) if e.to_string() == "zero is not a job" => Ok(()),
        other => Err(format!("a failed job gave {other:?}")),
    }
}
