//! Lazy iteration: a list built up front against numbers computed when they are asked for.
//!
//! The Python course notebook opens its coroutine chapter with two ways of counting to
//! `up_to`: `eager_range` appends every number to a list and returns the list;
//! `lazy_range` is a generator, which `yield`s one number each time `next()` asks and
//! keeps nothing else. Here they are [`eager_range`] (a `Vec`) and [`lazy_range`] (an
//! [`Iterator`]): a Rust iterator is the object a Python generator function returns,
//! written out by hand. Its fields are the generator's local variables, and `next` runs
//! the body from one `yield` to the next.
//!
//! ```
//! use coroutines::lazy::{eager_range, lazy_range};
//!
//! assert_eq!(eager_range(5), [0, 1, 2, 3, 4]);
//! let mut iterator = lazy_range(5);
//! assert_eq!(iterator.next(), Some(0));
//! assert_eq!(iterator.next(), Some(1));
//! assert_eq!(iterator.collect::<Vec<_>>(), [2, 3, 4]);
//! ```
//!
//! [`sum_one_by_one`] is the work both are timed on, and [`with_peak_memory`] measures what
//! a variant adds to the resident set at its peak. [`pipeline`] is the second half of the
//! lesson: Python's `itertools` in a generator pipeline, beside the same stages written
//! with std's iterator adapters and the `itertools` crate.

use std::fmt::Display;
use std::hint::black_box;
use std::iter::once;

use common::compare::Run;
use common::measure::{MemoryProbe, time};
use itertools::{ChunkBy, Itertools};

/// The numbers `0..up_to`, all of them built before the first is used: the notebook's
/// `eager_range`, one `push` (Python's `append`) at a time.
// ANCHOR: eager_range
pub fn eager_range(up_to: u64) -> Vec<u64> {
    let mut sequence = Vec::new();
    let mut index = 0;
    while index < up_to {
        sequence.push(index);
        index += 1;
    }
    sequence
}
// ANCHOR_END: eager_range

/// The notebook's generator `lazy_range`, written out: an iterator whose state is the
/// generator's two local variables. Nothing is computed until [`Iterator::next`] asks.
// ANCHOR: lazy_range
pub struct LazyRange {
    index: u64,
    up_to: u64,
}
impl Iterator for LazyRange {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if self.index < self.up_to {
            let index = self.index; // yield index
            self.index += 1; // and carry on from here next time
            Some(index)
        } else {
            None // Python raises StopIteration
        }
    }
}
// ANCHOR_END: lazy_range

/// Calling the generator function: nothing of the body runs yet.
pub fn lazy_range(up_to: u64) -> LazyRange {
    LazyRange { index: 0, up_to }
}

/// The sum of `numbers`, added one at a time as Python's `sum()` does.
///
/// `black_box` hides each number from the optimiser: without it, a release build sees
/// that the lazy variant adds `0 + 1 + … + (n − 1)` and replaces the whole loop by the
/// formula `n(n − 1)/2`, and the comparison would time nothing at all.
pub fn sum_one_by_one(numbers: impl IntoIterator<Item = u64>) -> u64 {
    numbers.into_iter().fold(0, |sum, n| sum + black_box(n))
}

/// `n` with a space between groups of three digits, as the slides write numbers:
/// `10 000 000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let first = digits.len() % 3;
    let mut groups = vec![&digits[..first]];
    groups.extend((first..digits.len()).step_by(3).map(|i| &digits[i..i + 3]));
    groups.retain(|g| !g.is_empty());
    groups.join(" ")
}

/// Runs `work` once and returns its answer, its time, and `peak_rss_kb`: how far the
/// resident set grew above where it was, at its highest (the peak is reset first, so an
/// earlier variant's peak does not count).
pub fn with_peak_memory<A>(work: impl FnOnce() -> A) -> Run<A> {
    let probe = MemoryProbe::start();
    let (answer, took) = time(work);
    let run = Run::new(answer).took(took);
    match probe.peak_growth_kb() {
        Some(kb) => run.extra("peak_rss_kb", kb),
        None => run,
    }
}

/// Whether this process may reset its peak resident size (Linux's `/proc/self/clear_refs`):
/// if not, each `peak_rss_kb` may include the peak of a variant that ran before it.
pub fn peak_can_be_reset() -> bool {
    MemoryProbe::start().peak_was_reset()
}

/// One stage of the pipeline, as the transcript prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The Python spelling, with `itertools`' names, one statement a line.
    pub python: &'static str,
    /// The Rust spelling: the very code that computed [`Stage::values`] (`stringify!`).
    pub rust: &'static str,
    /// Where the Rust names come from: `"std"` or `"itertools"`.
    pub from: &'static str,
    /// What the stage gave, printed.
    pub values: String,
}

impl Stage {
    /// The Rust spelling one statement a line: a block `{ a; b }` becomes `a;` and `b`.
    pub fn rust_lines(&self) -> Vec<&'static str> {
        match self
            .rust
            .strip_prefix("{ ")
            .and_then(|r| r.strip_suffix(" }"))
        {
            Some(body) => body.split_inclusive("; ").map(str::trim_end).collect(),
            None => vec![self.rust],
        }
    }
}

/// A stage: its Python spelling, where its Rust names come from, the Rust code (run, and
/// printed as written), and how to show what it gave.
macro_rules! stage {
    ($python:literal, $from:literal, $rust:expr, $show:expr) => {
        Stage {
            python: $python,
            rust: stringify!($rust),
            from: $from,
            values: $show($rust),
        }
    };
}

/// Every square, `(n * n for n in count(1))`: an endless iterator.
pub fn squares() -> impl Iterator<Item = u64> {
    (1..).map(|n| n * n)
}

/// The squares below 200: `takewhile(lambda s: s < 200, squares())`.
pub fn small() -> impl Iterator<Item = u64> {
    squares().take_while(|&s| s < 200)
}

/// How many digits `n` has, `len(str(n))`: the key of the `groupby` stage.
fn digits(n: &u64) -> usize {
    n.to_string().len()
}

/// The generator pipeline, stage by stage: each stage is lazy, and computes only the
/// numbers its line prints. `squares()` never ends; `small()` stops below 200. (Kept as
/// written: one stage is two lines, its Python spelling and then its Rust one.)
#[rustfmt::skip]
pub fn pipeline() -> Vec<Stage> {
    // ANCHOR: stages
    vec![
        stage!("islice(count(10, 5), 2, 6)", "std",
            (10..).step_by(5).skip(2).take(4), spaced),
        stage!("(n * n for n in count(1))", "std",
            (1..).map(|n| n * n), first_eight),
        stage!("takewhile(lambda s: s < 200, squares())", "std",
            squares().take_while(|&s| s < 200), spaced),
        stage!("chain([0], islice(squares(), 5))", "std",
            once(0).chain(squares().take(5)), spaced),
        stage!("accumulate(small())", "std",
            small().scan(0, |sum, s| { *sum += s; Some(*sum) }), spaced),
        stage!("groupby(small(), key=digits)", "itertools",
            small().chunk_by(digits), groups),
        stage!("a, b = tee(small()); next(b)\n\
                (y - x for x, y in zip(a, b))", "itertools",
            { let (a, b) = small().tee();
              a.zip(b.skip(1)).map(|(x, y)| y - x) }, spaced),
    ]
    // ANCHOR_END: stages
}

/// The values, one space apart (`itertools`' `join`).
fn spaced(values: impl Iterator<Item = impl Display>) -> String {
    values.into_iter().join(" ")
}

/// The first eight values of an endless iterator, and `…` for the rest.
fn first_eight(values: impl Iterator<Item = impl Display>) -> String {
    format!("{} …", spaced(values.take(8)))
}

/// Each group's key and its values: `1: [1 4 9]  2: [16 25 …]`.
fn groups<K, I, F>(chunks: ChunkBy<K, I, F>) -> String
where
    K: PartialEq + Display,
    I: Iterator,
    I::Item: Display,
    F: FnMut(&I::Item) -> K,
{
    (&chunks)
        .into_iter()
        .map(|(key, group)| format!("{key}: [{}]", spaced(group)))
        .join("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eager_and_lazy_give_the_same_numbers() {
        for up_to in [0, 1, 5, 1000] {
            assert_eq!(eager_range(up_to), lazy_range(up_to).collect::<Vec<_>>());
        }
    }

    /// The notebook's cell: two `next`s, a `for` over the rest, then `StopIteration`.
    #[test]
    fn lazy_range_goes_on_where_it_stopped_and_then_ends() {
        let mut iterator = lazy_range(5);
        assert_eq!((iterator.next(), iterator.next()), (Some(0), Some(1)));
        let rest: Vec<u64> = iterator.by_ref().collect();
        assert_eq!(rest, [2, 3, 4]);
        assert_eq!(iterator.next(), None);
        assert_eq!(iterator.next(), None);
    }

    #[test]
    fn both_sums_are_the_formula() {
        for up_to in [0, 1, 2, 10, 12_345] {
            assert_eq!(sum_one_by_one(eager_range(up_to)), common::sum_below(up_to));
            assert_eq!(sum_one_by_one(lazy_range(up_to)), common::sum_below(up_to));
        }
    }

    /// Every stage's values, exactly as Python's itertools prints them.
    #[test]
    fn the_pipeline_gives_what_python_gives() {
        let values: Vec<String> = pipeline().into_iter().map(|s| s.values).collect();
        assert_eq!(
            values,
            [
                "20 25 30 35",
                "1 4 9 16 25 36 49 64 …",
                "1 4 9 16 25 36 49 64 81 100 121 144 169 196",
                "0 1 4 9 16 25",
                "1 5 14 30 55 91 140 204 285 385 506 650 819 1015",
                "1: [1 4 9]  2: [16 25 36 49 64 81]  3: [100 121 144 169 196]",
                "3 5 7 9 11 13 15 17 19 21 23 25 27",
            ]
        );
    }

    /// The stage that spells `small()` out computes what `small()` does.
    #[test]
    fn small_is_the_takewhile_stage() {
        let stage = &pipeline()[2];
        assert_eq!(stage.values, spaced(small()));
        assert_eq!(stage.rust, "squares().take_while(|&s| s < 200)");
    }

    /// The printed Rust is the code that ran, a block split one statement a line.
    #[test]
    fn the_rust_spelling_is_the_code() {
        let stages = pipeline();
        assert_eq!(stages[0].rust, "(10..).step_by(5).skip(2).take(4)");
        assert_eq!(stages[5].rust_lines(), ["small().chunk_by(digits)"]);
        assert_eq!(stages[4].rust_lines(), [stages[4].rust]);
        assert_eq!(
            stages[6].rust_lines(),
            [
                "let (a, b) = small().tee();",
                "a.zip(b.skip(1)).map(|(x, y)| y - x)"
            ]
        );
        let from: Vec<&str> = stages.iter().map(|s| s.from).collect();
        assert_eq!(from.iter().filter(|&&f| f == "itertools").count(), 2);
    }

    #[test]
    fn numbers_are_grouped_by_three_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1 000");
        assert_eq!(grouped(10_000_000), "10 000 000");
        assert_eq!(grouped(123_456), "123 456");
    }

    #[test]
    fn with_peak_memory_keeps_the_answer() {
        let run = with_peak_memory(|| 7);
        assert_eq!(run.answer, 7);
    }
}
