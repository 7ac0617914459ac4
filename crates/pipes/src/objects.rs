//! What can cross from one process to another: values that can be turned into bytes.
//!
//! Two processes share no memory, so a message cannot be a pointer to something: the value
//! is serialised into bytes on one side and a new value is built from them on the other.
//! Python's `multiprocessing` does it with `pickle`; ipc-channel does it with serde. The
//! list `[42, None, 'hello']` of the Python original becomes a `Vec<Value>`, each item one
//! variant of an enum, and crosses because `#[derive(Serialize, Deserialize)]` says how.
//!
//! ```
//! use pipes::objects::{Value, python_list};
//!
//! let list = vec![Value::Int(42), Value::None, Value::Str("hello".into())];
//! assert_eq!(python_list(&list), "[42, None, 'hello']");
//! ```
//!
//! # Only serialisable values cross
//!
//! A value can travel if it is a [`Message`]: serde can encode and decode it, and it may be
//! moved to another thread. The compiler checks this where the channel is made, so a value
//! that cannot travel is an error at build time, not at run time (Python's "only picklable
//! objects" fails when `send` runs). The examples below are compiled but not run: running
//! one would start a child process.
//!
//! A `String` crosses:
//!
//! ```no_run
//! use common::process::Child;
//!
//! # fn main() -> Result<(), common::process::ProcessError> {
//! let child = Child::<String, String>::spawn("echo")?;
//! child.send(String::from("hello"))?;
//! # Ok(()) }
//! ```
//!
//! The same code with an `Rc<String>` does not compile (error E0277, a trait bound not
//! satisfied). An `Rc` counts its owners in this process's memory, and neither the count nor
//! the memory exists in the other process: `Rc` is not `Send`, and serde does not serialise
//! it by default.
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//! use common::process::Child;
//!
//! # fn main() -> Result<(), common::process::ProcessError> {
//! let child = Child::<Rc<String>, String>::spawn("echo")?;
//! child.send(Rc::new(String::from("hello")))?;
//! # Ok(()) }
//! ```
//!
//! A closure cannot cross either: it is machine code plus the variables it captured, and
//! serde has no way to write down either. Send a description of the work instead, and let
//! the child's code do it:
//!
//! ```no_run
//! use common::process::Child;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! enum Job {
//!     Double(i64),
//! }
//!
//! # fn main() -> Result<(), common::process::ProcessError> {
//! let child = Child::<Job, i64>::spawn("worker")?;
//! child.send(Job::Double(21))?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0277
//! use common::process::Child;
//!
//! # fn main() -> Result<(), common::process::ProcessError> {
//! let child = Child::<Box<dyn Fn(i64) -> i64 + Send>, i64>::spawn("worker")?;
//! child.send(Box::new(|n| 2 * n))?;
//! # Ok(()) }
//! ```
//!
//! [`Message`]: common::process::Message

use std::fmt;

use common::process::{self, ProcessError};
use serde::{Deserialize, Serialize};

/// One item of a list like Python's `[42, None, 'hello']`: a number, nothing, or a string.
/// Python lists may mix types freely; in Rust the mix is spelled out as an enum.
// ANCHOR: value
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Int(i64),
    None,
    Str(String),
}
// ANCHOR_END: value

/// The list the Python original sends, `[42, None, 'hello']`, with our number and text.
pub fn mixed_list(number: i64, text: &str) -> Vec<Value> {
    vec![
        Value::Int(number),
        Value::None,
        Value::Str(text.to_string()),
    ]
}

/// An item as Python prints it: `42`, `None`, `'hello'`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::None => write!(f, "None"),
            Value::Str(s) => write!(f, "{}", python_str(s)),
        }
    }
}

/// A list as Python prints it: `[42, None, 'hello']`.
pub fn python_list(values: &[Value]) -> String {
    let items: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// A string as Python's `repr` shows it: in single quotes, or in double quotes when it
/// holds a single quote and no double one.
fn python_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The hidden role of the child that sends lists back.
pub const ECHO: &str = "echo";

/// The child's part: say what arrived, send it back, until the parent closes the channel.
// ANCHOR: echo
pub fn echo_in_child() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<Vec<Value>, Vec<Value>>()?;
    while let Ok(list) = parent.rx.recv() {
        // `list` was rebuilt from bytes in this process: a copy, not the
        // parent's value.
        println!("child (pid {}) received: {list:?}", std::process::id());
        if parent.tx.send(list).is_err() {
            break; // the parent is gone
        }
    }
    Ok(())
}
// ANCHOR_END: echo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_python() {
        assert_eq!(python_list(&mixed_list(42, "hello")), "[42, None, 'hello']");
        assert_eq!(
            python_list(&mixed_list(-7, "it's")),
            r#"[-7, None, "it's"]"#
        );
        assert_eq!(
            python_list(&mixed_list(0, "a'b\"c")),
            r#"[0, None, 'a\'b"c']"#
        );
        assert_eq!(python_list(&[]), "[]");
    }

    #[test]
    fn a_list_survives_serialisation() {
        // ipc-channel's own encoding is binary; JSON shows the same round trip readably.
        let list = mixed_list(42, "hello");
        let bytes = serde_json::to_vec(&list).unwrap();
        assert_eq!(bytes, br#"[{"Int":42},"None",{"Str":"hello"}]"#);
        let back: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, list);
    }
}
