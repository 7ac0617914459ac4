//! Concurrent downloads on one thread: the Python slides' aiohttp workers on a queue, the
//! tech talk's `asyncio.gather` of every cat, and the two ways to put a limit on "all at
//! once" (`buffer_unordered` and a `Semaphore`).
//!
//! Every way here runs on the thread that awaits it: the downloads are futures polled
//! together, not threads. While one waits for its answer the others send theirs, so the
//! waits overlap and the total time falls, while the *process time* (the sum of every
//! request's own time, the Python slides' first figure) stays what the latency makes it.
//!
//! A way is generic over the function that gets one URL (an async closure, see
//! [`Downloader::new`]): [`fetch`] with a reqwest client in the programs, a pretend server
//! that only sleeps in the tests, where tokio's paused clock makes every time exact.
//!
//! ```
//! use coroutines::download::{self, Downloader};
//! use std::time::Duration;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build()
//! # .unwrap().block_on(async {
//! // A pretend server: 100 ms for every URL, which answers with its own length.
//! let get = async |url: &str| {
//!     tokio::time::sleep(Duration::from_millis(100)).await;
//!     Ok(url.len())
//! };
//! let urls: Vec<String> = (1..=20).map(|cat| format!("/cats/{cat}.jpg")).collect();
//! let downloader = Downloader::new(get);
//! let started = tokio::time::Instant::now();
//! let fetched = download::buffered(&downloader, &urls, 5).await;
//! let tally = download::tally(urls.len(), fetched)?;
//! // 20 URLs, 5 at a time: 4 rounds of 100 ms, and 20 × 100 ms of process time.
//! assert_eq!(started.elapsed(), Duration::from_millis(400));
//! assert_eq!(tally.process_time, Duration::from_secs(2));
//! assert_eq!(downloader.most_at_once(), 5);
//! # Ok::<(), String>(()) }).unwrap();
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::error::Error;
use std::io;
use std::time::Duration;

use cat_server::{CatServer, Config};
use common::compare::Run;
use futures::future::join_all;
use futures::stream::{self, StreamExt};
use reqwest::Client;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::time::Instant;

// The course's limits for every HTTP client, and its `--url` check: lecture 3's, whose
// blocking clients wait just as long before they give up.
pub use pools::net::{CONNECT_TIMEOUT, REQUEST_TIMEOUT, parse_url};

/// How many URLs the transcript puts on its queue: the Python slides queue 10.
pub const TRANSCRIPT_URLS: usize = 10;

/// One URL downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Its place in the list of URLs.
    pub index: usize,
    /// The size of the body.
    pub bytes: usize,
    /// How long this request took, from sending it to the last byte of the answer.
    pub took: Duration,
}

/// A download, or why a URL gave nothing (`URL: reason`).
pub type Fetched = Result<Download, String>;

/// Downloads one URL at a time with `get`, timing each request and counting how many are
/// in flight at once. Everything here runs on one thread, so plain [`Cell`]s are enough:
/// no other thread can touch them (and the compiler would refuse to share them with one).
pub struct Downloader<G> {
    /// Gets one URL and answers the size of its body.
    get: G,
    /// Requests sent and not yet answered.
    in_flight: Cell<usize>,
    /// The most requests that were ever in flight at once.
    most_at_once: Cell<usize>,
}

impl<G: AsyncFn(&str) -> Result<usize, String>> Downloader<G> {
    /// A downloader that gets each URL with `get`, an async closure such as
    /// `async |url: &str| download::fetch(&client, url).await`.
    pub fn new(get: G) -> Downloader<G> {
        Downloader {
            get,
            in_flight: Cell::new(0),
            most_at_once: Cell::new(0),
        }
    }

    /// Downloads the URL at `index` of the list, `url`, and times it.
    pub async fn download(&self, index: usize, url: &str) -> Fetched {
        let now = self.in_flight.get() + 1;
        self.in_flight.set(now);
        self.most_at_once.set(self.most_at_once.get().max(now));
        let started = Instant::now();
        let bytes = (self.get)(url).await;
        let took = started.elapsed();
        self.in_flight.set(self.in_flight.get() - 1);
        let bytes = bytes.map_err(|why| format!("{url}: {why}"))?;
        Ok(Download { index, bytes, took })
    }

    /// The most downloads that were in flight at once: how concurrent a way really was.
    pub fn most_at_once(&self) -> usize {
        self.most_at_once.get()
    }
}

/// One after the other: each download starts when the one before it has ended.
pub async fn sequential<G>(downloader: &Downloader<G>, urls: &[String]) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // ANCHOR: sequential
    let mut fetched = Vec::new();
    for (index, url) in urls.iter().enumerate() {
        fetched.push(downloader.download(index, url).await);
    }
    // ANCHOR_END: sequential
    fetched
}

/// The queue of `(index, URL)` jobs the workers share.
type Queue<'a> = RefCell<VecDeque<(usize, &'a str)>>;

/// The Python slides' way: the URLs on a queue, `workers` coroutines each taking the next
/// URL until the queue is empty. With `verbose`, each prints the slides' lines.
pub async fn workers_on_a_queue<G>(
    downloader: &Downloader<G>,
    urls: &[String],
    workers: usize,
    verbose: bool,
) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // ANCHOR: queue
    // asyncio.Queue is a queue for one thread; so is this one.
    let jobs = urls.iter().map(String::as_str).enumerate();
    let queue: Queue = RefCell::new(jobs.collect());
    let work = |name| worker(name, &queue, downloader, verbose);
    // Futures: nothing runs until join_all polls them (asyncio.gather).
    let fetched = join_all((1..=workers).map(work)).await;
    // ANCHOR_END: queue
    fetched.into_iter().flatten().collect()
}

/// One worker: takes the next URL, downloads it, and again, until the queue is empty.
async fn worker<G>(
    name: usize,
    queue: &Queue<'_>,
    downloader: &Downloader<G>,
    verbose: bool,
) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // Prints the Python slides' line, when asked to.
    let say = |what: String| {
        if verbose {
            println!("Task named {name} {what}");
        }
    };
    // ANCHOR: worker
    let mut fetched = Vec::new();
    while let Some((index, url)) = take(queue) {
        say(format!("getting URL: {url}"));
        let download = downloader.download(index, url).await;
        if let Ok(got) = &download {
            let (bytes, secs) = (got.bytes, got.took.as_secs_f64());
            say(format!("downloaded {bytes} bytes in {secs:.3} seconds"));
        }
        fetched.push(download);
    }
    say("finished".to_string());
    fetched
    // ANCHOR_END: worker
}

/// The next job on the queue. A function of its own so that the borrow of the queue ends
/// here: in `while let Some(job) = queue.borrow_mut().pop_front()` it would last for the
/// whole body of the loop, across its `.await`, and the next worker's `borrow_mut` would
/// panic.
fn take<'a>(queue: &Queue<'a>) -> Option<(usize, &'a str)> {
    queue.borrow_mut().pop_front()
}

/// The tech talk's `asyncio.gather(*[download_cat(n) for n in ...])`: every download
/// started at once, with no limit at all.
pub async fn all_at_once<G>(downloader: &Downloader<G>, urls: &[String]) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // ANCHOR: join_all
    let downloads = urls.iter().enumerate();
    let downloads = downloads.map(|(i, url)| downloader.download(i, url));
    join_all(downloads).await
    // ANCHOR_END: join_all
}

/// At most `limit` downloads at once: a stream of downloads, `limit` of them polled at a
/// time, each answer taken as it comes (in finishing order, hence *unordered*).
pub async fn buffered<G>(downloader: &Downloader<G>, urls: &[String], limit: usize) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // ANCHOR: buffer_unordered
    stream::iter(urls.iter().enumerate())
        .map(|(index, url)| downloader.download(index, url))
        .buffer_unordered(limit)
        .collect()
        .await
    // ANCHOR_END: buffer_unordered
}

/// At most `limit` downloads at once, the other way: every download is started, and each
/// first waits for one of `limit` permits. A `Semaphore` is the primitive the Real Python
/// notes say Python's pools are built on; here it limits futures instead of processes.
pub async fn semaphore<G>(downloader: &Downloader<G>, urls: &[String], limit: usize) -> Vec<Fetched>
where
    G: AsyncFn(&str) -> Result<usize, String>,
{
    // ANCHOR: semaphore
    let permits = &Semaphore::new(limit);
    let downloads = urls.iter().enumerate().map(|(index, url)| async move {
        // Waits here while `limit` others hold a permit; the permit is
        // given back when `_permit` is dropped, after the download.
        let _permit = permits.acquire().await.expect("never closed");
        downloader.download(index, url).await
    });
    join_all(downloads).await
    // ANCHOR_END: semaphore
}

/// The ways of downloading a list of URLs, as the comparison names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// [`sequential`]: one at a time.
    Sequential,
    /// [`workers_on_a_queue`] with this many workers.
    Queue(usize),
    /// [`all_at_once`]: `join_all`, no limit.
    JoinAll,
    /// [`buffered`]: `buffer_unordered` with this limit.
    Buffered(usize),
    /// [`semaphore`]: a `Semaphore` with this many permits.
    Semaphore(usize),
}

impl Way {
    /// The name in the comparison's table.
    pub fn name(self) -> &'static str {
        match self {
            Way::Sequential => "sequential",
            Way::Queue(_) => "workers on a queue",
            Way::JoinAll => "join_all",
            Way::Buffered(_) => "buffer_unordered",
            Way::Semaphore(_) => "Semaphore",
        }
    }

    /// How many of `count` downloads this way lets run at once.
    pub fn at_once(self, count: usize) -> usize {
        match self {
            Way::Sequential => 1,
            Way::JoinAll => count,
            Way::Queue(k) | Way::Buffered(k) | Way::Semaphore(k) => k.min(count),
        }
    }

    /// Downloads `urls` this way (`verbose`: the workers print the Python slides' lines).
    pub async fn download<G>(
        self,
        downloader: &Downloader<G>,
        urls: &[String],
        verbose: bool,
    ) -> Vec<Fetched>
    where
        G: AsyncFn(&str) -> Result<usize, String>,
    {
        match self {
            Way::Sequential => sequential(downloader, urls).await,
            Way::Queue(workers) => workers_on_a_queue(downloader, urls, workers, verbose).await,
            Way::JoinAll => all_at_once(downloader, urls).await,
            Way::Buffered(limit) => buffered(downloader, urls, limit).await,
            Way::Semaphore(limit) => semaphore(downloader, urls, limit).await,
        }
    }
}

/// What a way downloaded, checked: the size of every URL, in the order of the list, and
/// the process time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The size of each URL's body, index for index.
    pub sizes: Vec<usize>,
    /// The sum of every request's own time: the Python slides' "process time".
    pub process_time: Duration,
}

/// Checks that `fetched` holds every one of `count` URLs exactly once, and none failed.
/// The first failure, or a URL downloaded twice or never, is the error.
pub fn tally(count: usize, fetched: Vec<Fetched>) -> Result<Tally, String> {
    let mut sizes = vec![None; count];
    let mut process_time = Duration::ZERO;
    for download in fetched {
        let download = download?;
        let slot = sizes
            .get_mut(download.index)
            .ok_or_else(|| format!("URL {} is not on the list", download.index))?;
        if slot.replace(download.bytes).is_some() {
            return Err(format!("URL {} was downloaded twice", download.index));
        }
        process_time += download.took;
    }
    let sizes = sizes
        .into_iter()
        .enumerate()
        .map(|(index, size)| size.ok_or_else(|| format!("URL {index} was never downloaded")))
        .collect::<Result<_, _>>()?;
    Ok(Tally {
        sizes,
        process_time,
    })
}

/// The ideal time of `count` downloads, `at_once` at a time, each one latency long: they
/// go out in rounds of `at_once`. 100 URLs on 3 workers is 34 rounds, not 33.3.
pub fn expected_time(count: usize, at_once: usize, latency: Duration) -> Duration {
    let rounds = count.div_ceil(at_once.max(1));
    latency * u32::try_from(rounds).unwrap_or(u32::MAX)
}

/// What every way must read, for the comparison to check: each URL's size, in the order of
/// the list, and the requests our server received meanwhile (each URL once; 0 when the
/// URLs are not ours).
pub type Answer = (Vec<usize>, u64);

/// The URLs to download: those of a cat server started here, or those given.
pub struct Sites {
    /// Kept alive until the end; dropping it stops the server.
    server: Option<CatServer>,
    /// Every URL to download, in order: each site `each` times in a row.
    pub urls: Vec<String>,
    /// The different sites, each once.
    pub sites: Vec<String>,
    /// How many times each site is on the list.
    each: usize,
    /// The server's delay before every answer: the latency of `expected_s`.
    delay: Duration,
}

impl Sites {
    /// The `given` URLs, or else `cats` cat pictures of a new cat server that waits `delay`
    /// before every answer; either way each of them `each` times in a row (the tech talk's
    /// `download_cat(cat_id, n=5)`).
    pub fn new(given: &[String], cats: usize, each: usize, delay: Duration) -> io::Result<Sites> {
        let server = CatServer::start_if(given.is_empty(), Config::delayed(delay))?;
        let sites = match &server {
            Some(server) => (1..=cats)
                .map(|cat| server.url(&format!("/cats/{cat}.jpg")))
                .collect(),
            None => given.to_vec(),
        };
        let urls = sites
            .iter()
            .flat_map(|site| std::iter::repeat_n(site.clone(), each))
            .collect();
        Ok(Sites {
            server,
            urls,
            sites,
            each,
            delay,
        })
    }

    /// `Downloading 100 URLs (20 cats × 5) from the cat server at http://127.0.0.1:PORT/
    /// (50 ms per request)`.
    pub fn title(&self) -> String {
        let (count, sites, each) = (self.urls.len(), self.sites.len(), self.each);
        match &self.server {
            Some(server) => format!(
                "Downloading {count} URLs ({sites} cats × {each}) from the cat server at {} \
                 ({} ms per request)",
                server.url("/"),
                self.delay.as_millis()
            ),
            None => format!("Downloading {count} URLs ({sites} given × {each})"),
        }
    }

    /// Whether two ways read the same: the same bytes from our server, which sends the same
    /// every time; as many URLs from real websites, whose pages change between requests.
    pub fn agree(&self, a: &Answer, b: &Answer) -> bool {
        a == b || (self.server.is_none() && a.0.len() == b.0.len())
    }

    /// Downloads `urls` on `runtime`, `way`, with a new client, and checks that every URL
    /// was read once. Gives the tally and the most downloads that were in flight at once.
    pub fn download(
        &self,
        runtime: &Runtime,
        way: Way,
        urls: &[String],
        verbose: bool,
    ) -> Result<(Tally, usize), String> {
        let client = new_client();
        let downloader = Downloader::new(async |url: &str| fetch(&client, url).await);
        let fetched = runtime.block_on(way.download(&downloader, urls, verbose));
        Ok((tally(urls.len(), fetched)?, downloader.most_at_once()))
    }

    /// One run of `way` over the whole list, as the comparison takes it: the answer, and
    /// the columns `process_s`, `at_once` and (on our server, whose latency is known)
    /// `expected_s`.
    pub fn run(&self, runtime: &Runtime, way: Way) -> Result<Run<Answer>, Box<dyn Error>> {
        let requests = || self.server.as_ref().map_or(0, CatServer::requests);
        let before = requests();
        let (tally, at_once) = self.download(runtime, way, &self.urls, false)?;
        let answer = (tally.sizes, requests() - before);
        let run = Run::new(answer)
            .seconds("process_s", tally.process_time)
            .extra("at_once", at_once);
        Ok(match self.server {
            Some(_) => {
                let count = self.urls.len();
                let ideal = expected_time(count, way.at_once(count), self.delay);
                run.seconds("expected_s", ideal)
            }
            None => run,
        })
    }
}

/// An async HTTP client with the course's timeouts, and no proxy: the lessons talk to
/// their own server on 127.0.0.1, and a proxy from the environment (`HTTP_PROXY`) must not
/// sit in between and change the timings.
pub fn new_client() -> Client {
    Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .no_proxy()
        .build()
        // Building fails only if the TLS backend cannot start, which no retry would fix.
        .expect("the HTTP client could not be built")
}

/// Downloads `url` with `client` and answers the size of the body. A status other than
/// 2xx is an error, as with aiohttp's `raise_for_status()`.
// ANCHOR: fetch
pub async fn fetch(client: &Client, url: &str) -> Result<usize, String> {
    let response = client.get(url).send().await.map_err(describe)?;
    let response = response.error_for_status().map_err(describe)?;
    let body = response.bytes().await.map_err(describe)?;
    Ok(body.len())
}
// ANCHOR_END: fetch

/// What went wrong, without the URL (the caller names it) and with the causes that say
/// why: `error sending request: client error (Connect): tcp connect error: Connection
/// refused (os error 111)`.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text = format!("{text}: {inner}");
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pretend server: every URL takes `LATENCY` and answers with the length of its URL.
    const LATENCY: Duration = Duration::from_millis(100);

    async fn pretend(url: &str) -> Result<usize, String> {
        tokio::time::sleep(LATENCY).await;
        match url {
            "missing" => Err("404 Not Found".to_string()),
            _ => Ok(url.len()),
        }
    }

    /// 20 cats × 5 downloads, as in the tech talk.
    fn cats() -> Vec<String> {
        (1..=20)
            .flat_map(|cat| std::iter::repeat_n(format!("/cats/{cat}.jpg"), 5))
            .collect()
    }

    /// Runs a way on the pretend server under tokio's paused clock, checks that it read
    /// every URL once, and gives its process time, the virtual time it took, and the most
    /// downloads it had in flight at once.
    macro_rules! run_way {
        (|$downloader:ident, $urls:ident| $call:expr) => {{
            let urls = cats();
            let downloader = Downloader::new(async |url: &str| pretend(url).await);
            let ($downloader, $urls) = (&downloader, &urls[..]);
            let started = Instant::now();
            let fetched = $call.await;
            let took = started.elapsed();
            let tally = tally(urls.len(), fetched).expect("every URL once");
            assert_eq!(
                tally.sizes,
                urls.iter().map(String::len).collect::<Vec<_>>()
            );
            (tally.process_time, took, downloader.most_at_once())
        }};
    }

    /// One at a time: 100 rounds of the latency; the process time is the total time.
    #[tokio::test(start_paused = true)]
    async fn sequential_takes_one_latency_per_url() {
        let (process, took, at_once) = run_way!(|d, urls| sequential(d, urls));
        assert_eq!((took, process, at_once), (100 * LATENCY, 100 * LATENCY, 1));
    }

    /// 3 and 10 workers on a queue: ⌈100 / k⌉ rounds, the same process time, k at once.
    #[tokio::test(start_paused = true)]
    async fn workers_on_a_queue_take_rounds_of_k() {
        for k in [3, 10] {
            let (process, took, at_once) =
                run_way!(|d, urls| workers_on_a_queue(d, urls, k, false));
            assert_eq!(took, LATENCY * 100usize.div_ceil(k) as u32, "{k} workers");
            assert_eq!((process, at_once), (100 * LATENCY, k));
        }
    }

    /// join_all starts all 100 at once: one latency in total, 100 latencies of process time.
    #[tokio::test(start_paused = true)]
    async fn join_all_starts_every_download_at_once() {
        let (process, took, at_once) = run_way!(|d, urls| all_at_once(d, urls));
        assert_eq!((took, process, at_once), (LATENCY, 100 * LATENCY, 100));
    }

    /// buffer_unordered(10) and a Semaphore of 10: both keep exactly 10 in flight.
    #[tokio::test(start_paused = true)]
    async fn a_limit_of_10_takes_10_rounds_either_way() {
        let by_stream = run_way!(|d, urls| buffered(d, urls, 10));
        let by_permits = run_way!(|d, urls| semaphore(d, urls, 10));
        for (process, took, at_once) in [by_stream, by_permits] {
            assert_eq!((took, process, at_once), (10 * LATENCY, 100 * LATENCY, 10));
        }
    }

    /// A failed URL fails the tally with its URL and reason; so do duplicates and gaps.
    #[tokio::test(start_paused = true)]
    async fn a_failure_a_duplicate_or_a_gap_fails_the_tally() {
        let urls = ["a".to_string(), "missing".to_string()];
        let downloader = Downloader::new(async |url: &str| pretend(url).await);
        let fetched = all_at_once(&downloader, &urls).await;
        assert_eq!(tally(2, fetched), Err("missing: 404 Not Found".to_string()));
        let once = Download {
            index: 0,
            bytes: 1,
            took: LATENCY,
        };
        let twice = vec![Ok(once.clone()), Ok(once.clone())];
        assert_eq!(
            tally(1, twice),
            Err("URL 0 was downloaded twice".to_string())
        );
        assert_eq!(
            tally(2, vec![Ok(once)]),
            Err("URL 1 was never downloaded".to_string())
        );
    }

    #[test]
    fn expected_time_counts_whole_rounds() {
        let ms = Duration::from_millis;
        assert_eq!(expected_time(100, 3, ms(100)), ms(3_400));
        assert_eq!(expected_time(100, 10, ms(100)), ms(1_000));
        assert_eq!(expected_time(100, 100, ms(100)), ms(100));
    }
}
