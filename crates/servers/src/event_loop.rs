//! An event loop per process: the cat server itself (axum on hyper, on tokio), which
//! serves every connection from one runtime, as an nginx worker serves thousands from
//! one `epoll` loop. With one thread it is nginx's model exactly; with more, tokio's
//! multi-thread runtime spreads the connections' tasks over its workers.
//!
//! A connection that waits (a slow client, a delayed reply) parks its task, not a thread:
//! a stalled client costs the server a few hundred bytes of task state, and nobody else
//! waits for it.

use std::io;

use cat_server::{CatServer, Config};

/// Starts the cat server's event loop on 127.0.0.1 at `config.port` (0: any free port),
/// on a runtime of `threads` threads (1: `current_thread`).
// ANCHOR: event_loop
pub fn start(threads: usize, config: Config) -> io::Result<CatServer> {
    CatServer::start(Config { threads, ..config })
}
// ANCHOR_END: event_loop

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{self, Client};
    use std::time::Duration;

    const DEADLINE: Duration = Duration::from_secs(10);

    /// 100 keep-alive connections at once, 10 requests each, on one thread and on two:
    /// every reply is the right page.
    #[test]
    fn one_loop_answers_every_request() {
        for threads in [1, 2] {
            let server = start(threads, Config::default()).unwrap();
            client::load_pages(server.addr(), 100, 10, 160, DEADLINE).unwrap();
            assert_eq!(server.counters().pages, 1000);
        }
    }

    /// A client stalled halfway through its request stops nobody on one thread.
    #[test]
    fn a_stalled_client_does_not_stop_the_loop() {
        let server = start(1, Config::default()).unwrap();
        let mut stalled = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        stalled.send(b"GET /pages/1 HT").unwrap();
        let mut other = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        assert_eq!(other.get("/pages/2").unwrap().0, 200);
    }

    /// A request line without a version and a 1 MB header line each get a 4xx or a
    /// closed connection, and the loop goes on serving.
    #[test]
    fn garbage_is_refused_and_serving_goes_on() {
        let server = start(1, Config::default()).unwrap();
        let mut huge = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 1 << 20));
        huge.extend(b"\r\n\r\n");
        for garbage in [b"GET /pages/1\r\n\r\n".to_vec(), huge] {
            let mut rude = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
            // The server may close before reading it all: a failed send is a refusal too.
            let refused = match rude.send(&garbage).and_then(|()| rude.reply()) {
                Ok((status, _)) => (400..500).contains(&status),
                Err(error) => error.kind() != io::ErrorKind::WouldBlock,
            };
            assert!(refused, "garbage was answered as a request");
        }
        let mut polite = Client::connect(server.addr(), Some(DEADLINE)).unwrap();
        assert_eq!(polite.get("/pages/1").unwrap().0, 200);
    }
}
