//! The menu of the chapter "Beyond one machine": every program, what it shows, and the
//! command that runs it.
//!
//!     cargo run -p distributed

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
