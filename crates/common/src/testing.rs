//! Helpers for the course's integration tests, which run the real programs the way a
//! student does (`env!("CARGO_BIN_EXE_<program>")`) and read what they print.
//!
//! They panic with the program's output when something is off: they are for tests, where
//! a panic is a failure with its explanation attached.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
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

/// How long [`run`] lets a program take before it kills it and fails the test.
pub const LIMIT: Duration = Duration::from_secs(120);

/// What a program did when a test ran it: how it ended and what it printed.
#[derive(Debug)]
pub struct Ran {
    /// The command line, for messages.
    pub command: String,
    /// How it ended.
    pub status: ExitStatus,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl Ran {
    /// The exit code; `None` if a signal ended the program.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Panics, showing what the program printed, unless it exited with success.
    pub fn success(&self) -> &Ran {
        assert!(
            self.status.success(),
            "{} ended with {}\nstderr:\n{}\nstdout:\n{}",
            self.command,
            self.status,
            self.stderr,
            self.stdout
        );
        self
    }

    /// The lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The JSON rows of a `--json` run, one per line of stdout. Panics unless the program
    /// exited with success and every line is JSON.
    pub fn json_rows(&self) -> Vec<Value> {
        self.success();
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
            .collect()
    }

    /// Every process id stdout names: the number after each `pid` (`pid 12`, `pid: 12`,
    /// `pid=12`), in order.
    pub fn pids(&self) -> Vec<u32> {
        numbers_after(&self.stdout, "pid")
    }
}

/// Every whole number that follows `key` in `text` (after spaces, `:` or `=`), in order:
/// `numbers_after("pid 11, worker pid 12", "pid") == [11, 12]`.
pub fn numbers_after(text: &str, key: &str) -> Vec<u32> {
    text.match_indices(key)
        .filter_map(|(at, _)| {
            let rest = text[at + key.len()..].trim_start_matches([' ', ':', '=']);
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Runs `bin` with `args`, stdin closed, and returns what it did. A program still running
/// after [`LIMIT`] is killed and the test fails: a program that hangs fails its test
/// instead of freezing the test run.
pub fn run(bin: &str, args: &[&str]) -> Ran {
    let mut command = Command::new(bin);
    command.args(args);
    run_command(command, LIMIT)
}

/// Runs `bin` with each of `bad`, and checks that every one is refused as clap refuses
/// bad input: exit status 2, an `error:` on stderr naming the problem, nothing on stdout
/// (no work started). One line per program's test of its flags.
pub fn assert_refused(bin: &str, bad: &[&[&str]]) {
    for args in bad {
        let ran = run(bin, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error:"), "{args:?}: {}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{args:?}: {}", ran.stdout);
    }
}

/// Runs `command` (arguments, environment and stdin as the test set them; stdout and
/// stderr are captured here) and returns what it did, killing it and failing the test if
/// it is still running after `limit`.
pub fn run_command(mut command: Command, limit: Duration) -> Ran {
    let line = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{line} does not start: {e}"));
    // Read both pipes on threads of their own: a program that fills a pipe would otherwise
    // block on its writes while we wait for it to end.
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("we can ask about our child") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().expect("we can kill our child");
            child.wait().expect("and reap it");
            panic!("{line} hung for more than {limit:?}");
        }
        // Polling a child that is expected to end by itself: no timing is asserted.
        thread::sleep(Duration::from_millis(10));
    };
    Ran {
        command: line,
        status,
        stdout: stdout.join().expect("the reader does not panic"),
        stderr: stderr.join().expect("the reader does not panic"),
    }
}

/// Reads all of `pipe` on a thread of its own, until the other end closes it.
fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).expect("UTF-8 output");
        text
    })
}

/// Runs `bin` with `args` (a comparison's `--json` among them) and returns its JSON rows,
/// one per line of stdout. Panics, showing stderr and stdout, unless the program exits
/// with success and every line is JSON.
pub fn json_rows(bin: &str, args: &[&str]) -> Vec<Value> {
    run(bin, args).json_rows()
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
    let nth = RUNS.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("{name}-{}-{nth}.svg", std::process::id()));
    let path_arg = path.to_str().expect("a UTF-8 temporary path");
    let mut args = args.to_vec();
    args.extend(["--timeline", path_arg]);
    let stdout = run(bin, &args).success().stdout.clone();
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
/// stdout, for a program that must end by itself within `limit` (see [`run_command`]).
pub fn run_within(bin: &str, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut command = Command::new(bin);
    command.args(args);
    let ran = run_command(command, limit);
    (ran.code(), ran.stdout)
}

/// A program started for a test that talks to it while it runs (a server): its stdout
/// arrives line by line on a channel, so the test can wait for a line with a time limit.
/// Dropped, it is killed and reaped if the test has not stopped it.
pub struct Running {
    /// The program's process.
    pub child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Running {
    /// Starts `bin` with `args`, its stdout piped and read in the background.
    pub fn start(bin: &str, args: &[&str]) -> Running {
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{bin} does not start: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = std::sync::mpsc::channel();
        thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// Its pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its next line of output; fails the test if none comes within [`LIMIT`].
    pub fn next_line(&self) -> String {
        self.lines
            .recv_timeout(LIMIT)
            .unwrap_or_else(|e| panic!("no line of output within {LIMIT:?}: {e}"))
    }

    /// Sends it SIGINT, what Ctrl-C in a terminal sends.
    pub fn interrupt(&self) {
        let pid = libc::pid_t::try_from(self.pid()).expect("a pid fits in pid_t");
        // Safety: kill(2) only sends a signal; it touches none of this process's memory.
        assert_eq!(
            unsafe { libc::kill(pid, libc::SIGINT) },
            0,
            "kill -INT {pid}"
        );
    }

    /// Waits for it to end, and returns its status and the rest of its output; fails the
    /// test (and kills it) if that takes longer than `limit`.
    pub fn wait(mut self, limit: Duration) -> (ExitStatus, Vec<String>) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return (status, self.lines.iter().collect());
            }
            assert!(Instant::now() < deadline, "it did not end within {limit:?}");
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Is process `pid` running? A zombie (ended, waiting for its parent to reap it) counts as
/// gone. Linux only: reads `/proc/<pid>/stat`. The lessons use it to check that no child
/// outlives its parent.
pub fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the ")" that ends the command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// Starts `bin` with `args` (its output thrown away) and polls it until `found(pid)`
/// gives something, its children having started, say; returns the running program and
/// that. Fails the test, killing the program, if it ends or [`LIMIT`] passes first: it
/// never had `what`. Polling for something expected to happen; no timing is asserted.
pub fn start_until<T>(
    bin: &str,
    args: &[&str],
    what: &str,
    found: impl Fn(u32) -> Option<T>,
) -> (std::process::Child, T) {
    let mut program = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{bin} does not start: {e}"));
    let started = Instant::now();
    loop {
        if let Some(it) = found(program.id()) {
            return (program, it);
        }
        if started.elapsed() > LIMIT || program.try_wait().ok().flatten().is_some() {
            let _ = program.kill();
            let _ = program.wait();
            panic!("{bin} {args:?} never had {what}");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until none of `pids` runs any more (see [`is_alive`]), and fails the test if one
/// still does after 30 s: a child its parent should have reaped, left behind. Polling a
/// process expected to end by itself; no timing is asserted.
pub fn assert_all_gone(pids: &[u32]) {
    let started = Instant::now();
    while pids.iter().any(|&pid| is_alive(pid)) {
        let left: Vec<_> = pids.iter().filter(|&&pid| is_alive(pid)).collect();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "left behind: {left:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGKILL to process `pid`: no chance to clean up, as when a machine loses power
/// under it. `Err` says why the kernel refused.
pub fn kill(pid: u32) -> Result<(), String> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| format!("no such pid {pid}"))?;
    // Safety: kill(2) only sends a signal; it touches none of this process's memory.
    let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
    if rc == 0 {
        Ok(())
    } else {
        Err(format!("kill({pid}): {}", std::io::Error::last_os_error()))
    }
}

/// The pids of the children of process `pid` (see [`measure::children_of`]).
pub use crate::measure::children_of;

/// One named check of a test program that is its own child process (a `harness = false`
/// test: libtest would reject the hidden role arguments): `Ok`, or why it failed.
pub type Scenario = fn() -> Result<(), String>;

/// Runs each scenario in turn, prints `test <name> ... ok` or `... FAILED: <why>` and then
/// `N passed, M failed`, the closing line CI reads. Fails if any scenario failed.
pub fn run_scenarios(scenarios: &[(&str, Scenario)]) -> std::process::ExitCode {
    let mut failed = 0;
    for (name, scenario) in scenarios {
        match scenario() {
            Ok(()) => println!("test {name} ... ok"),
            Err(why) => {
                failed += 1;
                println!("test {name} ... FAILED: {why}");
            }
        }
    }
    println!();
    println!("{} passed, {failed} failed", scenarios.len() - failed);
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
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
    fn run_captures_both_streams_and_the_code() {
        let ran = run("sh", &["-c", "echo out; echo err >&2; exit 4"]);
        assert_eq!(
            (ran.code(), ran.stdout.as_str(), ran.stderr.as_str()),
            (Some(4), "out\n", "err\n")
        );
    }

    #[test]
    fn kill_ends_a_process_and_names_a_missing_one() {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        kill(child.id()).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
        assert!(kill(u32::MAX).is_err());
    }

    #[test]
    fn pids_are_the_numbers_after_pid() {
        let ran = run(
            "sh",
            &[
                "-c",
                "echo 'parent pid 11, worker pid: 12 (ok)'; echo pid=7",
            ],
        );
        assert_eq!(ran.pids(), [11, 12, 7]);
        assert_eq!(numbers_after("parent: 3, x", "parent"), [3]);
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
