//! Coroutines you can send values into: Python's `send` and `yield from`, on stable Rust.
//!
//! A Python generator is a coroutine: `jump = yield index` hands `index` out, pauses, and
//! when the caller calls `send(2)` it wakes up with `jump == 2`. The Python course
//! notebook's `jumping_range` uses that to skip ahead, and its `bottom`/`middle`/`top`
//! pass 42 up through two `yield from`s and get 84 back down.
//!
//! Stable Rust has no generators. A `gen` block is refused (error E0658, "gen blocks are
//! experimental"; so is `yield`), and even the `gen` blocks planned by RFC 3513 make
//! iterators, which take no value when resumed: there is no `send`.
//!
//! ```compile_fail,E0658
//! let numbers = gen {
//!     yield 1;
//!     yield 2;
//! };
//! ```
//!
//! So this module writes the coroutine twice, as the course does:
//!
//! - **by hand, as a state machine**: a [`Coroutine`] trait whose `resume(input)` returns
//!   [`CoroutineState::Yielded`] or [`CoroutineState::Complete`], the shape of std's
//!   unstable `Coroutine` trait, and [`JumpingRange`], an enum with one variant for each
//!   place the body can be paused at;
//! - **by the compiler, as an `async` block**: [`coroutine`] wraps an `async` block
//!   that awaits [`Co::yield_`] where Python writes `yield`; [`AsyncCoroutine::resume`]
//!   polls it once with a waker that does nothing, and the values go in and out through
//!   two shared cells. The compiler turns the block into the state machine.
//!
//! ```
//! use coroutines::coroutine::{drive, jumping_range, jumping_range_async, values};
//!
//! let sends = [None, Some(2), None, Some(-1)]; // next, send(2), next, send(-1)
//! assert_eq!(values(&drive(&mut jumping_range(5), &sends)), [0, 2, 3, 2, 3, 4]);
//! assert_eq!(values(&drive(&mut jumping_range_async(5), &sends)), [0, 2, 3, 2, 3, 4]);
//! ```
//!
//! Delegation, `yield from`, is here three ways: a state machine that forwards each
//! `resume` to the one inside it ([`YieldFrom`]); [`yield_from`], the loop of resumes that
//! Python's `yield from` stands for (each value sent in goes down, each value yielded
//! comes up, and the inner coroutine's result is the result); and plain `.await` between
//! `async fn`s ([`top`]), which is what `yield from` became. [`for_loop`] and
//! [`for_and_send`] are the two versions the notebook asks about: `for x in inner: yield
//! x` loses every value sent in, and adding `inner.send(y)` loses every other value.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use CoroutineState::{Complete, Yielded};

/// What one `resume` gave: a value the coroutine yielded (it is paused, and can be resumed
/// again), or what it returned when it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// ANCHOR: coroutine_trait
pub enum CoroutineState<Y, R> {
    Yielded(Y),
    Complete(R),
}

pub trait Coroutine<In> {
    type Yield;
    type Return;
    fn resume(
        &mut self,
        input: In, // what Python's send(x) passes in
    ) -> CoroutineState<Self::Yield, Self::Return>;
}
// ANCHOR_END: coroutine_trait

/// What a Python caller passes in: `next(it)` sends `None`, `it.send(2)` sends `Some(2)`.
pub type Sent = Option<i64>;

/// The notebook's `jumping_range`, by hand: one variant for each place its body can be
/// paused at, holding the local variables alive there. The first resume starts the body
/// and its input is not seen, as Python only lets `send(None)` start a generator.
///
/// Resuming a coroutine that has completed panics, as std's coroutines and Python's
/// finished generators do not allow it either ([`drive`] never does).
// ANCHOR: jumping_state_machine
pub enum JumpingRange {
    Created { up_to: i64 },
    Paused { index: i64, up_to: i64 }, // at `jump = yield index`
    Finished,
}
impl Coroutine<Sent> for JumpingRange {
    type Yield = i64;
    type Return = ();
    fn resume(&mut self, jump: Sent) -> CoroutineState<i64, ()> {
        let jump = jump.unwrap_or(1); // `next()` sends None
        let (index, up_to) = match *self {
            Self::Created { up_to } => (0, up_to), // starts the body
            Self::Paused { index, up_to } => (index + jump, up_to),
            Self::Finished => panic!("jumping_range is finished"),
        };
        if index < up_to {
            *self = Self::Paused { index, up_to };
            Yielded(index)
        } else {
            *self = Self::Finished;
            Complete(())
        }
    }
}
// ANCHOR_END: jumping_state_machine

/// `jumping_range(up_to)`, not started yet.
pub fn jumping_range(up_to: i64) -> JumpingRange {
    JumpingRange::Created { up_to }
}

/// The two cells an [`AsyncCoroutine`] and its `async` block share: the value sent in by
/// the last `resume`, and the value the block handed out when it paused.
struct Cells<In, Out> {
    sent: Cell<Option<In>>,
    yielded: Cell<Option<Out>>,
}

/// The `async` block's end of the cells: where Python writes `x = yield v`, the block
/// writes `let x = co.yield_(v).await`.
pub struct Co<In, Out> {
    cells: Rc<Cells<In, Out>>,
}

impl<In, Out> Co<In, Out> {
    /// Hands `value` out and pauses; returns the value the next `resume` sends in.
    // ANCHOR: co_yield
    pub async fn yield_(&self, value: Out) -> In {
        let mut value = Some(value);
        poll_fn(|_| match value.take() {
            Some(value) => {
                self.cells.yielded.set(Some(value)); // out,
                Poll::Pending // and pause: `resume` returns
            }
            // Polled again: `resume` was called, with a value.
            None => Poll::Ready(self.cells.sent.take().expect("sent")),
        })
        .await
    }
    // ANCHOR_END: co_yield
}

/// An `async` block run as a coroutine: each [`resume`](Coroutine::resume) polls it once.
pub struct AsyncCoroutine<In, Out, R> {
    /// The state machine the compiler made of the `async` block, on the heap: it may hold
    /// references into itself (to its own `Co`), so it must not move (`Pin`).
    body: Pin<Box<dyn Future<Output = R>>>,
    cells: Rc<Cells<In, Out>>,
}

/// A coroutine from an `async` block: `coroutine(|co| async move { … co.yield_(v).await
/// … })`. Nothing of the block runs until the first [`resume`](Coroutine::resume).
pub fn coroutine<In, Out, R, F>(body: impl FnOnce(Co<In, Out>) -> F) -> AsyncCoroutine<In, Out, R>
where
    F: Future<Output = R> + 'static,
{
    let cells = Rc::new(Cells {
        sent: Cell::new(None),
        yielded: Cell::new(None),
    });
    let co = Co {
        cells: Rc::clone(&cells),
    };
    AsyncCoroutine {
        body: Box::pin(body(co)),
        cells,
    }
}

// ANCHOR: resume_loop
impl<In, Out, R> Coroutine<In> for AsyncCoroutine<In, Out, R> {
    type Yield = Out;
    type Return = R;
    fn resume(&mut self, input: In) -> CoroutineState<Out, R> {
        self.cells.sent.set(Some(input));
        // Nobody waits for a wake-up: we poll when the caller resumes.
        let mut cx = Context::from_waker(Waker::noop());
        match self.body.as_mut().poll(&mut cx) {
            Poll::Ready(result) => Complete(result),
            Poll::Pending => {
                let value = self.cells.yielded.take();
                Yielded(value.expect("the block awaits only co.yield_"))
            }
        }
    }
}
// ANCHOR_END: resume_loop

/// The notebook's `jumping_range` as an `async` block: the same lines as the Python.
// ANCHOR: jumping_async
pub fn jumping_range_async(up_to: i64) -> AsyncCoroutine<Sent, i64, ()> {
    coroutine(move |co| async move {
        let mut index = 0;
        while index < up_to {
            let jump: Sent = co.yield_(index).await;
            index += jump.unwrap_or(1);
        }
    })
}
// ANCHOR_END: jumping_async

/// The largest jump a program's `--sends` may ask for, either way.
pub const MAX_JUMP: i64 = 100;

/// One of `--sends`: `next` (Python's `next(iterator)`, resume with `None`) or a whole
/// number to send, from −[`MAX_JUMP`] to [`MAX_JUMP`].
pub fn parse_send(text: &str) -> Result<Sent, String> {
    if text == "next" {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(jump) if jump.abs() <= MAX_JUMP => Ok(Some(jump)),
        Ok(_) => Err(format!("{text} is too far: send -{MAX_JUMP} to {MAX_JUMP}")),
        Err(_) => Err(format!("{text:?} is neither `next` nor a whole number")),
    }
}

/// The flags `jumping_range` and `yield_from` share: where the range ends, and the calls
/// that drive it before the closing `for` loop.
#[derive(Debug, Clone, clap::Args)]
pub struct Calls {
    /// Where jumping_range ends (exclusive): the notebook's up_to
    #[arg(long, value_name = "N", default_value_t = 5, allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(-100..=100))]
    pub up_to: i64,

    /// The calls before the `for` loop, comma-separated: `next`, or a number to send
    #[arg(long, value_name = "CALL,...", value_delimiter = ',', allow_negative_numbers = true,
          default_value = "next,2,next,-1", value_parser = parse_send)]
    pub sends: Vec<Sent>,
}

impl Calls {
    /// Exits as clap does for a bad flag (a usage message, status 2) unless the calls
    /// start with `next` (see [`check_first_is_next`]). `P` is the program's `Args`.
    pub fn require_next_first<P: clap::CommandFactory>(&self) {
        if let Err(why) = check_first_is_next(&self.sends) {
            P::command()
                .error(clap::error::ErrorKind::ValueValidation, why)
                .exit();
        }
    }
}

/// The calls must start with `next`: Python refuses to `send` a value into a generator
/// that has not started ("can't send non-None value to a just-started generator").
pub fn check_first_is_next(sends: &[Sent]) -> Result<(), String> {
    match sends.first() {
        Some(Some(value)) => Err(format!(
            "the first call must be `next`, not a send of {value}: a generator that has not \
             started has no `yield` to receive it (Python raises TypeError)"
        )),
        _ => Ok(()),
    }
}

/// What a caller did at one step, in Python's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `next(iterator)`: resume with `None`.
    Next,
    /// `iterator.send(v)`: resume with `Some(v)`.
    Send(i64),
    /// One turn of `for x in iterator:`, which calls `next` until the end.
    For,
}

impl Call {
    /// The call as the Python course notebook writes it.
    pub fn python(self) -> String {
        match self {
            Call::Next => "next(iterator)".to_string(),
            Call::Send(v) => format!("iterator.send({v})"),
            Call::For => "for x in iterator:".to_string(),
        }
    }
}

/// One step of a transcript: the call, and the value it gave (`None`: the coroutine
/// completed there, Python's `StopIteration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub call: Call,
    pub got: Option<i64>,
}

/// Drives `coroutine` as the notebook drives `jumping_range`: one resume for each of
/// `sends` (`None` is `next`, `Some(v)` is `send(v)`), then a `for` loop over the rest.
/// A send that completes the coroutine ends the transcript there, as `StopIteration`
/// ends the Python script.
pub fn drive<C>(coroutine: &mut C, sends: &[Sent]) -> Vec<Step>
where
    C: Coroutine<Sent, Yield = i64> + ?Sized,
{
    let mut steps = Vec::new();
    for &sent in sends {
        let call = sent.map_or(Call::Next, Call::Send);
        match coroutine.resume(sent) {
            Yielded(value) => steps.push(Step {
                call,
                got: Some(value),
            }),
            Complete(_) => {
                steps.push(Step { call, got: None });
                return steps;
            }
        }
    }
    // `for x in iterator:` resumes with `None` until the end, which it swallows.
    while let Yielded(value) = coroutine.resume(None) {
        steps.push(Step {
            call: Call::For,
            got: Some(value),
        });
    }
    steps
}

/// The values a transcript printed, in order: `0 2 3 2 3 4`.
pub fn values(steps: &[Step]) -> Vec<i64> {
    steps.iter().filter_map(|step| step.got).collect()
}

/// `values` one space apart, for a summary line.
pub fn spaced(values: &[i64]) -> String {
    let shown: Vec<String> = values.iter().map(i64::to_string).collect();
    shown.join(" ")
}

/// The values one space apart, and `StopIteration` if a call ran into the end:
/// `0 2 3 2 3 4`, `0 3 StopIteration`.
pub fn summary(steps: &[Step]) -> String {
    let mut summary = spaced(&values(steps));
    if steps.last().is_some_and(|step| step.got.is_none()) {
        summary.push_str(" StopIteration");
    }
    summary.trim_start().to_string()
}

/// The transcript's lines: the Python call, then what it printed. The `for` loop's
/// values share one call, as they do in the notebook's cell.
pub fn transcript(steps: &[Step]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut previous = None;
    for step in steps {
        let call = match (step.call, previous) {
            (Call::For, Some(Call::For)) => String::new(),
            (call, _) => call.python(),
        };
        let got = step
            .got
            .map_or("StopIteration".to_string(), |v| v.to_string());
        lines.push(format!("{call:<22}{got}"));
        previous = Some(step.call);
    }
    lines
}

/// The notebook's `bottom`, by hand: `return (yield value)` yields `value`, and returns
/// what is sent back.
pub enum Bottom {
    Created { value: i64 },
    Paused, // at `return (yield value)`
    Finished,
}

impl Coroutine<Sent> for Bottom {
    type Yield = i64;
    type Return = Sent;

    fn resume(&mut self, sent: Sent) -> CoroutineState<i64, Sent> {
        match *self {
            Self::Created { value } => {
                *self = Self::Paused;
                Yielded(value)
            }
            Self::Paused => {
                *self = Self::Finished;
                Complete(sent)
            }
            Self::Finished => panic!("bottom is finished"),
        }
    }
}

/// `return (yield from inner)`: every resume goes straight through.
pub struct YieldFrom<C>(pub C);

impl<In, C: Coroutine<In>> Coroutine<In> for YieldFrom<C> {
    type Yield = C::Yield;
    type Return = C::Return;

    fn resume(&mut self, sent: In) -> CoroutineState<C::Yield, C::Return> {
        self.0.resume(sent)
    }
}

/// `top()` by hand: `YieldFrom(YieldFrom(Bottom))`, two delegations deep.
pub fn top_by_hand(value: i64) -> impl Coroutine<Sent, Yield = i64, Return = Sent> {
    YieldFrom(YieldFrom(Bottom::Created { value }))
}

/// `yield from inner`, written as the loop it stands for (PEP 380): the first resume
/// starts `inner` with `next()`; after that, every value sent to us is sent down, every
/// value `inner` yields is yielded up, and `inner`'s result is ours.
// ANCHOR: yield_from
pub async fn yield_from<C>(
    co: &Co<Sent, C::Yield>, // our end: to whoever resumes us
    mut inner: C,
) -> C::Return
where
    C: Coroutine<Sent>,
{
    let mut sent = None; // next(inner)
    loop {
        match inner.resume(sent) {
            Yielded(value) => sent = co.yield_(value).await, // up, and down
            Complete(result) => return result,
        }
    }
}
// ANCHOR_END: yield_from

/// `for x in inner: yield x`, the notebook's first try at delegation: what we are sent is
/// dropped, `inner` only ever gets `next()`, and its result is lost too.
// ANCHOR: for_loop
pub async fn for_loop<C>(co: &Co<Sent, C::Yield>, mut inner: C)
where
    C: Coroutine<Sent>,
{
    while let Yielded(value) = inner.resume(None) {
        let _lost: Sent = co.yield_(value).await;
    }
}
// ANCHOR_END: for_loop

/// `for x in inner: y = yield x; inner.send(y)`, the notebook's second try: the send
/// resumes `inner` a second time, and the value it yields then is lost, so only every
/// other value comes up. When that send ends `inner`, this returns; Python (3.7 and later)
/// raises `RuntimeError: generator raised StopIteration` there instead.
pub async fn for_and_send<C>(co: &Co<Sent, C::Yield>, mut inner: C)
where
    C: Coroutine<Sent>,
{
    while let Yielded(value) = inner.resume(None) {
        let sent = co.yield_(value).await;
        if let Complete(_) = inner.resume(sent) {
            return;
        }
    }
}

/// A coroutine for one level of the notebook's stack: it runs `level` on its own `Co`.
type Level<Y, R> = AsyncCoroutine<Sent, Y, R>;

/// `top()` as three `async` blocks, each delegating to the next by [`yield_from`].
pub fn top_by_loops(value: i64) -> Level<i64, Sent> {
    let bottom = coroutine(move |co| async move { co.yield_(value).await });
    let middle = coroutine(move |co| async move { yield_from(&co, bottom).await });
    coroutine(move |co| async move { yield_from(&co, middle).await })
}

/// `top()` with a `middle` that delegates by [`for_loop`]; a function that falls off its
/// end returns `None`.
pub fn top_by_for_loop(value: i64) -> Level<i64, Sent> {
    let bottom = coroutine(move |co| async move { co.yield_(value).await });
    let middle = coroutine(move |co| async move {
        for_loop(&co, bottom).await;
        None
    });
    coroutine(move |co| async move { yield_from(&co, middle).await })
}

/// `bottom`, `middle` and `top` as `async fn`s: `yield from` is `.await`, and one `Co`
/// serves all three.
// ANCHOR: await_stack
pub async fn bottom(co: &Co<Sent, i64>, value: i64) -> Sent {
    co.yield_(value).await // return (yield value)
}

pub async fn middle(co: &Co<Sent, i64>, value: i64) -> Sent {
    bottom(co, value).await // return (yield from bottom())
}

pub async fn top(co: &Co<Sent, i64>, value: i64) -> Sent {
    middle(co, value).await // return (yield from middle())
}
// ANCHOR_END: await_stack

/// `top()` with `.await` for `yield from`.
pub fn top_by_await(value: i64) -> Level<i64, Sent> {
    coroutine(move |co| async move { top(&co, value).await })
}

/// The notebook's last cell: `value = next(gen)`, then `gen.send(value * 2)`, which ends
/// `top` with what came back down. Returns (what came up, what `top` returned); `None`
/// for what came up if `top` ended at once.
pub fn up_and_back<C>(coroutine: &mut C) -> (Option<i64>, Sent)
where
    C: Coroutine<Sent, Yield = i64, Return = Sent> + ?Sized,
{
    let value = match coroutine.resume(None) {
        Yielded(value) => value,
        Complete(result) => return (None, result),
    };
    match coroutine.resume(Some(value * 2)) {
        Complete(result) => (Some(value), result),
        Yielded(_) => panic!("top yields once"),
    }
}

/// `jumping_range(up_to)` behind one more level, delegating by [`yield_from`].
pub fn delegated_by_yield_from(up_to: i64) -> Level<i64, ()> {
    coroutine(move |co| async move { yield_from(&co, jumping_range(up_to)).await })
}

/// `jumping_range(up_to)` behind one more level, delegating by [`for_loop`].
pub fn delegated_by_for_loop(up_to: i64) -> Level<i64, ()> {
    coroutine(move |co| async move { for_loop(&co, jumping_range(up_to)).await })
}

/// `jumping_range(up_to)` behind one more level, delegating by [`for_and_send`].
pub fn delegated_by_for_and_send(up_to: i64) -> Level<i64, ()> {
    coroutine(move |co| async move { for_and_send(&co, jumping_range(up_to)).await })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notebook's sends: `next`, `send(2)`, `next`, `send(-1)`, then a `for` loop.
    const SENDS: [Sent; 4] = [None, Some(2), None, Some(-1)];

    const NOTEBOOK: [&str; 6] = [
        "next(iterator)        0",
        "iterator.send(2)      2",
        "next(iterator)        3",
        "iterator.send(-1)     2",
        "for x in iterator:    3",
        "                      4",
    ];

    #[test]
    fn the_state_machine_prints_the_notebooks_transcript() {
        let steps = drive(&mut jumping_range(5), &SENDS);
        assert_eq!(transcript(&steps), NOTEBOOK);
        assert_eq!(values(&steps), [0, 2, 3, 2, 3, 4]);
    }

    #[test]
    fn the_async_block_prints_the_same_transcript() {
        let steps = drive(&mut jumping_range_async(5), &SENDS);
        assert_eq!(transcript(&steps), NOTEBOOK);
    }

    /// Without sends it is `range(up_to)`; an empty range completes at the first resume.
    #[test]
    fn without_sends_it_counts_one_by_one() {
        for up_to in [0, 1, 5] {
            let expected: Vec<i64> = (0..up_to).collect();
            assert_eq!(values(&drive(&mut jumping_range(up_to), &[])), expected);
            assert_eq!(
                values(&drive(&mut jumping_range_async(up_to), &[])),
                expected
            );
        }
    }

    /// A send that jumps past the end completes the coroutine: `StopIteration`, and the
    /// transcript stops there, both ways.
    #[test]
    fn a_send_past_the_end_is_stop_iteration() {
        let sends = [None, Some(10), None];
        for steps in [
            drive(&mut jumping_range(5), &sends),
            drive(&mut jumping_range_async(5), &sends),
        ] {
            assert_eq!(
                transcript(&steps),
                [
                    "next(iterator)        0",
                    "iterator.send(10)     StopIteration"
                ]
            );
        }
    }

    /// The first resume starts the body; what it sends is not seen (Python's `send(None)`).
    #[test]
    fn the_first_resume_primes_the_coroutine() {
        assert_eq!(jumping_range(5).resume(Some(3)), Yielded(0));
        assert_eq!(jumping_range_async(5).resume(Some(3)), Yielded(0));
    }

    #[test]
    #[should_panic(expected = "finished")]
    fn resuming_a_finished_state_machine_panics() {
        let mut range = jumping_range(0);
        assert_eq!(range.resume(None), Complete(()));
        range.resume(None);
    }

    /// Negative jumps go back, as in Python; the coroutine still ends.
    #[test]
    fn jumps_can_go_back() {
        let sends = [None, None, Some(-2), Some(-1)];
        let expected = [0, 1, -1, -2, -1, 0, 1, 2];
        assert_eq!(values(&drive(&mut jumping_range(3), &sends)), expected);
        assert_eq!(
            values(&drive(&mut jumping_range_async(3), &sends)),
            expected
        );
    }

    /// 42 goes up through middle and top, 84 comes back down: by hand, by loops of
    /// resumes, and by `.await`.
    #[test]
    fn every_delegation_passes_42_up_and_84_back() {
        assert_eq!(up_and_back(&mut top_by_hand(42)), (Some(42), Some(84)));
        assert_eq!(up_and_back(&mut top_by_loops(42)), (Some(42), Some(84)));
        assert_eq!(up_and_back(&mut top_by_await(42)), (Some(42), Some(84)));
    }

    /// The for loop passes 42 up, but the 84 sent back never reaches bottom: top
    /// returns `None`, as in Python.
    #[test]
    fn the_for_loop_loses_the_value_sent_back() {
        assert_eq!(up_and_back(&mut top_by_for_loop(42)), (Some(42), None));
        assert_eq!(up_and_back(&mut top_by_for_loop(-7)), (Some(-7), None));
    }

    /// Behind a `yield_from` level, jumping_range prints the notebook's transcript;
    /// behind a `for` loop, the sends are lost and it counts 0 1 2 3 4.
    #[test]
    fn yield_from_forwards_the_sends_and_the_for_loop_drops_them() {
        let steps = drive(&mut delegated_by_yield_from(5), &SENDS);
        assert_eq!(transcript(&steps), NOTEBOOK);
        let steps = drive(&mut delegated_by_for_loop(5), &SENDS);
        assert_eq!(values(&steps), [0, 1, 2, 3, 4]);
    }

    /// The notebook's `for` + `send`: every other value is lost, with or without sends
    /// (Python's output, up to its RuntimeError at the end).
    #[test]
    fn for_and_send_loses_every_other_value() {
        let steps = drive(&mut delegated_by_for_and_send(5), &[]);
        assert_eq!(values(&steps), [0, 2, 4]);
        let steps = drive(&mut delegated_by_for_and_send(5), &SENDS[..3]);
        assert_eq!(
            transcript(&steps),
            [
                "next(iterator)        0",
                "iterator.send(2)      3",
                "next(iterator)        StopIteration"
            ]
        );
    }

    #[test]
    fn sends_are_next_or_a_small_number() {
        assert_eq!(parse_send("next"), Ok(None));
        assert_eq!(parse_send("-1"), Ok(Some(-1)));
        assert_eq!(parse_send("100"), Ok(Some(100)));
        assert!(parse_send("101").is_err());
        assert!(parse_send("None").is_err());
        assert!(parse_send("").is_err());
    }

    #[test]
    fn only_next_may_start_a_coroutine() {
        assert!(check_first_is_next(&SENDS).is_ok());
        assert!(check_first_is_next(&[]).is_ok());
        assert!(check_first_is_next(&[Some(2), None]).is_err());
    }

    #[test]
    fn the_summary_says_where_a_call_hit_the_end() {
        assert_eq!(
            summary(&drive(&mut jumping_range(5), &SENDS)),
            "0 2 3 2 3 4"
        );
        let sends = [None, Some(10)];
        assert_eq!(
            summary(&drive(&mut jumping_range(5), &sends)),
            "0 StopIteration"
        );
        assert_eq!(
            summary(&drive(&mut jumping_range(0), &[None])),
            "StopIteration"
        );
    }

    #[test]
    fn spaced_joins_with_spaces() {
        assert_eq!(spaced(&[0, 2, 3]), "0 2 3");
        assert_eq!(spaced(&[]), "");
    }
}
