//! Python's `multiprocessing.Manager`: a server process owns the data, and every other
//! process changes it through *proxies* that send requests and wait for replies.
//!
//! Processes share no memory, so "a dict that several processes change" can only mean one
//! thing: the dict lives in one process, and the others send it messages. That is the
//! request/response pattern, or in Go's words, *share memory by communicating*:
//!
//! - [`Manager`] is the server's state and loop: it owns one [`Dict`] and one [`List`], takes
//!   one [`Request`] at a time off its channel, applies it, and answers. Because it handles
//!   requests one by one, two processes can never change the data at the same moment; no
//!   lock is needed, the queue of requests *is* the serialisation.
//! - [`DictProxy`] and [`ListProxy`] are what the other processes hold: a sender to the
//!   server, nothing else. A proxy can be cloned and sent to another process inside a
//!   message, as Python passes `d` and `l` to `Process(target=f, args=(d, l))`.
//! - [`ManagerProcess`] is the parent's handle: it starts the server as a child process
//!   and hands out proxies.
//!
//! Each request carries its own reply sender: the envelope for its answer. The proxy makes
//! a fresh channel per call, sends the request with the channel's sender inside, and waits
//! on the receiver. One channel per call costs a little (a socket pair), but every answer
//! lands exactly where its caller is waiting, whichever process or thread that is.
//!
//! A program that uses [`ManagerProcess`] must run the server when it is started in the
//! server's role, first thing in `main`:
//!
//! ```no_run
//! use common::process;
//! use pipes::manager;
//!
//! if process::child_role().as_deref() == Some(manager::SERVER_ROLE) {
//!     manager::serve_in_child().expect("manager server failed");
//!     return;
//! }
//! ```

use std::fmt;

use common::process::{self, Child, Message, ProcessError};
use ipc_channel::IpcError;
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

/// A dict key of the kinds the Python original uses: `d[1]`, `d['2']`, `d[0.25]`.
///
/// Python keys can be any hashable value; a Rust map wants one key type, so the kinds
/// become variants. `f64` is neither `Eq` nor `Hash` (`NaN != NaN`), so a `HashMap<Key, _>`
/// would not compile: [`Dict`] keeps its pairs in a `Vec` instead. (Unlike Python, where
/// `1 == 1.0`, `Int(1)` and `Float(1.0)` are different keys here.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Key {
    Int(i64),
    Str(String),
    Float(f64),
}

/// A value of the kinds the Python original stores: `'1'`, `2`, `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Str(String),
    Int(i64),
    None,
}

/// Python's `repr`: `1`, `'2'`, `0.25`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(n) => write!(f, "{n}"),
            Key::Str(s) => write_str_repr(f, s),
            // Rust's `{:?}` for a float matches Python's repr for ordinary values (`0.25`,
            // `1.0`); very large or small ones differ in details (`1e16` vs `1e+16`).
            Key::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// Python's `repr`: `'1'`, `2`, `None`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write_str_repr(f, s),
            Value::Int(n) => write!(f, "{n}"),
            Value::None => write!(f, "None"),
        }
    }
}

/// A string the way Python's `repr` shows it: in single quotes, or in double quotes if it
/// contains a single quote and no double quote; backslashes, the quote and the common
/// control characters escaped.
fn write_str_repr(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    write!(f, "{quote}")?;
    for c in s.chars() {
        match c {
            '\\' => write!(f, "\\\\")?,
            '\n' => write!(f, "\\n")?,
            '\r' => write!(f, "\\r")?,
            '\t' => write!(f, "\\t")?,
            c if c == quote => write!(f, "\\{c}")?,
            c => write!(f, "{c}")?,
        }
    }
    write!(f, "{quote}")
}

/// The server's dict: key-value pairs in the order the keys were first set, which is the
/// order a Python dict prints in. Finding a key walks the pairs: fine for a handful of
/// keys, and it needs nothing of `Key` but `==`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dict {
    entries: Vec<(Key, Value)>,
}

impl Dict {
    pub fn new() -> Self {
        Dict::default()
    }

    /// `d[key] = value`. A key that is already there keeps its place, as in Python.
    pub fn set(&mut self, key: Key, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.entries.push((key, value)),
        }
    }

    /// `d.get(key)`.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pairs, in insertion order.
    pub fn entries(&self) -> &[(Key, Value)] {
        &self.entries
    }
}

/// Printed like Python prints a dict: `{1: '1', '2': 2, 0.25: None}`.
impl fmt::Display for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, (key, value)) in self.entries.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{key}: {value}")?;
        }
        write!(f, "}}")
    }
}

/// The server's list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct List {
    items: Vec<Value>,
}

impl List {
    pub fn new() -> Self {
        List::default()
    }

    pub fn items(&self) -> &[Value] {
        &self.items
    }
}

impl From<Vec<Value>> for List {
    fn from(items: Vec<Value>) -> Self {
        List { items }
    }
}

/// Printed like Python prints a list: `[9, 8, 7]`.
impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[")?;
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{item}")?;
        }
        write!(f, "]")
    }
}

/// Everything a proxy can ask of the server. Each request that expects an answer carries
/// the sender the answer goes back on; `done` answers carry no data, they only say "your
/// change has been made", so a caller never runs ahead of its own changes.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    DictSet {
        key: Key,
        value: Value,
        done: IpcSender<()>,
    },
    DictGet {
        key: Key,
        reply: IpcSender<Option<Value>>,
    },
    DictSnapshot {
        reply: IpcSender<Dict>,
    },
    ListExtend {
        items: Vec<Value>,
        done: IpcSender<()>,
    },
    ListReverse {
        done: IpcSender<()>,
    },
    ListSnapshot {
        reply: IpcSender<List>,
    },
    /// Stop serving, even if some proxies are still around.
    Shutdown,
}

/// The server: the only owner of the data.
#[derive(Debug, Default)]
pub struct Manager {
    dict: Dict,
    list: List,
    /// How many requests were answered, to show that they all went through here.
    handled: u64,
}

impl Manager {
    pub fn new() -> Self {
        Manager::default()
    }

    /// Applies one request and answers it. Returns `false` for [`Request::Shutdown`].
    ///
    /// A failed answer is ignored: it means the caller stopped waiting (its process
    /// ended), which is no reason for the server to stop serving everyone else.
    pub fn handle(&mut self, request: Request) -> bool {
        match request {
            // ANCHOR: handle
            Request::DictSet { key, value, done } => {
                self.dict.set(key, value);
                let _ = done.send(());
            }
            // ANCHOR_END: handle
            Request::DictGet { key, reply } => {
                let _ = reply.send(self.dict.get(&key).cloned());
            }
            Request::DictSnapshot { reply } => {
                let _ = reply.send(self.dict.clone());
            }
            Request::ListExtend { items, done } => {
                self.list.items.extend(items);
                let _ = done.send(());
            }
            Request::ListReverse { done } => {
                self.list.items.reverse();
                let _ = done.send(());
            }
            Request::ListSnapshot { reply } => {
                let _ = reply.send(self.list.clone());
            }
            Request::Shutdown => return false,
        }
        self.handled += 1;
        true
    }

    /// The server loop: one request at a time, until [`Request::Shutdown`] or until every
    /// sender (every proxy, everywhere) is gone. Returns how many requests it answered.
    // ANCHOR: serve
    pub fn serve(mut self, requests: &IpcReceiver<Request>) -> u64 {
        while let Ok(request) = requests.recv() {
            if !self.handle(request) {
                break;
            }
        }
        self.handled
    }
    // ANCHOR_END: serve
}

/// Why a proxy call failed.
#[derive(Debug)]
pub enum ProxyError {
    /// The server process is gone: the request could not be sent, or no answer came back.
    ServerGone,
    /// A channel could not be made, or a message could not be encoded or decoded.
    Ipc(String),
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::ServerGone => write!(f, "the manager's server process is gone"),
            ProxyError::Ipc(e) => write!(f, "message to the manager failed: {e}"),
        }
    }
}

impl std::error::Error for ProxyError {}

/// A channel that could not be made.
impl From<std::io::Error> for ProxyError {
    fn from(e: std::io::Error) -> Self {
        ProxyError::Ipc(e.to_string())
    }
}

/// One round trip: make a channel for the answer, send the request with the answer's
/// sender inside, wait for the answer. `request` builds the request around that sender.
// ANCHOR: call
fn call<T: Message>(
    server: &IpcSender<Request>,
    request: impl FnOnce(IpcSender<T>) -> Request,
) -> Result<T, ProxyError> {
    let (reply_to, reply) = ipc::channel()?;
    // Our copy of `reply_to` goes away inside the request. If the server
    // dies before it answers, the last sender closes and `recv` fails
    // instead of waiting for ever.
    server
        .send(request(reply_to))
        .map_err(|_| ProxyError::ServerGone)?;
    match reply.recv() {
        Ok(answer) => Ok(answer),
        Err(IpcError::Disconnected) => Err(ProxyError::ServerGone),
        Err(e) => Err(ProxyError::Ipc(e.to_string())),
    }
}
// ANCHOR_END: call

/// A handle on the server's dict, usable from any process. It holds only a sender.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DictProxy {
    server: IpcSender<Request>,
}

impl DictProxy {
    pub fn new(server: IpcSender<Request>) -> Self {
        DictProxy { server }
    }

    /// `d[key] = value`; returns once the server has made the change.
    // ANCHOR: set
    pub fn set(&self, key: Key, value: Value) -> Result<(), ProxyError> {
        call(&self.server, |done| Request::DictSet { key, value, done })
    }
    // ANCHOR_END: set

    /// `d.get(key)`.
    pub fn get(&self, key: Key) -> Result<Option<Value>, ProxyError> {
        call(&self.server, |reply| Request::DictGet { key, reply })
    }

    /// A copy of the whole dict, as it is now.
    pub fn snapshot(&self) -> Result<Dict, ProxyError> {
        call(&self.server, |reply| Request::DictSnapshot { reply })
    }
}

/// A handle on the server's list, usable from any process. It holds only a sender.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListProxy {
    server: IpcSender<Request>,
}

impl ListProxy {
    pub fn new(server: IpcSender<Request>) -> Self {
        ListProxy { server }
    }

    /// `l.extend(items)`.
    pub fn extend(&self, items: Vec<Value>) -> Result<(), ProxyError> {
        call(&self.server, |done| Request::ListExtend { items, done })
    }

    /// `l.reverse()`: one request, so the server reverses the whole list at once and no
    /// other request can see it half reversed.
    pub fn reverse(&self) -> Result<(), ProxyError> {
        call(&self.server, |done| Request::ListReverse { done })
    }

    /// A copy of the whole list, as it is now.
    pub fn snapshot(&self) -> Result<List, ProxyError> {
        call(&self.server, |reply| Request::ListSnapshot { reply })
    }
}

/// The hidden role of the server process.
pub const SERVER_ROLE: &str = "manager-server";

/// What the parent hands the server when it starts: the receiving end of the request
/// channel. Every proxy's sender is a clone of that channel's sender.
#[derive(Debug, Serialize, Deserialize)]
struct ServerStart {
    requests: IpcReceiver<Request>,
}

/// What the server tells the parent when it stops.
#[derive(Debug, Serialize, Deserialize)]
struct ServerStopped {
    handled: u64,
}

/// The parent's handle on the server process: Python's `Manager()`.
pub struct ManagerProcess {
    child: Child<ServerStart, ServerStopped>,
    /// The sender every proxy is cloned from. The receiving end is in the server process.
    requests: IpcSender<Request>,
}

impl ManagerProcess {
    /// Starts the server process, with an empty dict and an empty list. The program must
    /// call [`serve_in_child`] when it runs in [`SERVER_ROLE`] (see the module docs).
    pub fn start() -> Result<Self, ProcessError> {
        let (requests, receiver) = ipc::channel::<Request>()?;
        let child = Child::spawn(SERVER_ROLE)?;
        child.send(ServerStart { requests: receiver })?;
        Ok(ManagerProcess { child, requests })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// A proxy for the server's dict (Python's `manager.dict()`). Every call returns a
    /// proxy for the same dict: this server owns one.
    pub fn dict(&self) -> DictProxy {
        DictProxy::new(self.requests.clone())
    }

    /// A proxy for the server's list (Python's `manager.list()`).
    pub fn list(&self) -> ListProxy {
        ListProxy::new(self.requests.clone())
    }

    /// Tells the server to stop, waits for it, and returns how many requests it answered.
    /// Proxies still held anywhere fail with [`ProxyError::ServerGone`] from now on.
    pub fn shutdown(mut self) -> Result<u64, ProcessError> {
        self.requests
            .send(Request::Shutdown)
            .map_err(|e| ProcessError::Ipc(e.to_string()))?;
        let stopped = self.child.recv()?;
        self.child.join()?;
        Ok(stopped.handled)
    }
}

/// The server process's `main`: receive the request channel, serve, report.
pub fn serve_in_child() -> Result<(), ProcessError> {
    let parent = process::connect_to_parent::<ServerStart, ServerStopped>()?;
    let Ok(start) = parent.rx.recv() else {
        return Ok(()); // the parent is gone before it sent anything
    };
    let handled = Manager::new().serve(&start.requests);
    // If the parent is gone, there is no one to tell.
    let _ = parent.tx.send(ServerStopped { handled });
    Ok(())
}
