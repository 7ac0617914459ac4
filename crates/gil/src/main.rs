//! The menu of lecture 4, "The GIL and contention": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p gil

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
