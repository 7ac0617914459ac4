//! Who serves a connection: a process of its own, a thread of its own, or a pool's thread.
//!
//! A [`Server`] accepts connections on one thread and hands each one, as a
//! [`Connection`], to the function its program gives it: the model. Whoever the function
//! hands it to calls [`Connection::serve`], which reads and answers its requests with
//! blocking calls ([`http::serve`]) until the client is done. The four programs differ
//! in that function only:
//!
//! - [`process_per_connection`]: this program started
//!   again as a child, the socket as its stdin and stdout, as `inetd` does (and CGI): a
//!   new process for every connection, which serves it and exits. (Apache's prefork
//!   server keeps a pool of such processes and reuses each for many connections: it
//!   pays for the start less often.) A child dies with its parent, so killing the server
//!   leaves no child behind; one that has finished is reaped at the next accept, and is a
//!   zombie until then. The program's `main` must serve [`CONNECTION_ROLE`] (see
//!   [`serve_inherited_connection`]). Each child answers from a site of its own, made
//!   from the same configuration: the parent's counters do not see its requests.
//! - [`thread_per_connection`]: a new `std::thread` for every connection. Nobody waits for
//!   a thread, but each one costs a stack and a kernel task, however idle its connection.
//! - [`pool`]: the `pools` lecture's `ThreadPool` with `n` workers. A keep-alive
//!   connection holds its worker until the client closes it, so with `n` connections
//!   open, connection `n + 1` waits in the pool's queue: head-of-line blocking.
//!
//! A connection idle for [`IDLE_TIMEOUT`] is closed, as nginx closes an idle keep-alive
//! connection. A [`Server`] stops when dropped: the accept loop ends, replies waiting out
//! a delay answer `503` at once, every open connection is shut down (so a thread blocked
//! reading a stalled client wakes up), every child process is killed and reaped, every
//! thread is joined and the model's function is dropped (a pool joins its workers) before
//! `drop` returns. Nothing is left running.

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use cat_server::{Config, Site};
use common::process;
use pools::thread_pool::ThreadPool;

use crate::http::{self, Stop};

/// How long a connection may sit idle between requests before it is closed: nginx's
/// `keepalive_timeout` is 75 s.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the model did with a connection, for the server to wait on when it stops.
pub enum Handed {
    /// A thread of its own serves it: joined at stop.
    Thread(JoinHandle<()>),
    /// A child process serves it: killed and reaped at stop.
    Process(Child),
    /// Somebody else will (a pool's queue): the model's own drop waits for it.
    Queued,
}

/// An accepted connection, registered with its server so that stopping can shut it.
pub struct Connection {
    stream: TcpStream,
    site: Arc<Site>,
    stop: Arc<Stop>,
    open: Arc<Open>,
    key: u64,
}

impl Connection {
    /// Serves the connection's requests, one after another, until the client closes it,
    /// it stays idle for [`IDLE_TIMEOUT`], or the server stops. Blocks meanwhile.
    pub fn serve(self) {
        // A connection that fails (reset by its client) ends; the others go on.
        let _ = http::serve(&self.stream, &self.stream, &self.site, &self.stop);
        self.open.remove(self.key);
    }

    /// Whether its server has been told to stop: a model that waits before it hands the
    /// connection on should stop waiting then.
    pub fn server_is_stopping(&self) -> bool {
        self.stop.is_stopped()
    }

    /// Starts this program again in [`CONNECTION_ROLE`] to serve the connection, the
    /// socket as its stdin and stdout, and returns at once. This process keeps no copy.
    pub fn serve_in_child(self) -> io::Result<Child> {
        self.open.remove(self.key);
        spawn_connection_process(self.stream, &self.site)
    }
}

/// A process per connection: the connection is handed to a child, and nobody here waits.
pub fn process_per_connection(connection: Connection) -> io::Result<Handed> {
    connection.serve_in_child().map(Handed::Process)
}

/// A thread per connection: a new thread serves it, from its first request to its last.
// ANCHOR: thread_model
pub fn thread_per_connection(connection: Connection) -> io::Result<Handed> {
    Ok(Handed::Thread(thread::spawn(move || connection.serve())))
}
// ANCHOR_END: thread_model

/// A pool of `workers` threads: the connection waits in the queue for a free worker,
/// which serves it, from its first request to its last, before it takes another.
pub fn pool(workers: usize) -> impl FnMut(Connection) -> io::Result<Handed> + Send {
    // ANCHOR: pool_model
    let pool = ThreadPool::new(workers);
    move |connection| {
        drop(pool.submit(move || connection.serve()));
        Ok(Handed::Queued)
    }
    // ANCHOR_END: pool_model
}

/// A running server on 127.0.0.1. Dropping it stops it and waits until it has stopped.
pub struct Server {
    addr: SocketAddr,
    site: Arc<Site>,
    stop: Arc<Stop>,
    open: Arc<Open>,
    accept: Option<JoinHandle<()>>,
}

/// The connections being served, so that stopping can shut them down.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    streams: Mutex<HashMap<u64, TcpStream>>,
}

impl Open {
    /// Registers a connection; returns its key.
    fn add(&self, stream: &TcpStream) -> io::Result<u64> {
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(key, stream.try_clone()?);
        Ok(key)
    }

    fn remove(&self, key: u64) {
        self.lock().remove(&key);
    }

    /// Shuts the reading side of every open connection: a read waiting for the client
    /// returns at once, and a reply being written (a `503`) still goes out.
    fn shut_all(&self) {
        for stream in self.lock().values() {
            let _ = stream.shutdown(Shutdown::Read);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, TcpStream>> {
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Server {
    /// Starts serving the cat server's site, as `config` describes it, on 127.0.0.1 at
    /// `config.port` (0: any free port), handing every connection to `model`.
    pub fn start<M>(config: &Config, model: M) -> io::Result<Server>
    where
        M: FnMut(Connection) -> io::Result<Handed> + Send + 'static,
    {
        let listener = common::net::listen_on_loopback(config.port)?;
        let addr = listener.local_addr()?;
        let site = Arc::new(Site::new(config, &format!("http://{addr}")));
        let (stop, open) = (Arc::new(Stop::default()), Arc::new(Open::default()));
        let accept = thread::Builder::new().name("accept".into()).spawn({
            let (site, stop, open) = (site.clone(), stop.clone(), open.clone());
            move || accept_loop(listener, model, site, stop, open)
        })?;
        Ok(Server {
            addr,
            site,
            stop,
            open,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site it serves, with its counters. (A process per connection serves from its
    /// children's sites: these counters stay at zero.)
    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// How many connections are open right now (accepted, and neither closed nor handed
    /// to a child).
    pub fn open_connections(&self) -> usize {
        self.open.lock().len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.stop();
        let Some(accept) = self.accept.take() else {
            return;
        };
        // `accept` blocks until a connection arrives: arrive, so that it sees the stop.
        // A connection already waiting may wake it first, and then the listener is
        // closed and connecting fails: the loop has ended, nothing more to do. Should
        // connecting fail otherwise (no ports left after a load test), try again.
        for attempt in 0..50 {
            if accept.is_finished() || TcpStream::connect(self.addr).is_ok() {
                break;
            }
            thread::sleep(Duration::from_millis(10 * attempt));
        }
        let _ = accept.join();
    }
}

/// The role in which this program, started again, serves the one connection it was given
/// as its stdin and stdout.
pub const CONNECTION_ROLE: &str = "connection";

/// The child's part of [`process_per_connection`]: serve the connection that is this
/// process's stdin and stdout, with a site made from the configuration its parent passed
/// in its arguments, then exit.
pub fn serve_inherited_connection() -> io::Result<()> {
    let after = |flag: &str| process::flag_value(flag).unwrap_or_default();
    let number = |flag: &str| after(flag).parse::<u64>().map_err(io::Error::other);
    let config = Config {
        delay: Duration::from_millis(number("--delay-ms")?),
        cats: number("--cats")? as usize,
        pages: number("--pages")? as usize,
        ..Config::default()
    };
    let site = Site::new(&config, &after("--base"));
    // ANCHOR: child_serves
    http::serve(
        io::stdin().lock(),
        io::stdout().lock(),
        &site,
        &Stop::default(),
    )
    .map(drop)
    // ANCHOR_END: child_serves
}

/// Starts this program again in [`CONNECTION_ROLE`], the connection as its stdin and
/// stdout and the site's configuration in its arguments. The parent keeps no copy of
/// the socket.
fn spawn_connection_process(stream: TcpStream, site: &Site) -> io::Result<Child> {
    let mut command = process::child_command(CONNECTION_ROLE)?;
    let config = site.config();
    let delay = config.delay.as_millis().to_string();
    let (cats, pages) = (config.cats.to_string(), config.pages.to_string());
    command.args(["--delay-ms", &delay, "--cats", &cats, "--pages", &pages]);
    command.args(["--base", site.base_url()]);
    // ANCHOR: socket_as_stdio
    let input = OwnedFd::from(stream.try_clone()?);
    command.stdin(Stdio::from(input));
    command.stdout(Stdio::from(OwnedFd::from(stream)));
    command.spawn()
    // ANCHOR_END: socket_as_stdio
}

/// Accepts until told to stop, handing each connection to the model; then shuts the
/// open connections and waits for every thread and process that served one.
fn accept_loop(
    listener: TcpListener,
    mut model: impl FnMut(Connection) -> io::Result<Handed>,
    site: Arc<Site>,
    stop: Arc<Stop>,
    open: Arc<Open>,
) {
    let (mut threads, mut children) = (Vec::new(), Vec::new());
    for stream in listener.incoming() {
        if stop.is_stopped() {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: let connections end before trying again.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
        let Ok(key) = open.add(&stream) else { continue };
        let (site, stop, open) = (site.clone(), stop.clone(), open.clone());
        // Forget the threads and reap the children that are done.
        threads.retain(|thread: &JoinHandle<()>| !thread.is_finished());
        children.retain_mut(|child: &mut Child| matches!(child.try_wait(), Ok(None)));
        // A model that fails (no process could start) drops the connection.
        // ANCHOR: hand_off
        match model(Connection {
            stream,
            site,
            stop,
            open,
            key,
        }) {
            Ok(Handed::Thread(thread)) => threads.push(thread),
            Ok(Handed::Process(child)) => children.push(child),
            Ok(Handed::Queued) | Err(_) => {}
        }
        // ANCHOR_END: hand_off
    }
    open.shut_all();
    for mut child in children {
        let _ = child.kill();
        let _ = child.wait();
    }
    for thread in threads {
        let _ = thread.join();
    }
    drop(model); // a pool joins its workers, once each has served what is queued
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{self, Client};
    use cat_server::Config;
    use std::sync::mpsc;

    /// How long a check waits for something that must happen (or must not yet).
    const DEADLINE: Duration = Duration::from_secs(10);
    const WHILE: Duration = Duration::from_millis(300);

    fn start<M>(model: M) -> Server
    where
        M: FnMut(Connection) -> io::Result<Handed> + Send + 'static,
    {
        Server::start(&Config::default().pages(10), model).unwrap()
    }

    /// 100 keep-alive connections at once, 10 requests each: every reply is the right page.
    fn thousand_requests<M>(model: M)
    where
        M: FnMut(Connection) -> io::Result<Handed> + Send + 'static,
    {
        let server = start(model);
        client::load_pages(server.addr(), 100, 10, 10, DEADLINE).unwrap();
        assert_eq!(server.site().counters().pages, 1000);
    }

    #[test]
    fn a_thread_per_connection_answers_every_request() {
        thousand_requests(thread_per_connection);
    }

    #[test]
    fn a_pool_answers_every_request() {
        thousand_requests(pool(4));
    }

    /// A client that sends half a request and stalls.
    fn stall(server: &Server) -> Client {
        let mut stalled = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        stalled.send(b"GET /pages/1 HT").unwrap();
        stalled
    }

    /// A stalled connection holds its own thread only: another is answered.
    #[test]
    fn a_stalled_client_does_not_stop_a_thread_per_connection() {
        let server = start(thread_per_connection);
        let _stalled = stall(&server);
        let mut other = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        assert_eq!(other.get("/pages/2").unwrap().0, 200);
    }

    /// With one worker, the stalled connection holds it: the next connection is not
    /// answered while it stalls, and is as soon as the stalled client goes.
    #[test]
    fn a_stalled_client_blocks_a_one_worker_pool() {
        let server = start(pool(1));
        let stalled = stall(&server);
        let mut waiting = Client::connect(server.addr(), Some(WHILE)).unwrap();
        let blocked = waiting.get("/pages/2").unwrap_err();
        assert!(matches!(
            blocked.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ));
        drop(stalled); // the worker's read ends: its connection is over
        waiting.set_timeout(Some(DEADLINE)).unwrap();
        assert_eq!(waiting.reply().unwrap().0, 200);
    }

    /// Garbage gets a 400 and the end of its connection; the server goes on serving.
    #[test]
    fn garbage_is_refused_and_serving_goes_on() {
        let server = start(pool(2));
        let mut rude = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        rude.send(b"GET /pages/1\r\n\r\n").unwrap();
        assert_eq!(rude.reply().unwrap().0, 400);
        assert!(rude.get("/pages/1").is_err(), "the connection was closed");
        let mut polite = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        assert_eq!(polite.get("/pages/1").unwrap().0, 200);
    }

    /// A reply waiting out `/slow` when the server stops answers 503 at once: stopping does
    /// not wait ten seconds.
    #[test]
    fn stopping_cuts_a_waiting_reply_short() {
        let server = start(thread_per_connection);
        let site = server.site().clone();
        let mut slow = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        slow.send(b"GET /slow?ms=600000 HTTP/1.1\r\n\r\n").unwrap();
        while site.counters().in_flight == 0 {
            thread::sleep(Duration::from_millis(1)); // until the request is being served
        }
        let (done, stopped) = mpsc::channel();
        thread::spawn(move || {
            drop(server);
            done.send(()).unwrap();
        });
        stopped.recv_timeout(DEADLINE).expect("the server stopped");
        assert_eq!(slow.reply().unwrap().0, 503);
    }

    /// Dropping a server with stalled connections open returns: every connection is shut,
    /// every thread joined.
    #[test]
    fn stopping_shuts_stalled_connections_and_joins_every_thread() {
        let servers = [start(thread_per_connection), start(pool(2))];
        for server in servers {
            let stalled: Vec<Client> = (0..3).map(|_| stall(&server)).collect();
            let (done, stopped) = mpsc::channel();
            thread::spawn(move || {
                drop(server);
                done.send(()).unwrap();
            });
            stopped.recv_timeout(DEADLINE).expect("the server stopped");
            drop(stalled);
        }
    }
}
