//! The course measured: every comparison in release mode, the Python originals beside
//! them, one dated report with tables, bounds and plots.
//!
//!     scripts/bench                                  # builds, then runs this
//!     cargo run --release -p bench -- --only cpu,gil # a few runs, for a quick look
//!     cargo run --release -p bench -- --from target/bench/<date>   # redraw a report
//!
//! Each run prints JSON rows whose answers are checked; a progress bar shows which runs.
//! The folder holds `results.md` (machine line, headline table, one table per lesson,
//! every parallel row with its bound and the fraction reached), `results.jsonl`, the
//! SVG figures, and every run's command, rows and log. Minutes, not seconds: use an
//! otherwise idle machine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use bench::markdown::Table;
use bench::runs;
use clap::Parser;

#[derive(Parser)]
#[command(
    version,
    about = "The course measured: every comparison, Python beside Rust, one report with plots"
)]
struct Args {
    /// The folder to write (default: target/bench/<YYYY-MM-DD_HHMMSS>)
    #[arg(long, value_name = "DIR", conflicts_with = "from")]
    out: Option<PathBuf>,
    /// Draw the report again from this folder's runs, running nothing
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// Only the runs whose names contain one of these (e.g. cpu,python-hash)
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    only: Vec<String>,
    /// Leave the Python scripts out
    #[arg(long)]
    no_python: bool,
    /// Stop a run that takes longer than this many seconds
    #[arg(long, value_name = "S", default_value_t = runs::LIMIT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    limit: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if cfg!(debug_assertions) && args.from.is_none() {
        eprintln!("bench: build it with --release: it runs the release binaries beside it");
        return ExitCode::from(2);
    }
    match report(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("bench: {failed} run(s) failed; see results.md and logs/");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs (or reloads) everything and writes the report: how many runs failed.
fn report(args: &Args) -> std::io::Result<usize> {
    let out = match (&args.from, &args.out) {
        (Some(from), _) => from.clone(),
        (None, Some(out)) => out.clone(),
        (None, None) => common::python::workspace()
            .join("target/bench")
            .join(stamp()),
    };
    let tables = match &args.from {
        Some(from) => runs::load(from)?,
        None => {
            std::fs::create_dir_all(&out)?;
            let machine = runs::machine();
            print!("{machine}");
            std::fs::write(out.join("machine.txt"), &machine)?;
            let (python, note) = match args.no_python {
                true => (None, "python: left out (--no-python)".into()),
                false => runs::python(),
            };
            println!("{note}");
            let exe = std::env::current_exe()?;
            let chosen = |run: &runs::Run| {
                args.only.is_empty() || args.only.iter().any(|o| run.name.contains(o.as_str()))
            };
            let mut plan = runs::plan(exe.parent().unwrap_or(Path::new(".")), python.as_deref());
            plan.retain(chosen);
            runs::run_all(&plan, &out, Duration::from_secs(args.limit))?
        }
    };
    let written = bench::write(&out, &tables)?;
    let failed: Vec<&Table> = tables.iter().filter(|t| t.failure.is_some()).collect();
    println!(
        "{} runs, {} rows, {} failed",
        tables.len(),
        written.rows,
        failed.len()
    );
    for table in &failed {
        println!(
            "  failed: {}: {}",
            table.shown,
            table.failure.as_deref().unwrap_or("")
        );
    }
    let files: Vec<&str> = written
        .figures
        .iter()
        .map(|(file, _)| file.as_str())
        .collect();
    println!("figures: {}", files.join(", "));
    println!("report: {}", out.join("results.md").display());
    Ok(failed.len())
}

/// `2026-12-07_153012`, in UTC: the folder's name.
fn stamp() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d_%H%M%S"])
        .output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "latest".into())
}
