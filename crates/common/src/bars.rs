//! Bar charts of results that have names, not sizes: messages per second for each kind
//! of channel, the cost of one task, thread or process, Python beside Rust.
//!
//! A [`Bars`] chart has a title, a value axis (linear, or logarithmic when the values
//! span powers of ten) and groups of horizontal bars, one bar for each series that has a
//! value in the group, each labelled with its value. It shares [`plot`](crate::plot)'s sizes, palette
//! and ticks, so it is as legible on a projector.
//!
//! ```
//! use common::bars::Bars;
//!
//! let svg = Bars::new("one sleeping unit: what it costs")
//!     .axis("µs to start and join one")
//!     .log()
//!     .bar("Rust", "task", 0.3)
//!     .bar("Python", "task", 9.0)
//!     .bar("Rust", "thread", 12.0)
//!     .bar("Python", "thread", 60.0)
//!     .to_svg()?;
//! assert!(svg.contains("thread") && svg.contains("Python"));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! A chart that cannot be drawn is an error, not a panic: no bars, a value that is not
//! finite, or one that is not positive on a logarithmic axis.

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::plot::{Axis, HEIGHT, LEGEND_ROW, TEXT_PX, TITLE_PX, WIDTH, invalid, svg_of};
use crate::timeline::PALETTE;

/// The height of one bar, in pixels.
const BAR_PX: u32 = 34;
/// The room between two groups, in bars.
const GAP: f64 = 0.6;

/// A chart of named values, built step by step and drawn as SVG (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    title: String,
    axis: Axis,
    /// The groups, top to bottom, in the order their first bar was added.
    groups: Vec<String>,
    /// The series, in the order their first bar was added: the colours and the legend.
    series: Vec<String>,
    /// (series, group, value).
    bars: Vec<(usize, usize, f64)>,
}

impl Bars {
    /// An empty chart titled `title`, its value axis linear and undescribed.
    pub fn new(title: impl Into<String>) -> Bars {
        Bars {
            title: title.into(),
            axis: Axis::default(),
            groups: Vec::new(),
            series: Vec::new(),
            bars: Vec::new(),
        }
    }

    /// What the values are, e.g. `"messages per second"`.
    pub fn axis(mut self, description: impl Into<String>) -> Bars {
        self.axis.description = description.into();
        self
    }

    /// A logarithmic value axis, ticked at the powers of ten.
    pub fn log(mut self) -> Bars {
        self.axis.log = true;
        self
    }

    /// A bar of `value` for `series` in `group` (both created when first named).
    pub fn bar(mut self, series: &str, group: &str, value: f64) -> Bars {
        let series = index_of(&mut self.series, series);
        let group = index_of(&mut self.groups, group);
        self.bars.push((series, group, value));
        self
    }

    /// Draws the chart and writes it to `path`.
    pub fn write_svg(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.to_svg()?)
    }

    /// The SVG document [`write_svg`](Bars::write_svg) writes.
    pub fn to_svg(&self) -> io::Result<String> {
        if self.bars.is_empty() {
            return Err(invalid(format!("the chart `{}` has no bars", self.title)));
        }
        let placed = self.bars.iter().map(|&(series, group, value)| {
            let what = format!("{} / {}", self.series[series], self.groups[group]);
            Ok((series, group, self.axis.place(value, &what)?, value))
        });
        let placed = placed.collect::<io::Result<Vec<_>>>()?;
        let rows = (self.bars.len() as f64 + GAP * self.groups.len() as f64) as u32;
        let height = HEIGHT.max(160 + rows * BAR_PX);
        svg_of((WIDTH, height), |root| self.draw(root, &placed))
    }

    /// The bars on the left, the legend (when there are several series) on the right.
    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        placed: &[(usize, usize, f64, f64)],
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        root.fill(&WHITE)?;
        let below_title = root.titled(&self.title, ("sans-serif", TITLE_PX))?;
        let legend_width = match self.series.len() {
            1 => 0,
            _ => {
                let longest = self.series.iter().map(|s| s.chars().count()).max();
                (60 + longest.unwrap_or(0) as u32 * TEXT_PX * 48 / 100).clamp(160, 360)
            }
        };
        let (chart_area, legend_area) = below_title.split_horizontally(WIDTH - legend_width);

        let low = placed.iter().map(|p| p.2).fold(f64::INFINITY, f64::min);
        let high = placed.iter().map(|p| p.2).fold(f64::NEG_INFINITY, f64::max);
        // Room on the right for the longest bar's label.
        let room = if self.axis.log {
            0.6
        } else {
            high.abs() * 0.25
        };
        let low = if self.axis.log {
            low.floor().min(high - 1.0)
        } else {
            low
        };
        let x = self.axis.ticked(low, high + room);
        let x_from = x.from;
        // Top to bottom: each group's bars (in the order of their series), then a gap.
        // `rows[bar]` is the top of the bar, in bars from the bottom.
        let mut order: Vec<usize> = (0..placed.len()).collect();
        order.sort_by_key(|&k| (placed[k].1, placed[k].0));
        let mut rows = vec![0.0; placed.len()];
        let mut middles = vec![0.0; self.groups.len()];
        let mut top = 0.0;
        for (position, &k) in order.iter().enumerate() {
            let group = placed[k].1;
            if position > 0 && placed[order[position - 1]].1 != group {
                top += GAP;
            }
            let in_group = order.iter().filter(|&&j| placed[j].1 == group).count() as f64;
            if position == 0 || placed[order[position - 1]].1 != group {
                middles[group] = top + in_group / 2.0;
            }
            rows[k] = top;
            top += 1.0;
        }
        let total = top + GAP / 2.0;
        let from_bottom = |from_top: f64| total - GAP / 4.0 - from_top;
        let widest = self.groups.iter().map(|g| g.chars().count()).max();
        let label_width = widest.unwrap_or(1) as u32 * TEXT_PX * 52 / 100 + 20;

        let mut chart = ChartBuilder::on(&chart_area)
            .margin(15)
            .margin_right(20)
            .x_label_area_size(TEXT_PX * 3)
            .y_label_area_size(label_width)
            .build_cartesian_2d(x, 0.0..total)?;
        let x_label = |x: &f64| self.axis.label(*x);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(self.axis.description.as_str())
            .x_label_formatter(&x_label)
            .label_style(("sans-serif", TEXT_PX))
            .axis_desc_style(("sans-serif", TEXT_PX))
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(200, 200, 200))
            .draw()?;

        let font = TextStyle::from(("sans-serif", TEXT_PX).into_font());
        for (&(series, _, at, value), &row) in placed.iter().zip(&rows) {
            let (top, bottom) = (from_bottom(row + 0.05), from_bottom(row + 0.95));
            let colour = PALETTE[series % PALETTE.len()];
            let bar = Rectangle::new([(x_from, top), (at, bottom)], colour.filled());
            chart.draw_series([bar])?;
            let (px, py) = chart.backend_coord(&(at, from_bottom(row + 0.5)));
            let text = Text::new(
                compact(value),
                (px + 8, py),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            );
            root.draw(&text)?;
        }
        for (name, &middle) in self.groups.iter().zip(&middles) {
            let (px, py) = chart.backend_coord(&(x_from, from_bottom(middle)));
            let text = Text::new(
                name.as_str(),
                (px - 10, py),
                font.pos(Pos::new(HPos::Right, VPos::Center)),
            );
            root.draw(&text)?;
        }
        if self.series.len() > 1 {
            self.draw_legend(&legend_area)?;
        }
        Ok(())
    }

    /// One entry per series: a square in its colour, then its name.
    fn draw_legend(
        &self,
        area: &DrawingArea<SVGBackend<'_>, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        let font = TextStyle::from(("sans-serif", TEXT_PX).into_font());
        for (index, name) in self.series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()].filled();
            let middle = 40 + LEGEND_ROW * index as i32;
            area.draw(&Rectangle::new(
                [(10, middle - 10), (30, middle + 10)],
                colour,
            ))?;
            let name = Text::new(
                name.as_str(),
                (40, middle),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            );
            area.draw(&name)?;
        }
        Ok(())
    }
}

/// The position of `name` in `names`, added at the end when missing.
fn index_of(names: &mut Vec<String>, name: &str) -> usize {
    match names.iter().position(|n| n == name) {
        Some(index) => index,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    }
}

/// A value in three significant figures, with k, M or G for thousands, millions and
/// billions: `0.0123`, `4.56`, `789`, `12.3 k`, `4.5 M`.
pub fn compact(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, " G"),
        v if v >= 1e6 => (value / 1e6, " M"),
        v if v >= 1e4 => (value / 1e3, " k"),
        _ => (value, ""),
    };
    let digits = match scaled.abs() {
        v if v >= 100.0 || v == 0.0 => 0,
        v if v >= 10.0 => 1,
        v => (2.0 - v.log10().floor()).min(6.0) as usize,
    };
    format!("{scaled:.digits$}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channels() -> Bars {
        Bars::new("messages per second, by channel")
            .axis("messages per second")
            .log()
            .bar("Rust", "crossbeam bounded", 2.1e7)
            .bar("Rust", "std mpsc", 1.4e7)
            .bar("Python", "queue.Queue", 3.2e5)
    }

    /// The text of every `<text>` element, trimmed.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|rest| Some(rest.split_once('>')?.1.split("</text>").next()?.trim()))
            .collect()
    }

    #[test]
    fn every_group_series_and_value_is_written() {
        let svg = channels().to_svg().unwrap();
        let texts = texts(&svg);
        for text in [
            "messages per second, by channel",
            "messages per second",
            "crossbeam bounded",
            "std mpsc",
            "queue.Queue",
            "Rust",
            "Python",
            "21.0 M",
            "320 k",
            "10⁵",
            "10⁷",
        ] {
            assert!(texts.contains(&text), "no {text} in {texts:?}");
        }
        // One filled bar per value, and one square per series in the legend.
        let blue = PALETTE[0];
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", blue.0, blue.1, blue.2);
        assert_eq!(svg.matches(&fill).count(), 2 + 1, "{fill}");
    }

    #[test]
    fn one_series_has_no_legend_and_a_linear_axis_starts_at_zero() {
        let svg = Bars::new("speedup")
            .axis("× serial")
            .bar("Rust", "threads", 1.9)
            .bar("Rust", "processes", 1.8)
            .to_svg()
            .unwrap();
        let texts = texts(&svg);
        assert!(!texts.contains(&"Rust"), "{texts:?}");
        assert!(texts.contains(&"0") && texts.contains(&"1.90"), "{texts:?}");
    }

    #[test]
    fn many_bars_make_a_taller_picture() {
        let mut bars = Bars::new("t");
        for k in 0..12 {
            bars = bars
                .bar("a", &format!("g{k}"), 1.0)
                .bar("b", &format!("g{k}"), 2.0);
        }
        let svg = bars.to_svg().unwrap();
        assert!(
            !svg.contains(&format!("height=\"{HEIGHT}\"")),
            "{}",
            &svg[..120]
        );
    }

    #[test]
    fn what_cannot_be_drawn_is_an_error() {
        let none = Bars::new("nothing").to_svg().unwrap_err();
        assert!(none.to_string().contains("no bars"), "{none}");
        let zero = Bars::new("t").log().bar("Rust", "task", 0.0).to_svg();
        let zero = zero.unwrap_err().to_string();
        assert!(
            zero.starts_with("Rust / task: ") && zero.contains("positive"),
            "{zero}"
        );
        let nan = Bars::new("t").bar("a", "b", f64::NAN).to_svg().unwrap_err();
        assert!(nan.to_string().contains("not a number"), "{nan}");
    }

    #[test]
    fn compact_numbers() {
        let shown = [0.0123, 4.56, 789.0, 12_345.0, 4.5e6, 2.1e9, 0.0].map(compact);
        assert_eq!(
            shown,
            ["0.0123", "4.56", "789", "12.3 k", "4.50 M", "2.10 G", "0"]
        );
    }
}
