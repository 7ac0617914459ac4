//! Lecture 2: threads, locks, the queue family and producer/consumer.
//!
//! (overview being written)
