//! Beyond one machine: the course's jobs on an existing distributed job engine (apalis)
//! with a real broker (Redis), workers in processes of their own, on hosts of their own.
//!
//! - [`jobs`]: what travels: a job's work as plain data, and the answers to check.
//! - [`broker`]: Debian's `redis-server`, started on a port of its own, or found.
//! - [`celery`]: the same jobs on Python's Celery, for the comparisons' `--celery` rows.
//! - [`engine`]: apalis on Redis: a worker, and sending jobs then waiting for results.
//! - [`workers`]: worker processes (this program started again) and what they say.
//! - [`hosts`]: network namespaces as hosts, for the cluster.
//! - [`run`]: a run through the broker, timed and checked, for the comparisons.

pub mod broker;
pub mod celery;
pub mod engine;
pub mod hosts;
pub mod jobs;
pub mod run;
pub mod workers;
