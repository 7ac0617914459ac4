//! Runs `default_workers`: the numbers it prints agree with each other and with the rules
//! they claim to follow.

use std::process::Command;

use common::testing::{self, Ran};

/// Runs the program with `RAYON_NUM_THREADS` set to `rayon`, or removed.
fn run(args: &[&str], rayon: Option<&str>) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_default_workers"));
    command.args(args);
    match rayon {
        Some(value) => command.env("RAYON_NUM_THREADS", value),
        None => command.env_remove("RAYON_NUM_THREADS"),
    };
    testing::run_command(command, testing::LIMIT)
}

/// The CPU count of the first line, and the number on each pool's line.
struct Printed {
    cpus: usize,
    thread_pool: usize,
    process_pool: usize,
    rayon: usize,
    stdout: String,
}

/// The number right after `label` on the line that starts with it.
fn number_after(stdout: &str, label: &str) -> usize {
    let line = stdout
        .lines()
        .find(|line| line.starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` line: {stdout}"));
    line[label.len()..]
        .split_whitespace()
        .next()
        .and_then(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no number after `{label}`: {line}"))
}

fn printed(args: &[&str], rayon: Option<&str>) -> Printed {
    let stdout = run(args, rayon).success().stdout.clone();
    Printed {
        cpus: number_after(&stdout, "cpus:"),
        thread_pool: number_after(&stdout, "Python ThreadPoolExecutor"),
        process_pool: number_after(&stdout, "Python ProcessPoolExecutor"),
        rayon: number_after(&stdout, "rayon current_num_threads"),
        stdout,
    }
}

/// Python's rules computed from the printed CPU count, and rayon at one thread per CPU.
#[test]
fn the_numbers_follow_from_the_cpu_count() {
    let p = printed(&[], None);
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(p.cpus, cpus, "{}", p.stdout);
    assert_eq!(p.thread_pool, (p.cpus + 4).min(32), "{}", p.stdout);
    assert_eq!(p.process_pool, p.cpus, "{}", p.stdout);
    assert_eq!(p.rayon, p.cpus, "{}", p.stdout);
    assert!(
        p.stdout.contains("RAYON_NUM_THREADS is not set"),
        "{}",
        p.stdout
    );
}

/// A pretend machine with 64 CPUs hits Python's cap of 32 threads.
#[test]
fn python_caps_the_thread_pool_at_32() {
    let p = printed(&["--cpus", "64"], None);
    assert_eq!(p.cpus, 64);
    assert_eq!(p.thread_pool, 32);
    assert_eq!(p.process_pool, 64);
    assert_eq!(p.rayon, 64);
    let small = printed(&["--cpus", "1"], None);
    assert_eq!(small.thread_pool, 5);
}

/// `RAYON_NUM_THREADS` is honoured, and the program says so; nonsense in it is ignored,
/// as rayon ignores it.
#[test]
fn rayon_num_threads_is_honoured() {
    let p = printed(&[], Some("3"));
    assert_eq!(p.rayon, 3, "{}", p.stdout);
    assert!(
        p.stdout
            .contains("RAYON_NUM_THREADS=3 is set: rayon uses 3 threads"),
        "{}",
        p.stdout
    );
    for nonsense in ["0", "many"] {
        let p = printed(&[], Some(nonsense));
        assert_eq!(p.rayon, p.cpus, "{}", p.stdout);
        assert!(p.stdout.contains("rayon ignores it"), "{}", p.stdout);
    }
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [&["--cpus", "0"][..], &["--cpus", "lots"]] {
        assert_eq!(run(args, None).code(), Some(2), "{args:?}");
    }
}
