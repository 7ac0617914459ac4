//! What the cat server answers, as one plain function: [`Site::answer`] matches a request's
//! path against the routes and says what to send back, and how long to wait first.
//!
//! Nothing here is async and nothing does I/O. The axum server of this crate answers every
//! request with it (see `routes.rs`), and so can a server of any other kind: a thread per
//! connection, a process per connection, a pool (lecture 7). Each server does its own
//! waiting (a `tokio::time::sleep`, a `thread::sleep`) and its own writing; the pages,
//! the pictures and the counters are the same for all of them.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;

use crate::{Config, Counters, ROUTES, images, pages};

/// How long `/slow` waits when no `?ms=` is given: longer than any sensible client timeout.
const SLOW_DEFAULT_MS: u64 = 10_000;

/// The cat server's content and counters: everything a server needs to answer a request.
pub struct Site {
    /// The configured delay; a request's `?delay_ms=` overrides it.
    delay: Duration,
    pages: usize,
    /// How many pictures there are.
    cat_count: usize,
    /// The encoded pictures, drawn the first time one is asked for (see [`Site::cats`]).
    cats: OnceLock<Vec<Bytes>>,
    base_url: String,
    site_list: Vec<String>,
    stats: Stats,
}

/// What to do with one request: wait `wait`, then send `reply`, or, when there is none,
/// close the connection without a word (`/drop`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// How long to wait before replying: the server's delay, `?delay_ms=`, or `/slow`'s.
    pub wait: Duration,
    /// The response; `None` for `/drop`.
    pub reply: Option<Reply>,
}

/// One HTTP response: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `200 OK`, `404 Not Found`, …
    pub status: StatusCode,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The body: shared, not copied, for a picture (`Bytes` is reference-counted).
    pub body: Bytes,
    /// Headers beyond the content type and length: `Allow` on a `405`.
    pub headers: &'static [(&'static str, &'static str)],
}

impl Reply {
    fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: &[],
        }
    }

    /// A plain-text reply.
    pub fn text(status: StatusCode, body: String) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body)
    }
}

impl Site {
    /// The site of `config`, with a site list of URLs under `base_url`
    /// (`http://127.0.0.1:PORT`). Its pictures are drawn when first asked for.
    pub fn new(config: &Config, base_url: &str) -> Site {
        Site {
            delay: config.delay,
            pages: config.pages,
            cat_count: config.cats.max(1),
            cats: OnceLock::new(),
            base_url: base_url.to_string(),
            site_list: pages::site_list(base_url, config.pages),
            stats: Stats::default(),
        }
    }

    /// The answer to `method target` (`GET /pages/1?delay_ms=5`), counted.
    pub fn answer(&self, method: &str, target: &str) -> Answer {
        self.stats.requests.fetch_add(1, Relaxed);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let Some(delay) = self.delay_of(query, "delay_ms", self.delay) else {
            return self.now(Reply::text(StatusCode::BAD_REQUEST, bad_query(query)));
        };
        if method != "GET" && method != "HEAD" {
            let only = String::from("only GET and HEAD here\n");
            let mut reply = Reply::text(StatusCode::METHOD_NOT_ALLOWED, only);
            reply.headers = &[("Allow", "GET, HEAD")];
            return Answer {
                wait: delay,
                reply: Some(reply),
            };
        }
        self.route(path, query, delay)
    }

    /// The route of `path`: what to send after `delay` (or after `/slow`'s own wait).
    // ANCHOR: routes
    fn route(&self, path: &str, query: &str, delay: Duration) -> Answer {
        let path_parts = path.trim_start_matches('/').split('/');
        let reply = match path_parts.collect::<Vec<_>>().as_slice() {
            [""] => self.index(),
            ["pages", n] => self.page(n),
            ["cats", file] => self.cat(file),
            ["sites"] => self.sites(),
            ["status", code] => self.status(code),
            ["slow"] => return self.slow(query),
            ["drop"] => return self.drop_connection(delay),
            _ => None,
        };
        let reply = reply.unwrap_or_else(|| self.not_found(path));
        Answer {
            wait: delay,
            reply: Some(reply),
        }
    }
    // ANCHOR_END: routes

    /// The configuration this site was made from (port 0, one thread): what another
    /// process needs to make the same site.
    pub fn config(&self) -> Config {
        Config {
            delay: self.delay,
            cats: self.cat_count,
            pages: self.pages,
            ..Config::default()
        }
    }

    /// The base of the site list's URLs: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The encoded pictures, ready to send: drawn on the first call (a fraction of a
    /// second of every core; kept for the process), shared after. A server that wants no
    /// request to pay
    /// for the drawing calls it before it serves.
    pub fn cats(&self) -> &[Bytes] {
        self.cats.get_or_init(|| images::cat_jpegs(self.cat_count))
    }

    /// The site list: `pages` URLs, alternating a page and its cat picture.
    pub fn site_list(&self) -> &[String] {
        &self.site_list
    }

    /// The counters, by kind of request.
    pub fn counters(&self) -> Counters {
        self.stats.snapshot()
    }

    /// Counts a request as in flight (being answered, mostly waiting) until the returned
    /// guard is dropped: a server holds it from reading a request to having replied.
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.stats.in_flight.fetch_add(1, Relaxed) + 1;
        self.stats.max_in_flight.fetch_max(now, Relaxed);
        InFlight(self)
    }

    /// A reply sent at once, without the delay.
    fn now(&self, reply: Reply) -> Answer {
        Answer {
            wait: Duration::ZERO,
            reply: Some(reply),
        }
    }

    /// `?key=N` in `query` as milliseconds, `default` without it, `None` if N is not a
    /// number.
    fn delay_of(&self, query: &str, key: &str, default: Duration) -> Option<Duration> {
        let value = query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='));
        match value {
            None => Some(default),
            Some(ms) => ms.parse().ok().map(Duration::from_millis),
        }
    }

    fn index(&self) -> Option<Reply> {
        let mut text = String::from("cat server routes:\n");
        for (route, what) in ROUTES {
            text.push_str(&format!("  {route:<20} {what}\n"));
        }
        text.push_str(&format!("{} cats, {} pages\n", self.cat_count, self.pages));
        Some(Reply::text(StatusCode::OK, text))
    }

    fn page(&self, n: &str) -> Option<Reply> {
        let n = n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=self.pages).contains(n))?;
        self.stats.pages.fetch_add(1, Relaxed);
        let html = pages::page_html(n, self.pages);
        Some(Reply::new(StatusCode::OK, "text/html; charset=utf-8", html))
    }

    fn cat(&self, file: &str) -> Option<Reply> {
        // Any number is a valid id; it picks one of the pictures, wrapping around.
        let id = file.strip_suffix(".jpg")?.parse::<usize>().ok()?;
        self.stats.cats.fetch_add(1, Relaxed);
        let jpeg = self.cats()[id % self.cat_count].clone();
        Some(Reply::new(StatusCode::OK, "image/jpeg", jpeg))
    }

    fn sites(&self) -> Option<Reply> {
        self.stats.sites.fetch_add(1, Relaxed);
        let mut text = self.site_list.join("\n");
        text.push('\n');
        Some(Reply::text(StatusCode::OK, text))
    }

    fn status(&self, code: &str) -> Option<Reply> {
        self.stats.statuses.fetch_add(1, Relaxed);
        // Informational 1xx codes are not final answers, so only 200–599 are allowed.
        let code = code.parse::<u16>().ok().filter(|c| (200..=599).contains(c));
        let Some(code) = code else {
            let why = String::from("status codes from 200 to 599 only\n");
            return Some(Reply::text(StatusCode::BAD_REQUEST, why));
        };
        let status = StatusCode::from_u16(code).expect("200..=599 are valid status codes");
        // 204, 205 and 304 answers must not have a body; the rest say what they are.
        let body = match code {
            204 | 205 | 304 => String::new(),
            _ => format!("{status}\n"),
        };
        Some(Reply::text(status, body))
    }

    fn slow(&self, query: &str) -> Answer {
        self.stats.slow.fetch_add(1, Relaxed);
        let default = Duration::from_millis(SLOW_DEFAULT_MS);
        let Some(wait) = self.delay_of(query, "ms", default) else {
            return self.now(Reply::text(StatusCode::BAD_REQUEST, bad_query(query)));
        };
        let text = format!("finally, after {} ms\n", wait.as_millis());
        Answer {
            wait,
            reply: Some(Reply::text(StatusCode::OK, text)),
        }
    }

    fn drop_connection(&self, delay: Duration) -> Answer {
        self.stats.dropped.fetch_add(1, Relaxed);
        Answer {
            wait: delay,
            reply: None,
        }
    }

    fn not_found(&self, path: &str) -> Reply {
        self.stats.not_found.fetch_add(1, Relaxed);
        Reply::text(StatusCode::NOT_FOUND, format!("no cat here: {path}\n"))
    }
}

/// The live counters: atomics, because many requests update them at once.
///
/// `Relaxed` ordering is enough: each counter is a number on its own, and no other data is
/// published through it. An increment is still never lost; only the order in which
/// *different* counters become visible to another thread is unspecified.
#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    pages: AtomicU64,
    cats: AtomicU64,
    sites: AtomicU64,
    statuses: AtomicU64,
    slow: AtomicU64,
    dropped: AtomicU64,
    not_found: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

impl Stats {
    fn snapshot(&self) -> Counters {
        Counters {
            requests: self.requests.load(Relaxed),
            pages: self.pages.load(Relaxed),
            cats: self.cats.load(Relaxed),
            sites: self.sites.load(Relaxed),
            statuses: self.statuses.load(Relaxed),
            slow: self.slow.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            not_found: self.not_found.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            max_in_flight: self.max_in_flight.load(Relaxed),
        }
    }
}

fn bad_query(query: &str) -> String {
    format!("not a number of milliseconds in `?{query}`\n")
}

/// Guard for one in-flight request; see [`Site::enter`].
pub struct InFlight<'a>(&'a Site);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.stats.in_flight.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        let config = Config {
            cats: 2,
            pages: 3,
            ..Config::delayed(Duration::from_millis(7))
        };
        Site::new(&config, "http://127.0.0.1:1")
    }

    fn status(answer: &Answer) -> u16 {
        answer
            .reply
            .as_ref()
            .map_or(0, |reply| reply.status.as_u16())
    }

    /// Each route answers what the crate's table says, after the configured delay.
    #[test]
    fn every_route_answers_as_documented() {
        let site = site();
        let page = site.answer("GET", "/pages/2");
        assert_eq!((status(&page), page.wait), (200, Duration::from_millis(7)));
        let body = &page.reply.unwrap().body;
        assert!(String::from_utf8_lossy(body).contains("<title>Cat page 2</title>"));
        assert_eq!(status(&site.answer("GET", "/pages/4")), 404);
        let cat = site.answer("GET", "/cats/3.jpg").reply.unwrap();
        assert_eq!(
            (cat.content_type, cat.body.clone()),
            ("image/jpeg", site.cats()[1].clone())
        );
        assert_eq!(status(&site.answer("GET", "/status/503")), 503);
        assert_eq!(status(&site.answer("GET", "/status/99")), 400);
        assert_eq!(status(&site.answer("GET", "/sites")), 200);
        assert_eq!(status(&site.answer("GET", "/")), 200);
        assert_eq!(status(&site.answer("GET", "/../etc/passwd")), 404);
        assert_eq!(site.answer("GET", "/drop").reply, None);
        let post = site.answer("POST", "/pages/1").reply.unwrap();
        assert_eq!(
            (post.status.as_u16(), post.headers),
            (405, &[("Allow", "GET, HEAD")][..])
        );
    }

    /// `?delay_ms=` replaces the delay, `/slow?ms=` waits its own time, a bad number is a
    /// bad request answered at once.
    #[test]
    fn waits_come_from_the_config_or_the_query() {
        let site = site();
        let ms = Duration::from_millis;
        assert_eq!(site.answer("GET", "/pages/1?delay_ms=0").wait, ms(0));
        assert_eq!(site.answer("GET", "/sites?x=1&delay_ms=30").wait, ms(30));
        assert_eq!(site.answer("GET", "/slow?ms=250").wait, ms(250));
        assert_eq!(site.answer("GET", "/slow").wait, ms(SLOW_DEFAULT_MS));
        let bad = site.answer("GET", "/pages/1?delay_ms=soon");
        assert_eq!((status(&bad), bad.wait), (400, ms(0)));
    }

    /// The counters count each kind, and in-flight requests while their guard lives.
    #[test]
    fn counters_count_each_kind() {
        let site = site();
        for target in ["/pages/1", "/pages/9", "/cats/1.jpg", "/drop", "/slow?ms=1"] {
            site.answer("GET", target);
        }
        let guard = site.enter();
        let counters = site.counters();
        assert_eq!(
            (counters.requests, counters.pages, counters.cats),
            (5, 1, 1)
        );
        assert_eq!(
            (counters.not_found, counters.dropped, counters.slow),
            (1, 1, 1)
        );
        assert_eq!((counters.in_flight, counters.max_in_flight), (1, 1));
        drop(guard);
        assert_eq!(site.counters().in_flight, 0);
    }
}
