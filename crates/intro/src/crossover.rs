//! When not to: the size below which a parallel sum is slower than the serial one.
//!
//! The Python notes on speeding up a program end with a warning: concurrency is added
//! only once a measurement has shown a problem it would solve. Their CPU-bound example
//! shows why: the threaded version lost to the plain loop, which paid nothing to start
//! workers. Here is the same advice as a
//! measurement: the sum of the numbers `0, 1, …, n − 1` (held in a slice, so the work is
//! real), three ways, for `n` from a hundred to a hundred million:
//!
//! - [`Way::Serial`]: `numbers.iter().sum()`, one core;
//! - [`Way::Threads`]: the slice split into one chunk per CPU, each summed by a thread of
//!   `std::thread::scope`, the parts added up;
//! - [`Way::Rayon`]: `numbers.par_iter().sum()` on rayon's pool (its threads already
//!   started: the pool is warmed up before timing).
//!
//! A parallel way pays a fixed price per call (start threads, or wake the pool's, and
//! wait for the last to finish: microseconds), while the serial loop adds a number in
//! well under a nanosecond. So below some size the price is more than the whole job, and
//! parallel is slower; [`crossover`] finds the size from which it is faster. Every sum is
//! checked against `n (n − 1) / 2` before its time counts.
//!
//! [`verdict`] says in a sentence where each parallel way starts to win, and
//! [`fixed_price`] what a parallel call costs before it has summed anything; `when_not_to`
//! prints both under its table, and draws the times against size with `common::plot`.

use std::error::Error;
use std::hint::black_box;
use std::thread;
use std::time::Duration;

use common::compare::Comparison;
use common::measure::fmt_duration;
use common::report::Report;
use rayon::prelude::*;

/// A way to sum a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// One loop on one core: the baseline.
    Serial,
    /// One scoped thread per CPU, each summing its chunk.
    Threads,
    /// rayon's `par_iter().sum()`.
    Rayon,
}

impl Way {
    /// Every way, serial first.
    pub const ALL: [Way; 3] = [Way::Serial, Way::Threads, Way::Rayon];

    /// The name in a table's `variant` column.
    pub fn label(self) -> &'static str {
        match self {
            Way::Serial => "serial",
            Way::Threads => "std threads",
            Way::Rayon => "rayon",
        }
    }

    /// The way as the subject of a sentence, and its verb: "std threads win", "rayon
    /// wins".
    fn wins(self) -> (&'static str, &'static str) {
        match self {
            Way::Threads => ("std threads", "win"),
            _ => (self.label(), "wins"),
        }
    }

    /// How many threads this way sums with.
    pub fn workers(self) -> usize {
        match self {
            Way::Serial => 1,
            Way::Threads => common::default_workers(),
            Way::Rayon => rayon::current_num_threads(),
        }
    }

    /// Sums `numbers` this way.
    pub fn sum(self, numbers: &[u64]) -> u64 {
        match self {
            Way::Serial => serial_sum(numbers),
            Way::Threads => threads_sum(numbers, self.workers()),
            Way::Rayon => rayon_sum(numbers),
        }
    }
}

/// One way at one size: its best time and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// How many numbers were summed.
    pub size: usize,
    /// How.
    pub way: Way,
    /// Threads it used.
    pub workers: usize,
    /// The fastest of the rounds.
    pub best: Duration,
    /// The sum of the fastest round.
    pub sum: u64,
    /// Every round's sum was `size (size − 1) / 2`.
    pub ok: bool,
}

/// The serial sum: the loop every other way must beat.
pub fn serial_sum(numbers: &[u64]) -> u64 {
    numbers.iter().sum()
}

/// The sum by `workers` scoped threads, one chunk each (at least one thread, and never
/// more threads than numbers).
// ANCHOR: threads_sum
pub fn threads_sum(numbers: &[u64], workers: usize) -> u64 {
    let chunk = numbers.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        let parts: Vec<_> = numbers
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().sum::<u64>()))
            .collect();
        parts.into_iter().map(|p| p.join().unwrap()).sum()
    })
}
// ANCHOR_END: threads_sum

/// The sum by rayon: it splits the slice and its pool's threads sum the pieces.
// ANCHOR: rayon_sum
pub fn rayon_sum(numbers: &[u64]) -> u64 {
    numbers.par_iter().sum()
}
// ANCHOR_END: rayon_sum

/// `0 + 1 + … + (n − 1)` ([`common::sum_below`]): the answer every way must give.
pub fn expected_sum(n: usize) -> u64 {
    common::sum_below(n as u64)
}

/// The numbers `0, 1, …, n − 1`: what every way sums (a prefix of them for each size).
pub fn numbers(n: usize) -> Vec<u64> {
    (0..n as u64).collect()
}

/// The sizes from 100 up to `largest`: the powers of ten, and with `threes` also three
/// times each (100, 300, 1 000, 3 000, …).
pub fn sizes(largest: usize, threes: bool) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut power = 100usize;
    while power <= largest {
        sizes.push(power);
        if threes && power.saturating_mul(3) <= largest {
            sizes.push(power * 3);
        }
        match power.checked_mul(10) {
            Some(next) => power = next,
            None => break,
        }
    }
    sizes
}

/// Times every [`Way`] at every size: each size is a comparison of `common::compare`, the
/// ways in turns for `rounds` rounds, each way's fastest round kept, every sum checked.
/// One [`Row`] per size and way, sizes in the order given.
///
/// The numbers are made once, for the largest size (8 bytes each: 800 MB for 10⁸), and
/// each size sums a prefix of them.
pub fn measure(sizes: &[usize], rounds: usize) -> Vec<Row> {
    let all = numbers(sizes.iter().copied().max().unwrap_or(0));
    // Start rayon's pool now, so no size pays for its threads' start.
    rayon_sum(&all[..all.len().min(1)]);
    let mut rows = Vec::new();
    for &size in sizes {
        let part = &all[..size];
        let fastest = compare(size, part, rounds).expect("a sum cannot fail");
        for (way, run) in Way::ALL.into_iter().zip(fastest) {
            rows.push(Row {
                size,
                way,
                workers: run.workers,
                best: run.took,
                sum: run.run.answer,
                ok: run.ok,
            });
        }
    }
    rows
}

/// The three ways over `part` on the comparison harness, into a report that prints
/// nothing: the program prints the rows its own way.
fn compare(
    size: usize,
    part: &[u64],
    rounds: usize,
) -> Result<Vec<common::compare::Fastest<u64>>, Box<dyn Error>> {
    let mut quiet = Report::new("when_not_to").json(true);
    let mut comparison = Comparison::new(&format!("sum of {size}"))
        .rounds(rounds)
        .expect(expected_sum(size));
    for way in Way::ALL {
        // `black_box`: the optimiser may not assume it knows the numbers.
        comparison =
            comparison.variant(way.label(), way.workers(), move || way.sum(black_box(part)));
    }
    comparison.run(&mut quiet)
}

/// How many times faster than serial `row` is, from the serial row of its size in
/// `rows` (`None` without one, or when the row took no measurable time).
pub fn speedup(rows: &[Row], row: &Row) -> Option<f64> {
    let serial = rows
        .iter()
        .find(|r| r.way == Way::Serial && r.size == row.size)?;
    let best = row.best.as_secs_f64();
    (best > 0.0).then(|| serial.best.as_secs_f64() / best)
}

/// The points to plot for `way`: (size, speedup against serial), sizes ascending.
pub fn speedups(rows: &[Row], way: Way) -> Vec<(usize, f64)> {
    let mut points: Vec<(usize, f64)> = rows
        .iter()
        .filter(|r| r.way == way)
        .filter_map(|r| Some((r.size, speedup(rows, r)?)))
        .collect();
    points.sort_by_key(|&(size, _)| size);
    points
}

/// The smallest size from which `way` beats serial: it is faster there *and at every
/// larger size measured*, so one lucky win among the small sizes does not count. `None`
/// when it is not faster at the largest size (parallel never wins), or there is nothing
/// to compare.
pub fn crossover(rows: &[Row], way: Way) -> Option<usize> {
    let mut sizes: Vec<(usize, bool)> = rows
        .iter()
        .filter(|r| r.way == way)
        .filter_map(|r| Some((r.size, speedup(rows, r)? > 1.0)))
        .collect();
    sizes.sort_by_key(|&(size, _)| size);
    // Walk down from the largest size while `way` keeps winning.
    let mut from = None;
    for &(size, faster) in sizes.iter().rev() {
        if !faster {
            break;
        }
        from = Some(size);
    }
    from
}

/// `size` the way the table and the plot name it: `10⁷`, `3·10⁶`.
pub fn size_name(size: usize) -> String {
    common::plot::power_of_ten(size as f64)
}

/// Two significant figures: `0.0041×`, `0.62×`, `1.9×`, `12×`.
fn times(speedup: f64) -> String {
    let magnitude = speedup.abs().log10().floor() as i32;
    let decimals = (1 - magnitude).clamp(0, 6) as usize;
    format!("{speedup:.decimals$}×")
}

/// Where `way` starts to beat serial, in a sentence, from this run's `rows` and the rule
/// of [`crossover`]:
///
/// ```text
/// std threads win from 10⁷ numbers on (1.9× at 10⁸); at 10⁶ they are slower (0.62×).
/// rayon wins at every size measured, from 10² (1.2×).
/// std threads never win, up to 10⁶ numbers (0.41× there): at these sizes, stay serial.
/// ```
///
/// `None` for serial, or without rows of `way`.
pub fn verdict(rows: &[Row], way: Way) -> Option<String> {
    let points = speedups(rows, way);
    let (&(largest, at_largest), (subject, verb)) = (points.last()?, way.wins());
    if way == Way::Serial {
        return None;
    }
    let Some(from) = crossover(rows, way) else {
        let size = size_name(largest);
        let t = times(at_largest);
        return Some(format!(
            "{subject} never {verb}, up to {size} numbers ({t} there): at these sizes, stay serial."
        ));
    };
    let below = points.iter().rev().find(|&&(size, _)| size < from);
    let Some(&(below, at_below)) = below else {
        let t = times(points[0].1);
        let size = size_name(from);
        return Some(format!(
            "{subject} {verb} at every size measured, from {size} ({t})."
        ));
    };
    let pronoun = if verb == "win" { "they are" } else { "it is" };
    // Within 5 % either way, one run's noise can decide: no verdict but "about as fast".
    let slower = if at_below < 0.95 {
        "slower"
    } else {
        "about as fast"
    };
    Some(format!(
        "{subject} {verb} from {} numbers on ({} at {}); at {} {pronoun} {slower} ({}).",
        size_name(from),
        times(at_largest),
        size_name(largest),
        size_name(below),
        times(at_below)
    ))
}

/// What a parallel call costs before it sums anything, from the smallest size measured
/// (where the sum itself is next to nothing) against serial's time per number at the
/// largest, in a sentence:
///
/// ```text
/// At 10², serial takes 41 ns, std threads 52.1 µs, rayon 8.20 µs: the price of a parallel
/// call, as long as serial takes for 1.7·10⁵ and 2.7·10⁴ numbers.
/// ```
///
/// `None` without a serial row.
pub fn fixed_price(rows: &[Row]) -> Option<String> {
    let at = |way: Way, size: usize| rows.iter().find(|r| r.way == way && r.size == size);
    let smallest = rows.iter().map(|r| r.size).min()?;
    let largest = rows.iter().map(|r| r.size).max()?;
    let per_number = at(Way::Serial, largest)?.best.as_secs_f64() / largest as f64;
    let serial = fmt_duration(at(Way::Serial, smallest)?.best);
    let parallel: Vec<&Row> = [Way::Threads, Way::Rayon]
        .into_iter()
        .filter_map(|way| at(way, smallest))
        .collect();
    let costs: Vec<String> = parallel
        .iter()
        .map(|r| format!("{} {}", r.way.wins().0, fmt_duration(r.best)))
        .collect();
    let numbers: Vec<String> = parallel
        .iter()
        .map(|r| about(r.best.as_secs_f64() / per_number.max(f64::MIN_POSITIVE)))
        .collect();
    Some(format!(
        "At {}, serial takes {serial}, {}: the price of a parallel call, as long as serial \
         takes for {} numbers.",
        size_name(smallest),
        costs.join(", "),
        numbers.join(" and ")
    ))
}

/// `n` to two significant figures, as `170` or `1.7·10⁵`.
fn about(n: f64) -> String {
    if !n.is_finite() || n < 1_000.0 {
        return format!("{:.0}", n.max(0.0));
    }
    let exponent = n.log10().floor() as i32;
    let mantissa = n / 10f64.powi(exponent);
    format!("{mantissa:.1}·10{}", common::plot::superscript(exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of `way` at `size` whose best time is `micros` µs.
    fn row(size: usize, way: Way, micros: u64) -> Row {
        Row {
            size,
            way,
            workers: 2,
            best: Duration::from_micros(micros),
            sum: expected_sum(size),
            ok: true,
        }
    }

    /// Every way gives `n (n − 1) / 2` at every size, the awkward ones included: empty,
    /// one number, fewer numbers than threads, a size that does not split evenly.
    #[test]
    fn every_way_sums_right_at_every_size() {
        let all = numbers(100_003);
        for n in [0, 1, 2, 3, 7, 100, 1_000, 99_999, 100_003] {
            for way in Way::ALL {
                assert_eq!(way.sum(&all[..n]), expected_sum(n), "{way:?} at {n}");
            }
            for workers in [1, 2, 3, 8] {
                assert_eq!(threads_sum(&all[..n], workers), expected_sum(n));
            }
        }
    }

    /// `measure` gives one checked row per size and way, in order, every sum right.
    #[test]
    fn measure_checks_every_sum() {
        let sizes = sizes(1_000_000, true);
        let rows = measure(&sizes, 2);
        assert_eq!(rows.len(), sizes.len() * Way::ALL.len());
        for (row, (size, way)) in rows.iter().zip(
            sizes
                .iter()
                .flat_map(|&size| Way::ALL.map(|way| (size, way))),
        ) {
            assert_eq!((row.size, row.way), (size, way));
            assert!(row.ok, "{row:?}");
            assert_eq!(row.sum, expected_sum(size));
            assert_eq!(row.workers, way.workers());
        }
    }

    /// The formula agrees with the loop, and does not overflow at the largest size.
    #[test]
    fn the_expected_sum_is_the_formula() {
        for n in [0, 1, 2, 3, 10, 101] {
            assert_eq!(expected_sum(n), (0..n as u64).sum::<u64>());
        }
        assert_eq!(expected_sum(100_000_000), 4_999_999_950_000_000);
    }

    /// Sizes go 100, 300, 1 000, … up to the largest, or powers of ten alone.
    #[test]
    fn sizes_are_powers_of_ten_and_threes() {
        assert_eq!(sizes(10_000, false), [100, 1_000, 10_000]);
        assert_eq!(sizes(10_000, true), [100, 300, 1_000, 3_000, 10_000]);
        assert_eq!(sizes(99, true), Vec::<usize>::new());
        assert_eq!(sizes(100_000_000, false).len(), 7);
    }

    /// Parallel slower at 100 and 1 000, faster from 10 000 on: the crossover is 10 000.
    /// A lucky win at 100, followed by a loss, does not move it.
    #[test]
    fn the_crossover_is_where_parallel_keeps_winning() {
        let mut rows = Vec::new();
        for (size, serial, rayon) in [
            (10_000, 8, 5),
            (100, 1, 9),
            (1_000, 2, 6),
            (100_000, 80, 45),
        ] {
            rows.push(row(size, Way::Serial, serial));
            rows.push(row(size, Way::Rayon, rayon));
        }
        assert_eq!(crossover(&rows, Way::Rayon), Some(10_000));
        rows[3].best = Duration::from_nanos(500); // rayon at 100 now wins by luck
        assert_eq!(crossover(&rows, Way::Rayon), Some(10_000));
        // No rows of a way: nothing to say.
        assert_eq!(crossover(&rows, Way::Threads), None);
    }

    /// A way that is never faster, or not faster at the largest size, has no crossover.
    #[test]
    fn no_crossover_when_parallel_never_wins() {
        let mut rows = Vec::new();
        for (size, serial, threads) in [(100, 1, 30), (1_000, 2, 30), (10_000, 9, 40)] {
            rows.push(row(size, Way::Serial, serial));
            rows.push(row(size, Way::Threads, threads));
        }
        assert_eq!(crossover(&rows, Way::Threads), None);
        // A win in the middle, lost again at the largest size: still none.
        rows[3].best = Duration::from_micros(1);
        assert_eq!(crossover(&rows, Way::Threads), None);
        // Equal is not faster.
        rows[5].best = rows[4].best;
        assert_eq!(crossover(&rows, Way::Threads), None);
    }

    /// The sentences under the table, from the figures: where each way starts to win,
    /// and what a parallel call costs.
    #[test]
    fn the_verdicts_follow_the_crossover_rule() {
        let mut rows = Vec::new();
        for (size, serial, threads, rayon) in [
            (100, 1, 60, 4),
            (1_000, 2, 60, 1),
            (10_000, 20, 62, 20),
            (100_000, 200, 100, 90),
        ] {
            rows.push(row(size, Way::Serial, serial));
            rows.push(row(size, Way::Threads, threads));
            rows.push(row(size, Way::Rayon, rayon));
        }
        assert_eq!(
            verdict(&rows, Way::Threads).unwrap(),
            "std threads win from 10⁵ numbers on (2.0× at 10⁵); at 10⁴ they are slower (0.32×)."
        );
        // rayon's lucky win at 10³ does not count: at 10⁴ it is only as fast as serial.
        assert_eq!(
            verdict(&rows, Way::Rayon).unwrap(),
            "rayon wins from 10⁵ numbers on (2.2× at 10⁵); at 10⁴ it is about as fast (1.0×)."
        );
        assert_eq!(verdict(&rows, Way::Serial), None);
        assert_eq!(
            fixed_price(&rows).unwrap(),
            "At 10², serial takes 1.00 µs, std threads 60.0 µs, rayon 4.00 µs: the price of \
             a parallel call, as long as serial takes for 3.0·10⁴ and 2.0·10³ numbers."
        );
        // Threads slower at the largest size: never.
        rows[10].best = Duration::from_micros(300);
        assert_eq!(
            verdict(&rows, Way::Threads).unwrap(),
            "std threads never win, up to 10⁵ numbers (0.67× there): at these sizes, stay serial."
        );
        // Faster everywhere.
        let everywhere = [row(100, Way::Serial, 4), row(100, Way::Rayon, 2)];
        assert_eq!(
            verdict(&everywhere, Way::Rayon).unwrap(),
            "rayon wins at every size measured, from 10² (2.0×)."
        );
    }

    /// Sizes and ratios as the sentences write them.
    #[test]
    fn sizes_and_ratios_read_short() {
        assert_eq!(size_name(3_000_000), "3·10⁶");
        assert_eq!(size_name(100), "10²");
        assert_eq!(times(0.004_08), "0.0041×");
        assert_eq!(times(0.62), "0.62×");
        assert_eq!(times(1.93), "1.9×");
        assert_eq!(times(12.4), "12×");
        assert_eq!(about(170.4), "170");
        assert_eq!(about(170_400.0), "1.7·10⁵");
    }

    /// The plot's points: size ascending, speedup = serial time / this way's time.
    #[test]
    fn speedups_are_serial_time_over_way_time() {
        let rows = [
            row(1_000, Way::Serial, 2),
            row(1_000, Way::Rayon, 8),
            row(100, Way::Serial, 1),
            row(100, Way::Rayon, 4),
        ];
        assert_eq!(speedups(&rows, Way::Rayon), [(100, 0.25), (1_000, 0.25)]);
        assert_eq!(speedups(&rows, Way::Serial), [(100, 1.0), (1_000, 1.0)]);
    }
}
