//! The menu of the Concepts chapter, "Concepts: concurrency, parallelism, latency,
//! throughput": every program, what it shows, and the command that runs it.
//!
//!     cargo run -p intro

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
