//! The course measured, as one report: every release-mode comparison of the catalog, the
//! Python originals of its workloads on the same machine in the same run, and a dated
//! folder a student can open.
//!
//! - [`runs`]: what is run (the catalog's comparisons, then `scripts/python/`), and how:
//!   each program with `--json`, bounded in time, its rows kept and its answers checked.
//! - [`bounds`]: how fast each parallel row could have been at best (cores × serial, the
//!   Amdahl bound a program states, one latency per wave of I/O), and how much
//!   of that it reached.
//! - [`markdown`]: `results.md`: the machine line, a headline table (Rust against
//!   Python; threads, GIL-threads and processes), then one table per lesson.
//! - [`figures`]: the SVG plots, drawn with `common::plot` and `common::bars`.
//!
//! `cargo run --release -p bench` (or `scripts/bench`, which builds first) runs it all;
//! `--from DIR` draws the report again from a folder's `results.jsonl`.

pub mod bounds;
pub mod figures;
pub mod markdown;
pub mod runs;

use std::path::Path;

use serde_json::Value;

use crate::markdown::Table;

/// One JSON row of a comparison, as its program printed it.
pub type Row = serde_json::Map<String, Value>;

/// The number under `key`, if the row has one.
pub fn number(row: &Row, key: &str) -> Option<f64> {
    row.get(key).and_then(Value::as_f64)
}

/// The text under `key`, or `""`.
pub fn text<'a>(row: &'a Row, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Whether the row came from one of the Python scripts.
pub fn is_python(row: &Row) -> bool {
    text(row, "program") == "python"
}

/// What [`write`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Every figure drawn: (file name, caption).
    pub figures: Vec<(String, String)>,
    /// How many rows `results.jsonl` holds.
    pub rows: usize,
}

/// Writes the report of `tables` into `out`, beside its `machine.txt`: the figures,
/// `results.md` and `results.jsonl`. The bounds are those of the machine the runs were
/// measured on, as its machine line says.
pub fn write(out: &Path, tables: &[Table]) -> std::io::Result<Written> {
    let machine = std::fs::read_to_string(out.join("machine.txt"))?;
    let cores = runs::cores(&machine).unwrap_or(1);
    let figures = figures::draw(tables, cores, out)?;
    let report = markdown::results(&machine, cores, tables, &figures);
    std::fs::write(out.join("results.md"), report)?;
    let rows: Vec<String> = tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|r| serde_json::to_string(r).unwrap_or_default())
        .collect();
    std::fs::write(out.join("results.jsonl"), rows.join("\n") + "\n")?;
    Ok(Written {
        figures,
        rows: rows.len(),
    })
}
