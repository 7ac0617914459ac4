//! A comparison as a section program writes it: warn about debug builds, time each
//! variant, check its answer, report.

use common::measure::{MemoryProbe, cpu_time, time};
use common::report::Report;
use serde_json::Value;

/// Two variants of one workload; the JSON lines carry what `scripts/bench` reads.
#[test]
fn a_comparison_reports_checked_rows_as_json_lines() {
    // Expands in *this* crate: a test build has debug assertions, so this warns on stderr.
    common::warn_if_debug!();
    let expected: u64 = (1..=200_000u64).map(|n| n * n).sum();

    let mut report = Report::new("sum_of_squares");
    let probe = MemoryProbe::start();
    let (serial, seconds) = time(|| (1..=200_000u64).map(|n| n * n).sum::<u64>());
    report
        .add(
            "squares",
            "serial",
            1,
            seconds.as_secs_f64(),
            serial == expected,
        )
        .extra("peak_growth_kb", probe.peak_growth_kb().unwrap_or(0));

    let cpu_before = cpu_time();
    let (halves, seconds) = time(|| {
        std::thread::scope(|s| {
            let low = s.spawn(|| (1..=100_000u64).map(|n| n * n).sum::<u64>());
            let high = s.spawn(|| (100_001..=200_000u64).map(|n| n * n).sum::<u64>());
            low.join().unwrap() + high.join().unwrap()
        })
    });
    let cpu_seconds = (cpu_time() - cpu_before).as_secs_f64();
    report
        .add(
            "squares",
            "threads",
            2,
            seconds.as_secs_f64(),
            halves == expected,
        )
        .extra("cpu_s", cpu_seconds);

    assert!(report.all_ok());
    let rows: Vec<Value> = report
        .to_json_lines()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["variant"], "serial");
    assert_eq!(rows[0]["speedup"], 1.0);
    assert!(rows[0]["peak_growth_kb"].is_u64());
    assert_eq!(rows[1]["program"], "sum_of_squares");
    assert_eq!(rows[1]["workers"], 2);
    assert!(rows[1]["cpu_s"].is_f64());
    // Both variants and the extra columns appear in the table too.
    let markdown = report.to_markdown();
    assert!(markdown.contains("peak_growth_kb") && markdown.contains("cpu_s"));
    assert_eq!(markdown.matches('✓').count(), 2, "{markdown}");
}
