//! trio's memory channel of capacity 0: a rendezvous between a producer and a consumer.
//!
//! The Python slides' producer sends "message 1" to "message 9" on
//! `trio.open_memory_channel(0)`, printing each before it sends; the consumer prints what
//! it received and sleeps. Capacity 0 means there is no buffer: a `send` returns only once
//! a receiver has taken the value, so the producer can never get ahead of the consumer.
//!
//! - Tasks: [`flume::bounded(0)`](flume::bounded) (`send_async`, `recv_async`), in a
//!   [`nursery()`]: [`memory_channel`]. tokio's own `mpsc::channel(0)` panics ("mpsc bounded
//!   channel requires buffer > 0"): tokio has no rendezvous channel.
//! - Threads: [`crossbeam::channel::bounded(0)`](crossbeam::channel::bounded) in a
//!   [`std::thread::scope`]: [`memory_channel_threads`].
//!
//! **What capacity 0 guarantees.** Send *i* returns only after receive *i* took the
//! message. So "Producer: message *i*+1" prints after the consumer received message *i*,
//! but not necessarily after it *printed* it: both are free to run after the hand-over.
//! On tokio's one thread the consumer, which is running, prints first, every time; trio
//! reverses each batch of woken tasks at random, half the time, so either one may print
//! first; threads race. What holds everywhere:
//! "Producer: message *i*+2" never prints before "Consumer: received 'message *i*'".
//! With capacity *c* each number grows by *c*: the producer runs *c* messages ahead.
//!
//! **How the loop ends.** The consumer's loop ends when the channel is closed and empty.
//! In Rust, the producer's sender is dropped when the producer returns, which closes the
//! channel. The Python slides' producer never closes its `send_channel`, so their consumer
//! waits forever after message 9; trio's own docs write `async with send_channel:`.

use std::error::Error;
use std::thread;
use std::time::Duration;

use tokio::time::sleep;

use crate::cancel::Log;
use crate::nursery::{BoxError, MultiError, Policy, nursery};

/// Sends "message 1" to "message `messages`", saying each before it sends it; returning
/// drops `send_channel`, which closes the channel.
pub async fn producer(
    send_channel: flume::Sender<String>,
    messages: u32,
    log: Log,
) -> Result<(), BoxError> {
    // ANCHOR: producer
    for i in 1..=messages {
        let message = format!("message {i}");
        log.say(format!("Producer: {message}"));
        // Capacity 0: waits until the consumer takes it.
        send_channel.send_async(message).await?;
    }
    // ANCHOR_END: producer
    log.say("Producer: done, returns: its sender is dropped");
    Ok(())
}

/// Receives until the channel is closed and empty, saying each message, then sleeping
/// `pause` (the Python slides' `trio.sleep(1)`).
pub async fn consumer(
    receive_channel: flume::Receiver<String>,
    pause: Duration,
    log: Log,
) -> Result<(), BoxError> {
    // ANCHOR: consumer
    // `Err` once every sender is dropped: `async for` ends.
    while let Ok(value) = receive_channel.recv_async().await {
        log.say(format!("Consumer: received '{value}'"));
        sleep(pause).await;
    }
    // ANCHOR_END: consumer
    log.say("Consumer: the channel is closed, the loop ends");
    Ok(())
}

/// The Python slides' `main`: a nursery, a channel of `capacity` (0 in the slides), the
/// producer and the consumer started in it. Returns when both have finished.
pub async fn memory_channel(
    messages: u32,
    capacity: usize,
    pause: Duration,
    log: &Log,
) -> Result<(), MultiError> {
    let log = log.clone();
    // ANCHOR: main
    nursery(Policy::default(), |n| async move {
        let (send_channel, receive_channel) = flume::bounded(capacity);
        let (p, c) = (log.clone(), log);
        n.start_soon("producer", producer(send_channel, messages, p));
        n.start_soon("consumer", consumer(receive_channel, pause, c));
    })
    .await
    // ANCHOR_END: main
}

/// The same producer and consumer as threads, on `crossbeam::channel::bounded(capacity)`,
/// in a `std::thread::scope` (which joins both, as the nursery waits for both tasks).
pub fn memory_channel_threads(
    messages: u32,
    capacity: usize,
    pause: Duration,
    log: &Log,
) -> Result<(), Box<dyn Error>> {
    let (send_channel, receive_channel) = crossbeam::channel::bounded(capacity);
    let (for_producer, for_consumer) = (log.clone(), log.clone());
    thread::scope(|s| {
        let producer = s.spawn(move || {
            for i in 1..=messages {
                let message = format!("message {i}");
                for_producer.say(format!("Producer: {message}"));
                // Blocks this thread until the consumer's thread takes it.
                send_channel.send(message)?;
            }
            for_producer.say("Producer: done, returns: its sender is dropped");
            Ok::<(), crossbeam::channel::SendError<String>>(())
        });
        s.spawn(move || {
            // The iterator ends once every sender is dropped and the channel is empty.
            for value in receive_channel {
                for_consumer.say(format!("Consumer: received '{value}'"));
                thread::sleep(pause);
            }
            for_consumer.say("Consumer: the channel is closed, the loop ends");
        });
        match producer.join() {
            Ok(sent) => Ok(sent?),
            Err(_) => Err("the producer panicked".into()),
        }
    })
}

/// How far the producer's lines ran ahead of the consumer's: the most "Producer: message"
/// lines, less "Consumer: received" lines, said at any point of `lines`. With capacity 0,
/// 1 on tokio's one thread (message *i*+1 is announced only once *i* was received), and at
/// most 2 anywhere.
pub fn most_ahead(lines: &[String]) -> usize {
    let (mut announced, mut received, mut most) = (0usize, 0usize, 0usize);
    for line in lines {
        if line.contains("Producer: message ") {
            announced += 1;
        } else if line.contains("Consumer: received ") {
            received += 1;
        }
        most = most.max(announced.saturating_sub(received));
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::poll;
    use std::pin::pin;
    use std::task::Poll;

    /// `flume::bounded(0)` is a rendezvous: a `send_async` stays pending, however long,
    /// until a receiver takes the value, and completes once one has.
    #[tokio::test(start_paused = true)]
    async fn a_send_on_capacity_0_waits_for_a_receiver() {
        // ANCHOR: rendezvous
        let (tx, rx) = flume::bounded(0);
        let mut send = pin!(tx.send_async("message 1"));
        assert!(poll!(send.as_mut()).is_pending()); // nobody receives
        sleep(Duration::from_secs(3600)).await;
        assert!(poll!(send.as_mut()).is_pending()); // an hour later
        assert!(rx.is_empty()); // nothing waits in a buffer: there is none
        assert_eq!(rx.try_recv(), Ok("message 1")); // taken from the sender
        assert!(matches!(poll!(send.as_mut()), Poll::Ready(Ok(()))));
        // ANCHOR_END: rendezvous
    }

    /// With capacity 1 the first send completes at once, into the buffer; the second waits.
    #[tokio::test(start_paused = true)]
    async fn a_send_on_capacity_1_gets_one_ahead() {
        let (tx, rx) = flume::bounded(1);
        tx.send_async("message 1").await.unwrap();
        let mut second = pin!(tx.send_async("message 2"));
        assert!(poll!(second.as_mut()).is_pending());
        assert_eq!(rx.try_recv(), Ok("message 1"));
        assert!(matches!(poll!(second.as_mut()), Poll::Ready(Ok(()))));
    }

    /// tokio's bounded channel refuses capacity 0.
    #[test]
    #[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
    fn tokio_mpsc_refuses_capacity_0() {
        let _ = tokio::sync::mpsc::channel::<String>(0);
    }

    /// `crossbeam::channel::bounded(0)` is a rendezvous too: with no receiver waiting, a
    /// send cannot complete (it times out), and nothing is left in the channel.
    #[test]
    fn a_crossbeam_send_on_capacity_0_waits_for_a_receiver() {
        let (tx, rx) = crossbeam::channel::bounded(0);
        assert!(tx.try_send("message 1").is_err());
        let waited = tx.send_timeout("message 1", Duration::from_millis(20));
        assert!(matches!(
            waited,
            Err(crossbeam::channel::SendTimeoutError::Timeout(_))
        ));
        assert!(rx.try_recv().is_err());
    }

    /// `most_ahead` counts producer lines less consumer lines at their widest.
    #[test]
    fn most_ahead_counts_the_widest_gap() {
        let lines: Vec<String> = ["Producer: message 1", "Producer: message 2"]
            .into_iter()
            .chain(["Consumer: received 'message 1'", "Producer: message 3"])
            .map(String::from)
            .collect();
        assert_eq!(most_ahead(&lines), 2);
        assert_eq!(most_ahead(&lines[1..]), 1);
        assert_eq!(most_ahead(&[]), 0);
    }
}
