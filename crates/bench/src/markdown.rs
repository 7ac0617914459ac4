//! `results.md`: the machine line, the headline table, one table per lesson with each
//! parallel row's bound, then Python beside Rust.

use std::fmt::Write;

use serde_json::Value;

use crate::bounds;
use crate::{Row, is_python, number, text};

/// One run's results, as the report shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The run's file stem (`"05-cpu_bound"`).
    pub name: String,
    /// The command, as a student types it.
    pub shown: String,
    /// What it shows.
    pub lesson: String,
    /// Its rows.
    pub rows: Vec<Row>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
}

/// The headline's workloads: (Rust program, workload).
const HEADLINE: &[(&str, &str)] = &[
    ("cpu_bound", "hash_me"),
    ("cpu_bound", "sum_squares"),
    ("prime_pool", "primes"),
];

/// The whole of `results.md`. `figures` are (file, caption) pairs, shown after the
/// headline.
pub fn results(
    machine: &str,
    cores: usize,
    tables: &[Table],
    figures: &[(String, String)],
) -> String {
    let mut md = String::from("# The course, measured\n\n");
    for line in machine.lines() {
        let _ = writeln!(md, "    {line}");
    }
    md.push('\n');
    if let Some(headline) = headline(tables, cores) {
        // The anchors let the slides include the table: {{#include results.md:headline}}.
        md += "## Headline: Rust and Python, serial and parallel\n\n";
        md += "<!-- ANCHOR: headline -->\n";
        md += &headline;
        md += "<!-- ANCHOR_END: headline -->\n\n";
    }
    if !figures.is_empty() {
        md += "## Figures\n\n";
        for (file, caption) in figures {
            let _ = writeln!(md, "![{caption}]({file})\n\n*{caption}*\n");
        }
    }
    md += "## One table per lesson\n\nEach comparison's rows as its program printed them \
           (`--json`), every answer checked (✓). A parallel row also shows its **bound**, \
           the best speedup the work allows on this machine (cores × serial for CPU-bound \
           work, a program's own Amdahl bound, one latency per wave of \
           downloads), and the fraction of it **reached**.\n\n";
    for table in tables {
        md += &lesson_table(table, cores);
    }
    md += &python_beside_rust(tables);
    md
}

/// Every row of every table.
fn every(tables: &[Table]) -> impl Iterator<Item = &Row> {
    tables.iter().flat_map(|table| &table.rows)
}

/// The row of `program` (or of Python, for `"python"`) with this workload and variant.
fn find<'a>(tables: &'a [Table], program: &str, workload: &str, variant: &str) -> Option<&'a Row> {
    every(tables).find(|row| {
        text(row, "program") == program
            && text(row, "workload") == workload
            && text(row, "variant") == variant
    })
}

/// The headline table: each CPU-bound workload serial in Rust and in Python, then the
/// speedup of threads and processes in each, against its own serial row. `None` when
/// the run has none of them.
pub fn headline(tables: &[Table], cores: usize) -> Option<String> {
    let mut md = String::from(
        "| workload | Rust serial | Python serial | Python ÷ Rust | threads: Rust / Python | processes: Rust / Python |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let mut any = false;
    let speedup = |row: Option<&Row>| match row.and_then(|r| number(r, "speedup")) {
        Some(s) => format!("{s:.2}×"),
        None => "–".into(),
    };
    for &(program, workload) in HEADLINE {
        let rust = |variant| find(tables, program, workload, variant);
        let python = |variant| find(tables, "python", workload, variant);
        let (Some(rust_serial), py_serial) = (rust("serial"), python("serial")) else {
            continue;
        };
        any = true;
        let rust_s = number(rust_serial, "seconds").unwrap_or(f64::NAN);
        let (py_s, ratio) = match py_serial.and_then(|row| number(row, "seconds")) {
            Some(py) => (format!("{py:.3} s"), format!("{:.1}×", py / rust_s)),
            None => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            md,
            "| {workload} | {rust_s:.3} s | {py_s} | {ratio} | {} / {} | {} / {} |",
            speedup(rust("threads")),
            speedup(python("threads")),
            speedup(rust("processes")),
            speedup(python("processes")),
        );
    }
    let gil = find(tables, "gil_cpu", "hash_me", "gil-threads");
    let _ = writeln!(
        md,
        "\nSerial columns are seconds; the others are speedups against the same language's \
         serial row, on {cores} CPU{}, where {cores}× is the bound. Python's threads share \
         one GIL. Python ÷ Rust: how many times longer Python's serial run took.{}",
        if cores == 1 { "" } else { "s" },
        match gil.and_then(|row| number(row, "speedup")) {
            Some(s) =>
                format!(" Rust threads under `gil_cpu`'s model of one GIL: {s:.2}×, as Python's."),
            None => String::new(),
        }
    );
    any.then_some(md)
}

/// One lesson: its command, what it shows, and its rows, each parallel row with its
/// bound and the fraction of it reached.
fn lesson_table(table: &Table, cores: usize) -> String {
    let mut md = format!("### `{}`\n\n{}\n\n", table.shown, escape(&table.lesson));
    if let Some(why) = &table.failure {
        let _ = writeln!(md, "**Failed**: {why}\n");
    }
    if table.rows.is_empty() {
        return md;
    }
    let mut columns: Vec<&str> = Vec::new();
    for row in &table.rows {
        for key in row.keys().filter(|k| *k != "program") {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let bounds: Vec<Option<bounds::Bound>> =
        table.rows.iter().map(|r| bounds::of(r, cores)).collect();
    let with_bounds = bounds.iter().any(Option::is_some);
    let mut header = columns.clone();
    if with_bounds {
        header.extend(["bound", "reached"]);
    }
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let _ = writeln!(md, "|{}|", vec!["---"; header.len()].join("|"));
    for (row, bound) in table.rows.iter().zip(&bounds) {
        let mut cells: Vec<String> = columns.iter().map(|key| cell(key, row.get(*key))).collect();
        if with_bounds {
            match bound {
                Some(b) => {
                    cells.push(format!("{:.2}× ({})", b.speedup, b.why));
                    // More than the bound is noise: a serial run slowed by something else.
                    let noisy = if b.reached > 1.05 {
                        " ⚠ above its bound: rerun when idle"
                    } else {
                        ""
                    };
                    cells.push(format!("{:.0} %{noisy}", b.reached * 100.0));
                }
                None => cells.extend(["".into(), "".into()]),
            }
        }
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
    md.push('\n');
    md
}

/// A value as the tables show it: seconds and floats in four significant figures,
/// speedups with `×`, answers as ✓ or ✗.
fn cell(key: &str, value: Option<&Value>) -> String {
    match (key, value) {
        (_, None) => String::new(),
        ("ok", Some(Value::Bool(ok))) => if *ok { "✓" } else { "✗ wrong answer" }.into(),
        ("speedup", Some(v)) if v.is_f64() => format!("{:.2}×", v.as_f64().unwrap_or(0.0)),
        (_, Some(Value::String(s))) => escape(s),
        (_, Some(v)) if v.is_f64() => significant(v.as_f64().unwrap_or(0.0)),
        (_, Some(v)) => v.to_string(),
    }
}

/// Text as a table cell shows it: `Mutex<u64>` stays text (not an HTML tag), a `|` does
/// not end the cell.
fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Four significant figures: `0.5015`, `106.1`, `4.61e-7`, `6.639e7`.
pub fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-3..6).contains(&magnitude) {
        let text = format!("{x:.3e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let decimals = (3 - magnitude).max(0) as usize;
    let text = format!("{x:.decimals$}");
    match text.contains('.') {
        true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => text,
    }
}

/// Every Python row whose workload and variant a Rust row has too, with Python's time
/// over Rust's.
fn python_beside_rust(tables: &[Table]) -> String {
    let rust: Vec<&Row> = every(tables).filter(|row| !is_python(row)).collect();
    let mut md = String::new();
    for python in every(tables).filter(|row| is_python(row)) {
        let same = |row: &&&Row| {
            text(row, "workload") == text(python, "workload")
                && text(row, "variant") == text(python, "variant")
        };
        let Some(rust) = rust.iter().find(same) else {
            continue;
        };
        let (Some(py_s), Some(rs_s)) = (number(python, "seconds"), number(rust, "seconds")) else {
            continue;
        };
        if md.is_empty() {
            md += "## Python beside Rust\n\nThe same work on the same machine in the same run; \
                   the ratio is Python's time over Rust's.\n\n\
                   | workload | variant | Rust program | Rust s | Python s | Python ÷ Rust |\n\
                   |---|---|---|---:|---:|---:|\n";
        }
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {:.1}× |",
            escape(text(python, "workload")),
            escape(text(python, "variant")),
            text(rust, "program"),
            significant(rs_s),
            significant(py_s),
            py_s / rs_s
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &str) -> Vec<Row> {
        lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn tables() -> Vec<Table> {
        let table = |name: &str, rows| Table {
            name: name.into(),
            shown: format!("run {name}"),
            lesson: format!("what {name} shows"),
            rows,
            failure: None,
        };
        vec![
            table(
                "01-cpu_bound",
                self::rows(concat!(
                    r#"{"program":"cpu_bound","workload":"hash_me","variant":"serial","workers":1,"seconds":0.5,"speedup":1.0,"ok":true}"#,
                    "\n",
                    r#"{"program":"cpu_bound","workload":"hash_me","variant":"threads","workers":2,"seconds":0.26,"speedup":1.92,"ok":true}"#,
                    "\n",
                    r#"{"program":"cpu_bound","workload":"hash_me","variant":"processes","workers":2,"seconds":0.27,"speedup":1.85,"ok":true}"#,
                )),
            ),
            table(
                "02-python-hash_me",
                self::rows(concat!(
                    r#"{"program":"python","workload":"hash_me","variant":"serial","workers":1,"seconds":3.0,"speedup":1.0,"ok":true}"#,
                    "\n",
                    r#"{"program":"python","workload":"hash_me","variant":"threads","workers":2,"seconds":3.2,"speedup":0.94,"ok":true}"#,
                    "\n",
                    r#"{"program":"python","workload":"hash_me","variant":"processes","workers":2,"seconds":1.5,"speedup":2.0,"ok":true}"#,
                )),
            ),
        ]
    }

    #[test]
    fn the_headline_sets_python_beside_rust() {
        let headline = headline(&tables(), 2).unwrap();
        let line = headline
            .lines()
            .find(|l| l.starts_with("| hash_me"))
            .unwrap();
        assert_eq!(
            line,
            "| hash_me | 0.500 s | 3.000 s | 6.0× | 1.92× / 0.94× | 1.85× / 2.00× |"
        );
        assert!(
            headline.contains("on 2 CPUs, where 2× is the bound"),
            "{headline}"
        );
        assert_eq!(
            super::headline(&tables()[1..], 2),
            None,
            "no Rust rows, no headline"
        );
    }

    #[test]
    fn every_parallel_row_shows_its_bound_and_the_fraction_reached() {
        let md = results("machine: test", 2, &tables(), &[]);
        assert!(md.contains("    machine: test"), "{md}");
        assert!(
            md.contains("### `run 01-cpu_bound`\n\nwhat 01-cpu_bound shows"),
            "{md}"
        );
        let threads = md
            .lines()
            .find(|l| l.starts_with("| hash_me | threads | 2 |"))
            .unwrap();
        assert!(
            threads.ends_with("| 2.00× (cores × serial) | 96 % |"),
            "{threads}"
        );
        let python = md
            .lines()
            .filter(|l| l.starts_with("| hash_me | threads | 2 |"))
            .nth(1);
        assert!(python.unwrap().ends_with("| 47 % |"), "{python:?}");
        let serial = md
            .lines()
            .find(|l| l.starts_with("| hash_me | serial |"))
            .unwrap();
        assert!(serial.ends_with("| ✓ |  |  |"), "{serial}");
    }

    #[test]
    fn python_rows_are_paired_with_rust_rows_of_the_same_work() {
        let md = results("m", 2, &tables(), &[]);
        let pairs: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.contains("Python beside Rust"))
            .collect();
        assert!(
            pairs.contains(&"| hash_me | serial | cpu_bound | 0.5 | 3 | 6.0× |"),
            "{pairs:?}"
        );
        assert!(
            pairs.contains(&"| hash_me | processes | cpu_bound | 0.27 | 1.5 | 5.6× |"),
            "{pairs:?}"
        );
    }

    #[test]
    fn a_row_above_its_bound_is_flagged() {
        let mut tables = tables();
        tables[1].rows[2].insert("speedup".into(), Value::from(2.4));
        let md = results("m", 2, &tables, &[]);
        assert!(
            md.contains("| 120 % ⚠ above its bound: rerun when idle |"),
            "{md}"
        );
    }

    #[test]
    fn a_failed_run_says_why() {
        let mut tables = tables();
        tables[0].failure = Some("a wrong answer: threads".into());
        tables[0].rows[1].insert("ok".into(), Value::Bool(false));
        let md = results("m", 2, &tables, &[]);
        assert!(md.contains("**Failed**: a wrong answer: threads"), "{md}");
        assert!(md.contains("| ✗ wrong answer |"), "{md}");
    }

    #[test]
    fn text_in_a_cell_stays_text() {
        let value = Value::from("one Mutex<u64> | two");
        assert_eq!(
            cell("variant", Some(&value)),
            "one Mutex&lt;u64&gt; \\| two"
        );
    }

    #[test]
    fn numbers_in_four_significant_figures() {
        let shown = [0.50148, 106.08399, 4.61e-7, 66_390_000.0, 2.0, 0.0123].map(significant);
        assert_eq!(
            shown,
            ["0.5015", "106.1", "4.61e-7", "6.639e7", "2", "0.0123"]
        );
    }
}
