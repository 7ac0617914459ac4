//! The conventions every program and slide of the course keeps, now and in every later
//! lecture: a program fits on two slides, every anchor is shown, titles come from the
//! catalog, and a student never meets a word of our own bookkeeping.

mod support;

use std::path::{Path, PathBuf};

use support::{assert_no_problems, includes, packages, read, relative, slide_files, slides_src};

/// Code lines a program may have: non-blank lines that are not comments.
const MAX_CODE_LINES: usize = 120;
/// `//!` lines a program's header may have.
const MAX_HEADER_LINES: usize = 15;

/// The lines of a Rust source that count as code: not blank, not a `//` comment of any
/// kind (`//`, `///`, `//!`).
fn code_lines(source: &str) -> usize {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

/// The `//!` lines at the top of a source.
fn header(source: &str) -> Vec<&str> {
    source
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .collect()
}

/// The source file of each catalogued program.
fn program_sources() -> Vec<(&'static course::Program, PathBuf)> {
    let packages = packages();
    course::programs()
        .map(|program| {
            let package = packages
                .iter()
                .find(|p| p.name == program.package)
                .unwrap_or_else(|| panic!("no package {}", program.package));
            let target = package
                .binaries
                .iter()
                .find(|b| b.name == program.bin)
                .unwrap_or_else(|| panic!("no binary {} in {}", program.bin, package.name));
            (program, target.path.clone())
        })
        .collect()
}

/// Every program fits on two slides: at most 120 code lines (its clap `Args` included), a
/// `//!` header of at most 15 lines that opens with the catalog's lesson and shows the
/// program's own `cargo run` command.
#[test]
fn every_program_fits_on_two_slides() {
    let mut problems = Vec::new();
    for (program, path) in program_sources() {
        let source = read(&path);
        let at = relative(&path);
        let code = code_lines(&source);
        if code > MAX_CODE_LINES {
            problems.push(format!(
                "{at}: {code} code lines, over {MAX_CODE_LINES}: move what is not the lesson \
                 (timing, reporting, bookkeeping) into common's comparison harness or the \
                 section's library, or make a second question a second program"
            ));
        }
        let header = header(&source);
        if header.len() > MAX_HEADER_LINES {
            problems.push(format!(
                "{at}: a //! header of {} lines, over {MAX_HEADER_LINES}: the rest belongs \
                 in the slide's speaker notes",
                header.len()
            ));
        }
        let first = format!("//! {}", program.lesson);
        if header.first() != Some(&first.as_str()) {
            problems.push(format!(
                "{at}: the header must open with the catalog's lesson, `{first}`; it opens \
                 with `{}`",
                header.first().unwrap_or(&"(no header)")
            ));
        }
        let shows = |words: &str| header.iter().any(|line| line.contains(words));
        let own_command = shows(&program.command())
            || shows(
                &program
                    .command()
                    .replacen("cargo run ", "cargo run --release ", 1),
            );
        if !own_command {
            problems.push(format!(
                "{at}: the header must show `{}` (with or without --release)",
                program.command()
            ));
        }
    }
    assert_no_problems("programs over the two-slide budget", &problems);
}

/// The budget counts what a student reads: comments and blank lines are free.
#[test]
fn code_lines_skip_comments_and_blank_lines() {
    let source = "//! header\n\n/// doc\nfn main() {\n    // why\n    run(); // call\n}\n";
    assert_eq!(code_lines(source), 3);
    assert_eq!(header(source), ["//! header"]);
}

/// Every Rust file in `crates/`, recursively.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The anchor names of a source: every `// ANCHOR: name` line.
fn anchors(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("// ANCHOR:"))
        .map(|name| name.trim().to_string())
        .collect()
}

/// Every `// ANCHOR:` in the crates is shown by a slide: an anchor nobody includes is a
/// promise the slides do not keep.
#[test]
fn every_anchor_is_included_by_a_slide() {
    let mut included: Vec<(PathBuf, String)> = Vec::new();
    for markdown in slide_files() {
        let dir = markdown.parent().expect("a slide file is in a folder");
        for include in includes(&read(&markdown)) {
            if let support::Part::Anchor(name) = include.part {
                let target = dir.join(&include.path);
                included.push((target.canonicalize().unwrap_or(target), name));
            }
        }
    }
    let mut sources = Vec::new();
    rust_files(&support::root().join("crates"), &mut sources);
    let mut problems = Vec::new();
    for path in sources {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        for name in anchors(&read(&path)) {
            if !included.iter().any(|(p, n)| *p == canonical && *n == name) {
                problems.push(format!(
                    "{}: anchor `{name}` is on no slide: include it \
                     ({{{{#include …:{name}}}}}) or remove its markers",
                    relative(&path)
                ));
            }
        }
    }
    assert_no_problems("anchors no slide includes", &problems);
}

/// The catalog's section titles are the book's: `SUMMARY.md` lists each section's page
/// as `N. Title` (a numbered lecture) or `Title`, and the chapter opens with `# Title`.
#[test]
fn section_titles_are_the_catalogs() {
    let summary = read(&slides_src().join("SUMMARY.md"));
    let mut problems = Vec::new();
    for section in course::sections() {
        let link = format!("]({})", section.slide);
        let Some(line) = summary.lines().find(|line| line.contains(&link)) else {
            problems.push(format!("SUMMARY.md does not link {}", section.slide));
            continue;
        };
        let text = line
            .trim()
            .trim_start_matches("- ")
            .trim_start_matches('[')
            .split("](")
            .next()
            .unwrap_or_default();
        let numbered = section.heading();
        if text != numbered && text != section.title {
            problems.push(format!(
                "SUMMARY.md calls {} `{text}`; the catalog calls it `{numbered}`",
                section.slide
            ));
        }
        let page = read(&slides_src().join(section.slide));
        let heading = page.lines().find(|line| line.starts_with("# "));
        if heading != Some(format!("# {}", section.title).as_str()) {
            problems.push(format!(
                "{} opens with `{}`; the catalog's title is `# {}`",
                section.slide_path(),
                heading.unwrap_or("(no heading)"),
                section.title
            ));
        }
    }
    assert_no_problems("section titles that differ from the catalog's", &problems);
}

/// Words that name one of the Python originals by our own file numbering. A random seed
/// (`--seed`, `seed_from_u64`, "seeded") is a word students know and is fine.
fn bookkeeping_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("seed") {
        let start = lower[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |i| i + 1);
        let end = lower[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
            .map_or(lower.len(), |i| at + i);
        let word = &lower[start..end];
        let next = lower[end..].trim_start_matches([' ', '(']);
        let random = (["seeded", "seed_from", "seedable"]
            .iter()
            .any(|w| word.contains(w))
            || word == "seed")
            && !next.starts_with(|c: char| c.is_ascii_digit())
            && !lower[..start].trim_end().ends_with("the");
        let before = &lower[..at];
        let named_random = ["random ", "random_", "--"]
            .iter()
            .any(|w| before.ends_with(w));
        if !random && !named_random {
            found.push(text[start..end].to_string());
        }
    }
    found
}

/// A student never reads "seed 003": every Python original is named by its title (the
/// table in `slides/src/README.md`), in code, output, menus, tests and slides.
#[test]
fn no_python_original_is_called_a_seed() {
    let root = support::root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    // This file names the words it looks for.
    files.retain(|path| !path.ends_with("crates/course/tests/programs.rs"));
    files.extend(slide_files());
    files.push(root.join("README.md"));
    let mut problems = Vec::new();
    for path in files {
        for (number, line) in read(&path).lines().enumerate() {
            for word in bookkeeping_words(line) {
                problems.push(format!(
                    "{}:{}: `{word}`: name the Python original (slides/src/README.md)",
                    relative(&path),
                    number + 1
                ));
            }
        }
    }
    assert_no_problems("Python originals called by our file numbers", &problems);
}

/// The word check finds the numbering and leaves random seeds alone.
#[test]
fn bookkeeping_words_are_told_from_random_seeds() {
    assert_eq!(bookkeeping_words("as in seed 003's hash_me"), ["seed"]);
    assert_eq!(bookkeeping_words("(seeds 003/004)"), ["seeds"]);
    assert_eq!(bookkeeping_words("the seed's transcript"), ["seed's"]);
    assert_eq!(bookkeeping_words("SEED_NUMBERS"), ["SEED_NUMBERS"]);
    assert!(bookkeeping_words("--seed 7, StdRng::seed_from_u64(seed), seeded").is_empty());
    assert!(bookkeeping_words("fn random_is_seeded_and_in_range()").is_empty());
    assert!(bookkeeping_words("a random seed fixes the delays").is_empty());
    assert!(bookkeeping_words("fn the_random_seed_fixes_the_delays()").is_empty());
}

/// README's table of lectures is the catalog's: every section's row has its number, its
/// title, its crates, its chapter and its state; a lecture not written yet shows no
/// command that would fail; and every row's title is its chapter's heading.
#[test]
fn the_readme_table_is_the_catalogs() {
    let readme = read(&support::root().join("README.md"));
    let rows: Vec<Vec<String>> = readme
        .lines()
        .filter(|line| line.starts_with("| ") && line.contains("](slides/src/"))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect();
    let mut problems = Vec::new();
    for section in course::sections() {
        let link = format!("](slides/src/{})", section.slide);
        let Some(row) = rows
            .iter()
            .find(|row| row.iter().any(|c| c.contains(&link)))
        else {
            problems.push(format!("README has no row for {}", section.slide));
            continue;
        };
        let number = section.number.map_or("—".to_string(), |n| n.to_string());
        let expected_start = [number, section.title.to_string()];
        if row[..2] != expected_start {
            problems.push(format!(
                "README's row for {} starts `{} | {}`; the catalog says `{} | {}`",
                section.slide, row[0], row[1], expected_start[0], expected_start[1]
            ));
        }
        for krate in section.crates {
            if !row[2].contains(&format!("`{krate}`")) {
                problems.push(format!(
                    "README's row for {} omits `{krate}`",
                    section.slide
                ));
            }
        }
        if row.last().map(String::as_str) != Some("written") {
            problems.push(format!(
                "README's row for {} is not marked written",
                section.slide
            ));
        }
    }
    for row in &rows {
        let written = row.last().map(String::as_str) == Some("written");
        if !written && row.iter().any(|cell| cell.contains("cargo run")) {
            problems.push(format!(
                "README's row `{}` is not written yet but shows a command: `{}`",
                row[1], row[3]
            ));
        }
        let chapter = row
            .iter()
            .find_map(|cell| cell.split("](slides/src/").nth(1)?.split(')').next());
        if let Some(chapter) = chapter {
            let heading = read(&slides_src().join(chapter))
                .lines()
                .find(|line| line.starts_with("# "))
                .map(|line| line[2..].to_string());
            if heading.as_deref() != Some(row[1].as_str())
                && !row[1].starts_with(heading.as_deref().unwrap_or("\u{0}"))
            {
                problems.push(format!(
                    "README calls {chapter} `{}`; its chapter's heading is `{}`",
                    row[1],
                    heading.unwrap_or_default()
                ));
            }
        }
    }
    assert_no_problems("README rows that differ from the catalog", &problems);
}
