//! a job waiting on a job in a 1-worker pool, and a waits b waits a: both detected by a timeout, explained, fixed
//!
//!     cargo run -p pools --bin pool_deadlock
//!     cargo run -p pools --bin pool_deadlock -- --patience-ms 2000
//!
//! The Python course notebook's "Nothing is happening, why?" (a job submits a job to its
//! own one-worker pool and waits for it) and its `wait_on_a` / `wait_on_b` circle. In
//! Python both hang. Here every job that waits for another job waits at most
//! `--patience-ms`: the clock detects the deadlock, and giving up breaks it
//! (`pools::deadlock` has the jobs).
//!
//! What to look for: each deadlock is reported as `DEADLOCK DETECTED` with who waits for
//! whom, then the fixes run and finish at once; the program always ends, exit code 0.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pools::deadlock::{self, Nested, Stuck, Waiter};

/// Two pool deadlocks, detected by a timeout and fixed (the Python course notebook).
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    patience: common::term::PatienceFlag,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::exit_code("pool_deadlock", run(args.patience.patience()))
}

fn run(patience: Duration) -> Result<(), Stuck> {
    let ms = patience.as_millis();
    println!("(a) one worker; a job submits a job to the same pool and waits for its result");
    let nested = deadlock::job_waits_for_its_own_job(1, patience)?;
    match nested {
        Nested::Got(value) => println!("  no deadlock: the outer job got {value}"),
        Nested::GaveUp { late } => println!(
            "  DEADLOCK DETECTED: the outer job waited {ms} ms for the inner job, which never ran.\n  \
             The pool's only worker was running the outer job, the outer job was waiting for the\n  \
             inner job, and the inner job was waiting in the queue for a free worker: that one.\n  \
             When the outer job gave up, the worker was free and ran the inner job at once: {late}."
        ),
    };
    let detected_a = matches!(nested, Nested::GaveUp { .. });
    let fix_1 = match deadlock::job_waits_for_its_own_job(2, patience)? {
        Nested::Got(value) => {
            format!("the inner job runs on the second worker, the outer job gets {value}")
        }
        Nested::GaveUp { .. } => "still stuck (this should not happen)".to_string(),
    };
    println!("  fix 1, two workers: {fix_1}");
    println!(
        "  (fix 1 only moves the limit: two outer jobs at once take both workers and freeze again)"
    );
    println!(
        "  fix 2, wait outside: the job returns the inner job's handle, the main thread waits: {}",
        deadlock::wait_outside_the_job(patience)?
    );
    println!(
        "  fix 3, rayon: a job waiting in `rayon::scope` runs the inner job itself, one thread is enough: {}",
        deadlock::rayon_waits_by_working()
    );

    println!();
    println!("(b) two workers; job a waits for job b, job b waits for job a");
    let circle = deadlock::a_and_b(true, patience)?;
    circle.iter().for_each(|job| println!("  {job}"));
    let detected_b = circle.iter().any(Waiter::gave_up);
    if detected_b {
        println!(
            "  DEADLOCK DETECTED: a was waiting for b, and b was waiting for a, so neither could finish.\n  \
             Both workers were busy waiting, and no one was left to do any work. When a's patience\n  \
             ran out, a returned: the circle was broken, and b, seeing a finish, could return too."
        );
    }
    println!("  fix, order the waits: a may wait for b, but then b must not wait for a");
    let ordered = deadlock::a_and_b(false, patience)?;
    ordered.iter().for_each(|job| println!("  {job}"));
    println!(
        "  (a circle of waits needs every one of its arrows: take one away and every wait ends)"
    );

    let detected = usize::from(detected_a) + usize::from(detected_b);
    println!();
    println!("{detected} of 2 deadlocks detected; no thread is left waiting");
    Ok(())
}
