//! A queue between processes: a creator puts numbers, a consumer takes them, and a
//! *sentinel* value tells the consumer that nothing more will come.
//!
//! Python's `multiprocessing.Queue` is one object that any number of processes can put to
//! and get from. Our queue is an ipc channel: a sender that can be cloned and handed to
//! any process, and a receiver that only one process can own. The parent makes the
//! channel and hands out its ends inside the children's start messages (a channel end is
//! a file descriptor, and ipc-channel can pass one to another process inside a message).
//!
//! The sentinel is an ordinary value the data never uses (here `-1`). A Rust channel has a
//! built-in way to say "no more": when every sender is dropped, `recv` fails. We keep the
//! sentinel because it is the lesson, and because it says something the closed channel
//! cannot: "the creator finished on purpose", as opposed to "the creator died".

use std::thread;
use std::time::Duration;

use ipc_channel::ipc::{IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

/// The value that means "no more data", as in the Python original.
pub const SENTINEL: i64 = -1;

/// The Python course notebook's data, without its trailing sentinel (the creator adds that).
pub const NOTEBOOK_DATA: [i64; 3] = [5, 10, 13];

/// The data to put: the notebook's, or `1..=n` when a size is asked for. Never the sentinel.
pub fn data(items: Option<u32>) -> Vec<i64> {
    match items {
        None => NOTEBOOK_DATA.to_vec(),
        Some(n) => (1..=i64::from(n)).collect(),
    }
}

/// What the parent tells the creator: what to put, and where.
#[derive(Debug, Serialize, Deserialize)]
pub struct CreatorStart {
    pub data: Vec<i64>,
    pub queue: IpcSender<i64>,
    /// A pause before each put, as if making an item took time.
    pub pause: Duration,
}

/// What the parent tells the consumer: where to take from.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConsumerStart {
    pub queue: IpcReceiver<i64>,
}

/// What a consumer reports to the parent when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumed {
    /// How many items it processed (the sentinel is not an item).
    pub count: u64,
    /// The sum of the doubled items.
    pub sum: i64,
    /// Whether it stopped at the sentinel (`false`: the channel closed first, so the
    /// creator died before it finished).
    pub saw_sentinel: bool,
}

impl Consumed {
    /// What a consumer *should* report after processing exactly `data`.
    pub fn expected(data: &[i64]) -> Consumed {
        Consumed {
            count: data.len() as u64,
            sum: data.iter().map(|item| 2 * item).sum(),
            saw_sentinel: true,
        }
    }

    /// Two reports added up, for the parent of several consumers. The total saw the
    /// sentinel only if every consumer did.
    pub fn plus(self, other: Consumed) -> Consumed {
        Consumed {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            saw_sentinel: self.saw_sentinel && other.saw_sentinel,
        }
    }
}

/// The creator's part: put every item, then the sentinel. Fails if the consumer is gone.
pub fn put_all(
    data: &[i64],
    queue: &IpcSender<i64>,
    pause: Duration,
) -> Result<(), ipc_channel::IpcError> {
    println!("Creating data and putting it on the queue");
    for &item in data {
        thread::sleep(pause);
        println!("putting in {item}");
        queue.send(item)?;
    }
    thread::sleep(pause);
    println!("putting in {SENTINEL} (the sentinel)");
    queue.send(SENTINEL)
}

/// The consumer's part: take items and double them until the sentinel arrives. Every line
/// starts with `prefix`, so that several consumers can be told apart.
// ANCHOR: consumer
pub fn consume(queue: &IpcReceiver<i64>, prefix: &str) -> Consumed {
    let mut done = Consumed::default();
    // `recv` fails once every sender is gone and the queue is empty: a
    // creator that died before its sentinel must not leave us waiting for
    // ever.
    while let Ok(item) = queue.recv() {
        if item == SENTINEL {
            println!(
                "{prefix}sentinel found ({SENTINEL}): \
                 the consumer stops"
            );
            done.saw_sentinel = true;
            break;
        }
        println!("{prefix}data found to be processed: {item}");
        let processed = item * 2;
        println!("{prefix}{processed}");
        done.count += 1;
        done.sum += processed;
    }
    if !done.saw_sentinel {
        println!("{prefix}the queue closed before the sentinel arrived");
    }
    done
}
// ANCHOR_END: consumer

/// The parent's verdict on a consumer's report: `Ok` with a line to print, or `Err` with
/// what went wrong.
pub fn check(data: &[i64], got: Consumed) -> Result<String, String> {
    let want = Consumed::expected(data);
    let numbers = format!("{}, sum of doubles {}", items(want.count), want.sum);
    if !got.saw_sentinel {
        Err(format!(
            "the consumers did not all stop at the sentinel (expected {numbers})"
        ))
    } else if got != want {
        Err(format!(
            "check failed: the creator put {numbers}, the consumers processed {}, sum of doubles {}",
            items(got.count),
            got.sum
        ))
    } else {
        Ok(format!(
            "check: the creator put {numbers}; the same came out: nothing lost"
        ))
    }
}

/// `1 item`, `3 items`.
pub fn items(count: u64) -> String {
    if count == 1 {
        "1 item".to_string()
    } else {
        format!("{count} items")
    }
}
