//! A list of mixed values, `[42, None, 'hello']`, goes to a child process and comes back.
//!
//! The list is a `Vec<Value>`: `Value` is an enum with a number, a "nothing" and a string
//! variant, and it derives serde's `Serialize` and `Deserialize`. That is all ipc-channel
//! needs: the parent's list becomes bytes, the child builds its own list from them, and
//! the same happens on the way back. Values that cannot become bytes (an `Rc`, a closure)
//! are refused by the compiler; the `pipes::objects` docs show both.
//!
//!     cargo run -p pipes --bin send_objects
//!     cargo run -p pipes --bin send_objects -- --number 7 --text "it's typed"
//!
//! What to look for: the child (another pid) prints the very list the parent sent, the
//! list that comes back is equal to it, and the last line is what Python prints for
//! `print(parent_conn.recv())`.

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
    if process::child_role().as_deref() == Some(objects::ECHO) {
        return common::exit_code("child", objects::echo_in_child());
    }
    let args = Args::parse();
    let list = objects::mixed_list(args.number, &args.text);
    let back = match round_trip(list.clone()) {
        Ok(back) => back,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // What the Python original prints.
    println!("{}", python_list(&back));
    if back == list {
        println!("equal to what was sent: a copy, rebuilt from bytes in each process");
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the list came back changed");
        ExitCode::FAILURE
    }
}
