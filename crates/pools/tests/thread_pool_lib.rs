//! The hand-built `ThreadPool`: results, `map`'s order, `as_completed`'s order, panics,
//! `is_done`, timeouts and what dropping the pool does.
//!
//! Where a test is about order, the order is forced with channels: a job waits on its own
//! "gate" until the test opens it, so no test relies on one sleep being longer than another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crossbeam::channel::{self, Receiver, Sender};
use pools::thread_pool::{JobPanicked, ThreadPool, WaitError, as_completed};

/// Long enough never to expire on a healthy machine; only there so a broken pool fails
/// the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(10);

/// A gate a job waits behind until the test opens it.
fn gate() -> (Sender<()>, Receiver<()>) {
    channel::bounded(1)
}

fn wait_at(gate: &Receiver<()>) {
    gate.recv_timeout(PATIENCE)
        .expect("the test opens the gate");
}

/// `submit` returns a handle whose `result` is the job's return value.
#[test]
fn submit_returns_the_value() {
    let pool = ThreadPool::new(2);
    let handles: Vec<_> = (1..=5_u64).map(|n| pool.submit(move || n * 10)).collect();
    let values: Vec<u64> = handles.into_iter().map(|h| h.result().unwrap()).collect();
    assert_eq!(values, [10, 20, 30, 40, 50]);
    assert_eq!(pool.workers(), 2);
}

/// `is_done` is false while the job waits behind its gate, true once it has returned.
#[test]
fn is_done_turns_true_when_the_job_ends() {
    let pool = ThreadPool::new(1);
    let (open, gate) = gate();
    let handle = pool.submit(move || {
        wait_at(&gate);
        "hello"
    });
    assert!(!handle.is_done());
    open.send(()).unwrap();
    handle.wait();
    assert!(handle.is_done());
    assert_eq!(handle.result(), Ok("hello"));
}

/// `result_timeout` hands the handle back when the job is not done yet; waiting again
/// after the job ended gives the value.
#[test]
fn result_timeout_gives_the_handle_back() {
    let pool = ThreadPool::new(1);
    let (open, gate) = gate();
    let handle = pool.submit(move || {
        wait_at(&gate);
        7
    });
    let handle = match handle.result_timeout(Duration::from_millis(20)) {
        Err(WaitError::TimedOut(handle)) => handle,
        other => panic!("expected a timeout, got {other:?}"),
    };
    assert!(!handle.wait_timeout(Duration::from_millis(1)));
    let done = handle.done_signal();
    assert!(!done.is_done());
    open.send(()).unwrap();
    assert!(done.wait_timeout(PATIENCE));
    assert_eq!(handle.result_timeout(PATIENCE).unwrap(), 7);
}

/// A panicking job is reported through its handle, and its worker lives on: the only
/// worker of the pool runs the next job.
#[test]
fn a_panic_is_reported_and_the_worker_survives() {
    let pool = ThreadPool::new(1);
    let boom = pool.submit(|| -> u32 { panic!("boom") });
    assert_eq!(
        boom.result(),
        Err(JobPanicked {
            message: "boom".to_string()
        })
    );
    let formatted = pool.submit(|| -> u32 { panic!("job {} failed", 3) });
    let error = formatted.result().unwrap_err();
    assert_eq!(error.to_string(), "the job panicked: job 3 failed");

    let after = pool.submit(|| thread::current().name().map(str::to_string));
    assert_eq!(after.result().unwrap().as_deref(), Some("pool-worker-0"));

    // The same through `result_timeout`.
    let again = pool.submit(|| -> u32 { panic!("again") });
    match again.result_timeout(PATIENCE) {
        Err(WaitError::Panicked(p)) => assert_eq!(p.message, "again"),
        other => panic!("expected a panic, got {other:?}"),
    }
}

/// One input of the `map` test: a number, a gate to wait at first, a gate to open last.
struct Step {
    n: usize,
    wait_for: Option<Receiver<()>>,
    then_open: Option<Sender<()>>,
}

/// `map` yields in the order of the inputs even when the first job finishes last: job 0
/// waits until job 2 has run and opened its gate.
#[test]
fn map_yields_in_submission_order() {
    let pool = ThreadPool::new(3);
    let finished = Arc::new(Mutex::new(Vec::new()));
    let (open, gate) = gate();
    let inputs = vec![
        Step {
            n: 0,
            wait_for: Some(gate),
            then_open: None,
        },
        Step {
            n: 1,
            wait_for: None,
            then_open: None,
        },
        Step {
            n: 2,
            wait_for: None,
            then_open: Some(open),
        },
    ];
    let log = Arc::clone(&finished);
    let results: Vec<usize> = pool
        .map(
            move |step: Step| {
                if let Some(gate) = step.wait_for {
                    wait_at(&gate);
                }
                log.lock().unwrap().push(step.n);
                if let Some(open) = step.then_open {
                    open.send(()).unwrap();
                }
                step.n * 100
            },
            inputs,
        )
        .map(Result::unwrap)
        .collect();
    assert_eq!(results, [0, 100, 200]);
    // Job 0 really did finish last.
    assert_eq!(finished.lock().unwrap().last(), Some(&0));
}

/// A panic inside `map` is that input's error; the others still have their values.
#[test]
fn map_reports_a_panic_for_its_input_only() {
    let pool = ThreadPool::new(2);
    let results: Vec<Result<u32, JobPanicked>> = pool
        .map(
            |n: u32| {
                assert!(n != 2, "two is not allowed");
                n
            },
            1..=3,
        )
        .collect();
    assert_eq!(results[0], Ok(1));
    assert_eq!(
        results[1].as_ref().unwrap_err().message,
        "two is not allowed"
    );
    assert_eq!(results[2], Ok(3));
}

/// `as_completed` yields in finishing order: the test opens the gates in the order
/// 2, 0, 3, 1 and waits for each job to come out before opening the next.
#[test]
fn as_completed_yields_in_finishing_order() {
    let pool = ThreadPool::new(4);
    let mut gates = Vec::new();
    let mut handles = Vec::new();
    for n in 0..4_usize {
        let (open, gate) = gate();
        gates.push(open);
        handles.push(pool.submit(move || {
            wait_at(&gate);
            format!("job {n}")
        }));
    }
    let mut completed = as_completed(handles);
    for n in [2, 0, 3, 1] {
        gates[n].send(()).unwrap();
        let (index, result) = completed.next().expect("one result per job");
        assert_eq!(index, n);
        assert_eq!(result.unwrap(), format!("job {n}"));
    }
    assert!(completed.next().is_none());
}

/// Jobs that ended before `as_completed` was called come out first, in list order.
#[test]
fn as_completed_starts_with_jobs_already_done() {
    let pool = ThreadPool::new(2);
    let (open, gate) = gate();
    let slow = pool.submit(move || {
        wait_at(&gate);
        0
    });
    let quick = pool.submit(|| 1);
    quick.wait();
    let mut completed = as_completed(vec![slow, quick]);
    assert_eq!(completed.next().map(|(i, r)| (i, r.unwrap())), Some((1, 1)));
    open.send(()).unwrap();
    assert_eq!(completed.next().map(|(i, r)| (i, r.unwrap())), Some((0, 0)));
    assert!(completed.next().is_none());
}

/// Dropping the pool runs every job already queued, then joins the workers: when `drop`
/// returns, all ten jobs have run and no worker holds the counter any more.
#[test]
fn drop_runs_queued_jobs_then_joins_the_workers() {
    let pool = ThreadPool::new(2);
    let counter = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let counter = Arc::clone(&counter);
        pool.submit(move || {
            thread::sleep(Duration::from_millis(5));
            counter.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    assert_eq!(counter.load(Ordering::SeqCst), 10);
    assert_eq!(Arc::strong_count(&counter), 1);
}

/// A job may submit another job, given enough workers; the pool is shared with `Arc`.
#[test]
fn a_job_may_submit_to_its_own_pool() {
    let pool = Arc::new(ThreadPool::new(2));
    let inner_pool = Arc::clone(&pool);
    let outer = pool.submit(move || {
        let inner = inner_pool.submit(|| 5_u32.pow(2));
        inner.result_timeout(PATIENCE).unwrap()
    });
    assert_eq!(outer.result().unwrap(), 25);
}

/// When a job holds the last reference to its pool, the pool is dropped on a worker; that
/// must not wait for itself.
#[test]
fn dropping_the_pool_on_its_own_worker_does_not_hang() {
    let pool = Arc::new(ThreadPool::new(1));
    let (open, gate) = gate();
    let last_reference = Arc::clone(&pool);
    let job = pool.submit(move || {
        wait_at(&gate);
        drop(last_reference);
        "dropped"
    });
    drop(pool);
    open.send(()).unwrap();
    assert_eq!(job.result_timeout(PATIENCE).unwrap(), "dropped");
}

/// A pool needs a worker.
#[test]
#[should_panic(expected = "at least one worker")]
fn zero_workers_is_refused() {
    ThreadPool::new(0);
}
