//! The menu of lecture 6, "Structured concurrency": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p structured

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
