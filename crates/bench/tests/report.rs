//! The report drawn from a folder of runs (`--from`): the tables, the bounds, the
//! headline and the figures, from rows whose numbers the test chose.

use std::path::{Path, PathBuf};

use common::testing;

const BENCH: &str = env!("CARGO_BIN_EXE_bench");

/// A folder as a run of the report leaves it, with these runs: (name, command, rows).
/// `tag` keeps each test's folder its own.
fn folder(tag: &str, runs: &[(&str, &str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("runs")).unwrap();
    std::fs::write(
        dir.join("machine.txt"),
        "machine: a test machine · 2 logical CPUs\n",
    )
    .unwrap();
    for (name, shown, rows) in runs {
        let cmd = format!("{shown}\nwhat {name} shows\n");
        std::fs::write(dir.join("runs").join(format!("{name}.cmd")), cmd).unwrap();
        std::fs::write(dir.join("runs").join(format!("{name}.jsonl")), rows).unwrap();
    }
    dir
}

const CPU_BOUND: &str = r#"{"program":"cpu_bound","workload":"hash_me","variant":"serial","workers":1,"seconds":0.5,"speedup":1.0,"ok":true}
{"program":"cpu_bound","workload":"hash_me","variant":"threads","workers":2,"seconds":0.26,"speedup":1.923,"ok":true}
{"program":"cpu_bound","workload":"hash_me","variant":"processes","workers":2,"seconds":0.27,"speedup":1.852,"ok":true}"#;

const DOWNLOAD: &str = r#"{"program":"download","workload":"download","variant":"sequential","workers":1,"seconds":8.2,"speedup":1.0,"ok":true,"expected_s":8.0}
{"program":"download","workload":"download","variant":"threads","workers":10,"seconds":0.82,"speedup":10.0,"ok":true,"expected_s":0.8}
{"program":"download","workload":"download","variant":"threads","workers":20,"seconds":0.41,"speedup":20.0,"ok":true,"expected_s":0.4}"#;

const PYTHON: &str = r#"{"program": "python", "workload": "hash_me", "variant": "serial", "workers": 1, "seconds": 3.0, "speedup": 1.0, "ok": true}
{"program": "python", "workload": "hash_me", "variant": "threads", "workers": 2, "seconds": 3.2, "speedup": 0.9375, "ok": true}
{"program": "python", "workload": "hash_me", "variant": "processes", "workers": 2, "seconds": 1.5, "speedup": 2.0, "ok": true}"#;

const LIMITS: &str = r#"{"program":"limits","workload":"10000 units","variant":"tokio tasks","workers":10000,"seconds":0.0065,"ok":true,"us_per_unit":0.65,"kb_per_unit":0.46}
{"program":"limits","workload":"10000 units","variant":"threads","workers":10000,"seconds":1.09,"ok":true,"us_per_unit":109.0,"kb_per_unit":9.6}"#;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_folder_of_runs_becomes_tables_bounds_a_headline_and_figures() {
    let dir = folder(
        "every",
        &[
            (
                "01-download",
                "cargo run --release -p pools --bin download -- --json",
                DOWNLOAD,
            ),
            (
                "02-cpu_bound",
                "cargo run --release -p pools --bin cpu_bound -- --json",
                CPU_BOUND,
            ),
            (
                "03-limits",
                "cargo run --release -p structured --bin limits -- --json",
                LIMITS,
            ),
            (
                "04-python-hash_me",
                "python3 scripts/python/hash_me.py",
                PYTHON,
            ),
        ],
    );
    let ran = testing::run(BENCH, &["--from", dir.to_str().unwrap()]);
    ran.success();
    assert!(
        ran.stdout.contains("4 runs, 11 rows, 0 failed"),
        "{}",
        ran.stdout
    );
    let md = read(&dir.join("results.md"));
    assert!(
        md.contains("    machine: a test machine · 2 logical CPUs"),
        "{md}"
    );
    // The headline: Rust's and Python's serial times, and each one's parallel speedups.
    let headline = md
        .lines()
        .find(|l| l.starts_with("| hash_me | 0.500 s"))
        .unwrap();
    assert_eq!(
        headline,
        "| hash_me | 0.500 s | 3.000 s | 6.0× | 1.92× / 0.94× | 1.85× / 2.00× |"
    );
    // Each parallel row with its bound: one latency per wave for the downloads, the cores
    // for the hash chains; a row with no speedup to bound has none.
    let line = |start: &str| {
        md.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} in\n{md}"))
    };
    assert!(
        line("| download | threads | 10 |").ends_with("| 10.25× (one latency per wave) | 98 % |")
    );
    assert!(
        line("| hash_me | threads | 2 | 0.26 |").ends_with("| 2.00× (cores × serial) | 96 % |")
    );
    assert!(line("| hash_me | threads | 2 | 3.2 |").ends_with("| 2.00× (cores × serial) | 47 % |"));
    assert!(!line("| 10000 units | threads |").contains('%'));
    // Python beside Rust, and the figures the rows allow, each in the report.
    assert!(
        md.contains("| hash_me | processes | cpu_bound | 0.27 | 1.5 | 5.6× |"),
        "{md}"
    );
    for figure in [
        "download.svg",
        "cpu_bound.svg",
        "gil_cpu.svg",
        "limits.svg",
        "limits_memory.svg",
    ] {
        assert!(read(&dir.join(figure)).starts_with("<svg"), "{figure}");
        assert!(
            md.contains(&format!("]({figure})")),
            "{figure} is not in the report"
        );
    }
    for missing in [
        "servers_requests.svg",
        "queue_throughput.svg",
        "async_download.svg",
    ] {
        assert!(!dir.join(missing).exists(), "{missing}: drawn without rows");
    }
    let rows = read(&dir.join("results.jsonl"));
    assert_eq!(rows.lines().count(), 11);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_run_fails_the_report_and_is_named_in_it() {
    let dir = folder(
        "failed",
        &[(
            "01-cpu_bound",
            "cargo run --release -p pools --bin cpu_bound -- --json",
            CPU_BOUND,
        )],
    );
    std::fs::write(
        dir.join("runs/01-cpu_bound.failed"),
        "a wrong answer: threads",
    )
    .unwrap();
    let ran = testing::run(BENCH, &["--from", dir.to_str().unwrap()]);
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert!(ran.stdout.contains("failed: cargo run --release -p pools --bin cpu_bound -- --json: a wrong answer: threads"), "{}", ran.stdout);
    assert!(read(&dir.join("results.md")).contains("**Failed**: a wrong answer: threads"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_flags_and_a_debug_build_are_refused() {
    testing::assert_refused(
        BENCH,
        &[
            &["--limit", "0"],
            &["--out", "a", "--from", "b"],
            &["--wat"],
        ],
    );
    // The tests build it in debug: it refuses to time anything then, and says why.
    let ran = testing::run(BENCH, &["--only", "cpu_bound"]);
    assert_eq!(ran.code(), Some(2));
    assert!(
        ran.stderr.contains("build it with --release"),
        "{}",
        ran.stderr
    );
}

/// The reference run under `slides/src/results/` is exactly what the program draws from
/// its runs, figures and all, and README's headline table is the report's.
#[test]
fn the_committed_reference_run_is_what_the_program_draws_and_readme_shows() {
    let committed = common::python::workspace().join("slides/src/results");
    let copy = std::env::temp_dir().join(format!("bench-reference-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(copy.join("runs")).unwrap();
    std::fs::copy(committed.join("machine.txt"), copy.join("machine.txt")).unwrap();
    for entry in std::fs::read_dir(committed.join("runs")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join("runs").join(path.file_name().unwrap())).unwrap();
    }
    testing::run(BENCH, &["--from", copy.to_str().unwrap()]).success();
    let mut compared = 0;
    for entry in std::fs::read_dir(&copy).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap();
        let drawn = read(&path);
        assert!(
            read(&committed.join(name)) == drawn,
            "slides/src/results/{} is not what `bench --from` draws from its runs: run \
             `cargo run --release -p bench -- --from slides/src/results`",
            name.to_string_lossy()
        );
        compared += 1;
    }
    assert!(compared >= 10, "{compared} files");
    let report = read(&committed.join("results.md"));
    let headline: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.contains("ANCHOR: headline"))
        .skip(1)
        .take_while(|l| !l.contains("ANCHOR_END"))
        .filter(|l| l.starts_with('|'))
        .collect();
    assert!(headline.len() >= 4, "{headline:?}");
    let readme = read(&common::python::workspace().join("README.md"));
    for line in headline {
        assert!(
            readme.lines().any(|l| l == line),
            "README lacks the headline's line\n{line}"
        );
    }
    std::fs::remove_dir_all(&copy).unwrap();
}
