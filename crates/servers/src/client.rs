//! A keep-alive HTTP/1.1 client of a few lines, for the tests and the programs' checks:
//! one connection, one request after another, each reply read to its `Content-Length`.
//! (`reqwest` would do, but hides the connection this lecture is about.)

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// One open connection to a server.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    /// Connects to `addr`; every read and write waits at most `timeout` (`None`: for
    /// ever).
    pub fn connect(addr: SocketAddr, timeout: Option<Duration>) -> io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(timeout)?;
        stream.set_write_timeout(timeout)?;
        stream.set_nodelay(true)?;
        Ok(Client {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    /// How long a read may wait from now on (`None`: for ever). The reader and the writer
    /// are two handles of one socket: setting it on one sets it for both.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.writer.set_read_timeout(timeout)
    }

    /// Sends raw bytes: half a request, garbage.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// `GET path`, keeping the connection open; the status and the body.
    pub fn get(&mut self, path: &str) -> io::Result<(u16, Vec<u8>)> {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: course\r\n\r\n").as_bytes())?;
        self.reply()
    }

    /// `GET /pages/{n}`: an error unless the reply is that page (`200`, and its title).
    pub fn get_page(&mut self, n: usize) -> io::Result<()> {
        let (status, body) = self.get(&format!("/pages/{n}"))?;
        let title = format!("<title>Cat page {n}</title>");
        match status == 200 && String::from_utf8_lossy(&body).contains(&title) {
            true => Ok(()),
            false => Err(io::Error::other(format!(
                "/pages/{n}: {status}, not the page"
            ))),
        }
    }

    /// Reads one reply: its status and its body. An error when the server closed the
    /// connection instead of answering.
    pub fn reply(&mut self) -> io::Result<(u16, Vec<u8>)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed, no reply",
            ));
        }
        let status = line.split(' ').nth(1).and_then(|code| code.parse().ok());
        let status = status.ok_or_else(|| io::Error::other(format!("not HTTP: {line:?}")))?;
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                let eof = io::ErrorKind::UnexpectedEof;
                return Err(io::Error::new(eof, "closed in the middle of a reply"));
            }
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().map_err(io::Error::other)?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// What a load of many connections saw.
#[derive(Debug, Default)]
pub struct Load {
    /// Requests answered with the right page.
    pub answered: usize,
    /// For each connection that got a reply at all, how long after all were open its
    /// first reply came: a connection that waits for a worker waits here.
    pub first_replies: Vec<Duration>,
    /// The first error seen, if any: a wrong page, a refused connection, a timeout.
    pub error: Option<io::Error>,
}

/// `connections` keep-alive connections to `addr` at once, each asking for `requests`
/// pages one after another (of pages `1..=pages`, each connection starting at its own),
/// every read waiting at most `timeout`. Every connection is opened before the first
/// request is sent. With `hold`, none is closed before the last reply has come (all of
/// them are open at once, for as long as the load lasts, as a browser keeps its
/// connections), and `hold` runs then, before any closes; without, each connection
/// closes when its own last reply has come.
pub fn load(
    addr: SocketAddr,
    connections: usize,
    requests: usize,
    pages: usize,
    timeout: Duration,
    hold: Option<&(dyn Fn() + Sync)>,
) -> Load {
    let (all_open, all_done) = (Barrier::new(connections), Barrier::new(connections));
    let closing = Barrier::new(connections);
    let start = OnceLock::new();
    let answered = AtomicUsize::new(0);
    let one_connection = |connection: usize| -> (Option<Duration>, io::Result<()>) {
        let mut client = Client::connect(addr, Some(timeout));
        all_open.wait();
        let start = *start.get_or_init(Instant::now);
        let mut first = None;
        let page = |i| (connection + i) % pages + 1;
        let served = match &mut client {
            Ok(client) => (0..requests).try_for_each(|i| {
                client.get_page(page(i))?;
                first.get_or_insert_with(|| start.elapsed());
                answered.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }),
            Err(error) => Err(io::Error::new(error.kind(), error.to_string())),
        };
        if let Some(hold) = hold {
            if all_done.wait().is_leader() {
                hold();
            }
            closing.wait();
        }
        drop(client);
        (first, served)
    };
    let ends: Vec<_> = thread::scope(|s| {
        let clients: Vec<_> = (0..connections)
            .map(|connection| s.spawn(move || one_connection(connection)))
            .collect();
        let joined = clients.into_iter().map(|c| c.join());
        joined.map(|end| end.expect("a client panicked")).collect()
    });
    let mut load = Load {
        answered: answered.into_inner(),
        ..Load::default()
    };
    for (first, served) in ends {
        load.first_replies.extend(first);
        load.error = load.error.or(served.err());
    }
    load.first_replies.sort();
    load
}

/// [`load`], as a check: an error, the first one seen, unless every reply is the right
/// page.
pub fn load_pages(
    addr: SocketAddr,
    connections: usize,
    requests: usize,
    pages: usize,
    timeout: Duration,
) -> io::Result<()> {
    match load(addr, connections, requests, pages, timeout, None).error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}
