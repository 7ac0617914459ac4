//! `snippets/unscoped.rs` (the page "Without a scope, it does not compile"): rustc
//! refuses it with E0597 and no other error, because `spawn` wants `numbers` borrowed for
//! `'static`; the page shows what rustc prints, cut only where it says so; and the same
//! lines inside `thread::scope` compile and print the sum.
//!
//!     cargo test -p structured --test unscoped

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::testing::{self, Ran};

/// The folder of the snippet; rustc is run there, so it names the file `unscoped.rs`.
fn snippets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snippets")
}

/// The snippet as the page shows it.
fn snippet() -> String {
    std::fs::read_to_string(snippets().join("unscoped.rs")).expect("the snippet is there")
}

/// A folder of its own in the temporary directory, for what rustc writes; removed when
/// dropped, after a failed assert too.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("unscoped-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs rustc (`$RUSTC` if set, as cargo does, else `rustc`) on `file` in `dir`, writing
/// the program to `out`: edition 2024, the human error format, no colours.
fn rustc(dir: &Path, file: &str, out: &Path) -> Ran {
    let mut command = Command::new(std::env::var_os("RUSTC").unwrap_or("rustc".into()));
    command
        .current_dir(dir)
        .args(["--edition", "2024", "--color", "never", "-o"]);
    command.arg(out).arg(file);
    testing::run_command(command, testing::LIMIT)
}

/// rustc on the snippet, run once for every test here.
fn refused() -> &'static Ran {
    static RAN: OnceLock<Ran> = OnceLock::new();
    RAN.get_or_init(|| {
        let dir = Scratch::new("refused");
        rustc(&snippets(), "unscoped.rs", &dir.0.join("unscoped"))
    })
}

/// rustc fails on the snippet with E0597, `numbers` does not live long enough, because
/// `spawn`'s argument requires it borrowed for `'static`; and with that one error only,
/// so no other mistake in the snippet hides behind it.
#[test]
fn rustc_refuses_the_snippet_with_e0597() {
    let ran = refused();
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    assert_eq!(
        errors,
        [
            "error[E0597]: `numbers` does not live long enough",
            "error: aborting due to 1 previous error"
        ],
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("argument requires that `numbers` is borrowed for `'static`"),
        "{}",
        ran.stderr
    );
}

/// The page's `text` block is rustc's output, line for line from its first line: a line
/// cut short has a `…` where rustc's text is left out, and a line that is only `…`
/// stands for lines left out.
#[test]
fn the_page_shows_what_rustc_prints() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../slides/src/06-structured");
    let page = std::fs::read_to_string(page.join("unscoped.md")).expect("the page is there");
    let shown: Vec<&str> = page
        .lines()
        .skip_while(|l| *l != "```text")
        .skip(1)
        .take_while(|l| *l != "```")
        .collect();
    assert!(!shown.is_empty(), "no ```text block on the page");
    let stderr = &refused().stderr;
    let mut printed = stderr.lines();
    let mut may_skip = false;
    for line in shown {
        if line == "…" {
            may_skip = true;
            continue;
        }
        loop {
            let Some(next) = printed.next() else {
                panic!("the page shows {line:?}, which rustc does not print here:\n{stderr}");
            };
            if shows(line, next) {
                break;
            }
            assert!(
                may_skip,
                "the page shows {line:?} where rustc prints {next:?}:\n{stderr}"
            );
        }
        may_skip = false;
    }
}

/// Whether `shown` is `line`, or `line` with text left out where `shown` has a `…`.
fn shows(shown: &str, line: &str) -> bool {
    let pieces: Vec<&str> = shown.split('…').collect();
    let [first, middle @ .., last] = &pieces[..] else {
        return shown == line;
    };
    if !line.starts_with(first) || !line.ends_with(last) {
        return false;
    }
    let mut at = first.len();
    for piece in middle {
        match line[at..].find(piece) {
            Some(found) => at += found + piece.len(),
            None => return false,
        }
    }
    at + last.len() <= line.len()
}

/// The cut-line reader: a `…` stands for any text, at least none; the rest must match.
#[test]
fn a_cut_line_matches_what_it_leaves_out_and_nothing_else() {
    assert!(shows("abc", "abc"));
    assert!(!shows("abc", "abcd"));
    assert!(shows("a… c …e", "ab c d e"));
    assert!(!shows("a… c …e", "ab d e"));
    assert!(!shows("ab…bc", "abc"));
}

/// The snippet's lines after `let numbers`, put inside `thread::scope(|s| { … })` with
/// `thread::spawn` made `s.spawn`, compile and print 1 + 2 + … + 1000: the borrow was
/// the only thing wrong, and the scope is all it takes.
#[test]
fn in_a_scope_the_same_lines_compile_and_sum() {
    let snippet = snippet();
    let mut lines: Vec<String> = snippet
        .lines()
        .map(|l| l.replace("thread::spawn(", "s.spawn("))
        .collect();
    let numbers = lines
        .iter()
        .position(|l| l.contains("let numbers"))
        .expect("the snippet declares `numbers`");
    assert_eq!(lines.pop().as_deref(), Some("}"), "main ends the snippet");
    lines.insert(numbers + 1, "thread::scope(|s| {".into());
    lines.extend(["});".into(), "}".into()]);
    let scratch = Scratch::new("scoped");
    let dir = &scratch.0;
    std::fs::write(dir.join("scoped.rs"), lines.join("\n")).expect("a file in the folder");
    rustc(dir, "scoped.rs", &dir.join("scoped")).success();
    let ran = testing::run(dir.join("scoped").to_str().expect("a UTF-8 path"), &[]);
    assert_eq!(ran.success().stdout, "500500\n");
}
