//! Rob Pike's gophers burn 100 books in the talk's 7 designs: more gophers sharing one cart gain nothing, a 4-stage pipeline is 3× faster
//!
//!     cargo run -p intro --bin gophers
//!     cargo run -p intro --bin gophers -- --pictures gophers
//!
//! The Python course notebook retells Rob Pike's talk "Concurrency is not Parallelism":
//! gophers wheel a heap of outdated manuals to an incinerator, and the talk keeps
//! redrawing how the work is split. Here every gopher is a tokio task on one thread;
//! carts, piles and incinerators are channels and locks; every action is a sleep, on
//! tokio's paused clock (exact virtual seconds) or, with `--real`, in real time.
//!
//! What to look for: the speedup column. Three gophers with one cart: 1.00×, one at work
//! at a time. Four gophers, one action each, passing carts: 3.08×, four at once.
//! `--pictures DIR` draws who loaded, moved, unloaded and returned, when.

use std::cell::RefCell;
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::builder::PossibleValuesParser;
use common::compare::{Comparison, Run};
use common::measure::fmt_duration;
use common::report::Report;
use common::say;
use common::term::wrap;
use intro::gophers::{self, Costs, Design, Outcome};

/// Rob Pike's gophers: the talk's designs for burning a pile of books, timed.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Books on the pile
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    books: u64,

    /// Books a cart holds
    #[arg(long, value_name = "N", default_value_t = gophers::CART_HOLDS as u64,
          value_parser = clap::value_parser!(u64).range(1..=1_000))]
    cart: u64,

    /// What each action costs, in milliseconds [default: 1000, with --real 5]
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=60_000))]
    action_ms: Option<u64>,

    /// Only these designs, comma-separated [default: all; one-gopher always runs]
    #[arg(long, value_name = "NAME,...", value_delimiter = ',',
          default_values = Design::ALL.map(Design::name), hide_default_value = true,
          value_parser = PossibleValuesParser::new(Design::ALL.map(Design::name)))]
    designs: Vec<String>,

    /// Run in real time instead of on tokio's paused clock
    #[arg(long)]
    real: bool,

    /// Draw one picture per design into this folder: who did what, when
    #[arg(long, value_name = "DIR")]
    pictures: Option<PathBuf>,

    /// Print the rows as JSON lines, nothing else
    #[arg(long, conflicts_with = "pictures")]
    json: bool,
}

fn main() -> ExitCode {
    common::exit_code("gophers", run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let each = Duration::from_millis(args.action_ms.unwrap_or(if args.real { 5 } else { 1_000 }));
    let (books, costs) = (args.books as usize, Costs::equal(each, args.cart as usize));
    let chosen = |d: &Design| *d == Design::OneGopher || args.designs.iter().any(|n| n == d.name());
    let designs: Vec<Design> = Design::ALL.into_iter().filter(chosen).collect();
    if !args.json {
        let clock = match args.real {
            true => "in real time (a sleep wakes late)",
            false => "on tokio's paused clock (exact)",
        };
        let (cart, each) = (costs.cart_holds, fmt_duration(each));
        say!("Rob Pike's gophers move {books} books to the incinerator, {cart} to a cart;");
        say!("every action (load, move, unload, return) takes {each}, {clock}.\n");
        for design in &designs {
            say!("{}. {}: {}", design.number(), design.name(), design.crew());
            for line in wrap(design.describe(), 84) {
                say!("   {line}");
            }
        }
        say!();
    }
    let kept: RefCell<Vec<Outcome>> = RefCell::new(Vec::new());
    let mut comparison = Comparison::new(&format!("{books} books"))
        .title(format!("{books} books, the talk's designs in its order:"))
        .rounds(1)
        .expect(true)
        .workers_are("gopher(s)");
    for design in designs {
        let kept = &kept;
        comparison = comparison.variant_run(design.name(), design.gophers(), move || {
            let outcome = match args.real {
                true => gophers::run_real(design, books, costs),
                false => gophers::run_virtual(design, books, costs),
            };
            let predicted = gophers::predicted(design, books, costs);
            let over = 100.0 * (outcome.elapsed.as_secs_f64() / predicted.as_secs_f64() - 1.0);
            // The answer: every book burned once, in the time the arithmetic says.
            let right = outcome.each_once && (args.real || outcome.elapsed == predicted);
            let mut run = Run::new(right)
                .took(outcome.elapsed)
                .extra("burned", outcome.burned)
                .extra("carts", design.carts())
                .extra("books_per_s", outcome.books_per_second)
                .extra("most_at_once", outcome.most_at_once())
                .seconds("predicted_s", predicted);
            if args.real {
                run = run.extra("overshoot_pct", over);
            }
            kept.borrow_mut().push(outcome);
            Ok(run)
        });
    }
    let mut report = Report::new("gophers").json(args.json);
    report.baseline_variant(Design::OneGopher.name());
    comparison.run(&mut report)?;
    let outcomes = kept.into_inner();
    report.note(gophers::checked(&outcomes, costs, args.real));
    for (row, outcome) in report.rows().to_vec().iter().zip(&outcomes).skip(1) {
        report.note(outcome.verdict(row.speedup));
    }
    report.note(gophers::LESSON);
    report.finish()?;
    if let Some(dir) = &args.pictures {
        std::fs::create_dir_all(dir)?;
        for outcome in &outcomes {
            let path = dir.join(outcome.design.picture_file());
            outcome.timeline().write_svg(&path, &outcome.caption())?;
            say!("picture: {}", path.display());
        }
    }
    Ok(())
}
