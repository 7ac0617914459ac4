//! What the consistency tests read from the workspace: its packages and their binaries
//! (from each `crates/*/Cargo.toml` and the files cargo discovers), and the slides'
//! Markdown files. `course` has no dependencies, so the little TOML and Markdown reading
//! needed here is done by hand; it understands the forms the course uses, listed on each
//! function.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// The workspace root (where the root `Cargo.toml` is).
pub fn root() -> PathBuf {
    course::workspace_root()
}

/// A path relative to the workspace root, with `..` resolved, for messages.
pub fn relative(path: &Path) -> String {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir if normal.pop() => {}
            Component::CurDir => {}
            component => normal.push(component),
        }
    }
    let root = root();
    normal
        .strip_prefix(&root)
        .unwrap_or(&normal)
        .display()
        .to_string()
}

/// Fails with every problem found, one per line, when there are any.
pub fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}:\n  - {}\n",
        problems.join("\n  - ")
    );
}

/// Reads a file the test needs, with a message that names it.
pub fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", relative(path)))
}

/// One workspace package, as far as the tests care.
#[derive(Debug)]
pub struct Package {
    /// `name` under `[package]`.
    pub name: String,
    /// Its folder, `crates/<folder>`.
    pub dir: PathBuf,
    /// `default-run` under `[package]`, if set.
    pub default_run: Option<String>,
    /// Whether its `[dependencies]` name the `course` crate.
    pub depends_on_course: bool,
    /// Every binary cargo builds for it, sorted by name.
    pub binaries: Vec<Target>,
    /// Every example (`cargo run --example`), sorted by name.
    pub examples: Vec<Target>,
}

/// One binary or example target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name `--bin` takes.
    pub name: String,
    /// Its main source file.
    pub path: PathBuf,
}

impl Package {
    /// The binary `cargo run -p <name>` runs, if cargo can choose one: the `default-run`,
    /// or the only binary.
    pub fn default_binary(&self) -> Option<&str> {
        match (&self.default_run, self.binaries.as_slice()) {
            (Some(default), _) => Some(default.as_str()),
            (None, [only]) => Some(only.name.as_str()),
            _ => None,
        }
    }

    /// The `Cargo.toml` path, for messages.
    pub fn manifest(&self) -> String {
        relative(&self.dir.join("Cargo.toml"))
    }
}

/// Every package under `crates/` (each folder with a `Cargo.toml`), sorted by name.
pub fn packages() -> Vec<Package> {
    let crates = root().join("crates");
    let mut packages: Vec<Package> = fs::read_dir(&crates)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", crates.display()))
        .map(|entry| entry.expect("a readable entry of crates/").path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .map(|dir| read_package(&dir))
        .collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    packages
}

/// Reads a package's manifest and finds its binaries and examples the way cargo does:
/// `src/main.rs` (named after the package), `src/bin/<name>.rs`, `src/bin/<name>/main.rs`
/// (unless `autobins = false`), `examples/<name>.rs`, `examples/<name>/main.rs` (unless
/// `autoexamples = false`), and every `[[bin]]` and `[[example]]` table.
fn read_package(dir: &Path) -> Package {
    let manifest = Manifest::parse(&read(&dir.join("Cargo.toml")));
    let name = manifest
        .value("package", "name")
        .unwrap_or_else(|| panic!("{}/Cargo.toml has no [package] name", relative(dir)));

    let mut binaries = Vec::new();
    if manifest.value("package", "autobins").as_deref() != Some("false") {
        let main = dir.join("src/main.rs");
        if main.is_file() {
            binaries.push(Target {
                name: name.clone(),
                path: main,
            });
        }
        binaries.extend(discovered_targets(&dir.join("src/bin")));
    }
    declared_targets(&manifest, "[[bin]]", dir, "src/bin", &name, &mut binaries);

    let mut examples = Vec::new();
    if manifest.value("package", "autoexamples").as_deref() != Some("false") {
        examples = discovered_targets(&dir.join("examples"));
    }
    declared_targets(&manifest, "[[example]]", dir, "examples", "", &mut examples);

    Package {
        default_run: manifest.value("package", "default-run"),
        depends_on_course: manifest.has_key("dependencies", "course")
            || !manifest.tables_named("[dependencies.course]").is_empty(),
        binaries,
        examples,
        dir: dir.to_path_buf(),
        name,
    }
}

/// The targets cargo finds by itself in `folder`: `<name>.rs` and `<name>/main.rs`.
fn discovered_targets(folder: &Path) -> Vec<Target> {
    let mut targets = Vec::new();
    let Ok(entries) = fs::read_dir(folder) else {
        return targets;
    };
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.is_file() && path.extension().is_some_and(|ext| ext == "rs") {
            targets.push(Target {
                name: stem.to_string(),
                path,
            });
        } else if path.join("main.rs").is_file() {
            targets.push(Target {
                name: stem.to_string(),
                path: path.join("main.rs"),
            });
        }
    }
    targets
}

/// Adds the `[[bin]]` (or `[[example]]`) tables to `targets`: each one's `name`, at its
/// `path` or where cargo would look for it (`src/main.rs` for a bin named after the
/// package, else `<folder>/<name>.rs` or `<folder>/<name>/main.rs`). A declared target
/// takes over a discovered one of the same name or path. Sorts the result by name.
fn declared_targets(
    manifest: &Manifest,
    header: &str,
    dir: &Path,
    folder: &str,
    package: &str,
    targets: &mut Vec<Target>,
) {
    for table in manifest.tables_named(header) {
        let Some(name) = table.get("name") else {
            continue;
        };
        let path = match table.get("path") {
            Some(path) => dir.join(path),
            None if name == package => dir.join("src/main.rs"),
            None if dir.join(format!("{folder}/{name}.rs")).is_file() => {
                dir.join(format!("{folder}/{name}.rs"))
            }
            None => dir.join(format!("{folder}/{name}/main.rs")),
        };
        targets.retain(|target| target.path != path && target.name != *name);
        targets.push(Target {
            name: name.clone(),
            path,
        });
    }
    targets.sort_by(|a, b| a.name.cmp(&b.name));
}

/// A `Cargo.toml` read line by line: `[table]` and `[[array]]` headers, and
/// `key = "string"`, `key = true`, `key.workspace = true`, `key = { … }` lines. Enough for
/// package names, `default-run`, `autobins`, `[[bin]]` and `[[example]]` tables and
/// dependency names.
struct Manifest {
    /// Each table in file order: its header as written (`"[package]"`, `"[[bin]]"`) and
    /// its keys with their values (strings unquoted, anything else as written).
    tables: Vec<(String, Vec<(String, String)>)>,
}

impl Manifest {
    fn parse(text: &str) -> Self {
        let mut tables = vec![(String::new(), Vec::new())];
        for line in text.lines() {
            let line = strip_comment(line).trim();
            if line.starts_with('[') {
                tables.push((line.replace(' ', ""), Vec::new()));
            } else if let Some((key, value)) = line.split_once('=') {
                let key = key.trim();
                // `course.workspace = true` and `course = { … }` both name `course`.
                let key = key.split('.').next().unwrap_or(key).trim_matches('"');
                let value = value.trim().trim_matches('"').trim_matches('\'');
                let table = tables.last_mut().expect("there is always a table");
                table.1.push((key.to_string(), value.to_string()));
            }
        }
        Manifest { tables }
    }

    fn value(&self, table: &str, key: &str) -> Option<String> {
        let header = format!("[{table}]");
        self.tables
            .iter()
            .filter(|(name, _)| *name == header)
            .flat_map(|(_, keys)| keys)
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.clone())
    }

    fn has_key(&self, table: &str, key: &str) -> bool {
        self.value(table, key).is_some()
    }

    fn tables_named(&self, header: &str) -> Vec<std::collections::HashMap<String, String>> {
        self.tables
            .iter()
            .filter(|(name, _)| name == header)
            .map(|(_, keys)| keys.iter().cloned().collect())
            .collect()
    }
}

/// A TOML line without its `#` comment (a `#` inside a quoted string is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = None;
    for (i, c) in line.char_indices() {
        match (c, in_string) {
            ('"' | '\'', None) => in_string = Some(c),
            (c, Some(quote)) if c == quote => in_string = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The slides' source folder, `slides/src`.
pub fn slides_src() -> PathBuf {
    root().join(course::SLIDES_SRC)
}

/// Every `.md` file under `slides/src`, sorted.
pub fn slide_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("a readable entry of slides/src").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&slides_src(), &mut files);
    files.sort();
    files
}

/// The link targets of `SUMMARY.md` (`[Title](path.md)`), in order; draft chapters
/// (`[Title]()`) have none and are left out.
pub fn summary_links(summary: &str) -> Vec<String> {
    let mut links = Vec::new();
    for line in summary.lines() {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else {
                break;
            };
            let target = after[..end].trim();
            if !target.is_empty() {
                links.push(target.to_string());
            }
            rest = &after[end..];
        }
    }
    links
}

/// One mdBook directive that pulls in a file: `{{#include …}}`, `{{#rustdoc_include …}}`
/// or `{{#playground …}}`.
#[derive(Debug)]
pub struct Include {
    /// The whole directive as written, for messages.
    pub text: String,
    /// Its line in the Markdown file (1-based).
    pub line: usize,
    /// The file, as written (relative to the Markdown file).
    pub path: String,
    /// What part of the file it takes.
    pub part: Part,
}

/// The part of a file an include takes.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// `{{#include file.rs}}`
    Whole,
    /// `{{#include file.rs:10:20}}`, `:10`, `:10:` or `::20` — line numbers.
    Lines,
    /// `{{#include file.rs:name}}` — between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

/// Every include directive in a Markdown file (`{{#include …}}`, also written
/// `{{ #include … }}`). A directive escaped with a backslash
/// (`\{{#include …}}`, which mdBook prints as written) is not one.
pub fn includes(markdown: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let mut offset = 0;
        while let Some(start) = line[offset..].find("{{").map(|i| i + offset) {
            let Some(end) = line[start..].find("}}").map(|i| i + start) else {
                break;
            };
            offset = end + 2;
            // mdBook allows spaces before the `#`: `{{ #include file.rs }}`.
            let Some(inner) = line[start + 2..end].trim_start().strip_prefix('#') else {
                continue;
            };
            if line[..start].ends_with('\\') {
                continue;
            }
            let inner = inner.trim();
            let (directive, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            if !matches!(directive, "include" | "rustdoc_include" | "playground") {
                continue;
            }
            // The file and what part of it; anything after whitespace (a playground's
            // attributes) is not part of the path.
            let target = args.split_whitespace().next().unwrap_or("");
            let (path, selector) = target.split_once(':').unwrap_or((target, ""));
            found.push(Include {
                text: line[start..end + 2].to_string(),
                line: index + 1,
                path: path.to_string(),
                part: part_of(selector),
            });
        }
    }
    found
}

fn part_of(selector: &str) -> Part {
    let first = selector.split(':').next().unwrap_or("");
    if selector.is_empty() {
        Part::Whole
    } else if first.is_empty() || first.chars().all(|c| c.is_ascii_digit()) {
        Part::Lines
    } else {
        Part::Anchor(first.to_string())
    }
}

/// Whether `source` has a line with `marker name` (`ANCHOR: name` or `ANCHOR_END: name`),
/// the name standing alone as mdBook reads it (`[A-Za-z0-9_-]+`).
pub fn has_marker(source: &str, marker: &str, name: &str) -> bool {
    source.lines().any(|line| {
        line.match_indices(marker).any(|(i, _)| {
            let found: String = line[i + marker.len()..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            found == name
        })
    })
}

/// Whether `text` contains `command` as a whole command: not followed by more of a
/// name, so `cargo run -p spinner_async` is not found in `cargo run -p spinner_async_std`.
pub fn mentions_command(text: &str, command: &str) -> bool {
    text.match_indices(command).any(|(i, _)| {
        let next = text[i + command.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}
