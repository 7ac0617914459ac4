//! Line plots of results: speedup against workers, messages per second against channels,
//! time against size. A [`Plot`] has a title, two axis descriptions, several named
//! series of `(x, y)` points (each drawn as a line with a marker at every point, and named
//! in a legend), and optional reference lines with a label, e.g. `crossover 10⁷`.
//!
//! Either axis may be logarithmic: the ticks are then the powers of ten (`10²`, `10³`,
//! …) and every value on it must be positive. The text is sized for a projector, as in
//! [`timeline`](crate::timeline): the picture is 1000 pixels wide and its smallest text
//! is still 14 pixels high when a page shows it 750 pixels wide.
//!
//! ```
//! use common::plot::Plot;
//!
//! let sizes = [1e2, 1e4, 1e6, 1e8];
//! let plot = Plot::new("a sum, two ways")
//!     .x_axis("numbers summed")
//!     .y_axis("µs per sum")
//!     .log_x()
//!     .log_y()
//!     .series("serial", sizes.map(|n| (n, n / 2000.0)))
//!     .series("threads", sizes.map(|n| (n, 30.0 + n / 4000.0)))
//!     .vertical(1e5, "crossover 10⁵");
//! let svg = plot.to_svg()?;
//! assert!(svg.contains("serial") && svg.contains("crossover 10⁵"));
//!
//! // A program writes it where its `--plot FILE.svg` flag says.
//! let path = std::env::temp_dir().join(format!("sum-{}.svg", std::process::id()));
//! plot.write_svg(&path)?;
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! A plot that cannot be drawn is an error, not a panic: no series, an empty series, a
//! value that is not finite, or one that is not positive on a logarithmic axis.

use std::io;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::timeline::PALETTE;

/// Picture width in pixels, legend included.
pub(crate) const WIDTH: u32 = 1000;
/// Picture height in pixels.
pub(crate) const HEIGHT: u32 = 620;
/// The size asked for every label. plotters writes 1/1.24 of it into the SVG (19.4 px):
/// 14.5 px on a page that shows the picture 750 pixels wide.
pub(crate) const TEXT_PX: u32 = 24;
/// The size asked for the title.
pub(crate) const TITLE_PX: u32 = 30;
/// The height of one legend entry, in pixels.
pub(crate) const LEGEND_ROW: i32 = 34;

/// One named line of points.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
    /// Drawn dashed, without markers: a bound or a prediction rather than a measurement.
    dashed: bool,
}

/// A reference line across the plot: at an x (vertical) or at a y (horizontal).
#[derive(Debug, Clone, PartialEq)]
struct Marker {
    vertical: bool,
    at: f64,
    label: String,
}

/// One axis: what it shows and how it is scaled.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Axis {
    pub(crate) description: String,
    pub(crate) log: bool,
}

impl Axis {
    /// Where `value` sits on the drawn axis: its logarithm on a log axis, else itself.
    pub(crate) fn place(&self, value: f64, what: &str) -> io::Result<f64> {
        if !value.is_finite() {
            return Err(invalid(format!("{what}: {value} is not a number to plot")));
        }
        if !self.log {
            return Ok(value);
        }
        if value <= 0.0 {
            let axis = &self.description;
            return Err(invalid(format!(
                "{what}: {value} on the logarithmic axis `{axis}`, which holds positive values only"
            )));
        }
        Ok(value.log10())
    }

    /// The drawn range for the placed values `low..=high`, with its ticks: whole powers of
    /// ten on a log axis (the range widened to them, and a light line at 2, 3, … 9 times
    /// each), round steps on a linear one (from 0 when every value is positive).
    pub(crate) fn ticked(&self, low: f64, high: f64) -> Ticked {
        if self.log {
            let (from, mut to) = (low.floor(), high.ceil());
            if to <= from {
                to = from + 1.0;
            }
            let ticks = (from as i32..=to as i32).map(f64::from).collect();
            let decades = from as i32..to as i32;
            let light = decades
                .flat_map(|e| (2..10).map(move |k| f64::from(e) + f64::from(k).log10()))
                .collect();
            return Ticked {
                from,
                to,
                ticks,
                light,
            };
        }
        let from = if low >= 0.0 { 0.0 } else { low };
        let to = if high > from { high } else { from + 1.0 };
        let to = to + (to - from) * 0.05;
        let step = round_step((to - from) / 6.0);
        let first = (from / step).ceil() as i64;
        let ticks = (first..)
            .map(|k| k as f64 * step)
            .take_while(|&t| t <= to)
            .collect();
        Ticked {
            from,
            to,
            ticks,
            light: Vec::new(),
        }
    }

    /// A tick's label: `10⁻²`, `10³` on a log axis, the number itself on a linear one.
    pub(crate) fn label(&self, placed: f64) -> String {
        if self.log {
            format!("10{}", superscript(placed.round() as i32))
        } else {
            let rounded = (placed * 1e6).round() / 1e6;
            format!("{rounded}")
        }
    }
}

/// 1, 2 or 5 times a power of ten: the smallest such step not below `raw`.
fn round_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power)
}

/// `-12` as `⁻¹²`.
pub fn superscript(n: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits = n.unsigned_abs().to_string();
    let digits = digits.bytes().map(|d| DIGITS[usize::from(d - b'0')]);
    let sign = (n < 0).then_some('⁻');
    sign.into_iter().chain(digits).collect()
}

/// A number as a power of ten when it is one or a whole multiple of one (`10⁷`,
/// `3·10⁶`), else as it is (`1234`): the way a label names a size.
pub fn power_of_ten(n: f64) -> String {
    if n >= 10.0 && n.is_finite() {
        let exponent = n.log10().floor();
        let power = 10f64.powf(exponent);
        let times = n / power;
        let power = format!("10{}", superscript(exponent as i32));
        match times {
            1.0 => return power,
            2.0..=9.0 if times.fract() == 0.0 => return format!("{times}·{power}"),
            _ => {}
        }
    }
    format!("{n}")
}

/// The SVG document of a picture `size` pixels large, drawn by `draw`: the one place
/// a plot, a bar chart or a timeline becomes text.
pub(crate) fn svg_of(
    size: (u32, u32),
    draw: impl FnOnce(
        &DrawingArea<SVGBackend<'_>, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>>,
) -> io::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)
            .and_then(|()| root.present())
            .map_err(io::Error::other)?;
    } // `root` borrows `svg` until here.
    Ok(svg)
}

pub(crate) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A line plot, built step by step and drawn as SVG (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    title: String,
    x: Axis,
    y: Axis,
    series: Vec<Series>,
    markers: Vec<Marker>,
}

impl Plot {
    /// An empty plot titled `title`, both axes linear and undescribed.
    pub fn new(title: impl Into<String>) -> Plot {
        Plot {
            title: title.into(),
            x: Axis::default(),
            y: Axis::default(),
            series: Vec::new(),
            markers: Vec::new(),
        }
    }

    /// What the x axis shows, e.g. `"workers"`.
    pub fn x_axis(mut self, description: impl Into<String>) -> Plot {
        self.x.description = description.into();
        self
    }

    /// What the y axis shows, e.g. `"speedup against serial"`.
    pub fn y_axis(mut self, description: impl Into<String>) -> Plot {
        self.y.description = description.into();
        self
    }

    /// A logarithmic x axis, ticked at the powers of ten.
    pub fn log_x(mut self) -> Plot {
        self.x.log = true;
        self
    }

    /// A logarithmic y axis, ticked at the powers of ten.
    pub fn log_y(mut self) -> Plot {
        self.y.log = true;
        self
    }

    /// A line through `points` (in the order given), named `name` in the legend.
    pub fn series(
        mut self,
        name: impl Into<String>,
        points: impl IntoIterator<Item = (f64, f64)>,
    ) -> Plot {
        self.series.push(Series {
            name: name.into(),
            points: points.into_iter().collect(),
            dashed: false,
        });
        self
    }

    /// A dashed line through `points`, without markers: a bound or a prediction to set
    /// the measured series against, e.g. `"bound: cores × serial"`.
    pub fn dashed(
        mut self,
        name: impl Into<String>,
        points: impl IntoIterator<Item = (f64, f64)>,
    ) -> Plot {
        self = self.series(name, points);
        if let Some(last) = self.series.last_mut() {
            last.dashed = true;
        }
        self
    }

    /// A dashed vertical line at `x`, labelled at its top: `"crossover 10⁷"`.
    pub fn vertical(mut self, x: f64, label: impl Into<String>) -> Plot {
        self.markers.push(Marker {
            vertical: true,
            at: x,
            label: label.into(),
        });
        self
    }

    /// A dashed horizontal line at `y`, labelled at its right end: `"1× = serial"`.
    pub fn horizontal(mut self, y: f64, label: impl Into<String>) -> Plot {
        self.markers.push(Marker {
            vertical: false,
            at: y,
            label: label.into(),
        });
        self
    }

    /// Draws the plot and writes it to `path`.
    pub fn write_svg(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.to_svg()?)
    }

    /// The SVG document [`write_svg`](Plot::write_svg) writes.
    pub fn to_svg(&self) -> io::Result<String> {
        let placed = self.placed()?;
        svg_of((WIDTH, HEIGHT), |root| self.draw(root, &placed))
    }

    /// Every series' points and every marker where they are drawn (logarithms on a log
    /// axis), or why the plot cannot be drawn.
    fn placed(&self) -> io::Result<Placed> {
        if self.series.is_empty() {
            return Err(invalid(format!("the plot `{}` has no series", self.title)));
        }
        let mut lines = Vec::new();
        for series in &self.series {
            if series.points.is_empty() {
                return Err(invalid(format!(
                    "the series `{}` has no points",
                    series.name
                )));
            }
            let points = series.points.iter().map(|&(x, y)| {
                Ok((
                    self.x.place(x, &series.name)?,
                    self.y.place(y, &series.name)?,
                ))
            });
            lines.push(points.collect::<io::Result<Vec<_>>>()?);
        }
        let markers = self.markers.iter().map(|marker| {
            let axis = if marker.vertical { &self.x } else { &self.y };
            axis.place(marker.at, &marker.label)
        });
        let markers = markers.collect::<io::Result<Vec<_>>>()?;
        Ok(Placed { lines, markers })
    }

    /// The plot on the left, the legend on the right.
    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        placed: &Placed,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        root.fill(&WHITE)?;
        let below_title = root.titled(&self.title, ("sans-serif", TITLE_PX))?;
        let longest = self.series.iter().map(|s| s.name.chars().count()).max();
        let legend_width = (60 + longest.unwrap_or(0) as u32 * TEXT_PX * 48 / 100).clamp(180, 420);
        let (plot_area, legend_area) = below_title.split_horizontally(WIDTH - legend_width);

        let all = placed.lines.iter().flatten();
        let (xs, ys): (Vec<f64>, Vec<f64>) = all.copied().unzip();
        let span = |values: &[f64]| {
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            (
                low,
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let ((x_low, x_high), (y_low, y_high)) = (span(&xs), span(&ys));
        let (x, y) = (self.x.ticked(x_low, x_high), self.y.ticked(y_low, y_high));
        let (x_from, x_to, y_from, y_to) = (x.from, x.to, y.from, y.to);
        let widest_y_tick = y.ticks.iter().map(|&t| self.y.label(t).chars().count());
        let y_label_width = widest_y_tick.max().unwrap_or(1) as u32 * TEXT_PX * 55 / 100;

        let mut chart = ChartBuilder::on(&plot_area)
            .margin(15)
            .margin_right(30)
            .x_label_area_size(TEXT_PX * 3)
            .y_label_area_size(y_label_width + TEXT_PX * 2)
            .build_cartesian_2d(x, y)?;
        let x_label = |x: &f64| self.x.label(*x);
        let y_label = |y: &f64| self.y.label(*y);
        chart
            .configure_mesh()
            .x_desc(self.x.description.as_str())
            .y_desc(self.y.description.as_str())
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(("sans-serif", TEXT_PX))
            .axis_desc_style(("sans-serif", TEXT_PX))
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(200, 200, 200))
            .draw()?;

        for (index, (line, series)) in placed.lines.iter().zip(&self.series).enumerate() {
            let colour = colour_of(series, index);
            if series.dashed {
                let path =
                    DashedPathElement::new(line.iter().copied(), 12, 8, colour.stroke_width(3));
                chart.draw_series([path])?;
                continue;
            }
            chart.draw_series(LineSeries::new(
                line.iter().copied(),
                colour.stroke_width(3),
            ))?;
            draw_points(&mut chart, index, line)?;
        }
        self.draw_markers(&mut chart, &placed.markers, (x_from, x_to), (y_from, y_to))?;
        self.draw_legend(&legend_area)
    }

    /// The reference lines, dashed, each label at the line's end (staggered, so that
    /// labels of lines close together do not cover each other).
    fn draw_markers(
        &self,
        chart: &mut Chart<'_, '_>,
        at: &[f64],
        (x_from, x_to): (f64, f64),
        (y_from, y_to): (f64, f64),
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        let text_height = f64::from(TEXT_PX) * 1.2;
        let (width_px, height_px) = chart.plotting_area().dim_in_pixel();
        for (index, (marker, &placed)) in self.markers.iter().zip(at).enumerate() {
            let ends = if marker.vertical {
                [(placed, y_from), (placed, y_to)]
            } else {
                [(x_from, placed), (x_to, placed)]
            };
            let style = RGBColor(60, 60, 60).stroke_width(2);
            chart.draw_series([DashedPathElement::new(ends, 8, 6, style)])?;
            let font = TextStyle::from(("sans-serif", TEXT_PX).into_font());
            let (position, anchor) = if marker.vertical {
                // Down from the top, one line lower for each marker before it; on the
                // left of a line in the right third of the plot, so it stays inside.
                let down = (index as f64 * text_height + 6.0) / f64::from(height_px);
                let y = y_to - (y_to - y_from) * down;
                let right_third = (placed - x_from) / (x_to - x_from) > 0.66;
                let nudge = (x_to - x_from) * 8.0 / f64::from(width_px);
                match right_third {
                    true => ((placed - nudge, y), Pos::new(HPos::Right, VPos::Top)),
                    false => ((placed + nudge, y), Pos::new(HPos::Left, VPos::Top)),
                }
            } else {
                let up = 6.0 / f64::from(height_px);
                let y = placed + (y_to - y_from) * up;
                ((x_to, y), Pos::new(HPos::Right, VPos::Bottom))
            };
            let text = Text::new(marker.label.clone(), position, font.pos(anchor));
            chart.plotting_area().draw(&text)?;
        }
        Ok(())
    }

    /// One entry per series: a short line with its marker, then its name.
    fn draw_legend(
        &self,
        area: &DrawingArea<SVGBackend<'_>, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<io::Error>> {
        for (index, series) in self.series.iter().enumerate() {
            let middle = 40 + LEGEND_ROW * index as i32;
            let colour = colour_of(series, index);
            let ends = [(5, middle), (45, middle)];
            if series.dashed {
                area.draw(&DashedPathElement::new(ends, 10, 6, colour.stroke_width(3)))?;
            } else {
                area.draw(&PathElement::new(ends, colour.stroke_width(3)))?;
                draw_marker(area, index, (25, middle))?;
            }
            let font = TextStyle::from(("sans-serif", TEXT_PX).into_font());
            let name = Text::new(
                series.name.as_str(),
                (55, middle),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            );
            area.draw(&name)?;
        }
        Ok(())
    }
}

/// Series `index`'s colour: the palette's, or dark grey for a dashed bound.
fn colour_of(series: &Series, index: usize) -> RGBColor {
    match series.dashed {
        true => BOUND_GREY,
        false => PALETTE[index % PALETTE.len()],
    }
}

/// The colour of a dashed series: dark, so that a bound stands out from the measurements.
const BOUND_GREY: RGBColor = RGBColor(70, 70, 70);

/// The chart every plot draws on: two linear axes (logarithms already taken) with ticks
/// of our own.
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// An axis from `from` to `to`, its ticks and light grid lines where we put them.
/// (plotters' `with_key_points` on an `f64` range would do, but it gives up the tick
/// labels we format ourselves.)
pub(crate) struct Ticked {
    pub(crate) from: f64,
    pub(crate) to: f64,
    ticks: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, (start, end): (i32, i32)) -> i32 {
        let share = (value - self.from) / (self.to - self.from);
        start + (f64::from(end - start) * share).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match hint.weight().allow_light_points() {
            true => self.light.clone(),
            false => self.ticks.clone(),
        }
    }

    fn range(&self) -> Range<f64> {
        self.from..self.to
    }
}

/// Where the points and the markers are drawn, axes' logarithms taken.
struct Placed {
    lines: Vec<Vec<(f64, f64)>>,
    markers: Vec<f64>,
}

/// Series `index`'s marker at every point: a circle, a triangle or a square, by turns,
/// so that the lines stay apart without their colours too.
fn draw_points(
    chart: &mut Chart<'_, '_>,
    index: usize,
    line: &[(f64, f64)],
) -> Result<(), DrawingAreaErrorKind<io::Error>> {
    let colour = PALETTE[index % PALETTE.len()].filled();
    let points = line.iter().copied();
    match index % 3 {
        0 => chart.draw_series(points.map(|p| Circle::new(p, 6, colour)))?,
        1 => chart.draw_series(points.map(|p| TriangleMarker::new(p, 8, colour)))?,
        _ => chart.draw_series(
            points.map(|p| EmptyElement::at(p) + Rectangle::new([(-6, -6), (6, 6)], colour)),
        )?,
    };
    Ok(())
}

/// Series `index`'s marker at a pixel of the legend.
fn draw_marker(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    index: usize,
    at: (i32, i32),
) -> Result<(), DrawingAreaErrorKind<io::Error>> {
    let colour = PALETTE[index % PALETTE.len()].filled();
    match index % 3 {
        0 => area.draw(&Circle::new(at, 6, colour)),
        1 => area.draw(&TriangleMarker::new(at, 8, colour)),
        _ => area.draw(&Rectangle::new(
            [(at.0 - 6, at.1 - 6), (at.0 + 6, at.1 + 6)],
            colour,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three ways from 10² to 10⁸, on log scales, with two crossovers marked.
    fn crossover_plot() -> Plot {
        let sizes: Vec<f64> = (2..=8).map(|e| 10f64.powi(e)).collect();
        Plot::new("sum of n numbers: time per call")
            .x_axis("numbers summed")
            .y_axis("µs per sum")
            .log_x()
            .log_y()
            .series("serial", sizes.iter().map(|&n| (n, n / 2000.0)))
            .series("std threads", sizes.iter().map(|&n| (n, 40.0 + n / 4000.0)))
            .series("rayon", sizes.iter().map(|&n| (n, 8.0 + n / 4000.0)))
            .vertical(1e5, "std threads win from 10⁵")
            .vertical(1e5, "rayon wins from 10⁵")
    }

    /// The text of every `<text>` element, trimmed.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|rest| Some(rest.split_once('>')?.1.split("</text>").next()?.trim()))
            .collect()
    }

    /// Every font-size the SVG sets.
    fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn the_svg_has_the_title_every_series_and_the_markers() {
        let svg = crossover_plot().to_svg().unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        for text in [
            "sum of n numbers: time per call",
            "numbers summed",
            "µs per sum",
            "serial",
            "std threads",
            "rayon",
            "std threads win from 10⁵",
            "rayon wins from 10⁵",
        ] {
            assert!(svg.contains(text), "{text} is missing");
        }
        // A line through each series' points (7 of them) in its colour, and its legend
        // entry's line.
        for colour in &PALETTE[..3] {
            let stroke = format!(
                "stroke=\"#{:02X}{:02X}{:02X}\" stroke-width=\"3\" points=\"",
                colour.0, colour.1, colour.2
            );
            let lines: Vec<&str> = svg.split(&stroke).skip(1).collect();
            assert_eq!(lines.len(), 2, "{stroke}");
            let points = lines
                .iter()
                .map(|l| l.split('"').next().unwrap().split_whitespace().count());
            assert_eq!(points.collect::<Vec<_>>(), [7, 2], "{stroke}");
        }
    }

    #[test]
    fn log_axes_are_ticked_at_powers_of_ten() {
        let svg = crossover_plot().to_svg().unwrap();
        let texts = texts(&svg);
        for tick in ["10²", "10⁵", "10⁸", "10⁻¹", "10⁴"] {
            assert!(texts.contains(&tick), "no tick {tick} in {texts:?}");
        }
    }

    #[test]
    fn every_text_is_legible_on_a_projector() {
        let svg = crossover_plot().to_svg().unwrap();
        let sizes = font_sizes(&svg);
        assert!(sizes.len() > 10, "{sizes:?}");
        // Shown 750 pixels wide, as a page shows the 1000-pixel picture: at least 14 px.
        for size in sizes {
            assert!(size * 750.0 / f64::from(WIDTH) >= 14.0, "{size} px");
        }
        assert!(svg.contains(&format!("width=\"{WIDTH}\"")));
    }

    #[test]
    fn a_linear_plot_with_a_horizontal_line() {
        let svg = Plot::new("speedup against workers")
            .x_axis("workers")
            .y_axis("speedup")
            .series("rayon", [(1.0, 1.0), (2.0, 1.9), (4.0, 3.5)])
            .horizontal(1.0, "1× = serial")
            .to_svg()
            .unwrap();
        let texts = texts(&svg);
        for text in ["1× = serial", "rayon", "0", "1", "4"] {
            assert!(texts.contains(&text), "no {text} in {texts:?}");
        }
    }

    #[test]
    fn a_dashed_series_has_no_markers_and_is_in_the_legend() {
        let svg = Plot::new("speedup")
            .series("threads", [(1.0, 1.0), (2.0, 1.9)])
            .dashed("bound: cores × serial", [(1.0, 1.0), (2.0, 2.0)])
            .to_svg()
            .unwrap();
        assert!(texts(&svg).contains(&"bound: cores × serial"));
        // Two circles on the measured line and one in its legend entry; none for the bound.
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        let grey = BOUND_GREY;
        let stroke = format!("stroke=\"#{:02X}{:02X}{:02X}\"", grey.0, grey.1, grey.2);
        assert!(
            svg.matches(&stroke).count() >= 2,
            "the bound's dashes and its legend"
        );
    }

    #[test]
    fn what_cannot_be_drawn_is_an_error() {
        let error = |plot: Plot| plot.to_svg().unwrap_err();
        let none = error(Plot::new("nothing"));
        assert_eq!(none.kind(), io::ErrorKind::InvalidInput);
        let empty = error(Plot::new("t").series("empty", []));
        assert!(
            empty.to_string().contains("`empty` has no points"),
            "{empty}"
        );
        let zero = error(Plot::new("t").log_y().series("s", [(1.0, 0.0)]));
        assert!(zero.to_string().contains("positive values only"), "{zero}");
        let negative = error(Plot::new("t").log_x().series("s", [(-1.0, 2.0)]));
        assert_eq!(negative.kind(), io::ErrorKind::InvalidInput);
        let marker = error(
            Plot::new("t")
                .log_x()
                .series("s", [(1.0, 2.0)])
                .vertical(0.0, "m"),
        );
        assert!(marker.to_string().starts_with("m: "), "{marker}");
        let nan = error(Plot::new("t").series("s", [(f64::NAN, 2.0)]));
        assert!(nan.to_string().contains("not a number"), "{nan}");
    }

    #[test]
    fn one_point_and_one_decade_still_make_a_plot() {
        let svg = Plot::new("t")
            .log_x()
            .log_y()
            .series("s", [(5.0, 5.0)])
            .to_svg();
        let svg = svg.unwrap();
        assert!(texts(&svg).contains(&"10⁰") && texts(&svg).contains(&"10¹"));
    }

    #[test]
    fn superscripts_and_powers_of_ten() {
        assert_eq!(superscript(-12), "⁻¹²");
        assert_eq!(superscript(0), "⁰");
        assert_eq!(power_of_ten(1e7), "10⁷");
        assert_eq!(power_of_ten(3e6), "3·10⁶");
        assert_eq!(power_of_ten(100.0), "10²");
        assert_eq!(power_of_ten(1234.0), "1234");
        assert_eq!(power_of_ten(5.0), "5");
    }

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(round_step(0.7), 1.0);
        assert_eq!(round_step(1.3), 2.0);
        assert_eq!(round_step(32.0), 50.0);
        let axis = Axis::default().ticked(1.0, 8.0);
        assert_eq!((axis.from, &axis.ticks[..3]), (0.0, &[0.0, 2.0, 4.0][..]));
        assert!(axis.to > 8.0 && *axis.ticks.last().unwrap() <= axis.to);
    }

    /// A scratch picture to look at: `PLOT_SAMPLE=/tmp/p.svg cargo test -p common plot`.
    #[test]
    fn write_svg_writes_the_file() {
        if let Ok(sample) = std::env::var("PLOT_SAMPLE") {
            crossover_plot().write_svg(Path::new(&sample)).unwrap();
        }
        let path = std::env::temp_dir().join(format!("plot-{}.svg", std::process::id()));
        crossover_plot().write_svg(&path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(svg.contains("rayon"));
    }
}
