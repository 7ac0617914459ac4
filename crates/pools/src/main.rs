//! The menu of lecture 3, "Pools and futures": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p pools

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
