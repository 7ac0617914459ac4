//! Lecture 7: a process, a thread, a pool or an event loop per connection.
//!
//! The Python notes compare Apache, which gives each connection a process of its own,
//! with nginx, whose one process serves many connections from an event loop. This crate
//! serves the cat server's pages ([`cat_server::Site`]) every one of those ways:
//!
//! - [`http`]: HTTP/1.1 read and written by hand (with `httparse`), on any reader and
//!   writer, keep-alive, and a `400` for what is not HTTP;
//! - [`models`]: a process per connection (the socket handed to a child, as `inetd`
//!   does), a thread per connection, and a fixed pool of threads (the `pools` lecture's
//!   `ThreadPool`), behind one accept loop that stops cleanly;
//! - [`event_loop`]: the cat server's own tokio event loop, on one thread (an nginx
//!   worker) or on the multi-thread runtime;
//! - [`client`]: a keep-alive client of a few lines, for the checks and the load;
//! - [`program`]: what the four server programs share: flags, the load, the footprint;
//! - [`bench`]: the measurement: each server, and a real nginx and Apache, under `wrk`
//!   or holding idle connections.

pub mod bench;
pub mod client;
pub mod event_loop;
pub mod http;
pub mod models;
pub mod program;
