//! The menu of lecture 1, "Processes and pipes": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p pipes

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
