//! `prime_procs`, run as a student runs it: the transcript of seed 002, its flags, and
//! what happens to the workers when the parent is killed.

use std::collections::BTreeMap;
use std::fs;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::primes::{NUMBERS, NUMBERS_ARE_PRIME, PRIMES, PRIMES_ARE_PRIME, SPINNER_PRIME};
use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_prime_procs");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("prime_procs runs")
}

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

/// Seed 002's transcript: every number once, `P` exactly on the primes.
#[test]
fn transcript_reports_each_number_once_with_its_known_primality() {
    let output = run(&["--workers", "2"]);
    assert!(output.status.success(), "{output:?}");
    let seen = parse_transcript(&String::from_utf8_lossy(&output.stdout), 2, NUMBERS.len());
    for (n, prime) in NUMBERS.into_iter().zip(NUMBERS_ARE_PRIME) {
        assert_eq!(seen.get(&n), Some(&(1, prime)), "{n}");
    }
}

/// Seed 001's PRIMES, largest first: a number listed twice is reported twice, and the
/// composite among them is not marked `P`.
#[test]
fn largest_first_still_checks_every_job() {
    let output = run(&[
        "--numbers",
        "primes",
        "--order",
        "largest-first",
        "--workers",
        "3",
    ]);
    assert!(output.status.success(), "{output:?}");
    let seen = parse_transcript(&String::from_utf8_lossy(&output.stdout), 3, PRIMES.len());
    for (n, prime) in PRIMES.into_iter().zip(PRIMES_ARE_PRIME) {
        let times = PRIMES.iter().filter(|&&m| m == n).count();
        assert_eq!(seen.get(&n), Some(&(times, prime)), "{n}");
    }
}

/// `--timeline` draws one row per worker process.
#[test]
fn timeline_has_a_row_per_worker() {
    let (stdout, svg) =
        testing::run_drawing_timeline(env!("CARGO_BIN_EXE_prime_procs"), &["--workers", "2"]);
    assert!(svg.contains("worker 0 (pid ") && svg.contains("worker 1 (pid "));
    assert!(stdout.contains("timeline written to"));
}

/// Nonsense flags are refused by clap with exit code 2, before any process starts.
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
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?} printed a transcript");
    }
    let stderr = String::from_utf8_lossy(&run(&["--workers", "0"]).stderr).to_string();
    assert!(stderr.contains("--workers"), "{stderr}");
}

/// The comparison checks its answers and prints the bound beside the speedup.
#[test]
fn compare_rows_are_checked_and_carry_their_bounds() {
    let output = run(&["--compare", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let summary: Vec<(&str, u64, f64, f64)> = rows
        .iter()
        .map(|row| {
            assert_eq!(row["program"], "prime_procs");
            assert_eq!(row["ok"], true, "answers checked: {row}");
            (
                row["workload"].as_str().unwrap(),
                row["workers"].as_u64().unwrap(),
                row["bound"].as_f64().unwrap(),
                row["order_bound"].as_f64().unwrap(),
            )
        })
        .collect();
    // Seed 002's largest number is two thirds of the work: 1.5× at best, and only if it
    // starts first. Forty equal jobs can use both processes fully.
    assert_eq!(
        summary,
        [
            ("seed002", 1, 1.0, 1.0),
            ("seed002", 2, 1.51, 1.25),
            ("seed002", 2, 1.51, 1.51),
            ("balanced", 1, 1.0, 1.0),
            ("balanced", 2, 2.0, 2.0),
        ]
    );
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
        let workers = common::testing::children_of(parent.id());
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
    while workers.iter().any(|&pid| common::testing::is_alive(pid)) {
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
