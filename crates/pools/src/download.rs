//! The four ways `download` fetches a list of sites, as in the Real Python notes on
//! speeding up a program with concurrency: one after the other, in a pool of threads (each
//! with its own HTTP client, or all sharing one), and in a pool of worker processes.
//!
//! Each returns one [`Outcome`] per site, in the order of the list: the size of what was
//! read, or why nothing was.

use std::collections::HashSet;
use std::error::Error;
use std::io;
use std::time::Duration;

use cat_server::{CatServer, Config};
use common::compare::Run;
use common::process::ProcessError;
use pipes::pool::{self, ProcessPool};

use crate::net::{self, FetchError};
use crate::thread_pool::ThreadPool;

/// What one download gives: the size of the body in bytes, or why there is none. A
/// `String` rather than a [`FetchError`] because process-pool workers send it back through
/// a pipe, and plain text is all the parent needs.
pub type Outcome = Result<usize, String>;

/// The role in which the program is started again as a process-pool worker.
pub const WORKER: &str = "download-worker";

/// Downloads one site with this thread's client and returns the size of what it read.
// ANCHOR: download_site
pub fn download_site(url: &str, verbose: bool) -> Outcome {
    size_of(url, net::fetch(url), verbose)
}
// ANCHOR_END: download_site

/// The size of a downloaded body; with `verbose`, also Python's `Read N from URL`.
fn size_of(url: &str, body: Result<Vec<u8>, FetchError>, verbose: bool) -> Outcome {
    let size = body.map_err(|e| format!("{url}: {e}"))?.len();
    if verbose {
        // `println!` locks stdout for the whole line, so lines printed by different
        // threads never mix (Python needs a `print_lock` for that).
        println!("Read {size} from {url}");
    }
    Ok(size)
}

/// The first version: one download after the other, on this thread.
pub fn sequential(sites: &[String], verbose: bool) -> Vec<Outcome> {
    sites
        .iter()
        .map(|url| download_site(url, verbose))
        .collect()
}

/// Python's `ThreadPoolExecutor(max_workers=workers)` and `executor.map`.
pub fn threads(sites: &[String], workers: usize, verbose: bool) -> Vec<Outcome> {
    // ANCHOR: threads
    let pool = ThreadPool::new(workers);
    // Each worker thread builds its own client on its first download
    // (`net::fetch` keeps it in a `thread_local!`) and reuses it, with
    // its open connection, for the rest.
    let outcomes = pool
        .map(
            move |url: String| download_site(&url, verbose),
            sites.to_vec(),
        )
        .map(|result| result.unwrap_or_else(|p| Err(p.to_string())))
        .collect();
    // Returning drops the pool, like the end of Python's `with` block:
    // the workers are joined, and their clients closed, before the time
    // is taken.
    outcomes
    // ANCHOR_END: threads
}

/// The same pool, every worker using one client. A reqwest `Client` is `Send + Sync`, so
/// one client can serve every thread at once and Rust needs no `thread_local!` here: the
/// threads share its pool of connections and its one background I/O thread.
pub fn threads_shared(sites: &[String], workers: usize, verbose: bool) -> Vec<Outcome> {
    // ANCHOR: shared
    let client = net::new_client();
    let pool = ThreadPool::new(workers);
    let job = move |url: String| {
        let body = net::fetch_with(&client, &url, net::REQUEST_TIMEOUT);
        size_of(&url, body, verbose)
    };
    pool.map(job, sites.to_vec())
        .map(|result| result.unwrap_or_else(|p| Err(p.to_string())))
        .collect()
    // ANCHOR_END: shared
}

/// Python's `multiprocessing.Pool()` and `pool.map`. Returns the outcomes and how many
/// worker processes downloaded something (each built one client).
pub fn processes(
    sites: &[String],
    workers: usize,
    verbose: bool,
) -> Result<(Vec<Outcome>, usize), ProcessError> {
    // ANCHOR: processes
    // Starting the processes is part of the time, as in Python, where
    // the pool is created inside `download_all_sites`.
    let mut pool = ProcessPool::<String, Outcome>::start(WORKER, workers)?;
    let mut outcomes = vec![Err("not downloaded".to_string()); sites.len()];
    let mut busy_workers = HashSet::new();
    for result in pool.run(sites.iter().cloned()) {
        let outcome = result.outcome.unwrap_or_else(|e| Err(e.to_string()));
        if let Some(worker) = result.worker {
            if verbose && let Ok(size) = &outcome {
                let url = &sites[result.job];
                println!("{worker}: Read {size} from {url}");
            }
            busy_workers.insert(worker.index);
        }
        outcomes[result.job] = outcome;
    }
    pool.shutdown();
    Ok((outcomes, busy_workers.len()))
    // ANCHOR_END: processes
}

/// A worker process's whole program: download each URL the parent sends, answer its size.
/// Python gives every process one `requests.Session` with `initializer=`; here the
/// `thread_local!` client does it: the worker's only thread builds it on its first job and
/// keeps it for the next ones.
// ANCHOR: serve
pub fn serve() -> Result<(), ProcessError> {
    pool::serve(|url: String| download_site(&url, false))
}
// ANCHOR_END: serve

/// The ideal time with `workers` downloading at once: the sites go out in rounds of
/// `workers`, each round lasting one latency. 160 sites on 30 workers is 6 rounds (the
/// last one only 10 sites), not 5.33.
pub fn expected_seconds(sites: usize, workers: usize, latency: f64) -> f64 {
    let seconds = sites.div_ceil(workers) as f64 * latency;
    (seconds * 1e3).round() / 1e3
}

/// What every variant must read, for the comparison to check: each site's size, and the
/// requests our server received meanwhile (each site once; 0 when the sites are not ours).
pub type Answer = (Vec<usize>, u64);

/// The sites to download: the list of a cat server started here, or the URLs given.
pub struct Sites {
    /// Kept alive until the end; dropping it stops the server.
    server: Option<CatServer>,
    /// The URLs, in the order every variant downloads them.
    pub urls: Vec<String>,
    /// The server's delay before every answer: the latency `expected_s` assumes.
    delay: Duration,
}

impl Sites {
    /// `count` URLs: `given` again and again, or else the site list of a new cat server
    /// (pages and cat pictures, taking turns) that waits `delay` before every answer.
    pub fn new(given: &[String], count: usize, delay: Duration) -> io::Result<Sites> {
        let (server, urls) = if given.is_empty() {
            let server = CatServer::start(Config {
                delay,
                pages: count,
                ..Config::default()
            })?;
            let urls = server.site_list();
            (Some(server), urls)
        } else {
            (None, given.iter().cycle().take(count).cloned().collect())
        };
        Ok(Sites {
            server,
            urls,
            delay,
        })
    }

    /// `Downloading 80 sites from the cat server at http://127.0.0.1:PORT/ (50 ms per request)`.
    pub fn title(&self) -> String {
        let from = match &self.server {
            Some(server) => format!(
                "the cat server at {} ({} ms per request)",
                server.url("/"),
                self.delay.as_millis()
            ),
            None => "the URLs given".to_string(),
        };
        format!("Downloading {} sites from {from}", self.urls.len())
    }

    /// Whether two variants read the same: the same bytes from our server, which sends
    /// the same every time; the same number of sites from real websites, whose pages
    /// change between two requests.
    pub fn agree(&self, a: &Answer, b: &Answer) -> bool {
        a == b || (self.server.is_none() && a.0.len() == b.0.len())
    }

    /// Runs a variant that downloads in this process, counting the HTTP clients it built.
    pub fn here(&self, workers: usize, download: impl FnOnce() -> Vec<Outcome>) -> Checked {
        let before = net::clients_built();
        self.checked(workers, || {
            let outcomes = download();
            Ok((outcomes, net::clients_built() - before))
        })
    }

    /// Runs a variant whose `download` gives the outcomes and the clients it built, and
    /// makes its run for the comparison: the answer, `clients` and (on our server, whose
    /// latency is known) `expected_s`. A site that failed fails the variant.
    pub fn checked(
        &self,
        workers: usize,
        download: impl FnOnce() -> Result<(Vec<Outcome>, usize), ProcessError>,
    ) -> Checked {
        let requests = || self.server.as_ref().map_or(0, CatServer::requests);
        let before = requests();
        let (outcomes, clients) = download()?;
        let sizes = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
        let run = Run::new((sizes, requests() - before)).extra("clients", clients);
        Ok(match self.server {
            Some(_) => run.extra(
                "expected_s",
                expected_seconds(self.urls.len(), workers, self.delay.as_secs_f64()),
            ),
            None => run,
        })
    }
}

/// A variant's run as the comparison takes it.
pub type Checked = Result<Run<Answer>, Box<dyn Error>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_time_counts_whole_rounds() {
        assert_eq!(expected_seconds(160, 30, 0.05), 0.3);
        assert_eq!(expected_seconds(160, 1, 0.05), 8.0);
        assert_eq!(expected_seconds(24, 5, 0.02), 0.1);
    }
}
