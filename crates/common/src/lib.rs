//! The course's shared foundation: the workloads every lecture runs (primes, hashes,
//! matrices, sums of squares), the measuring and reporting helpers every comparison uses,
//! timelines (who ran what, when, as an SVG Gantt chart), the terminal status line of the
//! spinners, `process`: a child process that is this same program re-executed, and
//! `testing`: what the integration tests use to run the real programs.
//!
//! No async, no network: those live in the section crates.

pub mod hashes;
pub mod matrix;
pub mod measure;
pub mod primes;
pub mod process;
pub mod report;
pub mod squares;
pub mod term;
pub mod testing;
pub mod timeline;
