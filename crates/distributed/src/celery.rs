//! Python's Celery on the same kind of broker, for the comparisons' `--celery` rows: the
//! same hash chains, sent with `delay()` to Celery workers and fetched with `get()`, run
//! by `scripts/python/celery_jobs.py`.
//!
//! Celery comes from PyPI (`celery[redis]`) into a venv of the course's own under
//! `target/distributed/celery-venv`, made the first time it is needed (that once, with a
//! network). Its answers come back as hex digests and are checked here against the same
//! jobs done by the Rust code.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::jobs::{Answer, Job, Work};

/// The Celery the measurements were made with.
pub const CELERY: &str = "celery[redis]==5.7.0";

/// The course's Celery venv: made when missing (python3 and PyPI needed that once).
pub fn venv() -> Result<PathBuf, String> {
    common::python::venv("distributed/celery-venv", CELERY)
}

/// Runs `celery_jobs.py` against the broker at `url` with `args`: its JSON rows.
pub fn run(url: &str, args: &[String]) -> Result<Vec<Value>, String> {
    let python = venv()?;
    let script = common::python::script("celery_jobs.py");
    let out = Command::new(python)
        .arg(script)
        .args(["--redis", url])
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("celery_jobs.py: {e}"))?;
    if !out.status.success() {
        return Err(format!("celery_jobs.py failed ({})", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).map_err(|e| format!("celery_jobs.py said {line:?}: {e}"))
        })
        .collect()
}

/// Whether a Celery row's digests are the answers to `jobs`, in order.
pub fn right(row: &Value, expected: &[Answer]) -> bool {
    let digests = row["digests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    digests.len() == expected.len()
        && digests
            .iter()
            .zip(expected)
            .all(|(digest, answer)| match answer {
                Answer::Digest(hex) => digest.as_str() == Some(hex),
                Answer::Prime(_) => false,
            })
}

/// The arguments that make `celery_jobs.py` run `jobs` (hash chains) on `workers`.
pub fn args_for(jobs: &[Job], workers: &[u64]) -> Result<Vec<String>, String> {
    let Some(Work::HashChain { rounds, .. }) = jobs.first().map(|job| job.work) else {
        return Err("--celery runs hash chains only".to_string());
    };
    let workers: Vec<String> = workers.iter().map(u64::to_string).collect();
    Ok(vec![
        "--workers".into(),
        workers.join(","),
        "--jobs".into(),
        jobs.len().to_string(),
        "--rounds".into(),
        rounds.to_string(),
        "--tiny".into(),
        "0".into(),
    ])
}

/// Adds Celery's rows to `report` under `workload`, each checked against `expected`, with
/// `keys` carried over from the row (`jobs_per_s`, `recovery_s`, …).
pub fn add_rows(
    report: &mut common::report::Report,
    workload: &str,
    rows: &[Value],
    expected: &[Answer],
    keys: &[&str],
) {
    for row in rows {
        let variant = row["variant"].as_str().unwrap_or("Celery");
        let workers = row["workers"].as_u64().unwrap_or(0) as usize;
        let seconds = row["seconds"].as_f64().unwrap_or(f64::NAN);
        let added = report.add(workload, variant, workers, seconds, right(row, expected));
        for key in keys {
            added.extra(key, row[*key].clone());
        }
    }
}
