//! The menu of lecture 5, "Coroutines: from generators to async/await": every program,
//! what it shows, and the command that runs it.
//!
//!     cargo run -p coroutines

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
