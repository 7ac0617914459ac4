//! Downloads under the GIL, for `gil_io`: a blocking wait (the "network"), then a little
//! Python work on the answer, done by one thread in turn or by a thread per download.
//!
//! The one choice that matters is what the blocking call does with the GIL
//! ([`Blocking`]): CPython's own I/O (`socket.recv`, `time.sleep`, `file.read`) releases it
//! around the wait, so other threads run Python code, or wait too, meanwhile. An extension
//! module that forgets to (no `Py_BEGIN_ALLOW_THREADS`) keeps every other thread out for
//! the whole wait.
//!
//! The blocking call itself is a parameter, so a program can sleep and a test can make
//! the threads meet inside it. An [`InFlight`] gauge counts how many downloads were inside
//! their blocking call at the same time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::hashes::DIGEST_LEN;

use crate::{Gil, PyThread, work};

/// What a download's blocking call does with the GIL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocking {
    /// Releases it around the wait (`Py_BEGIN_ALLOW_THREADS`), as CPython's I/O does.
    ReleasesTheGil,
    /// Keeps it for the whole wait: an extension that forgot to release it.
    HoldsTheGil,
}

/// How many downloads are inside their blocking call right now, and the most there ever
/// were at once.
///
/// ```
/// use gil::io::InFlight;
///
/// let in_flight = InFlight::default();
/// {
///     let _first = in_flight.enter();
///     let _second = in_flight.enter();
/// } // both leave here
/// let _third = in_flight.enter();
/// assert_eq!(in_flight.max(), 2);
/// ```
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl InFlight {
    /// One more download is inside; it leaves when the guard is dropped.
    pub fn enter(&self) -> InFlightGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        InFlightGuard { gauge: self }
    }

    /// The most downloads that were ever inside at the same time.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

/// Counts one download as inside its blocking call until dropped; see [`InFlight::enter`].
#[must_use = "the download leaves as soon as the guard is dropped"]
#[derive(Debug)]
pub struct InFlightGuard<'a> {
    gauge: &'a InFlight,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a download gives back: the digest of its "parsed" answer.
pub type Parsed = [u8; DIGEST_LEN];

/// One download on a thread holding the GIL: the blocking `fetch` of `site`, with the GIL
/// released or held as `blocking` says, then `parse_rounds` rounds of Python work on the
/// answer (a ticked hash chain), which needs the GIL whatever the fetch did.
// ANCHOR: download
pub fn download(
    py: &mut PyThread<'_>,
    site: u64,
    blocking: Blocking,
    fetch: impl FnOnce(u64),
    parse_rounds: u64,
    in_flight: &InFlight,
) -> Parsed {
    let wait = || {
        let _inside = in_flight.enter();
        fetch(site);
    };
    match blocking {
        // Drop the GIL, wait, take it back: other threads run meanwhile.
        Blocking::ReleasesTheGil => py.allow_threads(wait),
        // Wait with the GIL: every other thread waits for us. No tick
        // happens during the wait, so even a drop request cannot get the
        // GIL away from us.
        Blocking::HoldsTheGil => wait(),
    }
    work::hash_chain(py, site, parse_rounds)
}
// ANCHOR_END: download

/// One thread downloads sites `0..sites` in turn, like a plain `for` loop in Python.
pub fn download_serial(
    gil: &Gil,
    sites: u64,
    fetch: impl Fn(u64),
    parse_rounds: u64,
    in_flight: &InFlight,
) -> Vec<Parsed> {
    let mut py = gil.attach("serial");
    (0..sites)
        .map(|site| {
            // Releasing or holding makes no difference here: nobody else wants the GIL.
            let blocking = Blocking::ReleasesTheGil;
            download(&mut py, site, blocking, &fetch, parse_rounds, in_flight)
        })
        .collect()
}

/// One thread per site downloads it, all under `gil`; the answers in site order.
///
/// Each thread attaches itself to the GIL (a [`PyThread`] cannot be sent to a thread): it
/// first waits for the GIL, as a new Python thread does before it runs a line.
pub fn download_threads(
    gil: &Gil,
    sites: u64,
    blocking: Blocking,
    fetch: impl Fn(u64) + Sync,
    parse_rounds: u64,
    in_flight: &InFlight,
) -> Vec<Parsed> {
    let fetch = &fetch;
    thread::scope(|s| {
        let threads: Vec<_> = (0..sites)
            .map(|site| {
                s.spawn(move || {
                    let mut py = gil.attach(thread_name(blocking, site));
                    download(&mut py, site, blocking, fetch, parse_rounds, in_flight)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().expect("a download thread panicked"))
            .collect()
    })
}

/// The name of the thread that downloads `site`, e.g. `releases-3`: also its row in a
/// timeline, where the two kinds of threads are drawn one after the other.
pub fn thread_name(blocking: Blocking, site: u64) -> String {
    match blocking {
        Blocking::ReleasesTheGil => format!("releases-{}", site + 1),
        Blocking::HoldsTheGil => format!("holds-{}", site + 1),
    }
}
