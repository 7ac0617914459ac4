//! The table every comparison prints, and the JSON lines `scripts/bench` collects.
//!
//! A comparison runs each variant of a workload, checks the answer, and adds one row:
//!
//! ```
//! use common::report::Report;
//!
//! let mut report = Report::new("cpu_bound").json(false); // the program's --json
//! report.add("hash_me", "serial", 1, 0.79, true);
//! report.add("hash_me", "rayon", 2, 0.41, true).extra("rss_kb", 2_140);
//! report.note("rayon: a work-stealing pool of one thread per CPU.");
//! report.finish()?; // an error if a row's answer was wrong: `main` exits 1
//! # Ok::<(), common::report::WrongAnswers>(())
//! ```
//!
//! Comparisons of timed variants do not add rows by hand: they declare their variants on
//! [`Comparison`](crate::compare::Comparison), which adds the rows.
//!
//! which prints the machine line, then a markdown table, then the notes:
//!
//! ```text
//! machine: AMD EPYC 7B13 · 2 logical CPUs (available_parallelism) · linux x86_64
//! | workload | variant | workers | seconds | speedup | ok | rss_kb |
//! |----------|---------|---------|---------|---------|----|--------|
//! | hash_me  | serial  |       1 |   0.790 |   1.00× | ✓  |        |
//! | hash_me  | rayon   |       2 |   0.410 |   1.93× | ✓  |   2140 |
//! ```
//!
//! With `--json` the same rows come out as one JSON object per line, nothing else on
//! stdout, so `scripts/bench` can read them line by line:
//!
//! ```text
//! {"program":"cpu_bound","workload":"hash_me","variant":"serial","workers":1,"seconds":0.79,"speedup":1.0,"ok":true}
//! {"program":"cpu_bound","workload":"hash_me","variant":"rayon","workers":2,"seconds":0.41,"speedup":1.926829268292683,"ok":true,"rss_kb":2140}
//! ```
//!
//! Rows stay minimal on purpose: they carry no machine field. Whoever stores them (the
//! bench script) records [`machine_line`] once beside them.
//!
//! **Speedup** is `baseline seconds / row seconds`, where the baseline is a row of the same
//! workload: the first whose variant is `"serial"`, else the workload's first row, unless
//! [`Report::baseline_variant`] names another variant. A report whose rows are not the
//! same work done several ways (different counts of units, say) has no speedup to give:
//! [`Report::without_speedup`] leaves the column out of the table and the JSON lines.

use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{CellAlignment, Table};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::measure::machine_line;

/// One measured variant of one workload: a row of the table, a line of the JSON output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The program that measured it, e.g. `"cpu_bound"`.
    pub program: String,
    /// What was computed, e.g. `"hash_me"`; speedups compare rows of the same workload.
    pub workload: String,
    /// How it was computed, e.g. `"serial"`, `"threads"`, `"rayon"`.
    pub variant: String,
    /// Threads, tasks or processes doing the work.
    pub workers: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Baseline seconds / these seconds. Filled in by the [`Report`]; do not set it.
    pub speedup: f64,
    /// The answer was checked and is right. A wrong answer makes its timing meaningless.
    pub ok: bool,
    /// Anything else a lesson measures (`rss_kb`, `msgs_per_s`, …). Flattened: each key
    /// is a top-level field of the JSON line and a column of the table.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Row {
    /// Adds a lesson-specific measurement, e.g. `.extra("rss_kb", 2_140)`.
    pub fn extra(&mut self, key: &str, value: impl Into<Value>) -> &mut Row {
        self.extra.insert(key.to_string(), value.into());
        self
    }
}

/// The rows of one comparison, in the order they were measured.
#[derive(Debug, Clone)]
pub struct Report {
    program: String,
    rows: Vec<Row>,
    /// The variant chosen with [`Report::baseline_variant`], if any.
    baseline: Option<String>,
    /// Rows as JSON lines and nothing else on stdout (`--json`).
    json: bool,
    /// What the table means, printed under it (not with `--json`).
    notes: Vec<String>,
    /// The most rounds a comparison of this report took (see [`Report::rounds`]).
    rounds: usize,
    /// Whether the table and the JSON lines have a speedup (see [`Report::without_speedup`]).
    speedup: bool,
}

/// The error of a report some of whose rows computed a wrong answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongAnswers(pub usize);

impl std::fmt::Display for WrongAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} row(s) computed a wrong answer", self.0)
    }
}

impl std::error::Error for WrongAnswers {}

impl Report {
    /// An empty report for the program named `program`.
    pub fn new(program: &str) -> Report {
        Report {
            program: program.to_string(),
            rows: Vec::new(),
            baseline: None,
            json: false,
            notes: Vec::new(),
            rounds: 1,
            speedup: true,
        }
    }

    /// Leaves the speedup out of the table and the JSON lines (rows keep `NaN`): for a
    /// report whose rows are not one work done several ways, so that no row's seconds
    /// divide another's.
    pub fn without_speedup(mut self) -> Report {
        self.speedup = false;
        self.fill_speedups();
        self
    }

    /// With `json` (the program's `--json`), [`Report::finish`] prints JSON lines only and
    /// the comparisons print no transcript.
    pub fn json(mut self, json: bool) -> Report {
        self.json = json;
        self
    }

    /// Whether this report prints JSON lines (`--json`).
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A paragraph printed under the table, saying what to see in it.
    pub fn note(&mut self, note: impl Into<String>) -> &mut Report {
        self.notes.push(note.into());
        self
    }

    /// Records that a comparison took `rounds` rounds: the report then says that each
    /// variant's fastest run counts.
    pub fn rounds(&mut self, rounds: usize) -> &mut Report {
        self.rounds = self.rounds.max(rounds);
        self
    }

    /// Prints the report and its notes, and fails if a row computed a wrong answer: `main`
    /// turns that into exit status 1. With `--json`: one JSON object per row and nothing
    /// else; otherwise the machine line, the markdown table, a warning under it if a check
    /// failed, and the notes.
    pub fn finish(&self) -> Result<(), WrongAnswers> {
        self.print();
        if !self.json {
            if self.rounds > 1 {
                crate::say!(
                    "Fastest of {} runs per variant; the variants took turns.",
                    self.rounds
                );
            }
            for note in &self.notes {
                crate::say!("{note}");
            }
        }
        match self.rows.iter().filter(|row| !row.ok).count() {
            0 => Ok(()),
            wrong => Err(WrongAnswers(wrong)),
        }
    }

    /// Measures speedups against `variant` (in every workload that has it) instead of
    /// against `"serial"`, e.g. `report.baseline_variant("one thread")`.
    pub fn baseline_variant(&mut self, variant: &str) -> &mut Report {
        self.baseline = Some(variant.to_string());
        self.fill_speedups();
        self
    }

    /// Adds a measured row and returns it, so the caller can attach `.extra(...)` fields.
    pub fn add(
        &mut self,
        workload: &str,
        variant: &str,
        workers: usize,
        seconds: f64,
        ok: bool,
    ) -> &mut Row {
        self.rows.push(Row {
            program: self.program.clone(),
            workload: workload.to_string(),
            variant: variant.to_string(),
            workers,
            seconds,
            speedup: f64::NAN,
            ok,
            extra: Map::new(),
        });
        // A new row may be the baseline of rows added before it (a "serial" row measured
        // last), so recompute them all: reports have a handful of rows.
        self.fill_speedups();
        self.rows.last_mut().expect("a row was just pushed")
    }

    /// The rows, in the order they were added, speedups filled in.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The rows, to add columns computed from several of them (a cost per operation
    /// against the baseline row, say).
    pub fn rows_mut(&mut self) -> &mut [Row] {
        &mut self.rows
    }

    /// `true` when every row's answer was right ([`Report::finish`] fails otherwise).
    pub fn all_ok(&self) -> bool {
        self.rows.iter().all(|row| row.ok)
    }

    /// The table part of [`Report::finish`].
    fn print(&self) {
        if self.json {
            let lines = self.to_json_lines(); // one per row, each ending in a newline
            if !lines.is_empty() {
                crate::say!("{}", lines.trim_end());
            }
            return;
        }
        crate::say!("machine: {}", machine_line());
        crate::say!("{}", self.to_markdown());
        let failed = self.rows.iter().filter(|row| !row.ok).count();
        if failed > 0 {
            crate::say!("✗ {failed} row(s) computed a wrong answer: their timings do not count");
        }
    }

    /// The rows as a markdown table: fixed columns, then one per extra key in the order
    /// the keys first appear.
    pub fn to_markdown(&self) -> String {
        let extra_keys = self.extra_keys();
        let mut header = vec!["workload", "variant", "workers", "seconds", "speedup", "ok"];
        if !self.speedup {
            header.retain(|&column| column != "speedup");
        }
        let fixed = header.len();
        header.extend(extra_keys.iter().map(String::as_str));

        let mut table = Table::new();
        table.load_preset(ASCII_MARKDOWN).set_header(header);
        for row in &self.rows {
            let mut cells = vec![
                row.workload.clone(),
                row.variant.clone(),
                row.workers.to_string(),
                fmt_number(row.seconds),
            ];
            if self.speedup {
                cells.push(fmt_speedup(row.speedup));
            }
            cells.push(if row.ok { "✓" } else { "✗" }.to_string());
            cells.extend(
                extra_keys
                    .iter()
                    .map(|key| row.extra.get(key).map(fmt_value).unwrap_or_default()),
            );
            table.add_row(cells);
        }
        // Numbers read best right-aligned: workers, seconds, speedup, and the extras.
        for index in (2..fixed - 1).chain(fixed..fixed + extra_keys.len()) {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        table.to_string()
    }

    /// One JSON object per row, each followed by a newline.
    pub fn to_json_lines(&self) -> String {
        self.rows
            .iter()
            .map(|row| {
                // A Row has string keys and plain values only: serialising cannot fail.
                let line = match self.speedup {
                    true => serde_json::to_string(row),
                    false => serde_json::to_value(row).map(|mut fields| {
                        fields
                            .as_object_mut()
                            .map(|fields| fields.remove("speedup"));
                        fields.to_string()
                    }),
                };
                line.expect("a Row serialises to JSON") + "\n"
            })
            .collect()
    }

    /// Every extra key used by some row, in order of first appearance.
    fn extra_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for key in self.rows.iter().flat_map(|row| row.extra.keys()) {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }

    /// Sets every row's speedup against its workload's baseline row (`NaN` without one).
    fn fill_speedups(&mut self) {
        for index in 0..self.rows.len() {
            if !self.speedup {
                self.rows[index].speedup = f64::NAN;
                continue;
            }
            let baseline_seconds = self.baseline_of(&self.rows[index].workload).seconds;
            let row = &mut self.rows[index];
            row.speedup = baseline_seconds / row.seconds;
        }
    }

    /// The row other rows of `workload` are compared with (see the module docs).
    fn baseline_of(&self, workload: &str) -> &Row {
        let rows_of_workload = || self.rows.iter().filter(|row| row.workload == workload);
        let chosen = self.baseline.as_deref().unwrap_or("serial");
        rows_of_workload()
            .find(|row| row.variant == chosen)
            .or_else(|| rows_of_workload().next())
            .expect("the workload has at least the row asking")
    }
}

/// About three significant figures, never dropping integer digits: 0.410, 2.01, 41.3, 1234.
fn fmt_number(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    // Below a ten-thousandth the zeros hide the digits: 4.03e-6 reads better.
    if x.abs() < 1e-4 {
        return format!("{x:.2e}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 9) as usize;
    format!("{x:.decimals$}")
}

/// `1.93×`, `0.00408×` for a variant hundreds of times slower (three figures, not
/// `0.00×`), or `–` when there is nothing to compare (a zero time).
fn fmt_speedup(speedup: f64) -> String {
    if speedup.is_finite() && speedup > 0.0 && speedup < 0.1 {
        format!("{}×", fmt_number(speedup))
    } else if speedup.is_finite() {
        format!("{speedup:.2}×")
    } else {
        "–".to_string()
    }
}

/// An extra value as a table cell: strings without quotes, decimals shortened.
fn fmt_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if number.is_f64() => fmt_number(number.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let mut report = Report::new("cpu_bound");
        report.add("hash_me", "serial", 1, 0.8, true);
        report
            .add("hash_me", "rayon", 2, 0.4, true)
            .extra("rss_kb", 2_140);
        report
    }

    #[test]
    fn speedup_is_against_the_serial_row_of_the_same_workload() {
        let mut report = sample();
        report.add("primes", "threads", 2, 3.0, true);
        report.add("primes", "serial", 1, 6.0, true);
        let speedups: Vec<f64> = report.rows().iter().map(|row| row.speedup).collect();
        // The primes baseline was added last and still counts for the row before it.
        assert_eq!(speedups, [1.0, 2.0, 2.0, 1.0]);
    }

    #[test]
    fn without_a_serial_row_the_first_row_is_the_baseline() {
        let mut report = Report::new("io_bound");
        report.add("download", "threads", 4, 1.0, true);
        report.add("download", "async", 1, 0.5, true);
        assert_eq!(report.rows()[1].speedup, 2.0);
    }

    #[test]
    fn baseline_variant_overrides_serial() {
        let mut report = sample();
        report.add("hash_me", "processes", 2, 0.2, true);
        report.baseline_variant("rayon");
        let speedups: Vec<f64> = report.rows().iter().map(|row| row.speedup).collect();
        assert_eq!(speedups, [0.5, 1.0, 2.0]);
    }

    #[test]
    fn without_speedup_the_column_and_the_field_are_left_out() {
        let mut report = Report::new("limits").without_speedup();
        report.add("10000 units", "tasks", 10_000, 0.01, true);
        report
            .add("1000 units", "processes", 1_000, 1.0, true)
            .extra("kb_per_unit", 180.0);
        assert!(report.rows().iter().all(|row| row.speedup.is_nan()));
        let markdown = report.to_markdown();
        assert!(
            !markdown.contains("speedup") && !markdown.contains('×'),
            "{markdown}"
        );
        let header = markdown.lines().next().unwrap();
        assert!(
            header.contains("| seconds | ok | kb_per_unit |"),
            "{markdown}"
        );
        assert!(
            markdown.lines().nth(3).unwrap().contains("1.00 | ✓ "),
            "{markdown}"
        );
        let json = report.to_json_lines();
        let rows: Vec<Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(
            rows.iter().all(|row| row.get("speedup").is_none()),
            "{json}"
        );
        assert_eq!(rows[1]["kb_per_unit"], 180.0);
    }

    #[test]
    fn json_lines_have_the_documented_fields_and_flattened_extras() {
        let json = sample().to_json_lines();
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines.len(), 2);
        let rayon: Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(rayon["program"], "cpu_bound");
        assert_eq!(rayon["workload"], "hash_me");
        assert_eq!(rayon["variant"], "rayon");
        assert_eq!(rayon["workers"], 2);
        assert_eq!(rayon["seconds"], 0.4);
        assert_eq!(rayon["speedup"], 2.0);
        assert_eq!(rayon["ok"], true);
        assert_eq!(rayon["rss_kb"], 2_140);
        // The serial row has no extras: no rss_kb key, not even null.
        let serial: Value = serde_json::from_str(lines[0]).unwrap();
        assert!(serial.get("rss_kb").is_none());
    }

    #[test]
    fn markdown_table_has_a_column_per_extra_key() {
        let markdown = sample().to_markdown();
        let lines: Vec<&str> = markdown.lines().collect();
        assert_eq!(lines.len(), 4, "{markdown}");
        for column in [
            "workload", "variant", "workers", "seconds", "speedup", "ok", "rss_kb",
        ] {
            assert!(lines[0].contains(column), "{markdown}");
        }
        assert!(lines[1].starts_with("|--"), "{markdown}");
        assert!(lines[3].contains("rayon"), "{markdown}");
        assert!(lines[3].contains("2.00×"), "{markdown}");
        assert!(lines[3].contains("2140"), "{markdown}");
        assert!(lines[3].contains('✓'), "{markdown}");
    }

    #[test]
    fn a_failed_check_is_marked_and_reported() {
        let mut report = sample();
        assert!(report.all_ok());
        report.add("hash_me", "racy", 2, 0.1, false);
        assert!(!report.all_ok());
        let markdown = report.to_markdown();
        let racy = markdown.lines().find(|line| line.contains("racy")).unwrap();
        assert!(racy.contains('✗'), "{markdown}");
        assert!(report.to_json_lines().contains(r#""ok":false"#));
    }

    #[test]
    fn numbers_keep_about_three_significant_figures() {
        assert_eq!(fmt_number(0.41), "0.410");
        assert_eq!(fmt_number(2.0123), "2.01");
        assert_eq!(fmt_number(41.26), "41.3");
        assert_eq!(fmt_number(1234.4), "1234");
        assert_eq!(fmt_number(0.000412), "0.000412");
        assert_eq!(fmt_number(0.000_004_03), "4.03e-6");
        assert_eq!(fmt_speedup(f64::INFINITY), "–");
        assert_eq!(fmt_speedup(1.926), "1.93×");
        assert_eq!(fmt_speedup(1.0 / 245.0), "0.00408×");
        assert_eq!(fmt_value(&Value::from("lock-free")), "lock-free");
        assert_eq!(fmt_value(&Value::from(12_345.678)), "12346");
    }
}
