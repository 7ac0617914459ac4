//! five child processes each double a number and report their pid and name
//!
//! As in the Python course notebook, each child (this program again) signs its result
//! first with its process id, then with a name the parent gave it (`Process-1` … and one
//! called `Test`). The parent starts them all, hands each its number, and waits for every
//! one to answer and exit (`join`). The children print their own line, like the Python
//! original, and send the result back, so the parent checks every answer.
//!
//!     cargo run -p pipes --bin doubler
//!     cargo run -p pipes --bin doubler -- --numbers 1,2,3,4,5,6,7,8
//!
//! What to look for: every child has its own pid, none of them the parent's. Run it twice:
//! the lines come out in a different order, because the children really run at the same
//! time and whichever the operating system schedules first prints first.

use std::process::ExitCode;

use clap::Parser;
use common::process::{self, Child, ProcessError};
use serde::{Deserialize, Serialize};

/// Child processes double numbers and report who did it.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The numbers to double, one child process each.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "5,10,15,20,25",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(-1_000_000_000_000..=1_000_000_000_000)
    )]
    numbers: Vec<i64>,
}

/// What the parent asks of a child.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    number: i64,
    /// `None`: sign with your process id (`os.getpid()` in the original); `Some`: sign
    /// with this name (`current_process().name`).
    name: Option<String>,
}

/// What a child answers: its result, and who it is.
#[derive(Debug, Serialize, Deserialize)]
struct Doubled {
    number: i64,
    result: i64,
    pid: u32,
}

/// The hidden role under which this program runs as a doubler.
const DOUBLER: &str = "doubler";

/// The child's part: double the number, say so, answer the parent.
// ANCHOR: doubler
fn doubler() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Job, Doubled>()?;
    let Ok(Job { number, name }) = parent.rx.recv() else {
        return Ok(()); // the parent went away before giving us work
    };
    let result = number * 2;
    let pid = std::process::id();
    match name {
        None => {
            println!("{number} doubled to {result} by process id: {pid}");
        }
        Some(name) => println!("{number} doubled to {result} by: {name}"),
    }
    let _ = parent.tx.send(Doubled {
        number,
        result,
        pid,
    });
    Ok(())
}
// ANCHOR_END: doubler

/// Starts one child per job, then lets them all work at once, then joins them.
///
/// Starting a process takes far longer than doubling a number: a child given its job at
/// birth would be done before the next one started, and the output would look
/// sequential. So every child is started first, and only then do the jobs go out. Then
/// every answer is collected and checked: the right double, signed by that very child.
// ANCHOR: parent
fn run_children(jobs: Vec<Job>) -> Result<(), ProcessError> {
    let mut children = Vec::new();
    for _ in &jobs {
        children.push(Child::<Job, Doubled>::spawn(DOUBLER)?);
    }
    let numbers: Vec<i64> = jobs.iter().map(|job| job.number).collect();
    for (child, job) in children.iter().zip(jobs) {
        child.send(job)?;
    }
    for (mut child, number) in children.into_iter().zip(numbers) {
        let answer = child.recv()?;
        let right = answer.number == number
            && answer.result == 2 * number
            && answer.pid == child.pid()
            && answer.pid != std::process::id();
        if !right {
            let wrong = format!("wrong answer: {answer:?}");
            return Err(ProcessError::Ipc(wrong));
        }
        child.join()?; // `proc.join()`: wait until it has exited
    }
    Ok(())
}
// ANCHOR_END: parent

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(DOUBLER, doubler)]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("doubler", run(&args.numbers))
}

fn run(numbers: &[i64]) -> Result<(), ProcessError> {
    println!("parent process id: {}", std::process::id());
    // The original's first version: each child signs with its process id.
    let by_pid = numbers.iter().map(|&number| Job { number, name: None });
    // Its second version: children named `Process-1`, `Process-2`, … and one named `Test`.
    let mut by_name: Vec<Job> = (1..)
        .zip(numbers)
        .map(|(i, &number)| Job {
            number,
            name: Some(format!("Process-{i}")),
        })
        .collect();
    by_name.push(Job {
        number: 2,
        name: Some("Test".into()),
    });
    for jobs in [by_pid.collect(), by_name] {
        let count = jobs.len();
        run_children(jobs)?;
        println!("{count} children joined, every answer checked");
    }
    Ok(())
}
