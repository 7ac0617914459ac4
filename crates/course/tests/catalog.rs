//! The catalog (`crates/course/src/lib.rs`) against the workspace: every program it lists
//! is a real binary, every binary is listed, every exercise's solution is a real example
//! and every example is listed, and every command it prints runs the program it names.

mod support;

use support::{Package, assert_no_problems, packages, relative};

/// Finds a package by name in the scanned workspace.
fn package<'a>(packages: &'a [Package], name: &str) -> Option<&'a Package> {
    packages.iter().find(|package| package.name == name)
}

/// The Rust a missing catalog entry would be, for the failure message.
fn program_entry(package: &str, bin: &str) -> String {
    format!(
        "Program {{ package: \"{package}\", bin: \"{bin}\", lesson: \"…\", variants: &[], bench: Bench::No }}"
    )
}

/// Numbered sections are in lecture order, each number once, and every section has a key
/// of its own for `--section`.
#[test]
fn sections_are_numbered_in_lecture_order() {
    let numbers: Vec<u8> = course::sections().iter().filter_map(|s| s.number).collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        numbers, sorted,
        "crates/course/src/lib.rs: keep SECTIONS in increasing order of `number`, each number once"
    );
    let mut keys: Vec<String> = course::sections().iter().map(|s| s.key()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        course::sections().len(),
        "two sections share a key: {keys:?}"
    );
    for section in course::sections() {
        assert_eq!(course::find_section(&section.key()), Some(section));
    }
}

/// No program is listed twice.
#[test]
fn every_program_is_listed_once() {
    let mut seen = Vec::new();
    let mut problems = Vec::new();
    for program in course::programs() {
        let key = (program.package, program.bin);
        if seen.contains(&key) {
            problems.push(format!(
                "package `{}` program `{}` is listed twice; remove one entry",
                program.package, program.bin
            ));
        }
        seen.push(key);
    }
    assert_no_problems("crates/course/src/lib.rs lists a program twice", &problems);
}

/// A program's package is one of its section's crates, and that crate exists.
#[test]
fn every_program_belongs_to_an_existing_crate_of_its_section() {
    let packages = packages();
    let mut problems = Vec::new();
    for section in course::sections() {
        for program in section.programs {
            if !section.crates.contains(&program.package) {
                problems.push(format!(
                    "program `{}` is in section {} but its package `{}` is not in that section's \
                     `crates`; add it there",
                    program.bin,
                    section.key(),
                    program.package
                ));
            }
        }
        for exercise in section.exercises {
            if !section.crates.contains(&exercise.package) {
                problems.push(format!(
                    "exercise `{}` is in section {} but its package `{}` is not in that \
                     section's `crates`; add it there",
                    exercise.example,
                    section.key(),
                    exercise.package
                ));
            }
        }
        for name in section.crates {
            if package(&packages, name).is_none() {
                problems.push(format!(
                    "section {} names crate `{name}`, but no crates/*/Cargo.toml has \
                     `name = \"{name}\"`; create the crate or remove the name",
                    section.key()
                ));
            }
        }
    }
    assert_no_problems(
        "crates/course/src/lib.rs: sections and crates disagree",
        &problems,
    );
}

/// Lessons, variants and exercise tasks are single, non-empty lines, and comparison arguments leave
/// `--json` to `scripts/bench`.
#[test]
fn every_lesson_is_one_line() {
    let one_line = |text: &str| !text.trim().is_empty() && !text.contains('\n');
    let mut problems = Vec::new();
    for program in course::programs() {
        let name = format!("{} / {}", program.package, program.bin);
        if !one_line(program.lesson) {
            problems.push(format!("{name}: write its `lesson` as one non-empty line"));
        }
        for variant in program.variants {
            if !one_line(variant.lesson) || variant.args.trim().is_empty() {
                problems.push(format!(
                    "{name}: variant `{}` needs non-empty `args` and a one-line `lesson`",
                    variant.args
                ));
            }
            if variant.args.trim_start().starts_with("-- ") {
                problems.push(format!(
                    "{name}: variant `{}`: leave out the leading `--`, the command adds it",
                    variant.args
                ));
            }
        }
        if program
            .bench
            .args()
            .is_some_and(|args| args.contains("--json"))
        {
            problems.push(format!(
                "{name}: `bench` must not contain --json; scripts/bench appends it"
            ));
        }
    }
    for exercise in course::exercises() {
        if !one_line(exercise.task) {
            problems.push(format!(
                "exercise {} / {}: write its `task` as one non-empty line",
                exercise.package, exercise.example
            ));
        }
    }
    assert_no_problems("crates/course/src/lib.rs: malformed entries", &problems);
}

/// Every program in the catalog is a binary its package really builds.
#[test]
fn every_catalog_program_is_a_real_binary() {
    let packages = packages();
    let mut problems = Vec::new();
    for program in course::programs() {
        let Some(package) = package(&packages, program.package) else {
            problems.push(format!(
                "package `{}` (program `{}`) does not exist: no crates/*/Cargo.toml has \
                 `name = \"{}\"`",
                program.package, program.bin, program.package
            ));
            continue;
        };
        if !package.binaries.iter().any(|b| b.name == program.bin) {
            let found: Vec<&str> = package.binaries.iter().map(|b| b.name.as_str()).collect();
            let expected = if program.bin == program.package {
                format!("{}/src/main.rs", relative(&package.dir))
            } else {
                format!("{}/src/bin/{}.rs", relative(&package.dir), program.bin)
            };
            problems.push(format!(
                "package `{}` has no binary `{}` (it has: {}); create {expected} or fix the \
                 catalog entry",
                program.package,
                program.bin,
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ));
        }
    }
    assert_no_problems(
        "the catalog (crates/course/src/lib.rs) lists programs that do not exist",
        &problems,
    );
}

/// Every binary in the workspace (but those of the course's tools) is a program in the
/// catalog.
#[test]
fn every_binary_in_the_workspace_is_in_the_catalog() {
    let mut problems = Vec::new();
    for package in packages()
        .iter()
        .filter(|p| !course::TOOLS.contains(&p.name.as_str()))
    {
        for binary in &package.binaries {
            if course::find_program(&package.name, &binary.name).is_some() {
                continue;
            }
            // A section crate's `default-run` program is its menu, not a lesson: the next
            // test checks that it prints the menu.
            let is_menu = package.default_run.as_deref() == Some(binary.name.as_str());
            if is_menu {
                continue;
            }
            let place = match course::section_of(&package.name) {
                Some(section) => format!("to section {} (\"{}\")", section.key(), section.title),
                None => format!(
                    "to its section (a Section in SECTIONS with `{}` in its `crates`)",
                    package.name
                ),
            };
            problems.push(format!(
                "{} builds binary `{}`, which the catalog does not list; add {} {place} in \
                 crates/course/src/lib.rs",
                relative(&binary.path),
                binary.name,
                program_entry(&package.name, &binary.name),
            ));
        }
    }
    assert_no_problems("binaries missing from the course catalog", &problems);
}

/// No two packages build a binary of the same name: cargo puts every binary in one
/// folder (`target/debug/<name>`), so the one built last would replace the other, and
/// `cargo test --workspace` would run the wrong program under the right test.
#[test]
fn no_two_packages_build_a_binary_of_the_same_name() {
    let packages = packages();
    let mut problems = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for package in &packages {
        for binary in &package.binaries {
            match seen.iter().find(|(name, _)| *name == binary.name) {
                Some((_, other)) => problems.push(format!(
                    "`{}` is a binary of both `{other}` and `{}`: rename one",
                    binary.name, package.name
                )),
                None => seen.push((&binary.name, &package.name)),
            }
        }
    }
    assert_no_problems("binaries that would overwrite each other", &problems);
}

/// Every exercise in the catalog is solved by an example its package really has.
#[test]
fn every_exercise_solution_is_a_real_example() {
    let packages = packages();
    let mut problems = Vec::new();
    for exercise in course::exercises() {
        let Some(package) = package(&packages, exercise.package) else {
            problems.push(format!(
                "package `{}` (exercise `{}`) does not exist: no crates/*/Cargo.toml has \
                 `name = \"{}\"`",
                exercise.package, exercise.example, exercise.package
            ));
            continue;
        };
        if !package.examples.iter().any(|e| e.name == exercise.example) {
            problems.push(format!(
                "package `{}` has no example `{}`; create {}/examples/{}.rs or fix the \
                 catalog entry",
                exercise.package,
                exercise.example,
                relative(&package.dir),
                exercise.example
            ));
        }
    }
    assert_no_problems(
        "the catalog (crates/course/src/lib.rs) lists exercise solutions that do not exist",
        &problems,
    );
}

/// Every example in the workspace (but `course`'s own) is an exercise's solution in the
/// catalog.
#[test]
fn every_example_in_the_workspace_is_an_exercise() {
    let mut problems = Vec::new();
    for package in packages()
        .iter()
        .filter(|p| !course::TOOLS.contains(&p.name.as_str()))
    {
        for example in &package.examples {
            if course::find_exercise(&package.name, &example.name).is_some() {
                continue;
            }
            problems.push(format!(
                "{} is example `{}`, which the catalog does not list; add Exercise {{ \
                 package: \"{}\", example: \"{}\", task: \"…\" }} to the `exercises` of its \
                 section in crates/course/src/lib.rs",
                relative(&example.path),
                example.name,
                package.name,
                example.name,
            ));
        }
    }
    assert_no_problems("examples missing from the course catalog", &problems);
}

/// A command without `--bin` (`cargo run -p spinner_async`) runs the program it is
/// listed for: the package's only binary, or its `default-run`.
#[test]
fn every_short_command_runs_the_program_it_names() {
    let packages = packages();
    let mut problems = Vec::new();
    for program in course::programs().filter(|p| p.is_default()) {
        let Some(package) = package(&packages, program.package) else {
            continue; // Reported by every_catalog_program_is_a_real_binary.
        };
        if package.binaries.is_empty() {
            continue; // Reported by every_catalog_program_is_a_real_binary.
        }
        if package.default_binary() != Some(program.bin) {
            problems.push(format!(
                "`{}` would not run `{}`: {} has several binaries; add \
                 `default-run = \"{}\"` under [package]",
                program.command(),
                program.bin,
                package.manifest(),
                program.bin
            ));
        }
    }
    assert_no_problems("commands that cargo cannot resolve", &problems);
}

/// A package with several programs has a `default-run` program, and that program prints
/// the section's menu from this catalog (so `cargo run -p <crate>` shows the section).
#[test]
fn a_package_of_several_programs_opens_on_its_menu() {
    let mut problems = Vec::new();
    for package in packages().iter().filter(|p| p.binaries.len() > 1) {
        let names: Vec<&str> = package.binaries.iter().map(|b| b.name.as_str()).collect();
        let Some(default) = &package.default_run else {
            problems.push(format!(
                "{} builds {} binaries ({}) but has no `default-run`, so `cargo run -p {}` \
                 fails; add a menu program {}/src/main.rs whose main is \
                 `course::print_menu(env!(\"CARGO_PKG_NAME\"))`, and \
                 `default-run = \"{}\"` under [package]",
                package.manifest(),
                names.len(),
                names.join(", "),
                package.name,
                relative(&package.dir),
                package.name
            ));
            continue;
        };
        let Some(binary) = package.binaries.iter().find(|b| &b.name == default) else {
            problems.push(format!(
                "{}: `default-run = \"{default}\"` names no binary of the package (it has: {})",
                package.manifest(),
                names.join(", ")
            ));
            continue;
        };
        if !package.depends_on_course {
            problems.push(format!(
                "{}: add `course.workspace = true` under [dependencies], so `{default}` can \
                 print the menu",
                package.manifest()
            ));
        }
        let source = support::read(&binary.path);
        if !source.contains("print_menu(") && !source.contains("course::menu(") {
            problems.push(format!(
                "{}: the default-run program `{default}` must print the section's menu: call \
                 `course::print_menu(env!(\"CARGO_PKG_NAME\"))`",
                relative(&binary.path)
            ));
        }
    }
    assert_no_problems(
        "`cargo run -p <crate>` must print the section's menu",
        &problems,
    );
}
