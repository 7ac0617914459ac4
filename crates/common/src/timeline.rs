//! Pictures of who ran when: a [`Timeline`] records labelled spans of time, one lane (row)
//! per thread, task or process, and draws them as an SVG Gantt chart.
//!
//! The chart answers the question every lecture asks: did these really run at the same
//! time? Two threads computing in parallel are two bars side by side; two threads taking
//! turns under a lock are bars that never overlap.
//!
//! A program offers the chart behind a `--timeline FILE.svg` flag. Recording costs one
//! uncontended mutex lock per span, so a program records unconditionally and only
//! writes the picture when asked:
//!
//! ```
//! use std::path::PathBuf;
//! use std::thread;
//!
//! use common::timeline::Timeline;
//!
//! /// The program's flags; in a real program this derives `clap::Parser`.
//! struct Args {
//!     /// Draw who ran when into this SVG file.
//!     // #[arg(long, value_name = "FILE.svg")]
//!     timeline: Option<PathBuf>,
//! }
//!
//! fn main() -> std::io::Result<()> {
//!     let args = Args { timeline: None }; // in a real program: `Args::parse()`
//!     let timeline = Timeline::new();
//!     thread::scope(|s| {
//!         for worker in 0..2 {
//!             let timeline = timeline.clone(); // cheap: clones share one record
//!             s.spawn(move || {
//!                 let _span = timeline.span(format!("worker {worker}"), "compute");
//!                 // ... the work; the span ends when `_span` is dropped ...
//!             });
//!         }
//!     });
//!     if let Some(path) = &args.timeline {
//!         timeline.write_svg(path, "two workers")?;
//!         println!("timeline written to {}", path.display());
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Times are [`now_ns`] readings: `CLOCK_MONOTONIC`, the same clock in every process, so a
//! child process can measure a span itself and send `(start_ns, end_ns)` to the parent,
//! which adds it with [`Timeline::record`]. The chart's zero is the moment
//! [`Timeline::new`] was called; anything earlier is drawn at zero.

use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::measure::{fmt_duration, now_ns};

/// A stretch of time a row spent doing something, e.g. `worker 1` / `compute`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The lane it is drawn in: a thread, task or process.
    pub row: String,
    /// What it was doing; one colour per distinct label.
    pub label: String,
    /// [`now_ns`] when it started.
    pub start_ns: u64,
    /// [`now_ns`] when it ended (never before `start_ns`).
    pub end_ns: u64,
}

/// An instant event, drawn as a thin tick: one spinner frame, one message sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The lane it is drawn in.
    pub row: String,
    /// What happened; coloured like spans with the same label.
    pub label: String,
    /// [`now_ns`] when it happened.
    pub at_ns: u64,
}

/// A recorder of spans and marks, shared by every thread that holds a clone.
///
/// `Clone` copies a pointer, not the records: all clones add to the same chart. That is
/// what lets each worker thread carry its own `Timeline` into its closure.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// [`now_ns`] at creation: the chart's time zero.
    origin_ns: u64,
    /// Shared by all clones. A `Mutex` is enough: threads only hold it for a `Vec::push`,
    /// far shorter than the spans they record.
    records: Arc<Mutex<Records>>,
}

/// Everything recorded so far.
#[derive(Debug, Clone, Default)]
struct Records {
    /// Row names in order of first appearance: lanes are drawn top to bottom in this order.
    rows: Vec<String>,
    /// Label names in order of first appearance: this order picks their colours.
    labels: Vec<String>,
    spans: Vec<Span>,
    marks: Vec<Mark>,
}

impl Records {
    /// Gives `row` a lane and `label` a colour if they are new.
    fn register(&mut self, row: &str, label: &str) {
        if !self.rows.iter().any(|known| known == row) {
            self.rows.push(row.to_string());
        }
        if !self.labels.iter().any(|known| known == label) {
            self.labels.push(label.to_string());
        }
    }

    fn lane_of(&self, row: &str) -> usize {
        self.rows.iter().position(|known| known == row).unwrap_or(0)
    }

    fn colour_of(&self, label: &str) -> RGBColor {
        let index = self.labels.iter().position(|known| known == label);
        PALETTE[index.unwrap_or(0) % PALETTE.len()]
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::new()
    }
}

impl Timeline {
    /// An empty timeline whose time zero is now.
    pub fn new() -> Timeline {
        Timeline {
            origin_ns: now_ns(),
            records: Arc::default(),
        }
    }

    /// The chart's time zero, in [`now_ns`] units.
    pub fn origin_ns(&self) -> u64 {
        self.origin_ns
    }

    /// Starts a span now; it ends when the returned guard is dropped.
    ///
    /// Bind the guard to a named variable: `let _span = timeline.span(..)` lives to the end
    /// of the block, but `let _ = timeline.span(..)` drops it at once and records nothing
    /// worth seeing.
    pub fn span(&self, row: impl Into<String>, label: impl Into<String>) -> SpanGuard {
        let (row, label) = (row.into(), label.into());
        // The lane is claimed when the span starts, so lanes are ordered by who started
        // first, not by who finished first.
        self.lock().register(&row, &label);
        SpanGuard {
            timeline: self.clone(),
            row,
            label,
            start_ns: now_ns(),
        }
    }

    /// Adds a span measured elsewhere, e.g. by a child process with [`now_ns`].
    pub fn record(
        &self,
        row: impl Into<String>,
        label: impl Into<String>,
        start_ns: u64,
        end_ns: u64,
    ) {
        let (row, label) = (row.into(), label.into());
        let mut records = self.lock();
        records.register(&row, &label);
        records.spans.push(Span {
            row,
            label,
            start_ns,
            // A span cannot end before it starts: clamp rather than draw it backwards.
            end_ns: end_ns.max(start_ns),
        });
    }

    /// Records an instant event now.
    pub fn mark(&self, row: impl Into<String>, label: impl Into<String>) {
        self.mark_at(row, label, now_ns());
    }

    /// Records an instant measured elsewhere, e.g. in a child process with
    /// [`now_ns`](crate::measure::now_ns) (the same clock in every process).
    pub fn mark_at(&self, row: impl Into<String>, label: impl Into<String>, at_ns: u64) {
        let (row, label) = (row.into(), label.into());
        let mut records = self.lock();
        records.register(&row, &label);
        records.marks.push(Mark { row, label, at_ns });
    }

    /// Row names, in order of first appearance (the lanes, top to bottom).
    pub fn rows(&self) -> Vec<String> {
        self.lock().rows.clone()
    }

    /// All finished spans, sorted by start time.
    pub fn spans(&self) -> Vec<Span> {
        let mut spans = self.lock().spans.clone();
        spans.sort_by_key(|span| span.start_ns);
        spans
    }

    /// All marks, sorted by time.
    pub fn marks(&self) -> Vec<Mark> {
        let mut marks = self.lock().marks.clone();
        marks.sort_by_key(|mark| mark.at_ns);
        marks
    }

    /// One line per row: how many spans (and marks), how long the row was busy, and the
    /// first and last moment it appears, in seconds since time zero:
    ///
    /// ```text
    /// worker 0: 3 spans, busy 1.20 s, 0.000..1.502 s
    /// spinner: 0 spans, 40 marks, busy 0 ns, 0.001..2.000 s
    /// ```
    pub fn summary(&self) -> String {
        let records = self.lock().clone();
        let mut out = String::new();
        for row in &records.rows {
            let spans: Vec<&Span> = records.spans.iter().filter(|s| &s.row == row).collect();
            let marks: Vec<&Mark> = records.marks.iter().filter(|m| &m.row == row).collect();
            let span_times = spans.iter().flat_map(|s| [s.start_ns, s.end_ns]);
            let times: Vec<u64> = span_times.chain(marks.iter().map(|m| m.at_ns)).collect();
            let first_ns = times.iter().copied().min().unwrap_or(self.origin_ns);
            let last_ns = times.iter().copied().max().unwrap_or(self.origin_ns);
            let first = self.seconds_since_origin(first_ns);
            let last = self.seconds_since_origin(last_ns);

            out.push_str(&format!(
                "{row}: {} span{}",
                spans.len(),
                plural(spans.len())
            ));
            if !marks.is_empty() {
                out.push_str(&format!(", {} mark{}", marks.len(), plural(marks.len())));
            }
            let busy = fmt_duration(busy_time(&spans));
            out.push_str(&format!(", busy {busy}, {first:.3}..{last:.3} s\n"));
        }
        out
    }

    /// Draws the timeline as an SVG Gantt chart and writes it to `path`.
    pub fn write_svg(&self, path: &Path, title: &str) -> io::Result<()> {
        std::fs::write(path, self.to_svg(title)?)
    }

    /// What a program does with its `--timeline FILE.svg` flag: nothing without the flag;
    /// with it, write the chart and say where it went.
    pub fn save_if_asked(&self, path: Option<&Path>, title: &str) -> io::Result<()> {
        if let Some(path) = path {
            self.write_svg(path, title)?;
            crate::say!("timeline written to {}", path.display());
        }
        Ok(())
    }

    /// The SVG document [`write_svg`](Timeline::write_svg) writes.
    pub fn to_svg(&self, title: &str) -> io::Result<String> {
        // Copy the records and release the lock before drawing: threads still running
        // must not wait for a picture to be drawn.
        let records = self.lock().clone();
        let legend_height = 70 + LEGEND_ROW * records.labels.len() as u32;
        let lanes_height = 110 + LANE_HEIGHT * records.rows.len().max(1) as u32;
        let height = lanes_height.max(legend_height);

        crate::plot::svg_of((WIDTH, height), |root| self.draw(root, &records, title))
    }

    /// Lanes on the left (one per row, first row on top), legend on the right.
    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        records: &Records,
        title: &str,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        root.fill(&WHITE)?;
        // The title spans the whole picture, legend column included, so a long one fits.
        let below_title = root.titled(title, ("sans-serif", TITLE_PX))?;
        let (chart_area, legend_area) =
            below_title.split_horizontally(WIDTH - legend_width(records));

        // Lane i covers y from 10·i to 10·i + 10 (whole numbers: plotters formats integer
        // axes with our own labels). The y range runs from the last lane down to 0 so that
        // lane 0 is at the top; each lane's name is printed at its centre, 10·i + 5.
        let lanes = records.rows.len().max(1) as i32;
        let centres: Vec<i32> = (0..lanes).map(|lane| lane * LANE + LANE / 2).collect();
        let end_s = self.chart_end_seconds(records);
        let longest_name = records.rows.iter().map(|r| r.chars().count()).max();
        let name_width =
            (longest_name.unwrap_or(0) as u32 * TEXT_PX * 45 / 100 + 20).clamp(60, 360);

        let mut chart = ChartBuilder::on(&chart_area)
            .margin(10)
            .x_label_area_size(TEXT_PX * 3)
            .y_label_area_size(name_width)
            .build_cartesian_2d(0.0..end_s, (lanes * LANE..0).with_key_points(centres))?;

        let lane_name = |y: &i32| {
            let lane = usize::try_from(y / LANE).unwrap_or(0);
            records.rows.get(lane).cloned().unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_max_light_lines(4)
            // At the labels' size, more than about eight numbers run into each other.
            .x_labels(8)
            .x_desc("seconds since the timeline started")
            .y_label_formatter(&lane_name)
            .label_style(("sans-serif", TEXT_PX))
            .axis_desc_style(("sans-serif", TEXT_PX))
            .draw()?;

        // A span shorter than a pixel would vanish: draw every span at least two pixels wide,
        // so that it still shows when the picture is scaled down to fit a page.
        let plot_width_px = chart.plotting_area().dim_in_pixel().0.max(1);
        let one_pixel_s = end_s / f64::from(plot_width_px);

        chart.draw_series(records.spans.iter().map(|span| {
            let top = records.lane_of(&span.row) as i32 * LANE;
            let start = self.seconds_since_origin(span.start_ns);
            let end = self
                .seconds_since_origin(span.end_ns)
                .max(start + 2.0 * one_pixel_s);
            let colour = records.colour_of(&span.label);
            Rectangle::new([(start, top + 2), (end, top + 8)], colour.filled())
        }))?;

        // Marks go on top of spans, and span the whole lane so they show over a bar.
        chart.draw_series(records.marks.iter().map(|mark| {
            let top = records.lane_of(&mark.row) as i32 * LANE;
            let at = self.seconds_since_origin(mark.at_ns);
            let colour = records.colour_of(&mark.label);
            PathElement::new(vec![(at, top + 1), (at, top + 9)], colour.stroke_width(3))
        }))?;

        self.draw_legend(&legend_area, records)
    }

    /// One entry per label: a filled square for span labels, a tick for mark-only labels.
    fn draw_legend(
        &self,
        area: &DrawingArea<SVGBackend<'_>, Shift>,
        records: &Records,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        for (index, label) in records.labels.iter().enumerate() {
            let colour = records.colour_of(label);
            let top = 15 + LEGEND_ROW as i32 * index as i32;
            let square = TEXT_PX as i32;
            if records.spans.iter().any(|span| &span.label == label) {
                area.draw(&Rectangle::new(
                    [(10, top), (10 + square, top + square)],
                    colour.filled(),
                ))?;
            } else {
                let tick = vec![(10 + square / 2, top), (10 + square / 2, top + square)];
                area.draw(&PathElement::new(tick, colour.stroke_width(3)))?;
            }
            area.draw(&Text::new(
                label.as_str(),
                (20 + square, top),
                ("sans-serif", TEXT_PX),
            ))?;
        }
        Ok(())
    }

    /// The right end of the x axis: a little after the last thing recorded, so a final
    /// mark is not hidden by the frame (and at least a millisecond, so an empty timeline
    /// still has an axis).
    fn chart_end_seconds(&self, records: &Records) -> f64 {
        let span_ends = records.spans.iter().map(|span| span.end_ns);
        let mark_times = records.marks.iter().map(|mark| mark.at_ns);
        let last_ns = span_ends.chain(mark_times).max().unwrap_or(self.origin_ns);
        (self.seconds_since_origin(last_ns) * 1.02).max(0.001)
    }

    /// Seconds from the chart's zero to `t_ns`; times before the zero count as 0.
    fn seconds_since_origin(&self, t_ns: u64) -> f64 {
        Duration::from_nanos(t_ns.saturating_sub(self.origin_ns)).as_secs_f64()
    }

    /// Locks the records. A thread that panicked while holding the lock cannot have left
    /// them half-written (every change is a single push), so a poisoned lock is still safe
    /// to use: take the data rather than propagate the panic.
    fn lock(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Ends its span when dropped; see [`Timeline::span`].
#[must_use = "the span ends when this guard is dropped: bind it with `let _span = ...`"]
#[derive(Debug)]
pub struct SpanGuard {
    timeline: Timeline,
    row: String,
    label: String,
    start_ns: u64,
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        let end_ns = now_ns();
        // The guard is going away: move its strings into the record instead of copying.
        let row = std::mem::take(&mut self.row);
        let label = std::mem::take(&mut self.label);
        self.timeline.record(row, label, self.start_ns, end_ns);
    }
}

/// Chart width in pixels, legend included.
const WIDTH: u32 = 1000;
/// The size asked for every label. plotters writes a font size of 1/1.24 of it into the
/// SVG (19.4 px), and a page shows the 1000-pixel picture 750 pixels wide (a slide on a
/// 1024-pixel projector): the labels are still 14.5 px high there.
const TEXT_PX: u32 = 24;
/// The size asked for the title.
const TITLE_PX: u32 = 30;
/// The height of one legend entry, in pixels.
const LEGEND_ROW: u32 = 30;
/// Narrowest width of the legend column on the right.
const LEGEND_WIDTH: u32 = 220;
/// Widest the legend column may grow, for long labels.
const LEGEND_MAX_WIDTH: u32 = 520;

/// The legend column's width: wide enough for the longest label (about 0.44 of the asked
/// font size a character, after the colour square), so that no label runs off the
/// picture's right edge.
fn legend_width(records: &Records) -> u32 {
    let longest = records
        .labels
        .iter()
        .map(|label| label.chars().count())
        .max()
        .unwrap_or(0);
    (20 + TEXT_PX + longest as u32 * TEXT_PX * 44 / 100 + 10).clamp(LEGEND_WIDTH, LEGEND_MAX_WIDTH)
}
/// Height of one lane in pixels.
const LANE_HEIGHT: u32 = 36;
/// Height of one lane in the chart's y units.
const LANE: i32 = 10;

/// The Okabe–Ito palette: colours that stay distinct for colour-blind readers. With more
/// than eight labels, colours repeat.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // green
    RGBColor(204, 121, 167), // pink
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermilion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(110, 110, 110), // grey
];

/// Total time covered by at least one span: overlapping spans in one row count once.
fn busy_time(spans: &[&Span]) -> Duration {
    let mut intervals: Vec<(u64, u64)> = spans.iter().map(|s| (s.start_ns, s.end_ns)).collect();
    intervals.sort_unstable();
    let mut busy_ns = 0;
    let mut covered_until = 0;
    for (start, end) in intervals {
        // Only the part after what earlier spans already covered is new busy time.
        let start = start.max(covered_until);
        if end > start {
            busy_ns += end - start;
            covered_until = end;
        }
    }
    Duration::from_nanos(busy_ns)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn a_timeline_is_shared_across_threads() {
        fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
        assert_send_sync_clone::<Timeline>();
    }

    #[test]
    fn guard_records_its_span_when_dropped() {
        let timeline = Timeline::new();
        let guard = timeline.span("main", "compute");
        thread::sleep(Duration::from_millis(5));
        assert!(
            timeline.spans().is_empty(),
            "nothing recorded before the drop"
        );
        drop(guard);

        let spans = timeline.spans();
        assert_eq!(spans.len(), 1);
        assert_eq!(
            (spans[0].row.as_str(), spans[0].label.as_str()),
            ("main", "compute")
        );
        assert!(spans[0].start_ns >= timeline.origin_ns());
        assert!(spans[0].end_ns - spans[0].start_ns >= 5_000_000);
    }

    #[test]
    fn spans_from_several_threads_land_in_their_rows_in_order() {
        let timeline = Timeline::new();
        thread::scope(|s| {
            for worker in 0..3 {
                let timeline = timeline.clone();
                s.spawn(move || {
                    for step in 0..4 {
                        let _span = timeline.span(format!("worker {worker}"), format!("{step}"));
                        thread::sleep(Duration::from_millis(1));
                    }
                });
            }
        });

        let mut rows = timeline.rows();
        rows.sort(); // threads start in any order; each must have one lane
        assert_eq!(rows, ["worker 0", "worker 1", "worker 2"]);
        for row in timeline.rows() {
            let steps: Vec<Span> = timeline
                .spans()
                .into_iter()
                .filter(|s| s.row == row)
                .collect();
            let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
            assert_eq!(labels, ["0", "1", "2", "3"], "{row}");
            // One thread's spans follow each other without overlapping.
            assert!(
                steps
                    .windows(2)
                    .all(|pair| pair[0].end_ns <= pair[1].start_ns)
            );
        }
    }

    #[test]
    fn rows_keep_the_order_they_first_appeared_in() {
        let timeline = Timeline::new();
        timeline.mark("spinner", "frame");
        timeline.record("child 1", "compute", 10, 20);
        timeline.record("spinner", "frame", 30, 40);
        drop(timeline.span("main", "wait"));
        assert_eq!(timeline.rows(), ["spinner", "child 1", "main"]);
    }

    #[test]
    fn record_clamps_backwards_spans_and_summary_clamps_to_the_origin() {
        let timeline = Timeline::new();
        let origin = timeline.origin_ns();
        // Measured "elsewhere": starts 1 s before the origin, ends 2 ms after it.
        timeline.record(
            "child",
            "compute",
            origin - 1_000_000_000,
            origin + 2_000_000,
        );
        timeline.record("child", "compute", origin + 5_000_000, origin + 4_000_000);
        let spans = timeline.spans();
        assert_eq!(spans[1].end_ns, spans[1].start_ns);
        // Busy time is measured on real spans; the chart's first time clamps to 0.
        assert_eq!(
            timeline.summary(),
            "child: 2 spans, busy 1.00 s, 0.000..0.005 s\n"
        );
    }

    #[test]
    fn summary_counts_spans_marks_and_merges_overlaps() {
        let timeline = Timeline::new();
        let t0 = timeline.origin_ns();
        let ms = 1_000_000;
        timeline.record("worker", "a", t0, t0 + 10 * ms);
        timeline.record("worker", "b", t0 + 5 * ms, t0 + 20 * ms); // overlaps by 5 ms
        timeline.record("worker", "a", t0 + 30 * ms, t0 + 40 * ms);
        timeline.mark("spinner", "frame");
        let summary = timeline.summary();
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(lines[0], "worker: 3 spans, busy 30.0 ms, 0.000..0.040 s");
        assert!(
            lines[1].starts_with("spinner: 0 spans, 1 mark, busy 0 ns, "),
            "{summary}"
        );
    }

    #[test]
    fn svg_shows_rows_labels_spans_and_marks() {
        let timeline = Timeline::new();
        let t0 = timeline.origin_ns();
        timeline.record("worker 1", "compute", t0, t0 + 30_000_000);
        timeline.record(
            "worker 2",
            "waiting for lock",
            t0 + 10_000_000,
            t0 + 40_000_000,
        );
        timeline.mark("spinner", "frame");

        let dir = std::env::temp_dir().join(format!("timeline-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("who_ran_when.svg");
        timeline.write_svg(&path, "Who ran when").unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.trim_end().ends_with("</svg>"));
        for text in ["Who ran when", "worker 1", "worker 2", "spinner"] {
            assert!(svg.contains(text), "{text} missing");
        }
        for label in ["compute", "waiting for lock", "frame"] {
            assert!(svg.contains(label), "{label} missing");
        }
        // The first two palette colours fill the two spans.
        assert!(svg.contains("<rect"));
        assert!(svg.contains("#0072B2") && svg.contains("#E69F00"));
        // Three lanes: the picture grows with the number of rows.
        let more = Timeline::new();
        for row in 0..10 {
            more.mark(format!("row {row}"), "tick");
        }
        assert!(svg_height(&more.to_svg("t").unwrap()) > svg_height(&svg));
    }

    /// A long label widens the legend column, so that it stays inside the picture.
    #[test]
    fn the_legend_is_as_wide_as_its_longest_label() {
        let short = Timeline::new();
        short.mark("main", "tick");
        let long = Timeline::new();
        long.mark("main", "runs without the lock (I/O, native code)");
        let width = |timeline: &Timeline| legend_width(&timeline.lock().clone());
        assert_eq!(width(&short), LEGEND_WIDTH);
        let long_width = width(&long);
        assert!(long_width > LEGEND_WIDTH && long_width <= LEGEND_MAX_WIDTH);
        // 40 characters at about 7.5 pixels each, after the colour square.
        assert!(long_width >= 44 + 40 * 10, "{long_width}");
    }

    #[test]
    fn an_empty_timeline_still_draws() {
        let svg = Timeline::new().to_svg("nothing yet").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("nothing yet"));
    }

    #[test]
    fn writing_to_a_missing_directory_is_an_io_error() {
        let path = Path::new("/nonexistent-directory/timeline.svg");
        assert!(Timeline::new().write_svg(path, "t").is_err());
    }

    fn svg_height(svg: &str) -> u32 {
        let rest = svg.split("height=\"").nth(1).unwrap();
        rest[..rest.find('"').unwrap()].parse().unwrap()
    }
}
