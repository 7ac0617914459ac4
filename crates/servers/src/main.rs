//! The menu of the Servers chapter, "Servers: a process, a thread or an event loop per
//! connection": every program, what it shows, and the command that runs it.
//!
//!     cargo run -p servers

fn main() {
    course::print_menu(env!("CARGO_PKG_NAME"));
}
