//! The course's offline internet: a local HTTP server of cat pictures and pages.
//!
//! The download lessons need a web server that is always there, answers the same way every
//! time, and can be told to be slow or to fail. This crate is that server. It runs inside
//! the program that uses it (a test, a demo) or on its own:
//!
//! ```text
//! cargo run -p cat_server -- --port 8000 --delay-ms 100
//! ```
//!
//! # Routes
//!
//! | route | answer |
//! |---|---|
//! | `GET /pages/{n}` | an HTML page, `<title>Cat page {n}</title>`, for `n` in `1..=pages` |
//! | `GET /cats/{id}.jpg` | a JPEG picture of a cat (`image/jpeg`); any `id`, taken modulo `cats` |
//! | `GET /sites` | the site list, one URL per line (the same as [`CatServer::site_list`]) |
//! | `GET /status/{code}` | a response with that status, e.g. 404 or 500 |
//! | `GET /slow?ms=N` | answers after `N` ms (default 10 000, longer than a client timeout) |
//! | `GET /drop` | closes the connection without any response |
//! | any other path | 404 |
//! | a method other than `GET` or `HEAD` | 405, with `Allow: GET, HEAD` |
//!
//! Every route waits [`Config::delay`] before answering (except `/slow`, which waits its
//! own `ms`); `?delay_ms=N` on any request overrides the delay for that request.
//!
//! Nothing is read from the file system. Pictures are drawn and encoded in memory at
//! start-up, pages are built with `format!`, and a path is only ever matched against the
//! routes above — so there is no file a crafted path (`/../../etc/passwd`) could reach.
//!
//! # Use from a test or a demo
//!
//! ```
//! use std::time::Duration;
//! use cat_server::{CatServer, Config};
//!
//! let server = CatServer::start(Config { delay: Duration::from_millis(10), ..Config::default() })?;
//! let first_site = &server.site_list()[0];
//! assert_eq!(first_site, &server.url("/pages/1"));
//! // … download from `server.url(…)` with any HTTP client, blocking or async …
//! server.shutdown(); // or just let `server` go out of scope
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The server runs on its own thread with its own tokio runtime. Plain threads can use it,
//! and so can code running on *another* runtime: a `#[tokio::test]` with the
//! single-threaded runtime can download from it without the two competing for one thread.

mod images;
mod pages;
mod routes;
pub mod site;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use axum::http::StatusCode;
pub use site::{Answer, Reply, Site};

/// The routes, for help texts: (route, what it answers).
pub const ROUTES: [(&str, &str); 7] = [
    ("/pages/{n}", "an HTML page titled \"Cat page {n}\""),
    ("/cats/{id}.jpg", "a JPEG picture of a cat"),
    ("/sites", "the site list, one URL per line"),
    (
        "/status/{code}",
        "an answer with that HTTP status, e.g. /status/500",
    ),
    ("/slow?ms=N", "an answer after N ms (default 10000)"),
    ("/drop", "no answer: the connection is closed"),
    (
        "?delay_ms=N",
        "on any route: wait N ms instead of the server's delay",
    ),
];

/// How to run a [`CatServer`].
#[derive(Debug, Clone)]
pub struct Config {
    /// The port on 127.0.0.1; 0 lets the operating system pick a free one (see
    /// [`CatServer::addr`]). Tests use 0 so that many servers can run at once.
    pub port: u16,
    /// Added to every response, to play the part of a distant, slow website.
    pub delay: Duration,
    /// How many different cat pictures there are (at least 1).
    pub cats: usize,
    /// How many pages there are, and how many URLs the site list has.
    pub pages: usize,
    /// Threads of the server's tokio runtime: 1, the default, is `current_thread` (one
    /// event loop, as an nginx worker), and so is 0; more is the multi-thread runtime
    /// with that many workers.
    pub threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            delay: Duration::ZERO,
            cats: 20,
            pages: 160,
            threads: 1,
        }
    }
}

impl Config {
    /// The default configuration, every answer waiting `delay`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = cat_server::Config::delayed(Duration::from_millis(50)).pages(20);
    /// assert_eq!((config.delay.as_millis(), config.pages, config.port), (50, 20, 0));
    /// ```
    pub fn delayed(delay: Duration) -> Config {
        Config {
            delay,
            ..Config::default()
        }
    }

    /// This configuration with `pages` pages (and that many URLs in the site list).
    pub fn pages(self, pages: usize) -> Config {
        Config { pages, ..self }
    }
}

/// A snapshot of what the server has seen, by kind of request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Every request, whatever the route or outcome.
    pub requests: u64,
    /// `/pages/{n}` answered with a page.
    pub pages: u64,
    /// `/cats/{id}.jpg` answered with a picture.
    pub cats: u64,
    /// `/sites`.
    pub sites: u64,
    /// `/status/{code}`.
    pub statuses: u64,
    /// `/slow`.
    pub slow: u64,
    /// `/drop`: connections closed without a response.
    pub dropped: u64,
    /// Answered 404 because nothing is there (not counting `/status/404`).
    pub not_found: u64,
    /// Requests being handled right now (mostly: waiting out their delay).
    pub in_flight: u64,
    /// The most requests ever in flight at once: how concurrent the clients really were.
    /// A pool of 5 download threads should show 5 here.
    pub max_in_flight: u64,
}

/// A running cat server. Dropping it shuts it down gracefully and waits for its thread.
pub struct CatServer {
    addr: SocketAddr,
    /// Shared with the request handlers; read here for counters and the site list.
    app: Arc<App>,
    /// Held so that [`Drop`] can join the server thread: a dropped server has really
    /// stopped, and its port is free again, by the time `drop` returns.
    thread: Option<JoinHandle<()>>,
}

impl CatServer {
    /// Starts a server on 127.0.0.1 (`config.port`, or any free port for 0) and returns
    /// once it is listening.
    ///
    /// This blocks briefly: the first server in a process draws and encodes the pictures.
    pub fn start(config: Config) -> io::Result<CatServer> {
        if config.cats == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a cat server needs at least one cat",
            ));
        }

        // Bind here, on the caller's thread, so that a busy port is an error returned to
        // the caller. Once `bind` returns the socket is listening: connections that arrive
        // before the accept loop starts wait in the operating system's backlog.
        let std_listener = common::net::listen_on_loopback(config.port)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;

        // A runtime of its own. Serving is waiting (delays) and copying bytes already in
        // memory, so one thread is plenty for the download lessons — and it leaves the
        // other cores to the clients being measured.
        let runtime = match config.threads {
            0 | 1 => tokio::runtime::Builder::new_current_thread(),
            threads => {
                let mut builder = tokio::runtime::Builder::new_multi_thread();
                builder.worker_threads(threads);
                builder
            }
        }
        .enable_all()
        .build()?;
        // Handing the socket to tokio registers it with this runtime's reactor, so it must
        // happen inside the runtime's context.
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };

        let app = Arc::new(App::new(&config, addr));
        let thread = thread::Builder::new()
            .name(format!("cat-server-{}", addr.port()))
            .spawn({
                let app = Arc::clone(&app);
                move || {
                    runtime.block_on(routes::serve(listener, app));
                    // `runtime` is dropped here, on this plain thread, which cancels any
                    // task still running. (Dropping a runtime from inside async code
                    // panics; this thread is not async code.)
                }
            })?;

        Ok(CatServer {
            addr,
            app,
            thread: Some(thread),
        })
    }

    /// Starts a server if `wanted`, and otherwise returns `None`: how a program that
    /// downloads from the cat server unless `--url` names real sites starts it,
    /// `CatServer::start_if(args.url.is_empty(), config)?`.
    pub fn start_if(wanted: bool, config: Config) -> io::Result<Option<CatServer>> {
        wanted.then(|| CatServer::start(config)).transpose()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of `path` on this server: `url("/pages/1")` is
    /// `"http://127.0.0.1:PORT/pages/1"`, and `url("")` is the server's base URL.
    pub fn url(&self, path: &str) -> String {
        let slash = if path.is_empty() || path.starts_with('/') {
            ""
        } else {
            "/"
        };
        format!("http://{}{slash}{path}", self.addr)
    }

    /// `pages` full URLs (160 by default), alternating a page and its cat picture:
    /// `…/pages/1`, `…/cats/1.jpg`, `…/pages/2`, … Every one of them answers 200.
    pub fn site_list(&self) -> Vec<String> {
        self.app.site.site_list().to_vec()
    }

    /// How many requests the server has received, on every route.
    pub fn requests(&self) -> u64 {
        self.app.site.counters().requests
    }

    /// The counters, by kind of request.
    pub fn counters(&self) -> Counters {
        self.app.site.counters()
    }

    /// Stops the server and waits until it has stopped. Same as dropping it; reads better
    /// at the end of a demo.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for CatServer {
    fn drop(&mut self) {
        // Every waiting request and the accept loop watch this token.
        self.app.shutdown.cancel();
        if let Some(thread) = self.thread.take() {
            // This blocks for as long as shutdown takes (normally milliseconds, at most
            // `routes::GRACE`). It cannot deadlock even when called from async code: the
            // server runs on its own thread, not on the caller's runtime.
            // A panic on the server thread has already been printed by the panic hook, and
            // panicking again inside `drop` would abort, so the join result is not used.
            let _ = thread.join();
        }
    }
}

/// What the request handlers share.
struct App {
    /// The pages, the pictures, the counters: what every request is answered from.
    site: Site,
    /// Cancelled when the server is asked to stop: the accept loop stops, and requests
    /// that are still waiting answer 503 at once instead of holding shutdown up.
    shutdown: CancellationToken,
}

impl App {
    fn new(config: &Config, addr: SocketAddr) -> App {
        let site = Site::new(config, &format!("http://{addr}"));
        site.cats(); // drawn now, so that no request waits for the drawing
        App {
            site,
            shutdown: CancellationToken::new(),
        }
    }
}
