//! A child process that is this same program, re-executed: Rust's `multiprocessing.Process`
//! with the *spawn* start method.
//!
//! Python's `multiprocessing` can start a child in two ways. *fork* copies the running
//! parent (its memory, its open files, every lock in whatever state it was in, but only the
//! thread that called fork). *spawn* starts a fresh interpreter that imports the parent's
//! module and then runs the target function. A Rust program can only do the second safely:
//! after `fork` in a program with threads, only async-signal-safe calls are allowed until
//! `exec`. So the course's child is the same binary started again with a hidden role
//! argument, and `main` checks for that argument before anything else:
//!
//! ```no_run
//! use common::process::{self, Child};
//!
//! fn main() {
//!     // In the child, run the child's part and stop; in the parent, carry on.
//!     if let Some(role) = process::child_role() {
//!         assert_eq!(role, "doubler");
//!         let parent = process::connect_to_parent::<u64, u64>().expect("no parent");
//!         // The loop ends when the parent drops its sender: the channel closes.
//!         while let Ok(n) = parent.rx.recv() {
//!             parent.tx.send(2 * n).expect("parent gone");
//!         }
//!         return;
//!     }
//!     let mut child: Child<u64, u64> = Child::spawn("doubler").expect("spawn failed");
//!     child.send(21).unwrap();
//!     assert_eq!(child.recv().unwrap(), 42);
//!     child.join().unwrap(); // closes our sender, so the child's loop ends
//! }
//! ```
//!
//! The two processes talk over a typed [`ipc_channel`] pair: every message is serialised
//! with serde on one side and deserialised on the other (the pickling of `multiprocessing`).
//! The pair is bootstrapped with an [`IpcOneShotServer`]: the parent opens it and passes its
//! name to the child; the child connects, makes both channels, and sends the parent its ends.
//!
//! A measurement that must not inherit an earlier run's memory sends its job to a fresh
//! child with [`run_in_fresh_child`]; the child answers with [`serve_jobs`].
//!
//! Three promises, each tested in `tests/process.rs`:
//! - the child ends when its channel closes (the parent dropped its sender, or died);
//! - on Linux the child dies with its parent (`PR_SET_PDEATHSIG`): no orphan workers;
//! - a child that crashes is reported as an error naming its exit status or signal,
//!   never a hang.

use std::fmt;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What can travel between the processes: any owned value serde can encode and decode.
/// (A closure or an `Rc` cannot: the Rust face of Python's "only picklable objects".)
pub trait Message: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Message for T {}

/// The hidden argument that marks a child: `<program> --course-child-role <role> --course-ipc <name>`.
pub const ROLE_FLAG: &str = "--course-child-role";
/// The argument that carries the name of the parent's one-shot server.
pub const SERVER_FLAG: &str = "--course-ipc";

/// How long the parent waits for a new child to connect before giving up on it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong between a parent and its child.
#[derive(Debug)]
pub enum ProcessError {
    /// The operating system could not start the child, or a channel could not be made.
    Io(io::Error),
    /// The child ended with a failure: a non-zero exit code or a signal.
    Crashed {
        role: String,
        pid: u32,
        status: ExitStatus,
    },
    /// The child closed its channel (it returned normally) while we still expected a message.
    Disconnected { role: String, pid: u32 },
    /// No message arrived in time.
    Timeout { role: String, pid: u32 },
    /// A message could not be encoded or decoded.
    Ipc(String),
    /// This process was not started as a child (no hidden role argument).
    NotAChild,
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessError::Io(e) => write!(f, "could not start or reach a child process: {e}"),
            ProcessError::Crashed { role, pid, status } => {
                write!(
                    f,
                    "child '{role}' (pid {pid}) crashed: {}",
                    describe(*status)
                )
            }
            ProcessError::Disconnected { role, pid } => {
                write!(f, "child '{role}' (pid {pid}) closed its channel")
            }
            ProcessError::Timeout { role, pid } => {
                write!(f, "child '{role}' (pid {pid}) did not answer in time")
            }
            ProcessError::Ipc(e) => write!(f, "message could not cross the process boundary: {e}"),
            ProcessError::NotAChild => write!(f, "this process was not started as a child"),
        }
    }
}

impl std::error::Error for ProcessError {}

impl From<io::Error> for ProcessError {
    fn from(e: io::Error) -> Self {
        ProcessError::Io(e)
    }
}

/// Says how a process ended, in words: `exit code 3`, `killed by signal 9 (SIGKILL)`.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    match status.signal() {
        Some(sig) => format!("killed by signal {sig} ({})", signal_name(sig)),
        None => format!("{status}"),
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

/// The message a new child sends to the parent's one-shot server: the parent's ends of the
/// two channels (requests to the child, responses from it).
type Hello<Req, Resp> = (IpcSender<Req>, IpcReceiver<Resp>);

/// The parent's handle on a child process: a typed sender of requests, a typed receiver of
/// responses, and the OS process. Dropping it kills the child if it is still running, so a
/// child never outlives the handle that owns it.
pub struct Child<Req, Resp>
where
    Req: Message,
    Resp: Message,
{
    role: String,
    process: std::process::Child,
    /// `None` after [`Child::close`]: the child sees its channel close and ends.
    tx: Option<IpcSender<Req>>,
    /// `None` after [`Child::take_receiver`] moved it elsewhere (e.g. into an
    /// `IpcReceiverSet`, to wait on many children at once).
    rx: Option<IpcReceiver<Resp>>,
}

impl<Req, Resp> Child<Req, Resp>
where
    Req: Message,
    Resp: Message,
{
    /// Starts this program again as a child in `role`, and waits until its channels are up.
    /// The child inherits stdout and stderr, so what it prints appears in our terminal.
    pub fn spawn(role: &str) -> Result<Self, ProcessError> {
        Self::spawn_with(role, |_| {})
    }

    /// Like [`Child::spawn`], but lets the caller adjust the command first (environment,
    /// stdout, extra arguments after the hidden ones).
    pub fn spawn_with(role: &str, adjust: impl FnOnce(&mut Command)) -> Result<Self, ProcessError> {
        let (server, name) = IpcOneShotServer::<Hello<Req, Resp>>::new()?;
        let mut command = child_command(role)?;
        command.args([SERVER_FLAG, &name]);
        adjust(&mut command);
        let mut process = command.spawn()?;

        // `accept` blocks until the child connects. A child that crashes before it connects
        // would leave us blocked for ever, so the accept runs on a helper thread while this
        // thread keeps an eye on the child.
        let (accepted_tx, accepted) = mpsc::channel();
        let acceptor = thread::spawn(move || {
            let _ = accepted_tx.send(server.accept());
        });
        let started = Instant::now();
        let hello = loop {
            match accepted.recv_timeout(Duration::from_millis(20)) {
                Ok(result) => break result,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(ProcessError::Ipc("the bootstrap thread ended".into()));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            let failure = if let Some(status) = process.try_wait()? {
                Some(ProcessError::Crashed {
                    role: role.to_string(),
                    pid: process.id(),
                    status,
                })
            } else if started.elapsed() > CONNECT_TIMEOUT {
                let _ = process.kill();
                let _ = process.wait();
                Some(ProcessError::Timeout {
                    role: role.to_string(),
                    pid: process.id(),
                })
            } else {
                None
            };
            if let Some(error) = failure {
                // Unblock the acceptor: connect to the server ourselves and hang up.
                if let Ok(sender) = IpcSender::<Hello<Req, Resp>>::connect(name.clone()) {
                    drop(sender);
                }
                let _ = acceptor.join();
                return Err(error);
            }
        };
        let _ = acceptor.join();
        let (_, (tx, rx)) = hello.map_err(|e| ProcessError::Ipc(e.to_string()))?;
        Ok(Child {
            role: role.to_string(),
            process,
            tx: Some(tx),
            rx: Some(rx),
        })
    }

    /// The child's process id (different from ours: it is another process).
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// The role this child was started in.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Sends one request. Fails if the child is gone.
    pub fn send(&self, request: Req) -> Result<(), ProcessError> {
        let tx = self.tx.as_ref().ok_or_else(|| self.disconnected())?;
        tx.send(request).map_err(|_| self.disconnected())
    }

    /// Waits for the child's next message. If the child's end closes instead, says why:
    /// a crash (with its exit status) or a normal return.
    pub fn recv(&mut self) -> Result<Resp, ProcessError> {
        let Some(rx) = &self.rx else {
            return Err(self.receiver_taken());
        };
        match rx.recv() {
            Ok(message) => Ok(message),
            Err(IpcError::Disconnected) => Err(self.why_gone()),
            Err(e) => Err(ProcessError::Ipc(e.to_string())),
        }
    }

    /// Like [`Child::recv`], but gives up after `timeout`.
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Resp, ProcessError> {
        let Some(rx) = &self.rx else {
            return Err(self.receiver_taken());
        };
        match rx.try_recv_timeout(timeout) {
            Ok(message) => Ok(message),
            Err(TryRecvError::Empty) => Err(ProcessError::Timeout {
                role: self.role.clone(),
                pid: self.pid(),
            }),
            Err(TryRecvError::IpcError(IpcError::Disconnected)) => Err(self.why_gone()),
            Err(TryRecvError::IpcError(e)) => Err(ProcessError::Ipc(e.to_string())),
        }
    }

    /// Moves the receiving end out of the handle, so a parent can wait on many children at
    /// once (an `IpcReceiverSet` tells which child answered, or whose channel closed).
    /// Afterwards [`Child::recv`] fails; sending, joining and killing still work.
    pub fn take_receiver(&mut self) -> Option<IpcReceiver<Resp>> {
        self.rx.take()
    }

    /// Closes our sender: a child that loops on `recv` sees the channel close and ends.
    pub fn close(&mut self) {
        self.tx = None;
    }

    /// Closes our sender and waits for the child to end. A child that ended with a failure
    /// is an error that names its status.
    pub fn join(mut self) -> Result<ExitStatus, ProcessError> {
        self.close();
        let status = self.process.wait()?;
        self.check(status)
    }

    /// Kills the child (SIGKILL) and reaps it. For lessons that show a crash; a normal
    /// child is stopped by a message or by closing its channel, never like this.
    pub fn kill(&mut self) -> Result<(), ProcessError> {
        self.process.kill()?;
        self.process.wait()?;
        Ok(())
    }

    fn check(&self, status: ExitStatus) -> Result<ExitStatus, ProcessError> {
        if status.success() {
            Ok(status)
        } else {
            Err(ProcessError::Crashed {
                role: self.role.clone(),
                pid: self.pid(),
                status,
            })
        }
    }

    fn disconnected(&self) -> ProcessError {
        ProcessError::Disconnected {
            role: self.role.clone(),
            pid: self.pid(),
        }
    }

    fn receiver_taken(&self) -> ProcessError {
        ProcessError::Ipc(format!(
            "the receiver of child '{}' was moved elsewhere",
            self.role
        ))
    }

    /// The child's end closed: waits briefly for its exit status and says why it is gone,
    /// a crash ([`ProcessError::Crashed`], with its status) or a normal return
    /// ([`ProcessError::Disconnected`]).
    pub fn why_gone(&mut self) -> ProcessError {
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            match self.process.try_wait() {
                Ok(Some(status)) if !status.success() => {
                    return ProcessError::Crashed {
                        role: self.role.clone(),
                        pid: self.pid(),
                        status,
                    };
                }
                Ok(Some(_)) | Err(_) => break,
                Ok(None) => thread::sleep(Duration::from_millis(5)),
            }
        }
        self.disconnected()
    }
}

/// Shows what Python shows for a `Process`: who it is and whose child.
impl<Req, Resp> fmt::Debug for Child<Req, Resp>
where
    Req: Message,
    Resp: Message,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("role", &self.role)
            .field("pid", &self.pid())
            .field("parent", &std::process::id())
            .finish()
    }
}

impl<Req, Resp> Drop for Child<Req, Resp>
where
    Req: Message,
    Resp: Message,
{
    fn drop(&mut self) {
        // A child must never outlive its handle: if it has not ended yet, end it now, and
        // reap it so no zombie is left behind.
        if let Ok(None) = self.process.try_wait() {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }
}

/// Asks `child` to stop with SIGTERM, if it still runs. A child already reaped is left
/// alone: its pid may belong to another process by now.
pub fn terminate(child: &mut std::process::Child) {
    if let Ok(None) = child.try_wait() {
        // Safety: `kill` is a plain system call on our own child's pid, not yet reaped.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
    }
}

/// Waits for `child` to end until `deadline`, then kills it (SIGKILL); either way it is
/// reaped, so no zombie is left.
pub fn wait_or_kill(child: &mut std::process::Child, deadline: Instant) {
    while let Ok(None) = child.try_wait() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// On Linux, asks the kernel to send SIGKILL to the child when its parent dies, so a
/// killed parent leaves no orphan worker behind.
///
/// Mind one detail of `PR_SET_PDEATHSIG`: "parent" means the *thread* that spawned the
/// child. Spawn children from a thread that lives as long as they should (the main thread,
/// or a thread you join), not from a short-lived pool thread.
pub fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        // Safety: `getpid` is always safe to call.
        let parent = unsafe { libc::getpid() };
        // Safety: the closure runs in the forked child before `exec`, where only
        // async-signal-safe functions may be called; `prctl`, `getppid` and `kill` are
        // plain system calls that allocate nothing and take no locks.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died between `fork` and `prctl`: then we were
                // already re-parented and no signal will come. Stop now instead.
                if libc::getppid() != parent {
                    libc::kill(libc::getpid(), libc::SIGKILL);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// This program, ready to be started again as a child in `role`: the hidden role argument,
/// stdin closed (`Stdio::null()`), and on Linux death with its parent. Nothing is spawned
/// yet and no channel is made.
///
/// [`Child::spawn`] builds on it and adds the ipc-channel bootstrap. Use it directly for a
/// child that talks over plain stdin/stdout instead: set the pipes you need, then spawn.
/// In the child, [`child_role`] returns `role` as usual.
///
/// ```no_run
/// use std::io::{BufRead, BufReader, Write};
/// use std::process::Stdio;
///
/// let mut command = common::process::child_command("echo")?;
/// command.stdin(Stdio::piped()).stdout(Stdio::piped());
/// let mut child = command.spawn()?;
/// writeln!(child.stdin.as_mut().unwrap(), "hello")?;
/// let mut reply = String::new();
/// BufReader::new(child.stdout.take().unwrap()).read_line(&mut reply)?;
/// drop(child.stdin.take()); // end of input: the child's read loop ends
/// child.wait()?;
/// # Ok::<(), std::io::Error>(())
/// ```
// ANCHOR: child_command
pub fn child_command(role: &str) -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args([ROLE_FLAG, role]);
    command.stdin(Stdio::null());
    die_with_parent(&mut command);
    Ok(command)
}
// ANCHOR_END: child_command

/// The role this process was started in, if it is a child started by [`Child::spawn`] or
/// [`child_command`]. Call it first thing in `main`, before parsing flags.
pub fn child_role() -> Option<String> {
    flag_value(ROLE_FLAG)
}

/// The value after `flag` among this program's arguments (`--flag value`), if any: how a
/// child reads the hidden arguments its parent added to [`child_command`].
pub fn flag_value(flag: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == flag {
            return args.next();
        }
    }
    None
}

/// The child's side of the pair: requests come in on `rx`, responses go out on `tx`.
/// When the parent drops its sender (or dies), `rx.recv()` fails and the child should end.
pub struct Parent<Req, Resp>
where
    Req: Message,
    Resp: Message,
{
    pub rx: IpcReceiver<Req>,
    pub tx: IpcSender<Resp>,
}

/// In a child: connects to the parent that started us and sets up both channels.
pub fn connect_to_parent<Req, Resp>() -> Result<Parent<Req, Resp>, ProcessError>
where
    Req: Message,
    Resp: Message,
{
    let name = flag_value(SERVER_FLAG).ok_or(ProcessError::NotAChild)?;
    let bootstrap = IpcSender::<Hello<Req, Resp>>::connect(name)?;
    let (req_tx, req_rx) = ipc::channel::<Req>()?;
    let (resp_tx, resp_rx) = ipc::channel::<Resp>()?;
    bootstrap
        .send((req_tx, resp_rx))
        .map_err(|e| ProcessError::Ipc(e.to_string()))?;
    Ok(Parent {
        rx: req_rx,
        tx: resp_tx,
    })
}

/// In the parent: measures or computes `job` in a fresh child process started in `role`
/// (this program, re-executed), and returns the child's answer. The child answers with
/// [`serve_jobs`]. A fresh process per job is how a measurement stays honest: a process
/// that has just freed 100 000 tasks would hand the next run pages that cost it nothing.
///
/// Fails with the child's own error message when the job failed there (before its exit
/// status, which then only says 1), or with why the child is gone: a crash, or no answer
/// within `limit` (the child is then killed).
pub fn run_in_fresh_child<Job, Answer>(
    role: &str,
    job: Job,
    limit: Duration,
) -> Result<Answer, Box<dyn std::error::Error>>
where
    Job: Message,
    Answer: Message,
{
    let mut child = Child::<Job, Result<Answer, String>>::spawn(role)?;
    child.send(job)?;
    let answer = child.recv_timeout(limit)?;
    let joined = child.join();
    // The child's own message first: a child that failed also exits with status 1.
    let answer = answer?;
    joined?;
    Ok(answer)
}

/// In a child started by [`run_in_fresh_child`]: answers each job the parent sends with
/// `work(job)`, until the parent closes the channel. A job that failed ends the process
/// once its error is sent: whatever it left running (threads waiting at a barrier that
/// will never open, say) ends with it.
pub fn serve_jobs<Job, Answer>(
    mut work: impl FnMut(Job) -> Result<Answer, String>,
) -> Result<(), ProcessError>
where
    Job: Message,
    Answer: Message,
{
    let parent = connect_to_parent::<Job, Result<Answer, String>>()?;
    while let Ok(job) = parent.rx.recv() {
        let answer = work(job);
        let failed = answer.is_err();
        parent
            .tx
            .send(answer)
            .map_err(|e| ProcessError::Ipc(e.to_string()))?;
        if failed {
            std::process::exit(1);
        }
    }
    Ok(())
}

/// One role this program can be started in as a child: a name, and what the child does.
/// Made with [`role`], run by [`run_child`].
pub struct Role {
    name: &'static str,
    main: Box<dyn FnOnce() -> Result<(), Box<dyn std::error::Error>>>,
}

/// The role `name`, in which the child runs `main`: `role("cpu-worker", cpu::serve)`.
pub fn role<E>(name: &'static str, main: impl FnOnce() -> Result<(), E> + 'static) -> Role
where
    E: Into<Box<dyn std::error::Error>>,
{
    Role {
        name,
        main: Box::new(move || main().map_err(Into::into)),
    }
}

/// First thing in `main`, before parsing flags: if this process was started as a child
/// ([`Child::spawn`], [`child_command`]), runs its role and returns the exit code to end
/// with; in the parent, returns `None`.
///
/// ```no_run
/// use common::process;
///
/// fn serve() -> Result<(), process::ProcessError> { Ok(()) }
///
/// fn main() -> std::process::ExitCode {
///     if let Some(exit) = process::run_child([process::role("worker", serve)]) {
///         return exit;
///     }
///     // … the parent's part …
///     std::process::ExitCode::SUCCESS
/// }
/// ```
///
/// A role the program does not have is an error said here, once, for every program.
pub fn run_child(roles: impl IntoIterator<Item = Role>) -> Option<std::process::ExitCode> {
    let asked = child_role()?;
    let program = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "program".to_string());
    let mut names = Vec::new();
    for role in roles {
        if role.name == asked {
            return Some(crate::exit_code(
                &format!("{program} ({asked} process)"),
                (role.main)(),
            ));
        }
        names.push(role.name);
    }
    eprintln!(
        "{program}: started as a child in role {asked:?}, which it does not have (it has: {})",
        names.join(", ")
    );
    Some(std::process::ExitCode::FAILURE)
}
