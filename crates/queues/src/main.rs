//! The menu of lecture 2, "Threads and queues": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p queues

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
