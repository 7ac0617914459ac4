//! Listening on 127.0.0.1 with room for a burst of connections.
//!
//! A listening socket's backlog is the queue of connections the kernel has completed and
//! the server has not accepted yet. When it is full, the kernel drops the next client's
//! first packet, and that client tries again only a second later. Rust's standard library
//! listens with a backlog of 128: a load that opens connections faster than the server
//! accepts them (a thread or a process to start for each) fills it at once. nginx asks
//! for 511; every server of the course asks for [`BACKLOG`], the most Linux gives by
//! default (`net.core.somaxconn`).

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::os::fd::AsRawFd;

/// The backlog every server of the course listens with.
pub const BACKLOG: i32 = 4096;

/// A listener on 127.0.0.1 at `port` (0: any free port), with a backlog of [`BACKLOG`].
pub fn listen_on_loopback(port: u16) -> io::Result<TcpListener> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    // On a socket that already listens, listen(2) sets a new backlog.
    // Safety: listen only reads its two integer arguments; the descriptor is open (the
    // listener owns it) for the whole call.
    if unsafe { libc::listen(listener.as_raw_fd(), BACKLOG) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    /// 500 connections, none accepted yet, all complete: more than std's 128 fit.
    #[test]
    fn the_backlog_holds_more_than_128_connections() {
        let listener = listen_on_loopback(0).unwrap();
        let addr = listener.local_addr().unwrap();
        let timeout = std::time::Duration::from_secs(5);
        let held: Vec<TcpStream> = (0..500)
            .map(|_| TcpStream::connect_timeout(&addr, timeout).unwrap())
            .collect();
        assert_eq!(held.len(), 500);
    }
}
