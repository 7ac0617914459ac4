//! HTTP/1.1 by hand, for the servers that read their own sockets: a request's head is read
//! up to a limit, parsed with `httparse` (the parser inside hyper), answered from the cat
//! server's [`Site`], and the reply written back. On a keep-alive connection that repeats
//! until the client closes it or asks for `Connection: close`.
//!
//! Nothing here knows about threads or processes: [`serve`] takes any reader and writer,
//! a socket's two halves or a child process's stdin and stdout. Bad input gets an answer
//! and the end of the connection, never a panic: a request line without a version, bytes
//! that are not HTTP (checked line by line, so garbage is refused as soon as its first
//! line ends), a head larger than [`MAX_HEAD`] are each a `400` (or `431`), and the server
//! goes on serving its other connections. When the reply goes out before the client has
//! finished sending (a 1 MB header line), closing with its bytes unread makes the kernel
//! reset the connection, and the client may see the reset instead of the reply.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use cat_server::{Reply, Site, StatusCode};

/// The most bytes a request's head (request line and headers) may have: a longer one is
/// answered `431` and the connection closed. nginx's default is 8 KiB a line, 32 in all.
pub const MAX_HEAD: usize = 16 * 1024;

/// The most headers a request may have.
pub const MAX_HEADERS: usize = 64;

/// The most body bytes read (and thrown away) from a request that has one.
pub const MAX_BODY: u64 = 1 << 20;

/// The parts of a request the servers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The path and query: `/pages/1?delay_ms=5`.
    pub target: String,
    /// Whether the client wants the connection kept open after the reply: HTTP/1.1 unless
    /// it says `Connection: close`, HTTP/1.0 only if it says `keep-alive`.
    pub keep_alive: bool,
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum HttpError {
    /// Not a request we can answer: the status to reply with, and why.
    Bad(StatusCode, String),
    /// The connection failed (reset, timed out) before a whole request arrived.
    Io(io::Error),
}

impl From<io::Error> for HttpError {
    fn from(error: io::Error) -> HttpError {
        HttpError::Io(error)
    }
}

fn bad(status: StatusCode, why: impl Into<String>) -> HttpError {
    HttpError::Bad(status, why.into())
}

/// Reads the next request's head, and skips its body. `Ok(None)`: the client closed the
/// connection between requests, as a keep-alive client does when it is done, or sent
/// nothing more before the socket's read timeout.
pub fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, HttpError> {
    let mut head = Vec::new();
    // Line by line until the head is complete, never more than MAX_HEAD.
    loop {
        let room = (MAX_HEAD + 1).saturating_sub(head.len()) as u64;
        let read = match reader.by_ref().take(room).read_until(b'\n', &mut head) {
            Err(e) if head.is_empty() && is_timeout(&e) => return Ok(None), // idle
            read => read?,
        };
        if head.len() > MAX_HEAD {
            return Err(bad(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "head too large",
            ));
        }
        match read {
            0 if head.is_empty() => return Ok(None),
            0 => return Err(bad(StatusCode::BAD_REQUEST, "the head ended early")),
            _ if head == b"\r\n" || head == b"\n" => head.clear(), // between requests
            _ if head.ends_with(b"\n") => {
                // A whole line more: complete, not HTTP, or more to come.
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                match httparse::Request::new(&mut headers).parse(&head) {
                    Ok(httparse::Status::Complete(_)) => break,
                    Ok(httparse::Status::Partial) => {}
                    Err(httparse::Error::TooManyHeaders) => {
                        let why = "too many headers";
                        return Err(bad(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, why));
                    }
                    Err(error) => return Err(bad(StatusCode::BAD_REQUEST, error.to_string())),
                }
            }
            _ => {} // a line longer than the buffer: read on
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    parsed
        .parse(&head)
        .map_err(|error| bad(StatusCode::BAD_REQUEST, error.to_string()))?;
    let header = |name: &str| {
        let found = parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name));
        found.map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    if header("transfer-encoding").is_some() {
        return Err(bad(StatusCode::NOT_IMPLEMENTED, "no chunked bodies here"));
    }
    let length = header("content-length").map(|n| n.trim().parse::<u64>());
    match length {
        None => {}
        Some(Ok(n)) if n <= MAX_BODY => {
            io::copy(&mut reader.by_ref().take(n), &mut io::sink())?;
        }
        Some(Ok(_)) => return Err(bad(StatusCode::PAYLOAD_TOO_LARGE, "body too large")),
        Some(Err(_)) => return Err(bad(StatusCode::BAD_REQUEST, "bad Content-Length")),
    }
    let connection = header("connection").unwrap_or_default();
    let keep_alive = match parsed.version {
        Some(1) => !connection.contains("close"),
        _ => connection.contains("keep-alive"),
    };
    Ok(Some(Request {
        method: parsed.method.unwrap_or_default().to_string(),
        target: parsed.path.unwrap_or_default().to_string(),
        keep_alive,
    }))
}

/// Writes `reply` as an HTTP/1.1 response; without its body for `HEAD` (`with_body`
/// false) and for the statuses that have none.
pub fn write_reply(
    writer: &mut impl Write,
    reply: &Reply,
    keep_alive: bool,
    with_body: bool,
) -> io::Result<()> {
    let status = reply.status;
    let reason = status.canonical_reason().unwrap_or("");
    // 204 and 304 have no body and no length; every other reply says its length, so
    // that a keep-alive client knows where the next one begins.
    let no_body = matches!(status.as_u16(), 204 | 304);
    let connection = if keep_alive { "keep-alive" } else { "close" };
    write!(writer, "HTTP/1.1 {} {reason}\r\n", status.as_u16())?;
    write!(writer, "Content-Type: {}\r\n", reply.content_type)?;
    if !no_body {
        write!(writer, "Content-Length: {}\r\n", reply.body.len())?;
    }
    for (name, value) in reply.headers {
        write!(writer, "{name}: {value}\r\n")?;
    }
    write!(writer, "Connection: {connection}\r\n\r\n")?;
    if with_body && !no_body {
        writer.write_all(&reply.body)?;
    }
    writer.flush()
}

/// What one connection saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    /// Requests answered.
    pub requests: u64,
    /// Requests refused as bad (each ends its connection).
    pub refused: u64,
}

/// Whether the server has been told to stop, and a sleep that ends when it is: a reply
/// that waits (a delay, `/slow`) must not hold a stopping server up.
#[derive(Debug, Default)]
pub struct Stop {
    stopped: Mutex<bool>,
    changed: Condvar,
}

impl Stop {
    /// Tells every [`Stop::sleep`] to end now, and every later one not to start.
    pub fn stop(&self) {
        *self.lock() = true;
        self.changed.notify_all();
    }

    /// Whether [`Stop::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.lock()
    }

    /// Sleeps for `wait` unless told to stop first; returns whether it slept all of it.
    pub fn sleep(&self, wait: Duration) -> bool {
        let stopped = self.lock();
        let (stopped, _) = self
            .changed
            .wait_timeout_while(stopped, wait, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        !*stopped
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.stopped.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Serves one connection: reads requests from `input` and answers them on `output`, one
/// after another, until the client closes the connection or asks to, a request is bad,
/// or `/drop` asks for the connection to end with no answer. A reply's wait (the route's
/// delay) puts this thread to sleep, so whatever serves the connection is busy meanwhile;
/// when `stop` is told, a waiting reply becomes a `503` at once.
pub fn serve(input: impl Read, output: impl Write, site: &Site, stop: &Stop) -> io::Result<Served> {
    let (mut input, mut output) = (BufReader::new(input), BufWriter::new(output));
    let mut served = Served::default();
    loop {
        let request = match read_request(&mut input) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(served),
            Err(HttpError::Bad(status, why)) => {
                served.refused += 1;
                let reply = Reply::text(status, format!("{why}\n"));
                // The client may be gone already; the connection ends either way.
                let _ = write_reply(&mut output, &reply, false, true);
                return Ok(served);
            }
            Err(HttpError::Io(error)) => return Err(error),
        };
        let _in_flight = site.enter();
        let answer = site.answer(&request.method, &request.target);
        if !stop.sleep(answer.wait) {
            let reply = Reply::text(StatusCode::SERVICE_UNAVAILABLE, "stopping\n".into());
            return write_reply(&mut output, &reply, false, true).map(|()| served);
        }
        let Some(reply) = answer.reply else {
            return Ok(served); // `/drop`
        };
        let with_body = request.method != "HEAD";
        write_reply(&mut output, &reply, request.keep_alive, with_body)?;
        served.requests += 1;
        if !request.keep_alive {
            return Ok(served);
        }
    }
}

/// A read that gave up waiting: the socket's read timeout passed.
fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cat_server::Config;

    fn site() -> Site {
        Site::new(&Config::default().pages(3), "http://127.0.0.1:1")
    }

    /// Serves `bytes` as one connection's input and returns what was written back.
    fn exchange(bytes: &[u8]) -> (String, Served) {
        let mut out = Vec::new();
        let served = serve(bytes, &mut out, &site(), &Stop::default()).unwrap();
        (String::from_utf8_lossy(&out).into_owned(), served)
    }

    /// Three keep-alive requests on one connection, three answers in order; the last asks
    /// to close, and the reply says so.
    #[test]
    fn keep_alive_answers_each_request_in_turn() {
        let (out, served) = exchange(
            b"GET /pages/1 HTTP/1.1\r\nHost: x\r\n\r\n\
              GET /pages/9 HTTP/1.1\r\n\r\n\
              GET /pages/2 HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(
            served,
            Served {
                requests: 3,
                refused: 0
            }
        );
        assert_eq!(out.matches("HTTP/1.1 ").count(), 3, "{out}");
        let first = out.find("Cat page 1").unwrap();
        let missing = out.find("404 Not Found").unwrap();
        let second = out.find("Cat page 2").unwrap();
        assert!(first < missing && missing < second, "{out}");
        assert!(out.ends_with("</html>\n") && out.contains("Connection: close\r\n"));
    }

    /// HTTP/1.0 closes after one reply unless it asks for keep-alive; HEAD has no body.
    #[test]
    fn http_1_0_closes_and_head_has_no_body() {
        let (out, served) = exchange(b"GET /sites HTTP/1.0\r\n\r\nGET /sites HTTP/1.0\r\n\r\n");
        assert_eq!(served.requests, 1, "{out}");
        let (out, _) = exchange(b"HEAD /pages/1 HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(
            out.starts_with("HTTP/1.1 200 OK\r\n") && out.ends_with("\r\n\r\n"),
            "{out}"
        );
    }

    /// Garbage gets a 400, a 1 MB header line a 431, and the connection ends there.
    #[test]
    fn bad_requests_are_answered_and_end_the_connection() {
        for garbage in [
            &b"GET /pages/1\r\n\r\n"[..],                            // no version
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", // a TLS hello
            b"GET / HTTP/1.1\r\nContent-Length: many\r\n\r\n",
        ] {
            let (out, served) = exchange(garbage);
            assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
            assert_eq!(
                served,
                Served {
                    requests: 0,
                    refused: 1
                }
            );
        }
        let mut huge = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 1 << 20));
        huge.extend(b"\r\n\r\n");
        let (out, _) = exchange(&huge);
        assert!(
            out.starts_with("HTTP/1.1 431 Request Header Fields Too Large"),
            "{out}"
        );
    }

    /// A connection closed halfway through a head is a bad request; one closed between
    /// requests is a normal end.
    #[test]
    fn a_half_request_is_refused_and_an_empty_one_is_an_end() {
        assert_eq!(exchange(b"").1, Served::default());
        let (out, served) = exchange(b"GET /pages/1 HTTP/1.1\r\nHost");
        assert_eq!(served.refused, 1, "{out}");
    }

    /// `/drop` ends the connection with no answer at all.
    #[test]
    fn drop_answers_nothing() {
        let (out, served) = exchange(b"GET /drop HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        assert_eq!((out.as_str(), served.requests), ("", 0));
    }
}
