//! The `course` program, run as a student or a script runs it.

use std::process::Command;

use common::testing::{self, Ran};

/// Runs the real `course` binary with these arguments. `CARGO` is set to `cargo_stand_in`
/// so that `run` never starts a real build from a test.
fn course(args: &[&str], cargo_stand_in: &str) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_course"));
    command.args(args).env("CARGO", cargo_stand_in);
    testing::run_command(command, testing::LIMIT)
}

fn stdout(output: &Ran) -> String {
    output.stdout.clone()
}

fn stderr(output: &Ran) -> String {
    output.stderr.clone()
}

/// With no arguments it prints every section title and every program's command.
#[test]
fn no_arguments_lists_the_whole_course() {
    let output = course(&[], "false");
    assert!(output.status.success(), "{}", stderr(&output));
    let listing = stdout(&output);
    for section in course::sections() {
        assert!(listing.contains(section.title), "{listing}");
        for program in section.programs {
            assert!(listing.contains(program.lesson), "{listing}");
            for command in program.commands() {
                assert!(listing.contains(&command), "{command} missing:\n{listing}");
            }
        }
    }
}

/// `run` with an unknown package exits with 2 and names the packages that exist.
#[test]
fn run_with_an_unknown_package_exits_2_and_lists_the_packages() {
    let output = course(&["run", "no_such_package"], "false");
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("unknown package `no_such_package`"),
        "{message}"
    );
    assert!(message.contains("spinner_async"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

/// `run` with an unknown program of a real package exits with 2 and names its programs.
#[test]
fn run_with_an_unknown_program_exits_2_and_lists_the_programs() {
    let output = course(&["run", "spinner_async", "no_such_program"], "false");
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("no program `no_such_program`"),
        "{message}"
    );
    assert!(
        message.contains("its programs are: spinner_async"),
        "{message}"
    );
}

/// `run` hands cargo the program's command and arguments, from the workspace root.
#[cfg(unix)]
#[test]
fn run_passes_the_command_and_arguments_to_cargo() {
    // `echo` stands in for cargo: it prints the arguments `course` gave it.
    let output = course(&["run", "spinner_async", "--blocking"], "echo");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "run -p spinner_async -- --blocking\n");

    let output = course(
        &[
            "run",
            "--release",
            "spinner_async",
            "spinner_async",
            "--",
            "--blocking",
            "--fix",
            "yield-now",
        ],
        "echo",
    );
    assert_eq!(
        stdout(&output),
        "run --release -p spinner_async -- --blocking --fix yield-now\n"
    );
}

/// `run` starts an exercise's solution by its example name.
#[cfg(unix)]
#[test]
fn run_starts_an_exercise_solution() {
    let output = course(&["run", "spinner_async", "spinner_select"], "echo");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "run -p spinner_async --example spinner_select\n"
    );
}

/// `run` exits with the program's own exit code.
#[cfg(unix)]
#[test]
fn run_exits_with_the_programs_code() {
    let output = course(&["run", "spinner_thread"], "false");
    assert_eq!(output.status.code(), Some(1));
}

/// An unknown subcommand exits with 2 and points to `--help`.
#[test]
fn an_unknown_subcommand_exits_2() {
    let output = course(&["frobnicate"], "false");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--help"), "{}", stderr(&output));
}

/// `--help` explains every subcommand and succeeds.
#[test]
fn help_explains_every_subcommand() {
    let output = course(&["--help"], "false");
    assert!(output.status.success());
    let help = stdout(&output);
    for subcommand in ["list", "run", "commands", "bench-list", "demo"] {
        assert!(
            help.contains(subcommand),
            "{subcommand} missing from:\n{help}"
        );
    }
}

/// `commands` prints one runnable command per program, in catalog order.
#[test]
fn commands_prints_one_command_per_program() {
    let plain: Vec<String> = course::programs().map(|p| p.command()).collect();
    let output = course(&["commands"], "false");
    assert!(output.status.success());
    assert_eq!(stdout(&output).lines().collect::<Vec<_>>(), plain);
}

/// `commands --all` adds every variant after its program and the exercises' solutions
/// after each section's programs.
#[test]
fn commands_all_adds_variants_and_solutions() {
    let mut all = Vec::new();
    for section in course::sections() {
        all.extend(section.programs.iter().flat_map(|p| p.commands()));
        all.extend(section.exercises.iter().map(|e| e.command()));
    }
    let output = course(&["commands", "--all"], "false");
    assert!(output.status.success());
    assert_eq!(stdout(&output).lines().collect::<Vec<_>>(), all);
    assert!(all.contains(&"cargo run -p spinner_async -- --blocking".to_string()));
}

/// `commands --section N` keeps one section; a section without programs exits with 2.
#[test]
fn commands_filters_by_section() {
    let section = &course::sections()[0];
    let expected: Vec<String> = section.programs.iter().map(|p| p.command()).collect();
    let number = section.key();
    let output = course(&["commands", "--section", &number], "false");
    assert_eq!(stdout(&output).lines().collect::<Vec<_>>(), expected);

    let output = course(&["commands", "--section", "99"], "false");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no section `99`"),
        "{}",
        stderr(&output)
    );
}

/// `bench-list` prints `<package> <bin> <args>` for every program with a comparison.
#[test]
fn bench_list_prints_every_comparison() {
    let expected: Vec<String> = course::programs()
        .filter_map(|p| {
            p.bench.args().map(|args| {
                format!("{} {} {args}", p.package, p.bin)
                    .trim_end()
                    .to_string()
            })
        })
        .collect();
    let output = course(&["bench-list"], "false");
    assert!(output.status.success());
    assert_eq!(stdout(&output).lines().collect::<Vec<_>>(), expected);
    assert!(expected.contains(&"coroutines blocking_in_async --yield-cost".to_string()));
}

/// `demo` refuses a section the catalog lacks before it starts anything (`scripts/demo`
/// builds the whole workspace, which a test must not).
#[test]
fn demo_refuses_an_unknown_section() {
    let output = course(&["demo", "99"], "false");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no section `99`; the sections are: 0, 1,"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// Every subcommand answers `--help` with its own usage, and exits 0.
#[test]
fn every_subcommand_answers_help() {
    for sub in ["list", "run", "commands", "bench-list", "demo"] {
        let output = course(&[sub, "--help"], "false");
        assert!(output.status.success(), "{sub}: {}", stderr(&output));
        let help = stdout(&output);
        assert!(
            help.starts_with("Usage:\n  cargo run -p course"),
            "{sub}: {help}"
        );
        assert!(help.contains(sub), "{sub}: {help}");
        assert!(
            !help.contains("bench-list") || sub == "bench-list",
            "{sub}: {help}"
        );
    }
}

/// `run` shows the command as a student types it: `cargo run …`, whatever path cargo
/// gave itself in `CARGO`.
#[test]
fn run_shows_cargo_as_typed() {
    let output = course(&["run", "spinner_async", "--blocking"], "/bin/echo");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).lines().next(),
        Some("course: cargo run -p spinner_async -- --blocking")
    );
}
