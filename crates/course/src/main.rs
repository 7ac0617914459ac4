//! The course index: lists every section and program, and runs any of them.
//!
//!     cargo run -p course                          # every section, program, lesson and command
//!     cargo run -p course -- run spinner_async -- --blocking
//!     cargo run -p course -- --help                # the other subcommands
//!
//! The list comes from the catalog in `src/lib.rs`. `scripts/demo` and `scripts/bench`
//! read their command lists from `commands` and `bench-list`.

use std::process::{Command, ExitCode};

const USAGE: &str = "\
The course index: every section and program of the course, and a way to run them.

Usage:
  cargo run -p course [-- list [--section N]]
      Print every section (or section N): each program with its lesson and the
      command that runs it, its variants indented beneath, and the exercises.
      N is a lecture's number, or `intro` for the Concepts chapter.
  cargo run -p course -- run [--release] <package> [<program>] [args...]
      Run a program (or an exercise's solution) through cargo, from the workspace
      root, and exit with its code. <program> may be left out when the package has
      a program of its own name. Arguments after the program go to it (a leading
      `--` is optional). Example: run spinner_async --blocking
  cargo run -p course -- commands [--section N] [--all]
      Print the command of every program (or of section N's), one per line;
      --all adds every variant and every exercise's solution. scripts/demo reads this.
  cargo run -p course -- bench-list
      Print one line per release-mode comparison: <package> <bin> <args>.
      crates/bench runs each with --json appended.
  cargo run -p course -- demo [N] [--all] [--no-pause]
      The instructor's run-through (scripts/demo): builds every program first, then
      runs section N's programs (or every section's) in lecture order, printing each
      command and waiting for Enter before it.
  cargo run -p course -- --help
      Print this help.

Exit codes: 0 on success, 2 on a usage error (unknown subcommand, package,
program or section), and the program's own code for `run`.";

/// The part of [`USAGE`] about `subcommand`: its usage line and the lines under it.
fn help_of(subcommand: &str) -> Option<String> {
    let marker = format!("-- {subcommand}");
    let lines: Vec<&str> = USAGE.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("  cargo run") && line.contains(&marker))?;
    let end = lines[start + 1..]
        .iter()
        .position(|line| !line.starts_with("    "))
        .map_or(lines.len(), |n| start + 1 + n);
    Some(lines[start..end].join("\n"))
}

/// A usage error: the message to print before exiting with code 2.
type UsageError = String;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `course <subcommand> --help`: that subcommand's part of the usage.
    if let (Some(sub), Some("-h" | "--help")) = (args.first(), args.get(1).map(String::as_str))
        && let Some(help) = help_of(sub)
    {
        println!("Usage:\n{help}");
        return ExitCode::SUCCESS;
    }
    let result = match args.first().map(String::as_str) {
        None | Some("list") => list(args.get(1..).unwrap_or_default()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some("run") => run(&args[1..]),
        Some("commands") => commands(&args[1..]),
        Some("bench-list") => bench_list(&args[1..]),
        Some("demo") => demo(&args[1..]),
        Some(other) => Err(format!(
            "unknown subcommand `{other}`; expected one of: list, run, commands, bench-list, demo, --help"
        )),
    };
    result.unwrap_or_else(|message| {
        eprintln!("course: {message}");
        eprintln!("Run `cargo run -p course -- --help` for the usage.");
        ExitCode::from(2)
    })
}

/// `list [--section N]`: the whole catalog, or one section's menu.
fn list(args: &[String]) -> Result<ExitCode, UsageError> {
    let options = Options::parse(args, &[])?;
    match options.section {
        Some(section) => print!("{}", section.menu()),
        None => {
            println!("Concurrency and parallelism in Rust: every program of the course.");
            println!("Each runs with the command beneath it, from the repository's folder.\n");
            print!("{}", course::catalog());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `commands [--section N] [--all]`: one command per line.
fn commands(args: &[String]) -> Result<ExitCode, UsageError> {
    let options = Options::parse(args, &["--all"])?;
    let all = options.flags.contains(&"--all");
    let sections = match options.section {
        Some(section) => std::slice::from_ref(section),
        None => course::sections(),
    };
    for section in sections {
        for program in section.programs {
            if all {
                program.commands().iter().for_each(|c| println!("{c}"));
            } else {
                println!("{}", program.command());
            }
        }
        if all {
            section
                .exercises
                .iter()
                .for_each(|e| println!("{}", e.command()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `bench-list`: `<package> <bin> <args>` for every program with a comparison.
fn bench_list(args: &[String]) -> Result<ExitCode, UsageError> {
    if let Some(arg) = args.first() {
        return Err(format!("`bench-list` takes no arguments, got `{arg}`"));
    }
    for program in course::programs() {
        if let Some(bench) = program.bench.args() {
            let line = format!("{} {} {}", program.package, program.bin, bench.trim());
            println!("{}", line.trim_end());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Something `run` can start: a program, or an exercise's solution.
struct Runnable {
    /// The program's bin or the solution's example name.
    name: &'static str,
    /// What cargo needs after `run` (`-p <package>`, then `--bin`/`--example` if needed).
    cargo_args: Vec<&'static str>,
    /// Whether `course run <package>` with no program name means this one.
    is_default: bool,
}

/// The programs, then the exercise solutions, of `package`.
fn runnables(section: &course::Section, package: &str) -> Vec<Runnable> {
    let programs = section.programs.iter().filter(|p| p.package == package);
    let exercises = section.exercises.iter().filter(|e| e.package == package);
    programs
        .map(|p| Runnable {
            name: p.bin,
            cargo_args: p.cargo_args(),
            is_default: p.is_default(),
        })
        .chain(exercises.map(|e| Runnable {
            name: e.example,
            cargo_args: e.cargo_args(),
            is_default: false,
        }))
        .collect()
}

/// `run [--release] <package> [<program>] [args...]`: `cargo run` from the workspace root.
fn run(args: &[String]) -> Result<ExitCode, UsageError> {
    let (release, args) = match args.first().map(String::as_str) {
        Some("--release") => (true, &args[1..]),
        _ => (false, args),
    };
    let Some(package) = args.first() else {
        return Err(format!(
            "`run` needs a package; the packages are: {}",
            package_names().join(", ")
        ));
    };
    let Some(section) = course::section_of(package) else {
        return Err(format!(
            "unknown package `{package}`; the packages with programs are: {}",
            package_names().join(", ")
        ));
    };
    let runnables = runnables(section, package);
    let names: Vec<&str> = runnables.iter().map(|r| r.name).collect();

    // The word after the package is the program when it names one. A flag (or nothing)
    // there means the package's own program, the one named after the package.
    let rest = &args[1..];
    let (runnable, program_args) = match rest.first() {
        Some(word) if !word.starts_with('-') => {
            match runnables.iter().find(|r| r.name == word.as_str()) {
                Some(runnable) => (runnable, &rest[1..]),
                None => {
                    return Err(format!(
                        "package `{package}` has no program `{word}`; its programs are: {}",
                        names.join(", ")
                    ));
                }
            }
        }
        _ => match runnables.iter().find(|r| r.is_default) {
            Some(runnable) => (runnable, rest),
            None => {
                return Err(format!(
                    "package `{package}` has several programs; name one of: {}",
                    names.join(", ")
                ));
            }
        },
    };
    let program_args = match program_args.first().map(String::as_str) {
        Some("--") => &program_args[1..],
        _ => program_args,
    };

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command.arg("run");
    if release {
        command.arg("--release");
    }
    command.args(&runnable.cargo_args[1..]);
    if !program_args.is_empty() {
        command.arg("--").args(program_args);
    }
    command.current_dir(course::workspace_root());

    // Say what a student would type: `cargo`, not the path cargo set in `CARGO`.
    let shown: Vec<String> = std::iter::once("cargo".as_ref())
        .chain(command.get_args())
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    eprintln!("course: {}", shown.join(" "));
    match command.status() {
        Ok(status) => Ok(exit_code_of(status)),
        Err(error) => {
            eprintln!(
                "course: could not start `{}`: {error}",
                cargo.to_string_lossy()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `demo`: `scripts/demo` with these arguments (a section, `--all`, `--no-pause`), from
/// the workspace root; a section the catalog lacks is refused here first.
fn demo(args: &[String]) -> Result<ExitCode, UsageError> {
    for arg in args.iter().filter(|a| !a.starts_with('-')) {
        if course::find_section(arg).is_none() {
            let keys: Vec<String> = course::sections().iter().map(|s| s.key()).collect();
            return Err(format!(
                "no section `{arg}`; the sections are: {}",
                keys.join(", ")
            ));
        }
    }
    let script = course::workspace_root().join("scripts/demo");
    let status = Command::new("bash")
        .arg(&script)
        .args(args)
        .current_dir(course::workspace_root())
        .status();
    match status {
        Ok(status) => Ok(exit_code_of(status)),
        Err(error) => {
            eprintln!("course: could not start `{}`: {error}", script.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The child's exit code; a child killed by a signal gives 128 + the signal's number,
/// as a shell reports it.
fn exit_code_of(status: std::process::ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return ExitCode::from(u8::try_from(128 + signal).unwrap_or(1));
        }
    }
    ExitCode::FAILURE
}

/// The packages that have programs, in lecture order.
fn package_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for program in course::programs() {
        if !names.contains(&program.package) {
            names.push(program.package);
        }
    }
    names
}

/// The options `list` and `commands` accept: `--section N` and the given flags.
struct Options {
    section: Option<&'static course::Section>,
    flags: Vec<&'static str>,
}

impl Options {
    fn parse(args: &[String], allowed_flags: &[&'static str]) -> Result<Self, UsageError> {
        let mut options = Options {
            section: None,
            flags: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if let Some(flag) = allowed_flags.iter().find(|flag| **flag == arg.as_str()) {
                options.flags.push(flag);
            } else if arg == "--section" {
                let value = args.next().ok_or(
                    "--section needs a section, for example `--section 0` or `--section intro`",
                )?;
                options.section = Some(find_section(value)?);
            } else {
                return Err(format!("unexpected argument `{arg}`"));
            }
        }
        Ok(options)
    }
}

/// The section `value` names (a number, or `intro`), or an error naming the sections that
/// exist.
fn find_section(value: &str) -> Result<&'static course::Section, UsageError> {
    let numbers: Vec<String> = course::sections()
        .iter()
        .map(|section| format!("{} ({})", section.key(), section.title))
        .collect();
    course::find_section(value).ok_or_else(|| {
        format!(
            "no section `{value}` with programs yet; the sections are: {}",
            numbers.join(", ")
        )
    })
}
