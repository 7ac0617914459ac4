//! The slides (`slides/src`) against the catalog and the crates: every program is on its
//! section's slide, every chapter is in the book, and every code include resolves
//! (mdBook itself only prints an error and builds the book anyway).

mod support;

use support::{
    Part, assert_no_problems, has_marker, includes, mentions_command, read, relative, slides_src,
};

/// Every section's slide exists, and its chapter (the pages in its folder) shows the exact
/// command of each of its programs and of each exercise's solution.
#[test]
fn every_program_is_on_its_sections_slide() {
    let mut problems = Vec::new();
    for section in course::sections() {
        let slide = slides_src().join(section.slide);
        let commands: Vec<String> = section
            .programs
            .iter()
            .map(|p| p.command())
            .chain(section.exercises.iter().map(|e| e.command()))
            .collect();
        if !slide.is_file() {
            problems.push(format!(
                "{} does not exist: write the chapter of section {} (\"{}\"); it must show \
                 these commands: {}",
                section.slide_path(),
                section.key(),
                section.title,
                commands.join(", ")
            ));
            continue;
        }
        // A chapter is its page and the pages beside it in its folder.
        let folder = slide.parent().expect("a chapter is in a folder");
        let mut text = String::new();
        for page in support::slide_files() {
            if page.parent() == Some(folder) {
                text.push_str(&read(&page));
                text.push('\n');
            }
        }
        for program in section.programs {
            let command = program.command();
            // A comparison is best shown in its release form; either spelling will do.
            let release = command.replacen("cargo run ", "cargo run --release ", 1);
            if !mentions_command(&text, &command) && !mentions_command(&text, &release) {
                problems.push(format!(
                    "{} does not show `{command}` (program `{}`): write the command on the \
                     slide exactly so, with or without `--release` (`cargo run -p course` \
                     prints the same)",
                    section.slide_path(),
                    program.bin
                ));
            }
        }
        for exercise in section.exercises {
            let command = exercise.command();
            if !mentions_command(&text, &command) {
                problems.push(format!(
                    "{} does not show `{command}` (the solution of the exercise \"{}\"): write \
                     the command in the chapter's exercise",
                    section.slide_path(),
                    exercise.task
                ));
            }
        }
    }
    assert_no_problems("programs missing from their slides", &problems);
}

/// Every section's slide is a chapter of the book (linked from `SUMMARY.md`).
#[test]
fn every_section_slide_is_in_the_summary() {
    let summary_path = slides_src().join("SUMMARY.md");
    let links = support::summary_links(&read(&summary_path));
    let mut problems = Vec::new();
    for section in course::sections() {
        if !links.iter().any(|link| link == section.slide) {
            problems.push(format!(
                "add `- [{}]({})` to {}",
                section.title,
                section.slide,
                relative(&summary_path)
            ));
        }
    }
    assert_no_problems("section slides missing from the book", &problems);
}

/// Every chapter `SUMMARY.md` links to exists (mdBook would otherwise stop, or create an
/// empty page).
#[test]
fn every_summary_link_exists() {
    let summary_path = slides_src().join("SUMMARY.md");
    let mut problems = Vec::new();
    for link in support::summary_links(&read(&summary_path)) {
        if !slides_src().join(&link).is_file() {
            problems.push(format!(
                "{} links to `{link}`, but {}/{link} does not exist: write the page or \
                 remove the link",
                relative(&summary_path),
                course::SLIDES_SRC
            ));
        }
    }
    assert_no_problems("chapters listed in SUMMARY.md that do not exist", &problems);
}

/// Every `{{#include}}`, `{{#rustdoc_include}}` and `{{#playground}}` in the slides names
/// a file that exists (relative to the Markdown file), and every named anchor has its
/// `ANCHOR: name` and `ANCHOR_END: name` lines in that file.
#[test]
fn every_include_in_the_slides_resolves() {
    let mut problems = Vec::new();
    for markdown in support::slide_files() {
        let dir = markdown.parent().expect("a slide file is in a folder");
        for include in includes(&read(&markdown)) {
            let at = format!("{}:{}: {}", relative(&markdown), include.line, include.text);
            let target = dir.join(&include.path);
            if !target.is_file() {
                problems.push(format!(
                    "{at}: no file {} (the path is relative to the .md file: from \
                     slides/src/<chapter>/index.md, the crates are at ../../../crates/)",
                    relative(&target)
                ));
                continue;
            }
            let Part::Anchor(name) = &include.part else {
                continue; // A whole file or line numbers: the file is all it needs.
            };
            let source = read(&target);
            for marker in ["ANCHOR:", "ANCHOR_END:"] {
                if !has_marker(&source, marker, name) {
                    problems.push(format!(
                        "{at}: {} has no `// {marker} {name}` line; add it around the code \
                         to show",
                        relative(&target)
                    ));
                }
            }
        }
    }
    assert_no_problems("slide includes that mdBook cannot resolve", &problems);
}

/// The include reader understands the forms the slides use (checked on a sample, so a
/// misread directive cannot make the test above pass vacuously).
#[test]
fn the_include_reader_understands_every_form() {
    let sample = "\
{{#include ../../crates/a/src/lib.rs}}
```rust
{{#include ../../crates/a/src/lib.rs:queue_put}}
{{#rustdoc_include ../../crates/a/src/main.rs:10:20}} and {{ #include b.rs::5 }}
```
\\{{#include escaped.rs}} {{#playground c.rs editable}} {{#title Not a file}}";
    let found: Vec<(String, Part)> = includes(sample)
        .into_iter()
        .map(|include| (include.path, include.part))
        .collect();
    let expected = vec![
        ("../../crates/a/src/lib.rs".to_string(), Part::Whole),
        (
            "../../crates/a/src/lib.rs".to_string(),
            Part::Anchor("queue_put".to_string()),
        ),
        ("../../crates/a/src/main.rs".to_string(), Part::Lines),
        ("b.rs".to_string(), Part::Lines),
        ("c.rs".to_string(), Part::Whole),
    ];
    assert_eq!(found, expected);
    assert!(has_marker(
        "    // ANCHOR: queue_put\n",
        "ANCHOR:",
        "queue_put"
    ));
    assert!(!has_marker(
        "// ANCHOR: queue_put_all\n",
        "ANCHOR:",
        "queue_put"
    ));
    assert!(!has_marker(
        "// ANCHOR_END: queue_put\n",
        "ANCHOR:",
        "queue_put"
    ));
    assert!(mentions_command(
        "`cargo run -p spinner_async -- --blocking`",
        "cargo run -p spinner_async"
    ));
    assert!(!mentions_command(
        "cargo run -p spinner_async_std",
        "cargo run -p spinner_async"
    ));
}
