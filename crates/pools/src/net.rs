//! HTTP for the thread-pool lessons: one blocking client per worker thread, a `fetch` that
//! says *what kind* of failure happened, and a small `<title>` finder.
//!
//! ```no_run
//! use pools::net::{self, FetchError};
//!
//! match net::fetch("http://127.0.0.1:8000/pages/7") {
//!     Ok(body) => println!("{:?}", net::title_of(&String::from_utf8_lossy(&body))),
//!     Err(FetchError::Status(status)) => println!("the server said {status}"),
//!     Err(other) => println!("no answer: {other}"),
//! }
//! ```
//!
//! # One client per thread
//!
//! The Python course notebook and the Real Python notes give each worker thread its own
//! `requests.Session`, kept in a `threading.local()`, because a `Session` is not safe to
//! share between threads. A reqwest [`Client`] *is* safe to share: it is `Send + Sync`,
//! and cloning it is cheap (an `Arc` inside). So in Rust one client for the whole program
//! would be fine, and would even be a little cheaper: a blocking `Client` owns a pool of
//! open connections **and** a background thread that runs its I/O. We keep one per thread with
//! [`thread_local!`] anyway, to mirror the Python line by line, and because it makes the
//! lesson visible: [`clients_built`] counts them, and a pool of 30 threads builds 30.
//! `download` times both: 30 threads sharing one client ([`new_client`] and
//! [`fetch_with`]) finish a little sooner than 30 threads with a client each.
//!
//! Whichever you choose, reuse it. Building a client per request would throw away its
//! connection pool: every download would open a new TCP connection (and, for https, a new
//! TLS handshake). With one client per thread, each worker opens one connection to the
//! server and keeps it alive for all its downloads.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::Client;

/// How long a client waits for the server to accept a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a whole request may take, from connecting to the last byte of the body,
/// unless [`fetch_with_timeout`] asks for another limit.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How many clients this process has built: one per thread that has fetched something,
/// plus those built by [`new_client`] for sharing. `Relaxed` is enough for a counter that
/// publishes nothing else.
static CLIENTS_BUILT: AtomicUsize = AtomicUsize::new(0);

// ANCHOR: thread_local
thread_local! {
    // This thread's client, built the first time the thread fetches a
    // URL, dropped when the thread ends. Python's `thread_local.session`.
    static CLIENT: Client = new_client();
}
// ANCHOR_END: thread_local

/// A new client with the course's timeouts. [`fetch`] builds one per thread by itself;
/// call this to share one client between threads yourself (see [`fetch_with`]).
pub fn new_client() -> Client {
    CLIENTS_BUILT.fetch_add(1, Ordering::Relaxed);
    Client::builder()
        // Never wait for ever: a server that accepts nothing, or answers nothing, turns
        // into an error after these limits.
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        // The lessons talk to their own server on 127.0.0.1: a proxy set in the
        // environment (HTTP_PROXY) must not sit in between and change the timings.
        .no_proxy()
        .build()
        // Building fails only if the TLS backend cannot start, which no retry would fix.
        .expect("the HTTP client could not be built")
}

/// How many HTTP clients this process has built so far.
pub fn clients_built() -> usize {
    CLIENTS_BUILT.load(Ordering::Relaxed)
}

/// Why a URL gave no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered, but with an error status such as `404 Not Found`.
    Status(StatusCode),
    /// No complete answer within the limit: connecting, the headers or the body was too
    /// slow.
    TimedOut(Duration),
    /// Nothing listens on that port: the operating system refused the connection at once.
    Refused,
    /// The connection was made, then closed by the server before it sent a response.
    Closed,
    /// Anything else (a malformed URL, an unknown host, ...), in reqwest's words.
    Other(String),
}

/// The text after Python's `generated an exception:`, e.g. `404 Not Found`.
impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(status) => write!(f, "{status}"),
            FetchError::TimedOut(limit) => write!(f, "timed out after {} ms", limit.as_millis()),
            FetchError::Refused => write!(f, "connection refused"),
            FetchError::Closed => write!(f, "connection closed without a response"),
            FetchError::Other(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// Downloads `url` with this thread's client and returns the body. A status other than
/// 2xx is an error, as with `requests`' `raise_for_status()`.
pub fn fetch(url: &str) -> Result<Vec<u8>, FetchError> {
    fetch_with_timeout(url, REQUEST_TIMEOUT)
}

/// [`fetch`], giving up after `limit` instead of [`REQUEST_TIMEOUT`].
pub fn fetch_with_timeout(url: &str, limit: Duration) -> Result<Vec<u8>, FetchError> {
    CLIENT.with(|client| fetch_with(client, url, limit))
}

/// [`fetch`] with the `client` given, e.g. one shared by every thread of a pool.
pub fn fetch_with(client: &Client, url: &str, limit: Duration) -> Result<Vec<u8>, FetchError> {
    let response = client
        .get(url)
        .timeout(limit)
        .send()
        .map_err(|error| classify(error, limit))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status(status));
    }
    // The body arrives after the headers, and can time out or break off too.
    let body = response.bytes().map_err(|error| classify(error, limit))?;
    Ok(body.into())
}

/// Sorts a reqwest error into the kinds a lesson talks about. reqwest answers "was it a
/// timeout?" and "was it while connecting?" itself; *why* a connection failed is an
/// `io::Error` further down the chain of causes, so we walk the chain to find it.
fn classify(err: reqwest::Error, limit: Duration) -> FetchError {
    // ANCHOR: classify
    if err.is_timeout() {
        return FetchError::TimedOut(limit);
    }
    let io_error = causes(&err).find_map(|c| c.downcast_ref::<io::Error>());
    match io_error.map(io::Error::kind) {
        Some(io::ErrorKind::ConnectionRefused) => FetchError::Refused,
        Some(
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof,
        ) => FetchError::Closed,
        // hyper reports a connection that ended before a whole response
        // as its own error, with no io::Error below it.
        _ if causes(&err).any(closed_before_response) => FetchError::Closed,
        _ => FetchError::Other(describe(&err)),
    }
    // ANCHOR_END: classify
}

/// The error and every error that caused it, outermost first.
// ANCHOR: causes
fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |&cause| cause.source())
}
// ANCHOR_END: causes

/// hyper's own error for a connection that ended before a whole response: "connection
/// closed before message completed".
fn closed_before_response(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.to_string().contains("closed before")
}

/// What went wrong, in the words of the errors under reqwest's own: its message only
/// repeats the URL (`error sending request for url (…)`), the causes say why, e.g.
/// `client error (Connect): dns error: failed to lookup address information: …`.
fn describe(error: &reqwest::Error) -> String {
    let causes: Vec<String> = causes(error).skip(1).map(|c| c.to_string()).collect();
    if causes.is_empty() {
        error.to_string()
    } else {
        causes.join(": ")
    }
}

/// Checks a `--url` flag's value: an `http` or `https` URL, the only kinds an HTTP client
/// can download.
///
/// ```
/// use pools::net::parse_url;
/// assert!(parse_url("http://127.0.0.1:8000/pages/1").is_ok());
/// assert!(parse_url("ftp://example.com/").is_err());
/// assert!(parse_url("not a url").is_err());
/// ```
pub fn parse_url(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" => Ok(text.to_string()),
        other => Err(format!(
            "only http and https URLs can be downloaded, not {other}"
        )),
    }
}

/// The text of the page's `<title>` element, trimmed, with runs of whitespace made single
/// spaces and the five basic entities (`&amp;` …) decoded. `None` if there is no title or
/// it is empty.
///
/// A few lines of string searching, not an HTML parser: it finds the first `<title>` tag
/// (in any case, with or without attributes) and the `</title>` after it. That is all the
/// notebook's `BeautifulSoup(...).select('title')[0]` is used for.
pub fn title_of(html: &str) -> Option<String> {
    // Search a lower-case copy: ASCII lower-casing keeps every byte where it was, so the
    // positions found in `lower` are valid in `html`.
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    let open = loop {
        let at = from + lower[from..].find("<title")?;
        // `<title>` or `<title lang="en">`, but not `<titles>` or `<title-bar>`.
        match lower.as_bytes().get(at + "<title".len()) {
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r') => break at,
            _ => from = at + 1,
        }
    };
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let text = html[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = decode_entities(&text);
    (!text.is_empty()).then_some(text)
}

/// Decodes `&lt; &gt; &quot; &#39; &amp;` (`&amp;` last, so `&amp;lt;` stays `&lt;`).
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;
    use std::thread;

    #[test]
    fn finds_the_title_in_any_case_and_with_attributes() {
        let page = "<html><head><TITLE lang=\"en\">\n  Cat   page 7\n</Title></head></html>";
        assert_eq!(title_of(page).as_deref(), Some("Cat page 7"));
        assert_eq!(
            title_of("<title>Tom &amp; Jerry &lt;3</title>").as_deref(),
            Some("Tom & Jerry <3")
        );
    }

    #[test]
    fn skips_look_alike_tags_and_reports_missing_titles() {
        let page = "<titles>no</titles><title>yes</title>";
        assert_eq!(title_of(page).as_deref(), Some("yes"));
        assert_eq!(title_of("<html><body>no title</body></html>"), None);
        assert_eq!(title_of("<title>   </title>"), None);
        assert_eq!(title_of("<title>never closed"), None);
        // Non-ASCII text around and inside the title keeps its bytes in place.
        assert_eq!(
            title_of("Ünïcode <title>Kočka</title>").as_deref(),
            Some("Kočka")
        );
    }

    #[test]
    fn a_port_with_nothing_listening_is_refused() {
        let outcome = fetch(&format!("http://127.0.0.1:{}/", closed_port()));
        assert_eq!(outcome, Err(FetchError::Refused));
    }

    #[test]
    fn a_connection_closed_before_any_response_is_closed() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let server = thread::spawn(move || {
            let (mut socket, _) = listener.accept().expect("one connection");
            // Read the request, then hang up without answering.
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request);
        });
        let outcome = fetch(&format!("http://127.0.0.1:{port}/"));
        server.join().expect("the test server ended");
        assert_eq!(outcome, Err(FetchError::Closed));
    }

    #[test]
    fn a_silent_server_times_out_at_the_limit_given() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let server = thread::spawn(move || {
            // Accept, then say nothing until the client gives up and closes.
            let (mut socket, _) = listener.accept().expect("one connection");
            let mut buffer = [0u8; 1024];
            while matches!(socket.read(&mut buffer), Ok(n) if n > 0) {}
        });
        let limit = Duration::from_millis(100);
        let outcome = fetch_with_timeout(&format!("http://127.0.0.1:{port}/"), limit);
        assert_eq!(outcome, Err(FetchError::TimedOut(limit)));
        assert_eq!(outcome.unwrap_err().to_string(), "timed out after 100 ms");
        server.join().expect("the test server ended");
    }

    #[test]
    fn every_thread_that_fetches_builds_a_client_of_its_own() {
        let url = format!("http://127.0.0.1:{}/", closed_port());
        let before = clients_built();
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let _ = fetch(&url);
                    let _ = fetch(&url); // the second fetch reuses the thread's client
                });
            }
        });
        // Tests run in parallel and may build clients of their own meanwhile: at least 3.
        assert!(clients_built() >= before + 3);
    }

    /// A port nothing listens on: bind a free one, note it, close it again.
    fn closed_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port()
    }
}
