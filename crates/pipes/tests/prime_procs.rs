//! `prime_procs`, run as a student runs it: the transcript of Fluent Python's `procs.py`,
//! its flags, and what happens to the workers when the parent is killed.

use std::collections::BTreeMap;
use std::fs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::primes::{NUMBERS, NUMBERS_ARE_PRIME, PRIMES, PRIMES_ARE_PRIME, SPINNER_PRIME};
use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_prime_procs");

/// One line of the transcript, `f'{n:16}  {label} {elapsed:9.6f}s'`, taken apart.
fn parse_line(line: &str) -> Result<(u64, bool, f64), String> {
    let bytes = line.as_bytes();
    let well_formed = line.is_ascii()
        && line.len() == 16 + 2 + 1 + 1 + 9 + 1
        && &line[16..18] == "  "
        && matches!(bytes[18], b'P' | b' ')
        && bytes[19] == b' '
        && line.ends_with('s')
        && line[20..29].find('.') == Some(9 - 7); // 6 decimals
    if !well_formed {
        return Err(format!("not a transcript line: {line:?}"));
    }
    let n = line[..16]
        .trim_start()
        .parse()
        .map_err(|e| format!("{line:?}: {e}"))?;
    let elapsed = line[20..29]
        .trim_start()
        .parse()
        .map_err(|e| format!("{line:?}: {e}"))?;
    Ok((n, bytes[18] == b'P', elapsed))
}

/// Checks a whole transcript and returns how often each number was reported, and as what.
fn parse_transcript(stdout: &str, workers: usize, count: usize) -> BTreeMap<u64, (usize, bool)> {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        count + 2,
        "header, {count} lines, footer:\n{stdout}"
    );
    assert_eq!(
        lines[0],
        format!("Checking {count} numbers with {workers} processes:")
    );
    let mut seen = BTreeMap::new();
    for line in &lines[1..=count] {
        let (n, prime, elapsed) = parse_line(line).unwrap();
        assert!(elapsed >= 0.0);
        let entry = seen.entry(n).or_insert((0, prime));
        entry.0 += 1;
        assert_eq!(entry.1, prime, "{n} reported both prime and not");
    }
    let footer = lines[count + 1];
    let seconds = footer
        .strip_prefix(&format!("{count} checks in "))
        .and_then(|rest| rest.strip_suffix('s'))
        .unwrap_or_else(|| panic!("footer: {footer:?}"));
    assert!(
        seconds.len() >= 4 && seconds.split_once('.').is_some_and(|(_, d)| d.len() == 2),
        "footer time has two decimals: {footer:?}"
    );
    seconds.parse::<f64>().expect("footer time is a number");
    seen
}

/// The transcript of `procs.py`: every number once, `P` exactly on the primes.
#[test]
fn transcript_reports_each_number_once_with_its_known_primality() {
    let ran = testing::run(BIN, &["--workers", "2"]);
    ran.success();
    let seen = parse_transcript(&ran.stdout, 2, NUMBERS.len());
    for (n, prime) in NUMBERS.into_iter().zip(NUMBERS_ARE_PRIME) {
        assert_eq!(seen.get(&n), Some(&(1, prime)), "{n}");
    }
}

/// The Python course notebook's PRIMES, largest first: a number listed twice is reported
/// twice, and the composite among them is not marked `P`.
#[test]
fn largest_first_still_checks_every_job() {
    let ran = testing::run(
        BIN,
        &[
            "--numbers",
            "primes",
            "--order",
            "largest-first",
            "--workers",
            "3",
        ],
    );
    ran.success();
    let seen = parse_transcript(&ran.stdout, 3, PRIMES.len());
    for (n, prime) in PRIMES.into_iter().zip(PRIMES_ARE_PRIME) {
        let times = PRIMES.iter().filter(|&&m| m == n).count();
        assert_eq!(seen.get(&n), Some(&(times, prime)), "{n}");
    }
}

/// `--timeline` draws one row per worker process.
#[test]
fn timeline_has_a_row_per_worker() {
    let (stdout, svg) = testing::run_drawing_timeline(BIN, &["--workers", "2"]);
    assert!(svg.contains("worker 0 (pid ") && svg.contains("worker 1 (pid "));
    assert!(stdout.contains("timeline written to"));
}

/// Nonsense flags are refused by clap with exit code 2, before any process starts. (The
/// comparison of 1 and 2 processes is `prime_procs_speedup` now: `--compare` is refused.)
#[test]
fn nonsense_flags_exit_with_code_2() {
    for args in [
        &["--workers", "0"][..],
        &["--workers", "many"],
        &["--numbers", "evens"],
        &["--order", "random"],
        &["--json"],
        &["--compare", "--workers", "3"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {ran:?}");
        assert!(ran.stdout.is_empty(), "{args:?} printed a transcript");
    }
    let stderr = testing::run(BIN, &["--workers", "0"]).stderr;
    assert!(stderr.contains("--workers"), "{stderr}");
}

/// A parent killed with SIGKILL cannot clean up; the kernel ends its workers for it.
#[test]
fn killing_the_parent_ends_its_workers() {
    let prime = SPINNER_PRIME.to_string(); // seconds of work for each worker
    let mut parent = Command::new(BIN)
        .args(["--workers", "2", &prime, &prime, &prime, &prime])
        .stdout(Stdio::null())
        .spawn()
        .expect("prime_procs starts");

    // Wait until both workers are busy checking (state R: running or runnable).
    let deadline = Instant::now() + Duration::from_secs(10);
    let workers = loop {
        let workers = testing::children_of(parent.id());
        if workers.len() == 2 && workers.iter().all(|&pid| state(pid) == Some('R')) {
            break workers;
        }
        if Instant::now() > deadline {
            let _ = parent.kill();
            panic!("the workers never got busy: {workers:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };

    parent.kill().expect("SIGKILL the parent");
    parent.wait().expect("reap the parent");
    let killed_at = Instant::now();
    while workers.iter().any(|&pid| testing::is_alive(pid)) {
        assert!(
            killed_at.elapsed() < Duration::from_secs(1),
            "workers {workers:?} outlived their parent by a second"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// The one-letter state of a process (`R`, `S`, `Z`, ...), if it exists.
fn state(pid: u32) -> Option<char> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The state is the first field after the ")" that ends the command name.
    let (_, rest) = stat.rsplit_once(')')?;
    rest.trim_start().chars().next()
}
