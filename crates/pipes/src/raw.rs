//! The worker dialogue over a plain OS pipe: the child's stdin and stdout, one line per
//! message.
//!
//! `pipe_worker` talks to its child over an ipc-channel pair; this module does the same
//! with nothing but the pipes every process already has. The parent writes
//! `command 3\n` into the child's stdin, the child answers `Worker accepted command 3\n` on
//! its stdout, and `quit\n` ends the dialogue. A pipe carries bytes and nothing else, so
//! everything ipc-channel does for us becomes our job:
//!
//! - **framing**: a pipe has no message boundaries. We agree that a newline ends a message,
//!   so a message may not contain one ([`RawError::NotOneLine`]). ipc-channel frames each
//!   message itself, whatever bytes it holds: on Linux it is a Unix socket that keeps
//!   packets apart (`SOCK_SEQPACKET`), and a large message is split and rejoined.
//! - **types**: a line is text. The child compares strings and the parent checks the
//!   reply's wording; a number would have to be parsed, a list invented. ipc-channel
//!   serialises any serde type and hands back the same type on the other side.
//! - **flushing**: bytes sit in a writer's buffer until it is flushed; forget it and both
//!   sides wait for each other for ever.
//! - **passing channels and files**: ipc-channel can send a sender, a receiver or a shared
//!   memory region inside a message (file-descriptor passing); the bootstrap in
//!   `common::process` does exactly that. A pipe can only carry bytes.
//! - **timeouts**: `IpcReceiver::try_recv_timeout` gives up after a while. A read from a
//!   pipe blocks until a line or end-of-file arrives. Our child either answers or exits
//!   (which closes its stdout and wakes us with end-of-file), so we are never stuck; a child
//!   that stayed alive and silent would need a reader thread with a timed channel.
//!
//! What a pipe does give us is the end: when the child exits, its end of the pipe closes,
//! and a child that closes early is reported ([`RawError::ClosedEarly`]), not waited on.
//!
//! The child is this same program, re-executed with
//! [`common::process::child_command`] and its stdin and stdout set to pipes. Because its
//! stdout is now the pipe to the parent, the child writes its own narration (`child:  Worker
//! received command 3`) on stderr, which still goes to the terminal.

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

use common::process;

/// The hidden role under which the program runs as the worker.
pub const ROLE: &str = "raw-worker";

/// The environment variable that carries the worker's pause after each reply.
const DELAY_VAR: &str = "PIPE_RAW_DELAY_MS";
/// The environment variable that makes the worker end early, after this many replies.
const STOP_AFTER_VAR: &str = "PIPE_RAW_STOP_AFTER";

/// How the worker behaves. A child process gets its settings the way every Unix program
/// does, from its arguments or its environment; the arguments already carry the hidden
/// role flag, so these travel as environment variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkerSettings {
    /// Pause after each reply, as the original worker's `sleep` (it waits a whole second).
    pub delay_ms: u64,
    /// End after this many replies without waiting for `quit`: a worker that goes away
    /// mid-dialogue, to show how the parent reports it.
    pub stop_after: Option<u32>,
}

impl WorkerSettings {
    /// The settings the parent put in this process's environment (defaults if none).
    pub fn from_env() -> WorkerSettings {
        WorkerSettings {
            delay_ms: env_number(DELAY_VAR).unwrap_or(0),
            stop_after: env_number(STOP_AFTER_VAR),
        }
    }
}

/// The number in environment variable `name`, if it is set and is one.
fn env_number<T: FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

/// The command that starts the worker: this program again, in role [`ROLE`], with its
/// settings in the environment. Stdin and stdout are set to pipes by [`RawWorker::spawn`].
pub fn worker_command(settings: WorkerSettings) -> io::Result<Command> {
    let mut command = process::child_command(ROLE)?;
    command.env(DELAY_VAR, settings.delay_ms.to_string());
    if let Some(n) = settings.stop_after {
        command.env(STOP_AFTER_VAR, n.to_string());
    }
    Ok(command)
}

/// The worker's side: reads commands from `input` a line at a time and answers each on
/// `output`, until `quit` or the end of input. Narrates on stderr, because in the real
/// worker `output` is stdout, the pipe to the parent.
pub fn serve(
    name: &str,
    input: impl BufRead,
    mut output: impl Write,
    settings: WorkerSettings,
) -> io::Result<()> {
    let mut replies = 0;
    // ANCHOR: serve
    for line in input.lines() {
        let command = line?;
        eprintln!("child:  {name} received {command}");
        if command == "quit" {
            return Ok(());
        }
        writeln!(output, "{name} accepted {command}")?;
        // Send the line now. Left in our buffer, it would never reach the
        // parent, which waits for it before it sends anything else.
        output.flush()?;
        replies += 1;
        if settings.stop_after == Some(replies) {
            // Leave without `quit`: the parent sees our stdout close.
            return Ok(());
        }
        thread::sleep(Duration::from_millis(settings.delay_ms));
    }
    // ANCHOR_END: serve
    Ok(()) // the parent closed our stdin
}

/// What can go wrong in a dialogue over a pipe.
#[derive(Debug)]
pub enum RawError {
    /// Reading or writing a pipe failed for another reason than the child going away.
    Io(io::Error),
    /// The child closed its end (it exited) before it answered `command`.
    ClosedEarly {
        pid: u32,
        command: String,
        /// Replies received before it went away.
        replies: u32,
        /// How it ended, if it ended within a moment of closing the pipe.
        status: Option<ExitStatus>,
    },
    /// The child answered something else than `Worker accepted <command>`.
    UnexpectedReply { command: String, reply: String },
    /// A message with a newline inside would be read as two: a line protocol cannot frame it.
    NotOneLine(String),
}

impl fmt::Display for RawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawError::Io(e) => write!(f, "pipe error: {e}"),
            RawError::ClosedEarly {
                pid,
                command,
                replies,
                status,
            } => {
                let how = status.map_or("still exiting".to_string(), process::describe);
                write!(
                    f,
                    "the worker (pid {pid}) closed its end of the pipe after {replies} \
                     replies, before answering {command:?} ({how})"
                )
            }
            RawError::UnexpectedReply { command, reply } => {
                write!(f, "unexpected reply to {command:?}: {reply:?}")
            }
            RawError::NotOneLine(message) => {
                write!(
                    f,
                    "{message:?} is not one line: a line protocol cannot send it"
                )
            }
        }
    }
}

impl std::error::Error for RawError {}

/// The parent's handle on a worker process it talks to through the worker's stdin and
/// stdout.
pub struct RawWorker {
    process: std::process::Child,
    /// Our end of the pipe into the child's stdin. `None` once closed by [`RawWorker::quit`].
    stdin: Option<ChildStdin>,
    /// Our end of the pipe out of the child's stdout, buffered so we can read whole lines.
    stdout: BufReader<ChildStdout>,
    name: String,
    replies: u32,
}

impl RawWorker {
    /// Starts `command` with its stdin and stdout connected to pipes we hold.
    pub fn spawn(mut command: Command, name: &str) -> io::Result<RawWorker> {
        let mut process = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = process.stdin.take().expect("stdin was set to a pipe");
        let stdout = process.stdout.take().expect("stdout was set to a pipe");
        Ok(RawWorker {
            process,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            name: name.to_string(),
            replies: 0,
        })
    }

    /// Sends one command and waits for its reply, which must be `<name> accepted <command>`.
    // ANCHOR: ask
    pub fn ask(&mut self, command: &str) -> Result<String, RawError> {
        self.send_line(command)?;
        let mut reply = String::new();
        // `read_line` returns 0 at end-of-file: the child closed its
        // stdout, so it has exited (or is exiting) without answering.
        if self.stdout.read_line(&mut reply).map_err(RawError::Io)? == 0 {
            return Err(self.closed_early(command));
        }
        let reply = reply.trim_end_matches('\n').to_string();
        if reply != format!("{} accepted {command}", self.name) {
            return Err(RawError::UnexpectedReply {
                command: command.to_string(),
                reply,
            });
        }
        self.replies += 1;
        Ok(reply)
    }
    // ANCHOR_END: ask

    /// Sends `quit`, closes the pipe into the child and waits for it to exit.
    pub fn quit(mut self) -> Result<ExitStatus, RawError> {
        self.send_line("quit")?;
        drop(self.stdin.take()); // end of input, should the child still be reading
        self.process.wait().map_err(RawError::Io)
    }
}

impl RawWorker {
    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Writes `message` and a newline into the child's stdin, and flushes it.
    fn send_line(&mut self, message: &str) -> Result<(), RawError> {
        if message.contains('\n') {
            return Err(RawError::NotOneLine(message.to_string()));
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.closed_early(message));
        };
        let written = writeln!(stdin, "{message}").and_then(|()| stdin.flush());
        match written {
            Ok(()) => Ok(()),
            // Rust programs ignore SIGPIPE, so writing into a pipe nobody reads any more
            // is an error we can report, not a signal that kills us.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(self.closed_early(message)),
            Err(e) => Err(RawError::Io(e)),
        }
    }

    /// The child went away: collect its exit status (it is on its way out) and say so.
    fn closed_early(&mut self, command: &str) -> RawError {
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.process.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Ok(None) | Err(_) => break None,
            }
        };
        RawError::ClosedEarly {
            pid: self.pid(),
            command: command.to_string(),
            replies: self.replies,
            status,
        }
    }
}

impl fmt::Debug for RawWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawWorker")
            .field("name", &self.name)
            .field("pid", &self.pid())
            .field("parent", &std::process::id())
            .finish()
    }
}

impl Drop for RawWorker {
    fn drop(&mut self) {
        // Never leave a worker behind: if it is still running (an error cut the dialogue
        // short), end it and reap it.
        if let Ok(None) = self.process.try_wait() {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(input: &str, settings: WorkerSettings) -> String {
        let mut output = Vec::new();
        serve("Worker", input.as_bytes(), &mut output, settings).unwrap();
        String::from_utf8(output).unwrap()
    }

    #[test]
    fn answers_each_command_until_quit() {
        let output = served(
            "command 0\ncommand 1\nquit\ncommand 2\n",
            WorkerSettings::default(),
        );
        assert_eq!(
            output,
            "Worker accepted command 0\nWorker accepted command 1\n"
        );
    }

    #[test]
    fn end_of_input_ends_the_worker_too() {
        let output = served("command 7\n", WorkerSettings::default());
        assert_eq!(output, "Worker accepted command 7\n");
    }

    /// `cat` echoes what it is sent: a real process that does not speak our protocol.
    #[test]
    fn a_reply_in_other_words_is_an_error() {
        let mut cat = RawWorker::spawn(Command::new("cat"), "Worker").unwrap();
        match cat.ask("command 0") {
            Err(RawError::UnexpectedReply { reply, .. }) => assert_eq!(reply, "command 0"),
            other => panic!("expected an unexpected reply, got {other:?}"),
        }
    }

    #[test]
    fn a_newline_inside_a_message_is_refused_before_sending() {
        let mut cat = RawWorker::spawn(Command::new("cat"), "Worker").unwrap();
        assert!(matches!(
            cat.ask("command 0\ncommand 1"),
            Err(RawError::NotOneLine(_))
        ));
    }

    /// `true` exits at once: the first question finds the pipe closed, and says how the
    /// process ended.
    #[test]
    fn a_child_that_exits_at_once_is_reported() {
        let mut gone = RawWorker::spawn(Command::new("true"), "Worker").unwrap();
        match gone.ask("command 0") {
            Err(RawError::ClosedEarly {
                replies: 0,
                status: Some(status),
                ..
            }) => assert!(status.success()),
            other => panic!("expected ClosedEarly, got {other:?}"),
        }
    }

    #[test]
    fn stop_after_leaves_mid_dialogue() {
        let settings = WorkerSettings {
            delay_ms: 0,
            stop_after: Some(2),
        };
        let output = served("command 0\ncommand 1\ncommand 2\nquit\n", settings);
        assert_eq!(output.lines().count(), 2, "{output}");
    }
}
