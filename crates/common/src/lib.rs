//! The course's shared foundation: the workloads every lecture runs (primes, hashes,
//! matrices, sums of squares), the measuring and reporting helpers every comparison uses,
//! timelines (who ran what, when, as an SVG Gantt chart), `plot`: line plots of results
//! (speedup against workers, time against size), the terminal status line of the
//! spinners, `process`: a child process that is this same program re-executed, `limits`:
//! how many threads the kernel lets a process start, and
//! `testing`: what the integration tests use to run the real programs.
//!
//! No async, no network: those live in the section crates.

pub mod affinity;
pub mod bars;
pub mod compare;
pub mod hashes;
pub mod limits;
pub mod matrix;
pub mod measure;
pub mod net;
pub mod plot;
pub mod primes;
pub mod process;
pub mod python;
pub mod report;
pub mod squares;
pub mod term;
pub mod testing;
pub mod timeline;

/// `println!` for output a reader may stop reading: when stdout is a pipe closed early
/// (`| head -3`), the line is dropped instead of panicking, and the program goes on to its
/// end and its exit status. The comparison harness, the report and the timeline print
/// through it; so can a program.
///
/// ```
/// common::say!("{} rows", 3);
/// common::say!();
/// ```
#[macro_export]
macro_rules! say {
    ($($line:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stdout(), $($line)*);
    }};
}

/// How a program, or a child in its role, ends: success, or the error printed on stderr
/// after `who` (`"cpu_bound: 1 row(s) computed a wrong answer"`) and exit status 1.
///
/// ```
/// let ok: Result<(), String> = Ok(());
/// assert_eq!(common::exit_code("demo", ok), std::process::ExitCode::SUCCESS);
/// ```
pub fn exit_code<E: std::fmt::Display>(who: &str, result: Result<(), E>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{who}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The text of a panic, from the payload `catch_unwind`, a `JoinHandle` or a panic hook
/// hands over: `panic!("literal")` carries a `&str`, `panic!("{x}")` a `String`; any
/// other payload has no text to show.
///
/// ```
/// let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(common::panic_text(caught.as_ref()), "boom 1");
/// ```
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    match payload.downcast_ref::<&str>() {
        Some(text) => text,
        None => payload
            .downcast_ref::<String>()
            .map_or("a panic without a message", String::as_str),
    }
}

/// Keeps the panic hook quiet about the panics a lesson expects and reports itself (those
/// whose message starts with one of `expected`): no `thread 'main' panicked at …` and
/// `note: run with RUST_BACKTRACE=1` before the program's own report. Any other panic is
/// printed as before.
pub fn silence_expected_panics(expected: &'static [&'static str]) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = panic_text(info.payload());
        if !expected.iter().any(|start| message.starts_with(start)) {
            default(info);
        }
    }));
}

/// `0 + 1 + … + (n − 1)`, by the formula `n (n − 1) / 2`: the answer when `n` units each
/// hand in their index, or `n` numbers from 0 are summed. It proves every one counted once.
///
/// ```
/// assert_eq!(common::sum_below(4), 6); // 0 + 1 + 2 + 3
/// assert_eq!(common::sum_below(0), 0);
/// assert_eq!(common::sum_below(100_000_000), 4_999_999_950_000_000);
/// ```
pub fn sum_below(n: u64) -> u64 {
    // Halve the even factor first, so the product stays within u64 as long as the
    // answer does.
    if n.is_multiple_of(2) {
        n / 2 * n.saturating_sub(1)
    } else {
        n * ((n - 1) / 2)
    }
}

/// The workers a pool uses when none is asked for: the CPUs this process may use
/// ([`std::thread::available_parallelism`]), 1 if that cannot be known.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
