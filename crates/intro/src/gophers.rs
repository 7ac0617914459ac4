//! Rob Pike's gophers: concurrency is not parallelism, told with a pile of books.
//!
//! The Python course notebook "Concurrency and Parallelism" retells Rob Pike's talk
//! *Concurrency is not Parallelism* (Heroku's Waza, 2012): the gophers' job is to get rid
//! of a heap of outdated manuals by wheeling them, cartload by cartload, into a fire. The
//! talk redraws the job several times. Extra gophers gain nothing while they share one
//! cart; two of everything (gophers, carts, piles, incinerators) doubles the rate;
//! cutting the round trip into four procedures linked by messages (load, move, unload,
//! return the empty cart) lets four gophers work at once; a staging pile halfway cuts it
//! another way; and each of these designs can run twice side by side. The lesson:
//! concurrency is how the work is divided into procedures that talk to each other; how
//! many of them then work at the same moment follows from that division.
//!
//! Here every design is a set of tokio tasks (the gophers) linked by channels and
//! holding real shared resources: a cart is a [`tokio::sync::Mutex`] a gopher holds for
//! its whole round trip, or a value passed from stage to stage; a pile is a channel of
//! books that one gopher at a time may load from; an incinerator is a mutex held while
//! unloading. Each action (load, move, unload, return) costs a fixed duration from
//! [`Costs`], spent in [`tokio::time::sleep`]: a gopher that sleeps is busy, not
//! computing, so the designs overlap even on one thread. What overlaps are waits, as
//! with the stations: parallel *computing* would need one core per gopher.
//!
//! Under tokio's paused clock the sleeps take no real time and the figures are exact:
//! with every action costing `c` and a cart holding 10 books, 100 books are 10 cartloads
//! and
//!
//! | design | gophers | time for 10 cartloads | general, `n` cartloads |
//! |---|---|---|---|
//! | one gopher | 1 | 40 c | 4 n c |
//! | more gophers, one cart | 3 | 40 c | 4 n c |
//! | double everything | 2 | 20 c | 4 ⌈n/2⌉ c |
//! | four-stage pipeline | 4 | 13 c | (n + 3) c |
//! | two pipelines | 8 | 8 c | (⌈n/2⌉ + 3) c |
//! | a staging pile | 2 | 32.5 c | (3 n + 2.5) c |
//! | two staging piles | 4 | 17.5 c | (3 ⌈n/2⌉ + 2.5) c |
//!
//! [`predicted`] gives the same figures by arithmetic (for any costs), and the tests
//! check that the runs agree with it to the nanosecond. The pipeline approaches four
//! times the single gopher's rate (`4 n / (n + 3)`: 3.08× for 10 cartloads, 3.99× for
//! 1000) because filling it costs three actions before the first book burns.
//!
//! [`Outcome::timeline`] draws a run as a picture: a row per gopher, a span per action,
//! coloured by its step (load, move, unload, return).
//!
//! ```
//! use intro::gophers::{self, Costs, Design};
//! use std::time::Duration;
//!
//! let costs = Costs::equal(Duration::from_secs(1), 10);
//! let one = gophers::run_virtual(Design::OneGopher, 100, costs);
//! let piped = gophers::run_virtual(Design::Pipeline, 100, costs);
//! assert!(one.each_once && piped.each_once);
//! assert_eq!(one.elapsed, Duration::from_secs(40));
//! assert_eq!(piped.elapsed, Duration::from_secs(13));
//! ```

use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::Duration;

use common::timeline::Timeline;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// A book on the pile: its number, so the tests can check each burns exactly once.
pub type Book = u32;

/// How many books a cart holds unless a program says otherwise.
pub const CART_HOLDS: usize = 10;

/// What each action costs, for one cartload, and how many books a cart holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costs {
    /// Loading a cart at a pile.
    pub load: Duration,
    /// Moving a loaded cart from the pile to the incinerator.
    pub travel: Duration,
    /// Unloading a cart into the incinerator.
    pub unload: Duration,
    /// Bringing the empty cart back to the pile.
    pub back: Duration,
    /// Books in a full cart (at least 1).
    pub cart_holds: usize,
}

impl Costs {
    /// Every action costs `each`; a cart holds `cart_holds` books.
    pub fn equal(each: Duration, cart_holds: usize) -> Costs {
        Costs {
            load: each,
            travel: each,
            unload: each,
            back: each,
            cart_holds,
        }
    }

    /// One full round trip: load, move, unload, return.
    pub fn round_trip(&self) -> Duration {
        self.load + self.travel + self.unload + self.back
    }

    /// The costliest single action: the pace of a pipeline once it is full.
    pub fn slowest(&self) -> Duration {
        self.load.max(self.travel).max(self.unload).max(self.back)
    }

    /// A round trip to the staging pile halfway: the travel is half as long.
    fn half_way(&self) -> Costs {
        Costs {
            travel: self.travel / 2,
            back: self.back / 2,
            ..*self
        }
    }

    /// How many cartloads `books` books make.
    pub fn cartloads(&self, books: usize) -> usize {
        books.div_ceil(self.cart_holds.max(1))
    }
}

/// The talk's designs, in the order it draws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Design {
    /// One gopher, one cart: load, move, unload, return, and again.
    OneGopher,
    /// Three gophers, still one cart, one pile, one incinerator.
    MoreGophers,
    /// Two gophers, each with its own cart, pile (half the books) and incinerator.
    DoubleEverything,
    /// Four gophers, one action each, passing four carts along by channels.
    Pipeline,
    /// Two four-gopher pipelines, each with half the books: eight gophers.
    TwoPipelines,
    /// Two gophers, one cart each, meeting at a staging pile halfway.
    StagingPile,
    /// Two staging-pile designs side by side, each with half the books.
    TwoStagingPiles,
}

impl Design {
    /// Every design, in the talk's order.
    pub const ALL: [Design; 7] = [
        Design::OneGopher,
        Design::MoreGophers,
        Design::DoubleEverything,
        Design::Pipeline,
        Design::TwoPipelines,
        Design::StagingPile,
        Design::TwoStagingPiles,
    ];

    /// A short name for tables and flags.
    pub fn name(self) -> &'static str {
        match self {
            Design::OneGopher => "one-gopher",
            Design::MoreGophers => "more-gophers",
            Design::DoubleEverything => "double-everything",
            Design::Pipeline => "pipeline",
            Design::TwoPipelines => "two-pipelines",
            Design::StagingPile => "staging-pile",
            Design::TwoStagingPiles => "two-staging-piles",
        }
    }

    /// Its place in the talk's order: 1 for [`Design::OneGopher`], 7 for the last.
    pub fn number(self) -> usize {
        1 + Design::ALL
            .iter()
            .position(|&design| design == self)
            .expect("every design is in ALL")
    }

    /// The file its picture goes to, named in the talk's order: `1-one-gopher.svg`.
    pub fn picture_file(self) -> String {
        format!("{}-{}.svg", self.number(), self.name())
    }

    /// What the talk calls the design, and what its structure is, for a conclusion to
    /// print: true of every run, whatever the figures.
    pub fn point(self) -> (&'static str, &'static str) {
        match self {
            Design::OneGopher => ("one gopher", "the baseline"),
            Design::MoreGophers => (
                "more gophers sharing one cart",
                "the others wait their turn",
            ),
            Design::DoubleEverything => ("double everything", "two copies that share nothing"),
            Design::Pipeline => ("the pipeline", "one action per gopher, carts passed along"),
            Design::TwoPipelines => ("two pipelines", "the pipeline, twice, half the pile each"),
            Design::StagingPile => ("a staging pile", "half the travel: 3 actions a trip, not 4"),
            Design::TwoStagingPiles => ("two staging piles", "the staging pile, twice"),
        }
    }

    /// Its gophers and carts in words: `1 gopher, 1 cart`, `4 gophers, 4 carts`.
    pub fn crew(self) -> String {
        let some = |count: usize, what: &str| match count {
            1 => format!("1 {what}"),
            _ => format!("{count} {what}s"),
        };
        format!(
            "{}, {}",
            some(self.gophers(), "gopher"),
            some(self.carts(), "cart")
        )
    }

    /// What the design is and what it gains, for a program to print before the runs.
    pub fn describe(self) -> &'static str {
        match self {
            Design::OneGopher => {
                "One gopher loads the cart, wheels it to the incinerator, empties \
                 it and brings it back, one cartload per round trip: the \
                 baseline every other design is measured against."
            }
            Design::MoreGophers => {
                "Three gophers but a single cart: only the one holding the cart \
                 can do anything, the other two stand and wait. Extra hands \
                 without an extra cart buy no time at all."
            }
            Design::DoubleEverything => {
                "Two gophers, each with its own cart, half of the pile and its \
                 own incinerator: two copies of the first design that share \
                 nothing. When both work at the same moment, the whole job takes \
                 what half the pile takes one gopher."
            }
            Design::Pipeline => {
                "Four gophers, one action each: one loads, one moves the full \
                 cart, one unloads, one returns the empty cart. Four carts pass \
                 between them by channels. Once every stage holds a cart all four \
                 work together; filling the line costs three actions, so the gain \
                 approaches 4× as the pile grows (3.08× for 10 cartloads)."
            }
            Design::TwoPipelines => {
                "The pipeline's breakdown doubles the other way too: two \
                 pipelines side by side, half the pile each, eight gophers in all."
            }
            Design::StagingPile => {
                "Another breakdown: one gopher carts books to a staging pile \
                 halfway, a second carts them on from there to the incinerator. \
                 Each travels half the way, so a round trip is three actions \
                 instead of four; the two overlap once the staging pile has books."
            }
            Design::TwoStagingPiles => {
                "The staging-pile design twice, side by side, each copy with half \
                 the books."
            }
        }
    }

    /// How many gophers the design uses.
    pub fn gophers(self) -> usize {
        match self {
            Design::OneGopher => 1,
            Design::MoreGophers => MORE_GOPHERS,
            Design::DoubleEverything | Design::StagingPile => 2,
            Design::Pipeline | Design::TwoStagingPiles => 4,
            Design::TwoPipelines => 8,
        }
    }

    /// How many carts the design uses.
    pub fn carts(self) -> usize {
        match self {
            Design::OneGopher | Design::MoreGophers => 1,
            Design::DoubleEverything | Design::StagingPile => 2,
            Design::Pipeline | Design::TwoStagingPiles => 4,
            Design::TwoPipelines => 8,
        }
    }

    /// How many independent copies of a smaller design this one is.
    fn copies(self) -> usize {
        match self {
            Design::DoubleEverything | Design::TwoPipelines | Design::TwoStagingPiles => 2,
            _ => 1,
        }
    }
}

/// The gophers of [`Design::MoreGophers`], all sharing one cart.
pub const MORE_GOPHERS: usize = 3;

/// Carts in a pipeline: one for each of its four stages, so none waits for a cart.
pub const PIPELINE_CARTS: usize = 4;

/// One of a gopher's four actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Loading a cart at a pile.
    Load,
    /// Moving a full cart.
    Move,
    /// Unloading a cart into the incinerator or onto the staging pile.
    Unload,
    /// Bringing an empty cart back.
    Return,
}

impl Step {
    /// The action's name, e.g. for a timeline's legend.
    pub fn label(self) -> &'static str {
        match self {
            Step::Load => "load",
            Step::Move => "move",
            Step::Unload => "unload",
            Step::Return => "return",
        }
    }
}

/// One action a gopher did, timed from the start of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Who did it, e.g. `gopher 2` or `mover 1`.
    pub gopher: String,
    /// What it did.
    pub step: Step,
    /// When it started, from the start of the run.
    pub start: Duration,
    /// When it ended, from the start of the run.
    pub end: Duration,
}

/// What a run of one design did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The design that ran.
    pub design: Design,
    /// Books on the pile at the start.
    pub books: usize,
    /// Books that reached an incinerator (counting a book twice if it burned twice).
    pub burned: usize,
    /// Every book burned exactly once: none lost, none burned twice.
    pub each_once: bool,
    /// From the start until the last gopher is done (the last empty cart is back).
    pub elapsed: Duration,
    /// `books / elapsed` (0 when nothing took any time).
    pub books_per_second: f64,
    /// Every action of every gopher, in the order they ended.
    pub actions: Vec<Action>,
}

impl Outcome {
    /// The gophers that did something, in the order they first finished an action.
    pub fn gophers(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for action in &self.actions {
            if !names.contains(&action.gopher) {
                names.push(action.gopher.clone());
            }
        }
        names
    }

    /// How long `gopher` spent working (the rest of the run it waited).
    pub fn busy(&self, gopher: &str) -> Duration {
        self.actions
            .iter()
            .filter(|action| action.gopher == gopher)
            .map(|action| action.end - action.start)
            .sum()
    }

    /// Who did what, when, as a [`Timeline`]: a row per gopher (in the order they
    /// first started work, the first on top), a span per action labelled by its step.
    pub fn timeline(&self) -> Timeline {
        let timeline = Timeline::new();
        let mut actions: Vec<&Action> = self.actions.iter().collect();
        actions.sort_by(|a, b| (a.start, &a.gopher).cmp(&(b.start, &b.gopher)));
        let at = |time: Duration| timeline.origin_ns() + time.as_nanos() as u64;
        for action in actions {
            let (start, end) = (at(action.start), at(action.end));
            timeline.record(&action.gopher, action.step.label(), start, end);
        }
        timeline
    }

    /// A picture's title: `4. pipeline: 100 books in 13.0 s, 4 gophers, 4 carts, 4 at once`.
    pub fn caption(&self) -> String {
        let design = self.design;
        format!(
            "{}. {}: {} books in {:.1} s, {}, {} at once",
            design.number(),
            design.name(),
            self.books,
            self.elapsed.as_secs_f64(),
            design.crew(),
            self.most_at_once()
        )
    }

    /// What the run shows, given its `speedup` over one gopher: `the pipeline: 3.08× with
    /// 4 gophers, 4 carts, 4 at once — one action per gopher, carts passed along`. When
    /// fewer gophers than the design has ever worked together (a pile of a few
    /// cartloads), it says so: the figures, not the design, say how many overlapped.
    pub fn verdict(&self, speedup: f64) -> String {
        let (what, lesson) = self.design.point();
        let (crew, most) = (self.design.crew(), self.most_at_once());
        let gophers = self.design.gophers();
        let short = if most < gophers && self.design != Design::MoreGophers {
            format!("; too few cartloads to keep all {gophers} at work together")
        } else {
            String::new()
        };
        format!("{what}: {speedup:.2}× with {crew}, {most} at once — {lesson}{short}")
    }

    /// The most gophers working at one moment: the parallelism the design achieved.
    pub fn most_at_once(&self) -> usize {
        // +1 when an action starts, -1 when one ends; at a tie the end comes first,
        // so one action ending as the next begins is not two at once.
        let mut edges: Vec<(Duration, i32)> = self
            .actions
            .iter()
            .flat_map(|action| [(action.start, 1), (action.end, -1)])
            .collect();
        edges.sort();
        let (mut now, mut most) = (0, 0);
        for (_, edge) in edges {
            now += edge;
            most = most.max(now);
        }
        most as usize
    }
}

/// The check under a table of `outcomes`, run at `costs`: every book burned exactly once,
/// and on the paused clock every run took exactly the [`predicted`] time; in real time
/// (`real`), how far over it the slowest run came. A failed check names its designs.
pub fn checked(outcomes: &[Outcome], costs: Costs, real: bool) -> String {
    let predicted = |o: &Outcome| predicted(o.design, o.books, costs);
    let failing = |failed: &dyn Fn(&Outcome) -> bool| -> Vec<&str> {
        let failing = outcomes.iter().filter(|&o| failed(o));
        failing.map(|o| o.design.name()).collect()
    };
    let lost = failing(&|o| !o.each_once);
    let off = failing(&|o| !real && o.elapsed != predicted(o));
    let over = |o: &Outcome| o.elapsed.as_secs_f64() / predicted(o).as_secs_f64() - 1.0;
    let most = outcomes.iter().map(over).fold(0.0, f64::max);
    match (lost.is_empty(), off.is_empty(), real) {
        (true, true, false) => {
            "Checked: every book burned exactly once, in exactly the predicted time.".into()
        }
        (true, true, true) => format!(
            "Checked: every book burned exactly once. The times are up to {:.0} % over the \
             arithmetic's: each sleep wakes a little late (tokio's timer ticks in ms).",
            100.0 * most
        ),
        _ => {
            let mut wrong = Vec::new();
            if !lost.is_empty() {
                wrong.push(format!("not every book burned once in {}", lost.join(", ")));
            }
            if !off.is_empty() {
                wrong.push(format!("not the predicted time in {}", off.join(", ")));
            }
            format!("✗ Check failed: {}.", wrong.join("; "))
        }
    }
}

/// The last note under the table: what the figures show, and why they overlap on one
/// thread.
pub const LESSON: &str = "How the work is split decides how many gophers can work at once. \
    Every action is a sleep on one thread: the overlap is of waits, which needs no second \
    core; computing in parallel would.";

/// What the arithmetic says a design takes for `books` books at these costs; the runs
/// agree with it exactly under the paused clock.
///
/// With `n` cartloads per copy of the design (half the pile each for the doubled
/// designs) and a round trip `t`: one gopher takes `n t`, and so do three gophers
/// sharing its cart. A pipeline takes one round trip for the first cartload, then one
/// slowest action for each of the others. A staging-pile trip `h` is a round trip with
/// half the travel; the second gopher starts when the first has unloaded once, then
/// keeps pace with it.
pub fn predicted(design: Design, books: usize, costs: Costs) -> Duration {
    let n = costs.cartloads(books.div_ceil(design.copies())) as u32;
    if n == 0 {
        return Duration::ZERO;
    }
    match design {
        Design::OneGopher | Design::MoreGophers | Design::DoubleEverything => {
            costs.round_trip() * n
        }
        Design::Pipeline | Design::TwoPipelines => costs.round_trip() + costs.slowest() * (n - 1),
        Design::StagingPile | Design::TwoStagingPiles => {
            let half = costs.half_way();
            half.load + half.travel + half.unload + half.round_trip() * n
        }
    }
}

/// Runs a design on a fresh single-threaded runtime whose clock is paused: the sleeps
/// take no real time, and the figures are exact.
pub fn run_virtual(design: Design, books: usize, costs: Costs) -> Outcome {
    on_runtime(true, design, books, costs)
}

/// Runs a design in real time on a fresh single-threaded runtime: keep the costs small
/// (a few milliseconds). Each sleep may overshoot by up to a millisecond, so the time
/// comes out a little over [`predicted`].
pub fn run_real(design: Design, books: usize, costs: Costs) -> Outcome {
    on_runtime(false, design, books, costs)
}

/// Builds the runtime for [`run_virtual`] and [`run_real`] and runs the design on it.
fn on_runtime(paused: bool, design: Design, books: usize, costs: Costs) -> Outcome {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(paused)
        .build()
        .expect("a single-threaded tokio runtime")
        .block_on(run(design, books, costs))
}

/// Moves `books` books (numbered from 0) to the incinerator with `design`, and reports
/// how long it took and whether every book burned exactly once.
///
/// Run it on a single-threaded runtime (as [`run_virtual`] and [`run_real`] do): on a
/// multi-threaded one a gopher loading from the staging pile may grab a cartload while
/// it is still being unloaded, which changes the timing (never the books burned).
pub async fn run(design: Design, books: usize, costs: Costs) -> Outcome {
    let yard = Yard::new(costs);
    let pile: Vec<Book> = (0..books as Book).collect();
    // The doubled designs split the pile in two and run two copies side by side.
    let half = books.div_ceil(design.copies()).max(1);
    let mut copies = JoinSet::new();
    for (copy, part) in pile.chunks(half).enumerate() {
        let yard = yard.clone();
        let part = part.to_vec();
        copies.spawn(async move { one_copy(design, &yard, part, copy).await });
    }
    let mut ashes: Vec<Book> = Vec::new();
    while let Some(burned) = copies.join_next().await {
        ashes.extend(burned.expect("a gopher panicked"));
    }
    let elapsed = yard.start.elapsed();
    let burned = ashes.len();
    ashes.sort_unstable();
    let each_once = ashes.iter().copied().eq(0..books as Book);
    let seconds = elapsed.as_secs_f64();
    let books_per_second = if seconds > 0.0 {
        books as f64 / seconds
    } else {
        0.0
    };
    let actions = std::mem::take(&mut *yard.log.lock().unwrap_or_else(PoisonError::into_inner));
    Outcome {
        design,
        books,
        burned,
        each_once,
        elapsed,
        books_per_second,
        actions,
    }
}

/// One copy of a design's smallest form, moving `books` and giving back the ashes.
/// `copy` (0 or 1) numbers the gophers of a doubled design apart.
async fn one_copy(design: Design, yard: &Yard, books: Vec<Book>, copy: usize) -> Vec<Book> {
    let pile = Arc::new(Pile::stacked(books));
    let incinerator = Arc::new(Mutex::new(Vec::new()));
    let fire = Sink::Incinerator(incinerator.clone());
    match design {
        Design::OneGopher => {
            let cart = Arc::new(Mutex::new(Vec::new()));
            round_trips(yard, "gopher".into(), pile, cart, fire, yard.costs).await;
        }
        Design::MoreGophers => {
            // The one cart every gopher must hold to work.
            let cart = Arc::new(Mutex::new(Vec::new()));
            let mut gophers = JoinSet::new();
            for g in 1..=MORE_GOPHERS {
                let (yard, pile, cart) = (yard.clone(), pile.clone(), cart.clone());
                let (fire, costs) = (fire.clone(), yard.costs);
                let name = format!("gopher {g}");
                gophers
                    .spawn(async move { round_trips(&yard, name, pile, cart, fire, costs).await });
            }
            gophers.join_all().await;
        }
        Design::DoubleEverything => {
            let cart = Arc::new(Mutex::new(Vec::new()));
            let name = format!("gopher {}", copy + 1);
            round_trips(yard, name, pile, cart, fire, yard.costs).await;
        }
        Design::Pipeline | Design::TwoPipelines => {
            let suffix = if design.copies() > 1 {
                format!(" {}", copy + 1)
            } else {
                String::new()
            };
            pipeline(yard, &suffix, pile, incinerator.clone()).await;
        }
        Design::StagingPile | Design::TwoStagingPiles => {
            let (first, second) = if design.copies() > 1 {
                (2 * copy + 1, 2 * copy + 2)
            } else {
                (1, 2)
            };
            let (onto_staging, staging) = Pile::open();
            let staging = Arc::new(staging);
            let half = yard.costs.half_way();
            let cart_a = Arc::new(Mutex::new(Vec::new()));
            let cart_b = Arc::new(Mutex::new(Vec::new()));
            let name_a = format!("gopher {first}");
            let name_b = format!("gopher {second}");
            // The first gopher's trips end at the staging pile; when it goes home it drops
            // its way onto the pile, and the second gopher goes home once the pile is empty.
            let to_staging = round_trips(
                yard,
                name_a,
                pile,
                cart_a,
                Sink::Staging(onto_staging),
                half,
            );
            let to_fire = round_trips(yard, name_b, staging, cart_b, fire, half);
            tokio::join!(to_staging, to_fire);
        }
    }
    std::mem::take(&mut *incinerator.lock().await)
}

/// What every gopher of a run shares: the costs, the start, and the log of actions.
#[derive(Clone)]
struct Yard {
    /// What each action costs.
    costs: Costs,
    /// When the run began; actions are timed from here.
    start: Instant,
    /// Every action done so far. A std mutex: it is held for one push, never across a
    /// sleep.
    log: Arc<StdMutex<Vec<Action>>>,
}

impl Yard {
    /// A yard whose clock starts now.
    fn new(costs: Costs) -> Yard {
        Yard {
            costs,
            start: Instant::now(),
            log: Arc::default(),
        }
    }

    /// `gopher` spends `cost` doing `step`, and it is logged.
    async fn work(&self, gopher: &str, step: Step, cost: Duration) {
        let start = self.start.elapsed();
        sleep(cost).await;
        let action = Action {
            gopher: gopher.to_string(),
            step,
            start,
            end: self.start.elapsed(),
        };
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(action);
    }
}

/// A pile of books: a channel of books, and a lock so one gopher at a time loads.
///
/// The first pile is stacked at the start and closed: when it is empty the work is done.
/// A staging pile is open: the gopher unloading onto it holds the sender, and only when
/// that gopher goes home does an empty staging pile mean "no more books".
struct Pile {
    /// The books; whoever holds the lock is the gopher at the pile.
    books: Mutex<mpsc::UnboundedReceiver<Book>>,
}

impl Pile {
    /// A pile of these books that no one will add to.
    fn stacked(books: Vec<Book>) -> Pile {
        let (onto, pile) = Pile::open();
        for book in books {
            onto.send(book).expect("the pile is still here");
        }
        pile
    }

    /// An empty pile and the way to put books on it.
    fn open() -> (mpsc::UnboundedSender<Book>, Pile) {
        let (onto, books) = mpsc::unbounded_channel();
        let pile = Pile {
            books: Mutex::new(books),
        };
        (onto, pile)
    }
}

/// Where a cart is unloaded.
#[derive(Clone)]
enum Sink {
    /// Into an incinerator: one gopher at a time, and the books are ashes.
    Incinerator(Arc<Mutex<Vec<Book>>>),
    /// Onto a staging pile, for the next gopher to load.
    Staging(mpsc::UnboundedSender<Book>),
}

/// `gopher` fills `cart` (empty) from `pile`, up to a cartload; waits at an open pile
/// for books to come. False when there are no more books and the gopher can go home.
async fn load(yard: &Yard, gopher: &str, pile: &Pile, cart: &mut Vec<Book>) -> bool {
    let mut books = pile.books.lock().await;
    let Some(first) = books.recv().await else {
        return false;
    };
    cart.push(first);
    while cart.len() < yard.costs.cart_holds
        && let Ok(book) = books.try_recv()
    {
        cart.push(book);
    }
    // The gopher stays at the pile (holds its lock) while it loads.
    yard.work(gopher, Step::Load, yard.costs.load).await;
    true
}

/// `gopher` empties `cart` into `sink`.
async fn unload(yard: &Yard, gopher: &str, cart: &mut Vec<Book>, sink: &Sink) {
    match sink {
        Sink::Incinerator(fire) => {
            // One gopher at a time at the incinerator.
            let mut ashes = fire.lock().await;
            yard.work(gopher, Step::Unload, yard.costs.unload).await;
            ashes.append(cart);
        }
        Sink::Staging(onto) => {
            yard.work(gopher, Step::Unload, yard.costs.unload).await;
            for book in cart.drain(..) {
                onto.send(book)
                    .expect("the next gopher waits for the staging pile");
            }
        }
    }
}

/// A gopher doing whole round trips with `cart`, which other gophers
/// may share: whoever holds the cart's lock works, the rest wait.
async fn round_trips(
    yard: &Yard,
    me: String,
    pile: Arc<Pile>,
    cart: Arc<Mutex<Vec<Book>>>,
    sink: Sink,
    costs: Costs,
) {
    // ANCHOR: round_trip
    loop {
        let mut cart = cart.lock().await; // wait for the cart
        if !load(yard, &me, &pile, &mut cart).await {
            return; // the pile is empty: go home
        }
        yard.work(&me, Step::Move, costs.travel).await;
        unload(yard, &me, &mut cart, &sink).await;
        yard.work(&me, Step::Return, costs.back).await;
    } // the cart is let go here, and the next gopher in line takes it
    // ANCHOR_END: round_trip
}

/// Four gophers, one action each, passing [`PIPELINE_CARTS`] carts along channels:
/// empty carts to the loader, full ones to the mover, moved ones to the unloader,
/// emptied ones to the returner, and back to the loader.
async fn pipeline(yard: &Yard, suffix: &str, pile: Arc<Pile>, fire: Arc<Mutex<Vec<Book>>>) {
    let costs = yard.costs;
    let (to_loader, mut at_pile) = mpsc::channel::<Vec<Book>>(PIPELINE_CARTS);
    for _ in 0..PIPELINE_CARTS {
        to_loader.try_send(Vec::new()).expect("room for every cart");
    }
    let (to_mover, mut loaded) = mpsc::channel::<Vec<Book>>(PIPELINE_CARTS);
    let (to_unloader, mut arrived) = mpsc::channel::<Vec<Book>>(PIPELINE_CARTS);
    let (to_returner, mut emptied) = mpsc::channel::<Vec<Book>>(PIPELINE_CARTS);
    let sink = Sink::Incinerator(fire);
    let name = |role: &str| format!("{role}{suffix}");
    let (loader, mover) = (name("loader"), name("mover"));
    let (unloader, returner) = (name("unloader"), name("returner"));
    // Each stage takes a cart from its channel, does its one action,
    // and passes the cart on. When the loader finds the pile empty it
    // goes home, dropping `to_mover`; each stage in turn sees its
    // channel close, and goes home too. (Unloader and returner alike.)
    let load_stage = async move {
        while let Some(mut cart) = at_pile.recv().await {
            if !load(yard, &loader, &pile, &mut cart).await {
                break;
            }
            to_mover.send(cart).await.expect("the mover waits");
        }
    };
    // ANCHOR: move_stage
    let move_stage = async move {
        while let Some(cart) = loaded.recv().await {
            yard.work(&mover, Step::Move, costs.travel).await;
            to_unloader.send(cart).await.expect("the unloader waits");
        }
    };
    // ANCHOR_END: move_stage
    let unload_stage = async move {
        while let Some(mut cart) = arrived.recv().await {
            unload(yard, &unloader, &mut cart, &sink).await;
            to_returner.send(cart).await.expect("the returner waits");
        }
    };
    let return_stage = async move {
        while let Some(cart) = emptied.recv().await {
            yard.work(&returner, Step::Return, costs.back).await;
            // The loader may have gone home: then the cart is parked.
            let _ = to_loader.send(cart).await;
        }
    };
    tokio::join!(load_stage, move_stage, unload_stage, return_stage);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every action costs one second; a cart holds ten books.
    const C: Duration = Duration::from_secs(1);

    /// The tests' cost model: one second per action, ten books a cart.
    fn costs() -> Costs {
        Costs::equal(C, CART_HOLDS)
    }

    /// Runs a design on the paused clock from inside a test's runtime.
    async fn timed(design: Design, books: usize) -> Outcome {
        run(design, books, costs()).await
    }

    /// Every design burns every book exactly once, whatever the number of books
    /// (none, one, a part-filled last cart, an odd half), and uses its gophers.
    #[tokio::test(start_paused = true)]
    async fn every_book_burns_exactly_once() {
        for design in Design::ALL {
            for books in [0, 1, 7, 100, 101, 333] {
                let outcome = timed(design, books).await;
                assert!(outcome.each_once, "{design:?} with {books} books");
                assert_eq!(outcome.burned, books, "{design:?} with {books} books");
            }
            let outcome = timed(design, 100).await;
            assert_eq!(outcome.gophers().len(), design.gophers(), "{design:?}");
        }
    }

    /// The runs take exactly what [`predicted`] says, for equal costs and for
    /// unequal ones (a slow move, a quick return).
    #[tokio::test(start_paused = true)]
    async fn runs_take_what_the_arithmetic_says() {
        let uneven = Costs {
            load: Duration::from_millis(300),
            travel: Duration::from_millis(800),
            unload: Duration::from_millis(200),
            back: Duration::from_millis(400),
            cart_holds: 4,
        };
        for design in Design::ALL {
            for (costs, books) in [(costs(), 100), (costs(), 101), (uneven, 37)] {
                let outcome = run(design, books, costs).await;
                let expected = predicted(design, books, costs);
                assert_eq!(outcome.elapsed, expected, "{design:?}, {books} books");
            }
        }
    }

    /// More gophers sharing one cart gain nothing: exactly the one gopher's time,
    /// and never more than one gopher at work at once.
    #[tokio::test(start_paused = true)]
    async fn more_gophers_with_one_cart_gain_nothing() {
        let one = timed(Design::OneGopher, 100).await;
        let more = timed(Design::MoreGophers, 100).await;
        assert_eq!(one.elapsed, 40 * C);
        assert_eq!(more.elapsed, one.elapsed);
        assert_eq!(more.books_per_second, one.books_per_second);
        assert_eq!(more.most_at_once(), 1);
        // They took turns: every one of the three did some trips.
        for gopher in more.gophers() {
            assert!(more.busy(&gopher) > Duration::ZERO, "{gopher}");
        }
    }

    /// Doubling everything doubles the rate exactly.
    #[tokio::test(start_paused = true)]
    async fn double_everything_is_twice_as_fast() {
        let one = timed(Design::OneGopher, 100).await;
        let double = timed(Design::DoubleEverything, 100).await;
        assert_eq!(double.elapsed, 20 * C);
        assert_eq!(one.elapsed, 2 * double.elapsed);
        assert_eq!(double.books_per_second, 2.0 * one.books_per_second);
        assert_eq!(double.most_at_once(), 2);
    }

    /// The four-stage pipeline takes `(n + 3)` actions for `n` cartloads against the
    /// one gopher's `4 n`: 13 s against 40 s for 100 books, and 4 × 1000 / 1003 of the
    /// rate for 10 000 books, approaching four times; all four stages work at once.
    #[tokio::test(start_paused = true)]
    async fn the_pipeline_approaches_four_times() {
        for books in [100usize, 10_000] {
            let n = costs().cartloads(books) as u32;
            let one = timed(Design::OneGopher, books).await;
            let piped = timed(Design::Pipeline, books).await;
            assert_eq!(one.elapsed, 4 * n * C);
            assert_eq!(piped.elapsed, (n + 3) * C);
            assert_eq!(piped.most_at_once(), 4);
        }
        let one = timed(Design::OneGopher, 10_000).await;
        let piped = timed(Design::Pipeline, 10_000).await;
        let speedup = piped.books_per_second / one.books_per_second;
        assert!((3.98..4.0).contains(&speedup), "{speedup}");
    }

    /// Two pipelines move twice the books in the same time, eight gophers at once;
    /// for 100 books, 8 s instead of 13 s (each has its own three-action fill).
    #[tokio::test(start_paused = true)]
    async fn two_pipelines_double_again() {
        let piped = timed(Design::Pipeline, 100).await;
        let two = timed(Design::TwoPipelines, 200).await;
        assert_eq!(two.elapsed, piped.elapsed);
        assert_eq!(two.books_per_second, 2.0 * piped.books_per_second);
        assert_eq!(two.most_at_once(), 8);
        assert_eq!(timed(Design::TwoPipelines, 100).await.elapsed, 8 * C);
    }

    /// A staging pile halfway makes each trip three actions long instead of four:
    /// `(3 n + 2.5)` seconds, 32.5 s for 100 books; two of them move twice the books in
    /// the same time.
    #[tokio::test(start_paused = true)]
    async fn staging_piles_cut_the_trip_and_double() {
        let staged = timed(Design::StagingPile, 100).await;
        assert_eq!(staged.elapsed, Duration::from_millis(32_500));
        assert_eq!(staged.most_at_once(), 2);
        let two = timed(Design::TwoStagingPiles, 200).await;
        assert_eq!(two.elapsed, staged.elapsed);
        assert_eq!(two.most_at_once(), 4);
        assert_eq!(
            timed(Design::TwoStagingPiles, 100).await.elapsed,
            Duration::from_millis(17_500)
        );
    }

    /// The rates for 100 books, in the talk's order of ideas: nothing gained from
    /// gophers alone, then every further breakdown faster than the one it extends.
    #[tokio::test(start_paused = true)]
    async fn books_per_second_in_the_talks_order() {
        let mut rate = std::collections::HashMap::new();
        for design in Design::ALL {
            rate.insert(design, timed(design, 100).await.books_per_second);
        }
        assert_eq!(rate[&Design::OneGopher], 2.5);
        assert_eq!(rate[&Design::MoreGophers], 2.5);
        assert_eq!(rate[&Design::DoubleEverything], 5.0);
        assert_eq!(rate[&Design::TwoPipelines], 12.5);
        assert!(rate[&Design::Pipeline] > rate[&Design::DoubleEverything]);
        assert!(rate[&Design::TwoPipelines] > rate[&Design::Pipeline]);
        assert!(rate[&Design::StagingPile] > rate[&Design::OneGopher]);
        assert!(rate[&Design::TwoStagingPiles] > rate[&Design::StagingPile]);
    }

    /// A gopher is busy exactly its share: the one gopher never rests, and the
    /// pipeline's loader works one action per cartload of the 13 s.
    #[tokio::test(start_paused = true)]
    async fn busy_time_is_the_actions_done() {
        let one = timed(Design::OneGopher, 100).await;
        assert_eq!(one.busy("gopher"), one.elapsed);
        let piped = timed(Design::Pipeline, 100).await;
        for stage in ["loader", "mover", "unloader", "returner"] {
            assert_eq!(piped.busy(stage), 10 * C, "{stage}");
        }
    }

    /// The designs are numbered in the talk's order, their pictures named so, and each
    /// says its crew in words.
    #[test]
    fn designs_are_numbered_and_named_in_the_talks_order() {
        let files: Vec<String> = Design::ALL.iter().map(|d| d.picture_file()).collect();
        assert_eq!(files[0], "1-one-gopher.svg");
        assert_eq!(files[3], "4-pipeline.svg");
        assert_eq!(files[6], "7-two-staging-piles.svg");
        assert_eq!(Design::OneGopher.crew(), "1 gopher, 1 cart");
        assert_eq!(Design::MoreGophers.crew(), "3 gophers, 1 cart");
        assert_eq!(Design::MoreGophers.point().1, "the others wait their turn");
    }

    /// The picture has a row per gopher, the first to start on top, and a span per
    /// action at its time; the caption gives the figures.
    #[tokio::test(start_paused = true)]
    async fn the_timeline_draws_every_action_of_every_gopher() {
        let piped = timed(Design::Pipeline, 100).await;
        let timeline = piped.timeline();
        assert_eq!(timeline.rows(), ["loader", "mover", "unloader", "returner"]);
        let spans = timeline.spans();
        assert_eq!(spans.len(), piped.actions.len());
        let origin = timeline.origin_ns();
        let last = spans.iter().map(|span| span.end_ns - origin).max();
        assert_eq!(last, Some(13 * 1_000_000_000));
        let first = &spans[0];
        assert_eq!(
            (first.row.as_str(), first.label.as_str()),
            ("loader", "load")
        );
        assert_eq!(
            piped.caption(),
            "4. pipeline: 100 books in 13.0 s, 4 gophers, 4 carts, 4 at once"
        );
        let svg = timeline.to_svg(&piped.caption()).unwrap();
        for text in ["loader", "returner", "load", "move", "unload", "return"] {
            assert!(svg.contains(text), "{text} missing");
        }
        let more = timed(Design::MoreGophers, 100).await;
        assert_eq!(more.timeline().rows(), ["gopher 1", "gopher 2", "gopher 3"]);
        assert_eq!(
            more.verdict(1.0),
            "more gophers sharing one cart: 1.00× with 3 gophers, 1 cart, 1 at once — \
             the others wait their turn"
        );
        // One cartload: the pipeline's gophers work one after another, and the line
        // says why.
        let one_load = timed(Design::Pipeline, 5).await;
        assert_eq!(one_load.most_at_once(), 1);
        assert_eq!(
            one_load.verdict(1.0),
            "the pipeline: 1.00× with 4 gophers, 4 carts, 1 at once — one action per \
             gopher, carts passed along; too few cartloads to keep all 4 at work together"
        );
    }

    /// The check is built from the runs: it passes only when every book burned once in
    /// the predicted time, and otherwise names the designs that failed.
    #[tokio::test(start_paused = true)]
    async fn the_check_names_the_designs_that_failed() {
        let mut outcomes = vec![
            timed(Design::OneGopher, 100).await,
            timed(Design::Pipeline, 100).await,
        ];
        assert_eq!(
            checked(&outcomes, costs(), false),
            "Checked: every book burned exactly once, in exactly the predicted time."
        );
        outcomes[1].elapsed += C;
        let late = checked(&outcomes, costs(), true);
        assert!(late.contains("up to 8 % over"), "{late}");
        assert_eq!(
            checked(&outcomes, costs(), false),
            "✗ Check failed: not the predicted time in pipeline."
        );
        outcomes[0].each_once = false;
        assert_eq!(
            checked(&outcomes, costs(), true),
            "✗ Check failed: not every book burned once in one-gopher."
        );
    }

    /// The real-time and virtual-time entry points run the same code: both burn every
    /// book once; the virtual one is exact.
    #[test]
    fn virtual_and_real_runs_agree_on_the_books() {
        let small = Costs::equal(Duration::from_millis(1), CART_HOLDS);
        let virtual_run = run_virtual(Design::Pipeline, 30, small);
        assert_eq!(virtual_run.elapsed, predicted(Design::Pipeline, 30, small));
        let real_run = run_real(Design::Pipeline, 30, small);
        assert!(virtual_run.each_once && real_run.each_once);
        assert!(real_run.elapsed >= virtual_run.elapsed);
    }
}
