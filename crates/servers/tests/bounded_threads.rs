//! The exercise solution `bounded_threads`: a thread per connection behind a semaphore.
//! With a permit for every connection, every request is answered by about one thread
//! per connection; with 5 permits, 5 connections are answered and the other 95 wait.
//!
//!     cargo build -p servers --examples && cargo test -p servers --test bounded_threads

use common::testing;

fn example() -> String {
    let path = testing::example(
        env!("CARGO_BIN_EXE_thread_per_connection"),
        "bounded_threads",
    );
    path.to_str().expect("a UTF-8 path").to_string()
}

/// The one number after `key` in the output.
fn number_after(stdout: &str, key: &str) -> u32 {
    match testing::numbers_after(stdout, key)[..] {
        [n] => n,
        _ => panic!("no single number after {key:?}:\n{stdout}"),
    }
}

/// `--limit 100`: all 1 000 requests of the 100 connections are answered, and the peak
/// is a thread per connection (plus main and the accept loop), not more.
#[test]
fn a_permit_for_every_connection_answers_every_request() {
    let ran = testing::run(&example(), &["--limit", "100"]);
    let stdout = &ran.success().stdout;
    assert!(
        stdout.contains("1000 of 1000 requests answered, every page right"),
        "{stdout}"
    );
    let threads = number_after(stdout, "the server at its peak: 1 process, ");
    assert!(
        (100..=103).contains(&threads),
        "{threads} threads:\n{stdout}"
    );
    assert!(stdout.contains("0 child processes left"), "{stdout}");
}

/// `--limit 5`: the 5 connections that got a permit are answered; the other 95 wait
/// (in the kernel's backlog) until the load gives up after 1 s.
#[test]
fn five_permits_answer_five_connections() {
    let ran = testing::run(&example(), &["--limit", "5", "--patience", "1"]);
    let stdout = &ran.success().stdout;
    assert!(stdout.contains("(5 of 100 answered)"), "{stdout}");
    assert_eq!(number_after(stdout, "the load: "), 100, "{stdout}");
    assert!(
        stdout.contains("50 of 1000 requests answered"),
        "each of the 5 got its 10 pages:\n{stdout}"
    );
}

/// A limit of 0 would answer nobody: refused as clap refuses bad input.
#[test]
fn no_permit_at_all_is_refused() {
    testing::assert_refused(&example(), &[&["--limit", "0"], &["--limit", "many"]]);
}
