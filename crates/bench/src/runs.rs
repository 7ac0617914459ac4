//! What the report runs, and how one run is done.
//!
//! The runs are the catalog's release-mode comparisons ([`course::Program::bench`]), in
//! lecture order, then the Python versions of their workloads in `scripts/python/`. Each
//! prints JSON rows on stdout (one per variant, `"ok"` saying its answer was checked);
//! everything else it prints goes to its log. A run that fails, prints a wrong answer or
//! is still running after its limit is stopped and reported; the others go on.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::markdown::Table;
use crate::{Row, text};

/// The Python scripts, with what each measures beside which Rust program.
pub const PYTHON_SCRIPTS: &[(&str, &str)] = &[
    (
        "hash_me",
        "cpu_bound's hash chain: serial, threads, processes",
    ),
    (
        "sum_squares",
        "cpu_bound's sum of squares: serial, threads, processes",
    ),
    (
        "primes",
        "the prime checks of prime_pool and prime_procs_speedup",
    ),
    (
        "queue_throughput",
        "queue_throughput's queues between threads",
    ),
    (
        "pipe_latency",
        "pipe_latency's round trip: multiprocessing.Pipe, an OS pipe",
    ),
    (
        "spawn_cost",
        "spawn_cost's threads and processes, fork and spawn",
    ),
    (
        "limits",
        "limits' 10 000 sleeping asyncio and trio tasks, threads, processes",
    ),
];

/// The trio the Python `limits` rows are measured with, from PyPI into
/// `target/bench/python-venv`.
pub const TRIO: &str = "trio==0.32.0";

/// The longest one run may take before it is stopped.
pub const LIMIT: Duration = Duration::from_secs(180);

/// One program to run, and where its results go.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The stem of its files in `runs/` and `logs/`: `"05-cpu_bound"`.
    pub name: String,
    /// What it shows: the catalog's lesson, or the Python script's line above.
    pub lesson: String,
    /// The command as a student types it.
    pub shown: String,
    program: PathBuf,
    args: Vec<String>,
}

/// What one run gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// Its JSON rows, in the order printed.
    pub rows: Vec<Row>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// How long it ran.
    pub seconds: f64,
}

/// Every run, in order: the catalog's comparisons from the binaries in `release`
/// (`target/release`), then the Python scripts run by `python`, if there is one.
pub fn plan(release: &Path, python: Option<&Path>) -> Vec<Run> {
    let mut runs = Vec::new();
    for program in course::programs() {
        let Some(args) = program.bench.args() else {
            continue;
        };
        let mut args: Vec<String> = args.split_whitespace().map(String::from).collect();
        args.push("--json".into());
        runs.push(Run {
            name: format!("{:02}-{}", runs.len() + 1, program.bin),
            lesson: program.lesson.to_string(),
            shown: format!(
                "cargo run --release -p {} --bin {} -- {}",
                program.package,
                program.bin,
                args.join(" ")
            ),
            program: release.join(program.bin),
            args,
        });
    }
    for &(script, lesson) in PYTHON_SCRIPTS.iter().filter(|_| python.is_some()) {
        let path = common::python::script(&format!("{script}.py"));
        runs.push(Run {
            name: format!("{:02}-python-{script}", runs.len() + 1),
            lesson: lesson.to_string(),
            shown: format!("python3 scripts/python/{script}.py"),
            program: python.unwrap_or(Path::new("python3")).to_path_buf(),
            args: vec![path.display().to_string()],
        });
    }
    runs
}

impl Run {
    /// Runs it (stdin closed, for at most `limit`): its rows and what went wrong. Its
    /// stdout is kept in `out/runs/<name>.jsonl` (the rows) and everything else it said
    /// in `out/logs/<name>.log`.
    pub fn run(&self, out: &Path, limit: Duration) -> std::io::Result<Done> {
        let log_path = out.join("logs").join(format!("{}.log", self.name));
        let log = std::fs::File::create(&log_path)?;
        let cmd = format!("{}\n{}\n", self.shown, self.lesson);
        std::fs::write(out.join("runs").join(format!("{}.cmd", self.name)), cmd)?;
        if self.program.is_absolute() && !self.program.exists() {
            let why = format!(
                "{} is not built: cargo build --release --workspace",
                self.program.display()
            );
            return Ok(self.failed(out, why));
        }
        let started = Instant::now();
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(common::python::workspace())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log.try_clone()?);
        // A group of its own, so that a run stopped at its limit is stopped with every
        // process it started (which may hold its stdout open); and gone with us, if we are
        // stopped first.
        command.process_group(0);
        common::process::die_with_parent(&mut command);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => return Ok(self.failed(out, format!("{} does not start: {e}", self.shown))),
        };
        let stdout = child.stdout.take().expect("stdout is piped");
        let reader = std::thread::spawn(move || {
            let lines = BufReader::new(stdout).lines().map_while(Result::ok);
            lines.collect::<Vec<String>>()
        });
        common::process::wait_or_kill(&mut child, started + limit);
        let status = child.wait()?;
        let timed_out = started.elapsed() > limit;
        if timed_out {
            // Safety: a plain system call; the group is the one our child led, and a
            // group's id is not reused while any process of it is alive.
            unsafe {
                libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
            }
        }
        let lines = reader.join().expect("the reader does not panic");
        let (json, other): (Vec<&String>, Vec<&String>) =
            lines.iter().partition(|line| line.starts_with('{'));
        let rows: Vec<Row> = json
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let kept: Vec<&str> = json.iter().map(|line| line.as_str()).collect();
        std::fs::write(
            out.join("runs").join(format!("{}.jsonl", self.name)),
            kept.join("\n"),
        )?;
        use std::io::Write;
        writeln!(
            &log,
            "{}",
            other
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        )?;
        let seconds = started.elapsed().as_secs_f64();
        let wrong: Vec<&str> = rows
            .iter()
            .filter(|row| row.get("ok").and_then(|ok| ok.as_bool()) != Some(true))
            .map(|row| text(row, "variant"))
            .collect();
        let failure = if timed_out {
            Some(format!("still running after {limit:?}: stopped"))
        } else if !status.success() {
            Some(format!(
                "{}; see logs/{}.log",
                common::process::describe(status),
                self.name
            ))
        } else if rows.is_empty() {
            Some(format!("no rows; see logs/{}.log", self.name))
        } else if !wrong.is_empty() {
            Some(format!("a wrong answer: {}", wrong.join(", ")))
        } else {
            None
        };
        if let Some(why) = &failure {
            std::fs::write(out.join("runs").join(format!("{}.failed", self.name)), why)?;
        }
        Ok(Done {
            rows,
            failure,
            seconds,
        })
    }

    fn failed(&self, out: &Path, why: String) -> Done {
        let _ = std::fs::write(out.join("runs").join(format!("{}.failed", self.name)), &why);
        Done {
            rows: Vec::new(),
            failure: Some(why),
            seconds: 0.0,
        }
    }

    /// This run's results, as the report shows them.
    pub fn table(&self, done: &Done) -> Table {
        Table {
            name: self.name.clone(),
            shown: self.shown.clone(),
            lesson: self.lesson.clone(),
            rows: done.rows.clone(),
            failure: done.failure.clone(),
        }
    }
}

/// The results a run of the report left in `out/runs/`, in the order run: to draw the
/// report again (`--from`).
pub fn load(out: &Path) -> std::io::Result<Vec<Table>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(out.join("runs"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "cmd"))
        .collect();
    names.sort();
    let mut tables = Vec::new();
    for cmd in names {
        let text = std::fs::read_to_string(&cmd)?;
        let mut lines = text.lines();
        let rows = std::fs::read_to_string(cmd.with_extension("jsonl")).unwrap_or_default();
        tables.push(Table {
            name: cmd.file_stem().unwrap_or_default().to_string_lossy().into(),
            shown: lines.next().unwrap_or_default().into(),
            lesson: lines.next().unwrap_or_default().into(),
            rows: rows
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
            failure: std::fs::read_to_string(cmd.with_extension("failed")).ok(),
        });
    }
    Ok(tables)
}

/// Every run of `plan`, one after the other, under a progress bar on a terminal (a line
/// per run otherwise): their tables, in order.
pub fn run_all(plan: &[Run], out: &Path, limit: Duration) -> std::io::Result<Vec<Table>> {
    std::fs::create_dir_all(out.join("runs"))?;
    std::fs::create_dir_all(out.join("logs"))?;
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed:>4} {msg}");
    let bar = ProgressBar::new(plan.len() as u64).with_style(style.expect("a valid template"));
    let mut tables = Vec::new();
    for run in plan {
        bar.set_message(run.shown.clone());
        if bar.is_hidden() {
            println!("==> [{}/{}] {}", tables.len() + 1, plan.len(), run.shown);
        }
        let done = run.run(out, limit)?;
        let status = done.failure.as_deref().unwrap_or("ok");
        let line = format!(
            "{:>5.1} s  {:>2} rows  {status}",
            done.seconds,
            done.rows.len()
        );
        match bar.is_hidden() {
            true => println!("    {line}"),
            false => bar.println(format!("{line}: {}", run.shown)),
        }
        bar.inc(1);
        tables.push(run.table(&done));
    }
    bar.finish_and_clear();
    Ok(tables)
}

/// The python to run the scripts with: the course's venv with trio, made when missing;
/// else the machine's `python3`, without trio unless it has one (the `limits` script
/// then skips trio's row and says so); `None` without python3. The note says which.
pub fn python() -> (Option<PathBuf>, String) {
    match common::python::venv("bench/python-venv", TRIO) {
        Ok(python) => (
            Some(python),
            format!("python: target/bench/python-venv ({TRIO})"),
        ),
        Err(why) => {
            let found = Command::new("python3").arg("--version").output();
            match found {
                Ok(out) if out.status.success() => (
                    Some(PathBuf::from("python3")),
                    format!("python: the machine's python3, without the course's venv ({why})"),
                ),
                _ => (
                    None,
                    "python3 not found: no Python rows in this report".into(),
                ),
            }
        }
    }
}

/// The CPU count a machine line gives (`… · 2 logical CPUs (available_parallelism) · …`),
/// so that a report drawn again elsewhere keeps the bounds of the machine it measured.
pub fn cores(machine: &str) -> Option<usize> {
    let (before, _) = machine.split_once(" logical CPU")?;
    before.rsplit(' ').next()?.parse().ok()
}

/// What `machine.txt` holds: the CPU and its count, the kernel, the compiler, the date.
pub fn machine() -> String {
    let output = |program: &str, args: &[&str]| {
        let out = Command::new(program).args(args).output().ok();
        let text = out.map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
        text.filter(|t| !t.is_empty())
            .unwrap_or_else(|| "unknown".into())
    };
    format!(
        "machine: {}\nkernel: {}\ncompiler: {}\npython: {}\ndate: {}\n",
        common::measure::machine_line(),
        output("uname", &["-srm"]),
        output("rustc", &["-V"]),
        output("python3", &["--version"]),
        output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of `sh -c script`.
    fn shell(script: &str) -> Run {
        Run {
            name: "01-shell".into(),
            lesson: "a shell says something".into(),
            shown: format!("sh -c '{script}'"),
            program: PathBuf::from("/bin/sh"),
            args: vec!["-c".into(), script.into()],
        }
    }

    /// A folder with `runs/` and `logs/`, removed on drop.
    struct Folder(PathBuf);

    fn folder() -> Folder {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("bench-{}-{n}", std::process::id()));
        std::fs::create_dir_all(dir.join("runs")).unwrap();
        std::fs::create_dir_all(dir.join("logs")).unwrap();
        Folder(dir)
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn rows_are_kept_and_everything_else_goes_to_the_log() {
        let out = folder();
        let run = shell(
            r#"echo '{"program":"p","variant":"a","ok":true}'; echo a note; echo warned >&2"#,
        );
        let done = run.run(&out.0, LIMIT).unwrap();
        assert_eq!(done.failure, None);
        assert_eq!(done.rows.len(), 1);
        assert_eq!(text(&done.rows[0], "variant"), "a");
        let log = std::fs::read_to_string(out.0.join("logs/01-shell.log")).unwrap();
        assert!(log.contains("warned") && log.contains("a note"), "{log}");
        // And the folder gives the same table back.
        let tables = load(&out.0).unwrap();
        assert_eq!(tables, vec![run.table(&done)]);
    }

    #[test]
    fn a_wrong_answer_a_failure_and_silence_are_reported() {
        let out = folder();
        let wrong = shell(r#"echo '{"variant":"threads","ok":false}'"#);
        let failure = wrong.run(&out.0, LIMIT).unwrap().failure;
        assert_eq!(failure.as_deref(), Some("a wrong answer: threads"));
        let exit = shell(r#"echo '{"variant":"a","ok":true}'; exit 3"#)
            .run(&out.0, LIMIT)
            .unwrap();
        assert!(exit.failure.unwrap().starts_with("exit code 3"));
        let silent = shell("true").run(&out.0, LIMIT).unwrap();
        assert!(silent.failure.unwrap().starts_with("no rows"));
        let tables = load(&out.0).unwrap();
        assert!(
            tables[0].failure.is_some(),
            "the failure is kept with the rows"
        );
    }

    #[test]
    fn a_run_past_its_limit_is_stopped() {
        let out = folder();
        let done = shell("sleep 30")
            .run(&out.0, Duration::from_millis(100))
            .unwrap();
        assert_eq!(
            done.failure.as_deref(),
            Some("still running after 100ms: stopped")
        );
    }

    #[test]
    fn the_cores_come_from_the_machine_line() {
        assert_eq!(
            cores(&machine()),
            std::thread::available_parallelism().ok().map(|n| n.get())
        );
        assert_eq!(
            cores("machine: AMD EPYC · 16 logical CPUs (available_parallelism)"),
            Some(16)
        );
        assert_eq!(cores("machine: unknown"), None);
    }

    #[test]
    fn the_plan_is_the_catalogs_comparisons_then_python() {
        let release = Path::new("/release");
        let rust = plan(release, None);
        let compared = course::programs()
            .filter(|p| p.bench.args().is_some())
            .count();
        assert_eq!(rust.len(), compared);
        let cpu = rust
            .iter()
            .find(|r| r.name.ends_with("-cpu_bound"))
            .unwrap();
        assert_eq!(
            cpu.shown,
            "cargo run --release -p pools --bin cpu_bound -- --json"
        );
        assert_eq!(cpu.program, release.join("cpu_bound"));
        let with_python = plan(release, Some(Path::new("python3")));
        assert_eq!(with_python.len(), compared + PYTHON_SCRIPTS.len());
        for run in &with_python[compared..] {
            assert!(
                Path::new(&run.args[0]).exists(),
                "{} is missing",
                run.args[0]
            );
        }
    }
}
