//! Helpers for the course's integration tests, which run the real programs the way a
//! student does (`env!("CARGO_BIN_EXE_<program>")`) and read what they print.
//!
//! They panic with the program's output when something is off: they are for tests, where
//! a panic is a failure with its explanation attached.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The path of the example `example`, found next to `a_program` (any of the same package's
/// programs, `env!("CARGO_BIN_EXE_<program>")`). Cargo tells tests where the programs are,
/// not the examples; `cargo test -p <package>` builds the examples in `examples/` beside
/// them. Panics, saying how to build it, if it is not there.
pub fn example(a_program: &str, example: &str) -> PathBuf {
    let programs = Path::new(a_program)
        .parent()
        .expect("a program lives in a target directory");
    let path = programs.join("examples").join(example);
    assert!(
        path.exists(),
        "{} is missing: `cargo test -p <package>` builds it (a `--test` filter alone does \
         not; run `cargo build -p <package> --examples` first)",
        path.display()
    );
    path
}

/// Runs `bin` with `args` (a comparison's `--json` among them) and returns its JSON rows,
/// one per line of stdout. Panics, showing stderr and stdout, unless the program exits
/// with success and every line is JSON.
pub fn json_rows(bin: &str, args: &[&str]) -> Vec<Value> {
    let output = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{bin} does not start: {e}"));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "{bin} {args:?}: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

/// The whole number under `key` in a JSON row. Panics if there is none.
pub fn count(row: &Value, key: &str) -> u64 {
    row[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no whole number {key} in {row}"))
}

/// Runs `bin` with `args` and `--timeline FILE` added, FILE a fresh path in the temporary
/// folder, and returns its stdout and the SVG it drew there (the file is removed). Panics,
/// showing stderr, unless the program exits with success and wrote the file.
pub fn run_drawing_timeline(bin: &str, args: &[&str]) -> (String, String) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let name = Path::new(bin)
        .file_name()
        .map_or("program".into(), |name| name.to_string_lossy());
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("{name}-{}-{run}.svg", std::process::id()));
    let path_arg = path.to_str().expect("a UTF-8 temporary path");
    let output = Command::new(bin)
        .args(args)
        .args(["--timeline", path_arg])
        .output()
        .unwrap_or_else(|e| panic!("{bin} does not start: {e}"));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "{bin} {args:?} --timeline: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let svg = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{bin} wrote no timeline to {path_arg}: {e}"));
    std::fs::remove_file(&path).ok();
    assert!(
        svg.starts_with("<svg"),
        "not an SVG: {}",
        &svg[..svg.len().min(80)]
    );
    (stdout, svg)
}

/// Runs `bin` with `args` and returns its exit code (`None` if a signal ended it) and its
/// stdout, for a program that must end by itself. If it is still running after `limit`,
/// it is killed and the test fails: a program that hangs fails its test instead of
/// freezing the test run.
pub fn run_within(bin: &str, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{bin} does not start: {e}"));
    // Read stdout on a thread of its own: a program that fills the pipe would otherwise
    // block on its writes while we wait for it to end.
    let mut pipe = child.stdout.take().expect("stdout is piped");
    let reader = thread::spawn(move || {
        let mut stdout = String::new();
        pipe.read_to_string(&mut stdout).map(|_| stdout)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("we can ask about our child") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().expect("we can kill our child");
            child.wait().expect("and reap it");
            panic!("{bin} {args:?} hung for more than {limit:?}");
        }
        // Polling a child that is expected to end by itself: no timing is asserted.
        thread::sleep(Duration::from_millis(20));
    };
    let stdout = reader
        .join()
        .expect("the reader does not panic")
        .expect("UTF-8 output");
    (status.code(), stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "is missing")]
    fn a_missing_example_says_how_to_build_it() {
        example("/nonexistent/target/debug/program", "nothing");
    }

    #[test]
    fn count_reads_whole_numbers_only() {
        let row: Value = serde_json::json!({"workers": 2, "seconds": 0.5});
        assert_eq!(count(&row, "workers"), 2);
        let missing = std::panic::catch_unwind(|| count(&row, "seconds"));
        assert!(missing.is_err());
    }

    #[test]
    fn run_within_gives_the_exit_code_and_stdout() {
        let (code, stdout) =
            run_within("sh", &["-c", "echo hello; exit 3"], Duration::from_secs(30));
        assert_eq!((code, stdout.as_str()), (Some(3), "hello\n"));
    }

    #[test]
    #[should_panic(expected = "hung for more than")]
    fn run_within_kills_a_program_that_hangs() {
        run_within("sleep", &["30"], Duration::from_millis(200));
    }

    #[test]
    fn json_rows_parses_every_line() {
        let rows = json_rows("sh", &["-c", r#"echo '{"a": 1}'; echo '{"a": 2}'"#]);
        assert_eq!(rows.len(), 2);
        assert_eq!(count(&rows[1], "a"), 2);
    }

    #[test]
    fn run_drawing_timeline_returns_the_picture_and_removes_it() {
        // A stand-in program: writes an SVG to the path after `--timeline`, its last word.
        let script = r#"for last; do :; done; echo '<svg>drawn</svg>' > "$last"; echo done"#;
        let (stdout, svg) = run_drawing_timeline("sh", &["-c", script, "sh"]);
        assert_eq!(
            (stdout.as_str(), svg.trim()),
            ("done\n", "<svg>drawn</svg>")
        );
        let leftovers = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.starts_with(&format!("sh-{}-", std::process::id()))
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    #[should_panic(expected = "exit")]
    fn json_rows_fails_on_a_failed_run() {
        json_rows("sh", &["-c", "echo exit 1 >&2; exit 1"]);
    }
}
