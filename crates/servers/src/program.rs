//! What the four server programs share: their flags, a load that shows the model at
//! work, and serving until Ctrl-C for `curl` and `wrk`.
//!
//! By default a program starts its server and then a load of many keep-alive connections
//! from a child process (so that the load's own threads and memory are not counted as the
//! server's). While the load runs, the server's processes, threads and memory are read
//! from `/proc` every few milliseconds. The program prints what the load saw (every page
//! right? how long did connections wait for their first reply?), the server at its peak,
//! and what is left of it once it has stopped: nothing but the main thread.
//!
//! With `--serve`, it serves until Ctrl-C (or `--seconds`) instead, for `curl`, a browser
//! or `wrk`, and prints the server's peak when it stops.

use std::io::{self, BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use cat_server::{CatServer, Config, Counters};
use clap::value_parser;
use common::measure::{Footprint, fmt_duration};
use common::process::{self, Role, role};
use common::say;

use crate::client::{self, Client};
use crate::models::{self, CONNECTION_ROLE, Server};

/// The role in which a server program, started again, runs the load against its parent.
pub const LOAD_ROLE: &str = "load";

/// The roles a server program's `main` must serve before it parses its flags: a
/// connection of its own (a process per connection) and the load.
pub fn roles() -> [Role; 2] {
    [
        role(CONNECTION_ROLE, models::serve_inherited_connection),
        role(LOAD_ROLE, run_load),
    ]
}

/// The flags every server program has.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Serve until Ctrl-C (for curl or wrk) instead of running the load
    #[arg(long)]
    pub serve: bool,

    /// With --serve: stop by itself after N seconds
    #[arg(long, value_name = "N", requires = "serve",
          value_parser = value_parser!(u64).range(1..=86_400))]
    pub seconds: Option<u64>,

    /// Keep-alive connections the load opens at once
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = value_parser!(u64).range(1..=5_000))]
    pub connections: u64,

    /// Pages each connection asks for, one after another
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = value_parser!(u64).range(1..=100_000))]
    pub requests: u64,

    /// Clients that send half a request and stall while the load runs
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = value_parser!(u64).range(0..=1_000))]
    pub stalled: u64,

    /// Milliseconds the server waits before each reply (a slow backend)
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = value_parser!(u64).range(0..=10_000))]
    pub delay_ms: u64,

    /// Seconds a connection of the load waits for a reply before it gives up
    #[arg(long, value_name = "S", default_value_t = 3,
          value_parser = value_parser!(u64).range(1..=600))]
    pub patience: u64,
}

impl ServeArgs {
    /// The cat server's site, as these flags ask for it.
    pub fn config(&self) -> Config {
        Config {
            port: self.port,
            delay: Duration::from_millis(self.delay_ms),
            ..Config::default()
        }
    }
}

/// A server that is running: the hand-written models' [`Server`] or the event loop's
/// [`CatServer`]. Dropping it stops it.
pub trait Running {
    /// The address it listens on.
    fn addr(&self) -> SocketAddr;
    /// What it has served (zero for a process per connection, whose children count).
    fn counters(&self) -> Counters;
}

impl Running for Server {
    fn addr(&self) -> SocketAddr {
        Server::addr(self)
    }
    fn counters(&self) -> Counters {
        self.site().counters()
    }
}

impl Running for CatServer {
    fn addr(&self) -> SocketAddr {
        CatServer::addr(self)
    }
    fn counters(&self) -> Counters {
        CatServer::counters(self)
    }
}

/// A server program's `main` after its flags are parsed: starts its server with `start`
/// (on the site `args` describe), then [`run`]s it; `program` names it in errors.
pub fn serve<S: Running>(
    program: &str,
    model: &str,
    args: &ServeArgs,
    start: impl FnOnce(&Config) -> io::Result<S>,
) -> std::process::ExitCode {
    let result = start(&args.config())
        .map_err(|e| format!("cannot listen on port {}: {e}", args.port))
        .and_then(|server| run(server, model, args));
    common::exit_code(program, result)
}

/// Runs a program's server, `model` naming it: the load (or `--serve`), then its peak,
/// then stops it and shows that nothing of it is left.
pub fn run(server: impl Running, model: &str, args: &ServeArgs) -> Result<(), String> {
    let addr = server.addr();
    say!("{model}: listening on http://{addr}");
    // Waiting for Ctrl-C takes a thread of its own, which lives as long as the program.
    let waiter = u64::from(args.serve);
    let peak = if args.serve {
        serve_until_stopped(addr, args.seconds)?
    } else {
        let load = spawn_load(addr, args).map_err(|e| format!("cannot start the load: {e}"))?;
        follow_load(load)
    };
    let counters = server.counters();
    let in_flight = match counters.requests {
        // A process per connection's children count their own requests.
        0 => "no request counted in this process".to_string(),
        _ => format!(
            "at most {} in flight at once",
            plural(counters.max_in_flight, "request", "requests")
        ),
    };
    say!(
        "the server at its peak: {}, {} threads, {:.1} MB resident (PSS {:.1} MB); {in_flight}",
        plural(peak.processes, "process", "processes"),
        peak.threads,
        peak.rss_kb as f64 / 1024.0,
        peak.pss_kb as f64 / 1024.0,
    );
    drop(server);
    // A thread just joined can linger in /proc for a moment after it has ended.
    let left = || Footprint::of_tree(std::process::id()).unwrap_or_default();
    let end_by = Instant::now() + Duration::from_millis(500);
    while left().threads > 1 + waiter && Instant::now() < end_by {
        thread::sleep(Duration::from_millis(1));
    }
    let left = left();
    say!(
        "stopped: every connection closed; {} and {} left",
        plural(left.threads - waiter, "thread", "threads"),
        plural(left.processes - 1, "child process", "child processes"),
    );
    Ok(())
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Serves until Ctrl-C or `seconds`; returns the server's peak.
fn serve_until_stopped(addr: SocketAddr, seconds: Option<u64>) -> Result<Footprint, String> {
    match seconds {
        Some(seconds) => say!("serving for {seconds} s; press Ctrl-C to stop sooner"),
        None => say!("serving until you press Ctrl-C"),
    }
    say!("  try: curl http://{addr}/pages/1");
    say!("  or:  wrk -t1 -c100 -d5s http://{addr}/pages/1");
    // Not too often: a measurement may be loading this server.
    let watch = Watch::start(None, Duration::from_millis(100));
    common::term::wait_for_ctrl_c(seconds.map(Duration::from_secs))
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(watch.stop())
}

/// Reads the server's footprint (this process and its children, but the load) every few
/// milliseconds, keeping the peak.
struct Watch {
    done: Arc<AtomicBool>,
    peak: Arc<Mutex<Footprint>>,
    thread: JoinHandle<()>,
}

impl Watch {
    fn start(load: Option<u32>, every: Duration) -> Watch {
        let done = Arc::new(AtomicBool::new(false));
        let peak: Arc<Mutex<Footprint>> = Arc::default();
        let thread = thread::spawn({
            let (done, peak) = (Arc::clone(&done), Arc::clone(&peak));
            move || {
                let left_out: Vec<u32> = load.into_iter().collect();
                loop {
                    let now = Footprint::of_tree_without(std::process::id(), &left_out);
                    let mut peak = peak.lock().unwrap_or_else(|e| e.into_inner());
                    *peak = peak.max(now.unwrap_or_default());
                    drop(peak);
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    thread::sleep(every);
                }
            }
        });
        Watch { done, peak, thread }
    }

    fn stop(self) -> Footprint {
        self.done.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        let peak = *self.peak.lock().unwrap_or_else(|e| e.into_inner());
        // The watch's own thread is not the server's.
        Footprint {
            threads: peak.threads.saturating_sub(1),
            ..peak
        }
    }
}

/// What the load prints when every reply has come and every connection is still open,
/// and then waits for a line on its stdin before it closes them.
const ALL_OPEN: &str = "(every connection open)";

/// Passes on what the load prints, reads the server's footprint all the while, and once
/// more, exactly, when the load says that all its connections are open; returns the peak.
fn follow_load(mut load: Child) -> Footprint {
    let watch = Watch::start(Some(load.id()), Duration::from_millis(5));
    let (mut go, said) = (load.stdin.take(), load.stdout.take());
    let mut all_open = Footprint::default();
    for line in said
        .map(|out| BufReader::new(out).lines())
        .into_iter()
        .flatten()
    {
        let Ok(line) = line else { break };
        if line != ALL_OPEN {
            say!("{line}");
            continue;
        }
        let left_out = [load.id()];
        all_open = Footprint::of_tree_without(std::process::id(), &left_out).unwrap_or_default();
        // The load may close its connections now.
        let _ = go.take().map(|mut go| writeln!(go));
    }
    drop(go);
    let _ = load.wait();
    let peak = watch.stop();
    // The reading at "all open" was taken on this thread, with the watch's thread alive.
    peak.max(Footprint {
        threads: all_open.threads.saturating_sub(1),
        ..all_open
    })
}

/// Starts this program again in [`LOAD_ROLE`], aimed at `addr`.
fn spawn_load(addr: SocketAddr, args: &ServeArgs) -> io::Result<Child> {
    let mut command = process::child_command(LOAD_ROLE)?;
    let numbers = [
        ("--connections", args.connections),
        ("--requests", args.requests),
        ("--stalled", args.stalled),
        ("--patience", args.patience),
        ("--pages", args.config().pages as u64),
    ];
    command.args(["--addr", &addr.to_string()]);
    for (flag, value) in numbers {
        command.args([flag, &value.to_string()]);
    }
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()
}

/// The load's side: `--stalled` clients that stall halfway through a request, then
/// `--connections` keep-alive connections asking for `--requests` pages each.
fn run_load() -> io::Result<()> {
    let flag = |name: &str| process::flag_value(name).unwrap_or_default();
    let number = |name: &str| flag(name).parse::<usize>().map_err(io::Error::other);
    let addr: SocketAddr = flag("--addr").parse().map_err(io::Error::other)?;
    let (connections, requests) = (number("--connections")?, number("--requests")?);
    let patience = Duration::from_secs(number("--patience")? as u64);
    let stalled = (0..number("--stalled")?)
        .map(|_| {
            let mut client = Client::connect(addr, Some(patience))?;
            client.send(b"GET /pages/1 HT")?;
            Ok(client)
        })
        .collect::<io::Result<Vec<Client>>>()?;
    if !stalled.is_empty() {
        say!("{} clients sent half a request and stalled", stalled.len());
    }
    say!("the load: {connections} keep-alive connections at once, {requests} pages each");
    let start = Instant::now();
    let pages = number("--pages")?;
    let tell_parent = || {
        say!("{ALL_OPEN}");
        let _ = io::stdin().lock().read_line(&mut String::new());
    };
    let load = client::load(
        addr,
        connections,
        requests,
        pages,
        patience,
        Some(&tell_parent),
    );
    let took = fmt_duration(start.elapsed());
    let asked = connections * requests;
    match &load.error {
        None => say!("  {asked} of {asked} requests answered, every page right, in {took}"),
        Some(error) => {
            let answered = load.answered;
            let error = match error.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    format!("a connection had no reply within {} s", patience.as_secs())
                }
                _ => error.to_string(),
            };
            say!("  {answered} of {asked} requests answered in {took}; then: {error}");
        }
    }
    let firsts = &load.first_replies;
    if let (Some(median), Some(slowest)) = (firsts.get(firsts.len() / 2), firsts.last()) {
        say!(
            "  first reply of a connection: median {}, slowest {} ({} of {connections} answered)",
            fmt_duration(*median),
            fmt_duration(*slowest),
            firsts.len()
        );
    }
    drop(stalled);
    Ok(())
}
