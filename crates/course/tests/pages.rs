//! The slides are slides: every lecture is a run of pages, each one laptop screen with a
//! time budget and notes for the speaker, its code readable from the back row.
//!
//! A lecture's pages are its chapter page (the overview, `NN-name/index.md`) and the pages
//! listed under it in `SUMMARY.md`, the last of them its exercise. While a chapter is being
//! reworked, `COURSE_PAGES=02-queues cargo test -p course --test pages` checks that one
//! chapter alone.

mod support;

use std::path::{Path, PathBuf};

use support::{assert_no_problems, read, relative, slides_src};

/// Words a page may show outside its code, figures and notes: about one laptop screen.
const MAX_WORDS: usize = 150;
/// Code lines a page may show, all its blocks together (a figure counts as `FIGURE_LINES`).
const MAX_CODE_LINES: usize = 25;
/// Blocks a page may show: the code, and the command that runs it.
const MAX_BLOCKS: usize = 2;
/// What a figure takes of the page, counted in code lines.
const FIGURE_LINES: usize = 12;
/// Characters a code line may have: what a code box holds on a 1024-pixel projector.
const MAX_WIDTH: usize = 76;
/// How long a lecture may take, in minutes.
const LECTURE_MINUTES: std::ops::RangeInclusive<u32> = 60..=120;
/// The smallest text a figure may have, in pixels, shown 750 pixels wide (mdBook's
/// content column on a 1024-pixel screen).
const MIN_FIGURE_FONT: f64 = 14.0;
const FIGURE_DISPLAY_WIDTH: f64 = 750.0;

/// One page of a lecture.
struct Page {
    path: PathBuf,
    text: String,
}

/// The pages of each lecture: its chapter page, then what `SUMMARY.md` lists under it.
fn lectures() -> Vec<(&'static course::Section, Vec<Page>)> {
    let summary = read(&slides_src().join("SUMMARY.md"));
    let only = std::env::var("COURSE_PAGES").ok();
    course::sections()
        .iter()
        .filter(|section| only.as_deref().is_none_or(|o| section.slide.starts_with(o)))
        .map(|section| {
            let mut paths = vec![section.slide.to_string()];
            let mut lines = summary.lines().skip_while(|l| !l.contains(section.slide));
            let indent = |line: &str| line.len() - line.trim_start().len();
            let top = lines.next().map_or(0, indent);
            for line in lines {
                if line.trim().is_empty() {
                    continue;
                }
                if indent(line) <= top {
                    break;
                }
                if let Some(link) = line.split("](").nth(1).and_then(|r| r.split(')').next()) {
                    paths.push(link.to_string());
                }
            }
            let pages = paths
                .into_iter()
                .map(|p| {
                    let path = slides_src().join(p);
                    let text = read(&path);
                    Page { path, text }
                })
                .collect();
            (section, pages)
        })
        .collect()
}

/// Every page of every lecture, as a reader sees it, with its path for messages.
fn every_page() -> Vec<(String, Page, Seen)> {
    lectures()
        .into_iter()
        .flat_map(|(_, pages)| pages)
        .map(|page| {
            let seen = see(&page);
            (relative(&page.path), page, seen)
        })
        .collect()
}

/// What a reader sees of a page, taken apart.
#[derive(Default, Debug)]
struct Seen {
    /// Words outside code, figures, comments and folded notes.
    words: usize,
    /// Each fenced block outside the notes: its visible lines.
    blocks: Vec<Vec<String>>,
    /// Every included line anywhere on the page (notes too), as shown.
    included: Vec<String>,
    /// Figures (`![…](….svg)`) outside the notes, and whether a caption follows each.
    figures: Vec<(String, bool)>,
    /// The `<!-- minutes: N -->` budget, if declared.
    minutes: Option<u32>,
    /// Whether the page has speaker notes.
    notes: bool,
}

/// Reads a page as mdBook shows it: includes expanded, `# ` lines of Rust blocks hidden.
fn see(page: &Page) -> Seen {
    let dir = page.path.parent().expect("a page is in a folder");
    let mut seen = Seen {
        notes: page.text.contains("<summary>Speaker notes</summary>"),
        ..Seen::default()
    };
    let (mut in_details, mut in_comment) = (0usize, false);
    let mut fence: Option<(String, Vec<String>)> = None;
    let lines: Vec<&str> = page.text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if let Some(minutes) = trimmed
            .strip_prefix("<!-- minutes:")
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            seen.minutes = minutes.trim().parse().ok();
            continue;
        }
        if let Some((language, block)) = &mut fence {
            if trimmed.starts_with("```") {
                if in_details == 0 {
                    seen.blocks.push(std::mem::take(block));
                }
                fence = None;
                continue;
            }
            for shown in expand(dir, line, language, &mut seen.included) {
                block.push(shown);
            }
            continue;
        }
        if let Some(language) = trimmed.strip_prefix("```") {
            fence = Some((language.trim().to_string(), Vec::new()));
            continue;
        }
        if in_comment || trimmed.starts_with("<!--") {
            in_comment = !trimmed.contains("-->");
            continue;
        }
        if trimmed.starts_with("<details") {
            in_details += 1;
        }
        if trimmed.contains("</details>") {
            in_details = in_details.saturating_sub(1);
            continue;
        }
        if in_details > 0 {
            continue;
        }
        if let Some(figure) = figure_of(trimmed) {
            let caption = lines[index + 1..]
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.starts_with('*') && !l.starts_with("**"));
            seen.figures.push((figure, caption));
            continue;
        }
        seen.words += trimmed
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count();
    }
    seen
}

/// The SVG a Markdown image line shows, if it is one.
fn figure_of(line: &str) -> Option<String> {
    let rest = line.strip_prefix("![")?;
    let target = rest.split("](").nth(1)?.split(')').next()?;
    target.ends_with(".svg").then(|| target.to_string())
}

/// The lines a fenced line shows: itself, or what an include brings in (recorded in
/// `included` too), less the `# ` lines mdBook hides in a Rust block.
fn expand(dir: &Path, line: &str, language: &str, included: &mut Vec<String>) -> Vec<String> {
    let trimmed = line.trim();
    let directive = ["{{#include ", "{{#rustdoc_include "]
        .iter()
        .find_map(|d| trimmed.strip_prefix(d).map(|rest| (*d, rest)));
    let rust = language.is_empty() || language.starts_with("rust");
    let hidden = |l: &str| rust && (l.trim_start().starts_with("# ") || l.trim() == "#");
    let Some((_, rest)) = directive else {
        return if hidden(line) {
            Vec::new()
        } else {
            vec![line.to_string()]
        };
    };
    let spec = rest.trim_end_matches("}}").trim();
    let (file, anchor) = match spec.split_once(':') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (spec, None),
    };
    let source = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
    let mut lines: Vec<String> = match anchor {
        Some(anchor) if !anchor.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            anchored(&source, anchor)
        }
        _ => source.lines().map(str::to_string).collect(),
    };
    // mdBook (0.5) keeps an anchored part's indentation: a line is as wide as in its file.
    lines.retain(|l| !hidden(l));
    included.extend(lines.iter().cloned());
    lines
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, other markers left out.
fn anchored(source: &str, name: &str) -> Vec<String> {
    let marks = |line: &str, marker: &str| {
        line.split_once(marker)
            .is_some_and(|(_, rest)| rest.trim() == name)
    };
    source
        .lines()
        .skip_while(|l| !marks(l, "ANCHOR:"))
        .skip(1)
        .take_while(|l| !marks(l, "ANCHOR_END:"))
        .filter(|l| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
        .map(str::to_string)
        .collect()
}

/// Every page of every lecture fits on one screen: at most 150 words, at most two blocks
/// of 25 visible lines together (a figure counts as 12), a time budget, speaker notes.
#[test]
fn every_page_fits_on_one_screen() {
    let mut problems = Vec::new();
    for (at, _, seen) in every_page() {
        if seen.words > MAX_WORDS {
            problems.push(format!(
                "{at}: {} words on the page, over {MAX_WORDS}: move the explanation into \
                 the speaker notes, or make a second page",
                seen.words
            ));
        }
        let lines: usize =
            seen.blocks.iter().map(Vec::len).sum::<usize>() + FIGURE_LINES * seen.figures.len();
        if lines > MAX_CODE_LINES {
            problems.push(format!(
                "{at}: {lines} lines of code and figures, over {MAX_CODE_LINES}: a \
                 narrower anchor, or a second page"
            ));
        }
        if seen.blocks.len() > MAX_BLOCKS {
            problems.push(format!(
                "{at}: {} blocks, over {MAX_BLOCKS} (the code and its command): move \
                 the rest into the notes or a second page",
                seen.blocks.len()
            ));
        }
        if !seen.minutes.is_some_and(|m| (1..=20).contains(&m)) {
            problems.push(format!(
                "{at}: declare the page's time budget, `<!-- minutes: N -->` (1 to 20)"
            ));
        }
        if !seen.notes {
            problems.push(format!(
                "{at}: no speaker notes (`<details>` with `<summary>Speaker notes</summary>`)"
            ));
        }
    }
    assert_no_problems("pages over one screen", &problems);
}

/// Code is readable from the back row: no line wider than 76 characters, and no doc
/// comment on the slide (the notes say what the comments would).
#[test]
fn code_on_the_slides_is_narrow_and_bare() {
    let mut problems = Vec::new();
    for (at, _, seen) in every_page() {
        let shown = seen.blocks.iter().flatten().chain(&seen.included);
        for line in shown {
            let width = line.chars().count();
            if width > MAX_WIDTH {
                problems.push(format!(
                    "{at}: a line of {width} characters, over {MAX_WIDTH}: `{line}`"
                ));
            }
        }
        for line in &seen.included {
            let trimmed = line.trim_start();
            if trimmed.starts_with("///") || trimmed.starts_with("//!") {
                problems.push(format!(
                    "{at}: a doc comment on the slide: `{line}`; anchor inside the item, \
                     below its docs"
                ));
            }
        }
    }
    assert_no_problems("code lines too wide or too wordy", &problems);
}

/// Each lecture opens with an overview page that says how long the lecture takes (the
/// sum of its pages' budgets, 60 to 120 minutes) and ends with its exercise.
#[test]
fn every_lecture_has_an_overview_a_budget_and_an_exercise() {
    let mut problems = Vec::new();
    for (section, pages) in lectures() {
        let total: u32 = pages.iter().filter_map(|page| see(page).minutes).sum();
        let overview = &pages[0];
        let claim = format!("This lecture: {total} minutes, {} pages.", pages.len());
        if !overview.text.contains(&claim) {
            problems.push(format!(
                "{}: the overview must say `{claim}`",
                relative(&overview.path)
            ));
        }
        if !LECTURE_MINUTES.contains(&total) {
            problems.push(format!(
                "{}: {total} minutes in all; a lecture takes {LECTURE_MINUTES:?}",
                section.slide_path()
            ));
        }
        let last = pages.last().expect("a lecture has its overview at least");
        if pages.len() < 2 || !last.text.lines().any(|l| l.starts_with("# Exercise")) {
            problems.push(format!(
                "{}: the lecture must end with its exercise page (`# Exercise: …`), listed \
                 last under the chapter in SUMMARY.md",
                section.slide_path()
            ));
        }
    }
    assert_no_problems("lectures without their frame", &problems);
}

/// Every figure has a caption that says what to see (an italic line right under it), and
/// its text is at least 14 pixels high when the page is shown on a projector.
#[test]
fn figures_are_captioned_and_legible() {
    let mut problems = Vec::new();
    for (at, page, seen) in every_page() {
        for (figure, captioned) in seen.figures {
            if !captioned {
                problems.push(format!(
                    "{at}: `{figure}` has no caption: an italic line under it saying \
                     what to see"
                ));
            }
            let svg = page.path.parent().expect("a folder").join(&figure);
            let text = read(&svg);
            let scale = svg_width(&text).map_or(1.0, |w| (FIGURE_DISPLAY_WIDTH / w).min(1.0));
            for size in font_sizes(&text) {
                if size * scale < MIN_FIGURE_FONT {
                    problems.push(format!(
                        "{at}: `{figure}` has {size} px text, {:.1} px on the projector: \
                         at least {MIN_FIGURE_FONT}",
                        size * scale
                    ));
                    break;
                }
            }
        }
    }
    assert_no_problems("figures the back row cannot read", &problems);
}

/// The `width` of an SVG's root element.
fn svg_width(svg: &str) -> Option<f64> {
    let root = &svg[svg.find("<svg")?..];
    let value = root.split("width=\"").nth(1)?.split('"').next()?;
    value.trim_end_matches("px").parse().ok()
}

/// Every `font-size` an SVG sets, as an attribute or in a style.
fn font_sizes(svg: &str) -> Vec<f64> {
    svg.match_indices("font-size")
        .filter_map(|(at, _)| {
            let rest = svg[at + "font-size".len()..].trim_start_matches(['=', ':', '"', ' ']);
            let number: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            number.parse().ok()
        })
        .collect()
}

/// The page reader sees what mdBook shows (checked on a sample, so a misread page cannot
/// pass vacuously).
#[test]
fn the_page_reader_counts_what_a_reader_sees() {
    let dir = std::env::temp_dir().join(format!("course-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("code.rs"),
        "/// docs\n    // ANCHOR: a\n    fn a() {}\n    // ANCHOR: b\n    let x = 1;\n    // ANCHOR_END: b\n    // ANCHOR_END: a\n",
    )
    .unwrap();
    let text = "# A page\n\n<!-- minutes: 3 -->\n\nFive words are shown here.\n\n```rust\n\
                {{#include code.rs:a}}\n# hidden\n```\n\n![timeline](t.svg)\n\n*What to see.*\n\n\
                <details>\n<summary>Speaker notes</summary>\n\nMany words that nobody sees on \
                the slide itself.\n\n```text\nnot counted\n```\n</details>\n";
    let page = Page {
        path: dir.join("page.md"),
        text: text.to_string(),
    };
    let seen = see(&page);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(seen.words, 2 + 5 + 3); // the heading, the sentence, the caption
    assert_eq!(
        seen.blocks,
        [vec![
            "    fn a() {}".to_string(),
            "    let x = 1;".to_string()
        ]]
    );
    assert_eq!(seen.figures, [("t.svg".to_string(), true)]);
    assert_eq!((seen.minutes, seen.notes), (Some(3), true));
    assert_eq!(
        font_sizes(r#"<text font-size="14" style="font-size:20px">"#),
        [14.0, 20.0]
    );
    assert_eq!(
        svg_width(r#"<?xml?><svg width="1000" height="5">"#),
        Some(1000.0)
    );
}
