//! The comparison harness: a program declares its variants as data, the harness times them.
//!
//! Every comparison of the course asks the same thing: *the same work, done several ways —
//! which way is fastest, and is every way right?* A program names its variants (a name,
//! how many workers, a closure that does the work and returns the answer); the harness
//! runs them in turns, round after round, keeps each variant's fastest run, checks every
//! answer against the reference, and adds one row per variant to a [`Report`]:
//!
//! ```
//! use common::compare::Comparison;
//! use common::report::Report;
//!
//! let numbers: Vec<u64> = (1..=100_000).collect();
//! let mut report = Report::new("sum_demo");
//! Comparison::new("sum")
//!     .title("sum of 1..=100 000, two ways")
//!     .rounds(3)
//!     .expect(5_000_050_000)
//!     .variant("serial", 1, || numbers.iter().sum::<u64>())
//!     .variant("chunks", 2, || {
//!         let (a, b) = numbers.split_at(numbers.len() / 2);
//!         std::thread::scope(|s| {
//!             let left = s.spawn(|| a.iter().sum::<u64>());
//!             b.iter().sum::<u64>() + left.join().unwrap()
//!         })
//!     })
//!     .run(&mut report)?;
//! report.note("chunks: two threads, each sums one half.");
//! assert!(report.all_ok());
//! report.finish()?; // prints the table and the notes; an error if an answer was wrong
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the harness does, so that no program has to:
//!
//! - **turns**: round 1 runs every variant once, in order, then round 2, and so on. On a
//!   shared machine a slow moment then falls on one run of one variant, not on all of
//!   them; each variant's **fastest** run counts.
//! - **answers first**: the reference is the answer given to [`Comparison::expect`], or
//!   else the first variant's first answer. Every run of every variant must equal it (or
//!   agree with it by [`Comparison::agree`]); one wrong run marks the variant wrong
//!   (`ok: false`), and [`Report::finish`] then fails the program.
//! - **the transcript**: without `--json`, a title line, then one line per variant in the
//!   Python scripts' words (`serial  1 worker(s)  Duration 0.489 seconds  answers ✓`).
//! - **extra columns**: a run may carry measurements of its own ([`Run::extra`],
//!   [`Run::seconds`]); floats are rounded to four significant figures.

use std::error::Error;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::report::Report;

/// What one run of a variant gives back: its answer, and anything else it measured.
#[derive(Debug, Clone)]
pub struct Run<A> {
    /// The answer, checked against the comparison's reference.
    pub answer: A,
    /// The time this run counts, when that is not the whole call (see [`Run::took`]).
    took: Option<Duration>,
    /// Extra columns, in the order they were added.
    extras: Vec<(String, Value)>,
}

impl<A> Run<A> {
    /// A run that gave `answer`; its time is the whole call of the variant's closure.
    pub fn new(answer: A) -> Run<A> {
        Run {
            answer,
            took: None,
            extras: Vec::new(),
        }
    }

    /// Counts `took` as this run's time instead of the whole call: for a variant that
    /// times the part that matters itself (a process pool that also spends time closing).
    pub fn took(mut self, took: Duration) -> Run<A> {
        self.took = Some(took);
        self
    }

    /// An extra column, e.g. `.extra("switches", 127)`. Floats are rounded to four
    /// significant figures.
    pub fn extra(mut self, key: &str, value: impl Into<Value>) -> Run<A> {
        let value = match value.into() {
            Value::Number(n) if n.is_f64() => Value::from(round_sig(n.as_f64().unwrap_or(0.0))),
            other => other,
        };
        self.extras.push((key.to_string(), value));
        self
    }

    /// An extra column in seconds, e.g. `.seconds("startup_s", startup)`.
    pub fn seconds(self, key: &str, duration: Duration) -> Run<A> {
        self.extra(key, duration.as_secs_f64())
    }

    /// The value of the extra column `key`, if this run has one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.extras.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A variant's closure: one run of the work, this variant's way.
type Work<'a, A> = Box<dyn FnMut() -> Result<Run<A>, Box<dyn Error>> + 'a>;

/// One way of doing the work.
struct Variant<'a, A> {
    name: String,
    workers: usize,
    work: Work<'a, A>,
}

/// What the comparison kept of one variant: its fastest run, and whether all were right.
#[derive(Debug, Clone)]
pub struct Fastest<A> {
    /// The variant's name, as in the table.
    pub name: String,
    /// Its workers, as in the table.
    pub workers: usize,
    /// The time of its fastest run.
    pub took: Duration,
    /// Its fastest run.
    pub run: Run<A>,
    /// Every run of it gave the right answer.
    pub ok: bool,
}

/// Two answers that must agree.
type Agree<'a, A> = Box<dyn Fn(&A, &A) -> bool + 'a>;

/// A comparison of one workload: several variants, each run in turn, each checked.
pub struct Comparison<'a, A> {
    workload: String,
    title: Option<String>,
    rounds: usize,
    expected: Option<A>,
    agree: Agree<'a, A>,
    workers_are: String,
    variants: Vec<Variant<'a, A>>,
}

impl<'a, A: PartialEq + Clone + 'a> Comparison<'a, A> {
    /// A comparison of `workload` (the table's first column), three rounds, no variant yet.
    pub fn new(workload: &str) -> Comparison<'a, A> {
        Comparison {
            workload: workload.to_string(),
            title: None,
            rounds: 3,
            expected: None,
            agree: Box::new(|a, b| a == b),
            workers_are: "worker(s)".to_string(),
            variants: Vec::new(),
        }
    }

    /// A line printed before the variants run (not with `--json`), saying what the work is.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// How many rounds (at least one): in each, every variant runs once, in order.
    pub fn rounds(mut self, rounds: usize) -> Self {
        self.rounds = rounds.max(1);
        self
    }

    /// The known answer. Without it the first variant's first answer is the reference.
    pub fn expect(mut self, answer: A) -> Self {
        self.expected = Some(answer);
        self
    }

    /// The known answer where there is one: `None` leaves the first variant's first
    /// answer as the reference.
    pub fn expect_known(mut self, answer: Option<A>) -> Self {
        self.expected = answer;
        self
    }

    /// When two answers count as the same, if not `==` (floating point, say).
    pub fn agree(mut self, agree: impl Fn(&A, &A) -> bool + 'a) -> Self {
        self.agree = Box::new(agree);
        self
    }

    /// What the transcript calls the workers, if not `worker(s)`: `"producer(s)"`.
    pub fn workers_are(mut self, what: &str) -> Self {
        self.workers_are = what.to_string();
        self
    }

    /// A variant whose closure returns the answer; its time is the whole call.
    pub fn variant(self, name: &str, workers: usize, mut work: impl FnMut() -> A + 'a) -> Self {
        self.variant_run(name, workers, move || Ok(Run::new(work())))
    }

    /// A variant whose closure can fail (a process pool that does not start) and returns
    /// a [`Run`] with extra columns or a time of its own.
    pub fn variant_run(
        mut self,
        name: &str,
        workers: usize,
        work: impl FnMut() -> Result<Run<A>, Box<dyn Error>> + 'a,
    ) -> Self {
        self.variants.push(Variant {
            name: name.to_string(),
            workers,
            work: Box::new(work),
        });
        self
    }

    /// Runs the rounds, adds a row per variant to `report` (and, without `--json`, prints
    /// the title and a line per variant), and returns each variant's fastest run. The
    /// first error of a variant ends the comparison.
    pub fn run(mut self, report: &mut Report) -> Result<Vec<Fastest<A>>, Box<dyn Error>> {
        let quiet = report.is_json();
        if let (Some(title), false) = (&self.title, quiet) {
            crate::say!("{title}");
        }
        let mut reference = self.expected.take();
        let mut kept: Vec<Option<Fastest<A>>> = self.variants.iter().map(|_| None).collect();
        for _ in 0..self.rounds {
            for (variant, kept) in self.variants.iter_mut().zip(&mut kept) {
                let started = Instant::now();
                let run = (variant.work)()?;
                let took = run.took.unwrap_or_else(|| started.elapsed());
                let reference = reference.get_or_insert_with(|| run.answer.clone());
                let ok = (self.agree)(&run.answer, reference);
                match kept {
                    Some(fastest) => {
                        fastest.ok &= ok;
                        if took < fastest.took {
                            (fastest.took, fastest.run) = (took, run);
                        }
                    }
                    None => {
                        *kept = Some(Fastest {
                            name: variant.name.clone(),
                            workers: variant.workers,
                            took,
                            run,
                            ok,
                        })
                    }
                }
            }
        }
        let fastest: Vec<Fastest<A>> = kept.into_iter().flatten().collect();
        let width = fastest
            .iter()
            .map(|v| v.name.chars().count())
            .max()
            .unwrap_or(0);
        // At least two columns for the workers, so the usual 1 to 99 line up as before.
        let digits = fastest
            .iter()
            .map(|v| v.workers.to_string().len())
            .max()
            .unwrap_or(0)
            .max(2);
        for variant in &fastest {
            let seconds = variant.took.as_secs_f64();
            let row = report.add(
                &self.workload,
                &variant.name,
                variant.workers,
                seconds,
                variant.ok,
            );
            for (key, value) in &variant.run.extras {
                row.extra(key, value.clone());
            }
            if !quiet {
                let check = if variant.ok {
                    "answers ✓"
                } else {
                    "WRONG ANSWERS ✗"
                };
                crate::say!(
                    "  {:<width$}  {:>digits$} {}  Duration {seconds:.3} seconds  {check}",
                    variant.name,
                    variant.workers,
                    self.workers_are
                );
            }
        }
        if !quiet {
            crate::say!();
        }
        report.rounds(self.rounds);
        Ok(fastest)
    }
}

/// `x` rounded to four significant figures: 0.012345 → 0.01235, 1234.56 → 1235.
pub fn round_sig(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(3 - magnitude);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn every_variant_runs_once_a_round_in_turns() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut report = Report::new("t").json(true);
        let fastest = Comparison::new("w")
            .rounds(2)
            .variant("a", 1, || {
                order.borrow_mut().push('a');
                1
            })
            .variant("b", 2, || {
                order.borrow_mut().push('b');
                1
            })
            .run(&mut report)
            .unwrap();
        assert_eq!(*order.borrow(), ['a', 'b', 'a', 'b']);
        assert_eq!(fastest.len(), 2);
        assert_eq!((fastest[1].name.as_str(), fastest[1].workers), ("b", 2));
        assert!(report.all_ok());
    }

    #[test]
    fn one_wrong_run_marks_the_variant_wrong() {
        let calls = Cell::new(0);
        let mut report = Report::new("t").json(true);
        Comparison::new("w")
            .rounds(3)
            .variant("right", 1, || 7)
            .variant("flaky", 2, || {
                calls.set(calls.get() + 1);
                if calls.get() == 2 { 8 } else { 7 }
            })
            .run(&mut report)
            .unwrap();
        let ok: Vec<bool> = report.rows().iter().map(|row| row.ok).collect();
        assert_eq!(ok, [true, false]);
        assert!(report.finish().is_err());
    }

    #[test]
    fn a_known_answer_checks_the_first_variant_too() {
        let mut report = Report::new("t").json(true);
        Comparison::new("w")
            .expect(3)
            .variant("off by one", 1, || 2)
            .run(&mut report)
            .unwrap();
        assert!(!report.all_ok());
    }

    #[test]
    fn the_fastest_run_is_kept_with_its_extras() {
        let times = [30, 10, 20].map(Duration::from_millis);
        let round = Cell::new(0);
        let mut report = Report::new("t").json(true);
        let fastest = Comparison::new("w")
            .variant_run("timed", 1, || {
                let r = round.get();
                round.set(r + 1);
                Ok(Run::new(0)
                    .took(times[r])
                    .extra("round", r)
                    .extra("x", 1.234_567))
            })
            .run(&mut report)
            .unwrap();
        assert_eq!(fastest[0].took, Duration::from_millis(10));
        assert_eq!(fastest[0].run.get("round"), Some(&Value::from(1)));
        let row = &report.rows()[0];
        assert_eq!((row.seconds, &row.extra["x"]), (0.01, &Value::from(1.235)));
    }

    #[test]
    fn agree_replaces_equality() {
        let mut report = Report::new("t").json(true);
        Comparison::new("w")
            .agree(|a: &f64, b: &f64| (a - b).abs() < 1e-9)
            .variant("one way", 1, || 0.1 + 0.2)
            .variant("another", 1, || 0.3)
            .run(&mut report)
            .unwrap();
        assert!(report.all_ok());
    }

    #[test]
    fn an_error_ends_the_comparison() {
        let mut report = Report::new("t").json(true);
        let result = Comparison::new("w")
            .variant_run("broken", 1, || Err::<Run<u8>, _>("no workers".into()))
            .run(&mut report);
        assert_eq!(result.unwrap_err().to_string(), "no workers");
    }

    #[test]
    fn rounds_to_four_significant_figures() {
        assert_eq!(round_sig(0.012_345_6), 0.012_35);
        assert_eq!(round_sig(1234.56), 1235.0);
        assert_eq!(round_sig(0.0), 0.0);
        assert_eq!(round_sig(-1.234_56), -1.235);
    }
}
