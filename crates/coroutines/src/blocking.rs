//! A CPU-bound loop in a task, what it starves, and three fixes: Fluent Python's "GIL
//! impact", with a ticker in place of the spinner so the damage is a number.
//!
//! A ticker task ticks every 100 ms and counts. Beside it, on the same single thread,
//! another task checks a large prime by trial division. Awaiting nothing, the check keeps
//! the thread until it ends, and the ticker does not tick once ([`Way::Blocking`]). The
//! fixes give the thread back: the check moves to tokio's blocking pool
//! ([`Way::SpawnBlocking`]), cuts itself into slices with a `yield_now().await` between them
//! ([`Way::YieldNow`]), or goes to rayon's pool with a oneshot channel to bring the answer
//! back ([`Way::Rayon`], [`check_on_rayon`]).
//!
//! Yielding has a price, paid on every yield: [`yield_cost`] measures it. Every way does
//! the same divisions with the same loop, `common`'s [`PrimeCheck`]: in one go ([`check`]),
//! or in slices with the spinners' `check_yielding` (from `spinner_async`, so lecture 0 and
//! this one run the same code). Their times differ only by what the way adds.

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::compare::{Comparison, Fastest, Run, round_sig};
use common::primes::{PrimeCheck, is_prime};
use common::report::Report;
use spinner_async::check_yielding;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// A prime whose check keeps one core busy for about a second under `is_prime` (about
/// 5 · 10⁸ divisions; 1.2 s in a release build on the course machine). The smallest prime
/// above 10¹⁸; checked independently (Miller–Rabin in Python).
pub const TICKER_PRIME: u64 = 1_000_000_000_000_000_003;

/// A prime small enough to check yielding after *every* division (about 3 · 10⁶ of them):
/// the workload of [`yield_cost`]. Checked independently (Miller–Rabin in Python).
pub const YIELD_COST_PRIME: u64 = 36_000_000_000_053;

/// How the prime check runs beside the ticker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// The check right inside the task: the runtime's thread is not given back.
    Blocking,
    /// The check on tokio's pool of blocking threads, its result awaited.
    SpawnBlocking,
    /// The check in slices of this many divisions, yielding to the runtime between two.
    YieldNow(u64),
    /// The check on rayon's pool, its answer sent back through a oneshot channel.
    Rayon,
}

impl Way {
    /// The blocking way and the three fixes, in the order of the lecture.
    pub fn all(yield_every: u64) -> [Way; 4] {
        [
            Way::Blocking,
            Way::SpawnBlocking,
            Way::YieldNow(yield_every),
            Way::Rayon,
        ]
    }

    /// What the transcript calls it.
    pub fn label(self) -> String {
        match self {
            Way::Blocking => "check(n) in the task".into(),
            Way::SpawnBlocking => "spawn_blocking(check)".into(),
            Way::YieldNow(every) => format!("yield_now every {every}"),
            Way::Rayon => "rayon::spawn + oneshot".into(),
        }
    }
}

/// What happened beside the ticker.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The check's answer.
    pub prime: bool,
    /// Ticks while the check ran.
    pub ticks: u64,
    /// How long the check took.
    pub elapsed: Duration,
    /// How often the check gave the thread back (only [`Way::YieldNow`] does).
    pub yields: u64,
}

impl Outcome {
    /// The ticks a free thread would have counted: one every `period` of the check's time.
    pub fn expected_ticks(&self, period: Duration) -> u64 {
        (self.elapsed.as_secs_f64() / period.as_secs_f64()).floor() as u64
    }

    /// Whether the ticker kept up: no more than one tick missing. (The last one may be due
    /// but not yet counted when the check ends.)
    pub fn kept_ticking(&self, period: Duration) -> bool {
        self.ticks + 1 >= self.expected_ticks(period)
    }
}

/// The whole check of `n` in one call, never giving the thread back: the divisions of
/// `check_yielding` in a single slice.
pub fn check(n: u64) -> bool {
    PrimeCheck::new(n).advance(u64::MAX) == Some(true)
}

/// The ticker: ticks every `period` for ever, counting in `ticks`. Its first tick comes one
/// period after it starts (`tokio::time::interval` alone would tick at once).
// ANCHOR: ticker
pub async fn ticker(period: Duration, ticks: Arc<AtomicU64>) {
    let first = Instant::now() + period;
    let mut interval = tokio::time::interval_at(first, period);
    loop {
        interval.tick().await; // gives the thread back until the next tick
        ticks.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: ticker

/// Fix 3: the check on rayon's pool. rayon's `spawn` returns nothing to await, so the job
/// sends its answer through a oneshot channel, and the task awaits the receiving end: an
/// `.await` that really waits, leaving the thread to the ticker.
// ANCHOR: rayon
pub async fn check_on_rayon(n: u64) -> bool {
    let (answer, answered) = oneshot::channel();
    rayon::spawn(move || {
        // The task may have gone (cancelled): nobody to answer then.
        let _ = answer.send(check(n));
    });
    // An error here means the job panicked and dropped `answer`.
    answered.await.expect("the check panicked")
}
// ANCHOR_END: rayon

/// Starts the ticker, checks `n` the `way` given, stops the ticker. Must run on a runtime;
/// on the `current_thread` flavour, as asyncio, the ticker and the check share one thread.
pub async fn beside_a_ticker(way: Way, n: u64, period: Duration) -> Outcome {
    let ticks = Arc::new(AtomicU64::new(0));
    let ticking = tokio::spawn(ticker(period, Arc::clone(&ticks)));
    tokio::task::yield_now().await; // let the ticker start its clock
    let started = Instant::now();
    // ANCHOR: ways
    let (prime, yields) = match way {
        // No .await: the thread is this task's until the check ends.
        Way::Blocking => (check(n), 0),
        Way::SpawnBlocking => {
            let on_the_pool = tokio::task::spawn_blocking(move || check(n));
            (on_the_pool.await.expect("the check panicked"), 0)
        }
        Way::YieldNow(every) => check_yielding(n, every).await,
        Way::Rayon => (check_on_rayon(n).await, 0),
    };
    // ANCHOR_END: ways
    let elapsed = started.elapsed();
    // Read before anything else can run: with Way::Blocking, exactly 0.
    let ticks = ticks.load(Ordering::Relaxed);
    ticking.abort();
    Outcome {
        prime,
        ticks,
        elapsed,
        yields,
    }
}

/// How much yielding costs: the check of `n` never yielding (one slice as long as the
/// whole check), then yielding every N divisions for each N of `everies`, in turns, on
/// `runtime` with no other task ready, so that the extra time is the pure cost of handing
/// the thread back and getting it again. Every answer is checked against `is_prime(n)`.
///
/// Returns the cost of one yield, in nanoseconds, measured on the row that yields most
/// (after every division, when `everies` has 1): the extra time over `never`, divided by
/// its yields. Each row gets `yields` (counted by the check), `overhead_pct` (its extra
/// time over `never`'s, in percent) and `predicted_pct`: the overhead that cost gives its
/// yields. Where the yields are few their cost is below the machine's noise, and
/// `predicted_pct` says what `overhead_pct` cannot.
pub fn yield_cost(
    runtime: &Runtime,
    n: u64,
    everies: &[u64],
    rounds: usize,
    report: &mut Report,
) -> Result<f64, Box<dyn Error>> {
    let mut cost = Comparison::new("is_prime with yields")
        .title(format!(
            "Checking {n} on one thread, yielding to the runtime every N divisions"
        ))
        .rounds(rounds)
        .workers_are("thread")
        .expect(is_prime(n));
    // ANCHOR: yield_cost
    for every in std::iter::once(u64::MAX).chain(everies.iter().copied()) {
        let name = match every {
            u64::MAX => "never".to_string(),
            every => format!("every {every}"),
        };
        cost = cost.variant_run(&name, 1, move || {
            let check = check_yielding(std::hint::black_box(n), every);
            let (prime, yields) = runtime.block_on(check);
            Ok(Run::new(prime).extra("yields", yields))
        });
    }
    let fastest = cost.run(report)?;
    // ANCHOR_END: yield_cost
    let seconds = |v: &Fastest<bool>| v.took.as_secs_f64();
    let yields = |v: &Fastest<bool>| v.run.get("yields").and_then(|y| y.as_f64()).unwrap_or(0.0);
    let never = seconds(&fastest[0]);
    let most = fastest
        .iter()
        .max_by(|a, b| yields(a).total_cmp(&yields(b)));
    let per_yield = most.map_or(0.0, |v| (seconds(v) - never) / yields(v).max(1.0));
    // This comparison's rows are the report's last ones, one per variant.
    let rows = report.rows_mut();
    let ours = rows.len() - fastest.len();
    for (row, variant) in rows[ours..].iter_mut().zip(&fastest).skip(1) {
        let overhead = (seconds(variant) - never) / never;
        let predicted = yields(variant) * per_yield / never;
        row.extra("overhead_pct", round_sig(100.0 * overhead))
            .extra("predicted_pct", round_sig(100.0 * predicted));
    }
    Ok(round_sig(per_yield * 1e9))
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::primes::SPINNER_PRIME_QUICK;

    /// 1 000 000 007 is prime: about 15 800 divisions, quick even in a debug build.
    const SMALL_PRIME: u64 = 1_000_000_007;

    /// The odd divisors trial division tries for a prime `n`: 3, 5, … up to `isqrt(n)`.
    fn divisions(n: u64) -> u64 {
        (3..=n.isqrt()).step_by(2).count() as u64
    }

    /// On one thread, the check that never awaits leaves the ticker no tick at all: 0
    /// exactly, since nothing else can run until the check returns, while a free thread
    /// would have ticked several times.
    #[tokio::test(flavor = "current_thread")]
    async fn the_blocking_check_starves_the_ticker_completely() {
        let period = Duration::from_millis(20);
        let outcome = beside_a_ticker(Way::Blocking, SPINNER_PRIME_QUICK, period).await;
        assert!(outcome.prime);
        assert_eq!((outcome.ticks, outcome.yields), (0, 0));
        assert!(outcome.expected_ticks(period) >= 3, "{outcome:?}");
        assert!(!outcome.kept_ticking(period));
    }

    /// Each fix gives the ticker its ticks back: no more than one missing, over a check
    /// that lasts several periods. (Counts, not speed: the ticks expected are the
    /// check's own measured time divided by the period.)
    #[tokio::test(flavor = "current_thread")]
    async fn every_fix_keeps_the_ticker_ticking() {
        // A prime of about 0.9 s, and a long period: a late tick is rare, even on a busy
        // machine. (Checked independently: Miller–Rabin in Python.)
        let (prime, period) = (500_000_000_000_000_021, Duration::from_millis(50));
        for way in [Way::SpawnBlocking, Way::YieldNow(100_000), Way::Rayon] {
            let outcome = beside_a_ticker(way, prime, period).await;
            assert!(outcome.prime, "{way:?}");
            let expected = outcome.expected_ticks(period);
            assert!(
                expected >= 3,
                "{way:?}: the check was too short to tell: {outcome:?}"
            );
            assert!(outcome.kept_ticking(period), "{way:?}: {outcome:?}");
        }
    }

    /// yield_now every N gives the thread back after every slice but the last:
    /// ⌈divisions / N⌉ - 1 yields, and the same answer.
    #[tokio::test(flavor = "current_thread")]
    async fn yields_are_counted_slice_by_slice() {
        let d = divisions(SMALL_PRIME);
        for every in [1, 1_000, 100_000] {
            let outcome =
                beside_a_ticker(Way::YieldNow(every), SMALL_PRIME, Duration::from_secs(1)).await;
            assert!(outcome.prime);
            assert_eq!(outcome.yields, d.div_ceil(every) - 1, "every {every}");
        }
    }

    /// The check in one go and the rayon fix answer like `is_prime`, prime or not.
    #[tokio::test(flavor = "current_thread")]
    async fn rayon_and_a_oneshot_answer_like_is_prime() {
        for n in [SMALL_PRIME, SMALL_PRIME + 2, 2, 9] {
            assert_eq!(check_on_rayon(n).await, is_prime(n), "{n}");
            assert_eq!(check(n), is_prime(n), "{n}");
        }
    }

    /// The cost study checks every row and counts the yields of each.
    #[test]
    fn the_yield_cost_rows_are_checked_and_count_their_yields() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut report = Report::new("t").json(true);
        let ns = yield_cost(&runtime, SMALL_PRIME, &[1_000, 1], 1, &mut report).unwrap();
        assert!(ns.is_finite());
        let rows = report.rows();
        let names: Vec<&str> = rows.iter().map(|r| r.variant.as_str()).collect();
        assert_eq!(names, ["never", "every 1000", "every 1"]);
        assert!(report.all_ok());
        let d = divisions(SMALL_PRIME);
        let yields: Vec<u64> = rows
            .iter()
            .map(|r| r.extra["yields"].as_u64().unwrap())
            .collect();
        assert_eq!(yields, [0, d.div_ceil(1_000) - 1, d - 1]);
        assert!(rows[0].extra.get("overhead_pct").is_none());
        for row in &rows[1..] {
            assert!(row.extra["overhead_pct"].is_number(), "{row:?}");
            assert!(row.extra["predicted_pct"].is_number(), "{row:?}");
        }
    }
}
