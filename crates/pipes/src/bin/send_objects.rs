//! a typed value [42, None, 'hello'] crosses the process boundary by serde; an Rc or a closure does not compile
//!
//! The list of mixed values of the Python course notebook goes to a child process and comes
//! back. The list is a `Vec<Value>`: `Value` is an enum with a number, a "nothing" and a string
//! variant, and it derives serde's `Serialize` and `Deserialize`. That is all ipc-channel
//! needs: the parent's list becomes bytes, the child builds its own list from them, and
//! the same happens on the way back. Values that cannot become bytes (an `Rc`, a closure)
//! are refused by the compiler; the `pipes::objects` docs show both.
//!
//!     cargo run -p pipes --bin send_objects
//!     cargo run -p pipes --bin send_objects -- --number 7 --text "it's typed"
//!
//! What to look for: the child (another pid) prints the very list the parent sent, the
//! list that comes back is equal to it, and then comes what Python prints for
//! `print(parent_conn.recv())`.

use std::error::Error;
use std::process::ExitCode;

use clap::Parser;
use common::process::{self, Child, ProcessError};
use pipes::objects::{self, Value, python_list};

/// A typed value crosses the process boundary and comes back.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The number in the list.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    number: i64,
    /// The text in the list.
    #[arg(long, default_value = "hello")]
    text: String,
}

// ANCHOR: round_trip
fn round_trip(list: Vec<Value>) -> Result<Vec<Value>, ProcessError> {
    let mut child = Child::<Vec<Value>, Vec<Value>>::spawn(objects::ECHO)?;
    println!(
        "parent pid {}, child pid {}",
        std::process::id(),
        child.pid()
    );
    println!("parent sends:    {list:?}");
    child.send(list)?; // serialised here, rebuilt in the child
    let back = child.recv()?; // serialised there, rebuilt here
    println!("parent receives: {back:?}");
    child.join()?;
    Ok(back)
}
// ANCHOR_END: round_trip

fn main() -> ExitCode {
    if let Some(exit) = process::run_child([process::role(objects::ECHO, objects::echo_in_child)]) {
        return exit;
    }
    let args = Args::parse();
    common::exit_code("send_objects", run(&args))
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let list = objects::mixed_list(args.number, &args.text);
    let back = round_trip(list.clone())?;
    println!("{}", python_list(&back)); // what the Python original prints
    if back != list {
        return Err("the list came back changed".into());
    }
    println!("equal to what was sent: a copy, rebuilt from bytes in each process");
    Ok(())
}
