//! `url_errors`: each failing URL is reported with exactly its kind of failure, and every
//! good URL still loads.
//!
//!     cargo test -p pools --test url_errors

use cat_server::{CatServer, Config};
use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_url_errors");

/// The outcome lines, `'URL' page is N bytes` or `'URL' generated an exception: E`, as
/// (URL, what follows it), in the order printed.
fn outcomes(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let (url, rest) = line.strip_prefix('\'')?.split_once("' ")?;
            Some((url.to_string(), rest.to_string()))
        })
        .collect()
}

/// The outcome printed for the one URL that ends with `suffix`.
fn outcome_of<'a>(outcomes: &'a [(String, String)], suffix: &str) -> &'a str {
    let found: Vec<&(String, String)> = outcomes
        .iter()
        .filter(|(url, _)| url.ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 1, "one outcome for …{suffix}: {outcomes:?}");
    &found[0].1
}

/// The cat server's list: four good URLs load, and each of the four failures is named.
#[test]
fn each_failure_is_reported_with_its_kind_and_the_good_urls_load() {
    let ran = testing::run(BIN, &["--delay-ms", "10", "--timeout-ms", "300"]);
    let stdout = &ran.success().stdout;
    let outcomes = outcomes(stdout);
    assert_eq!(outcomes.len(), 8, "{stdout}");

    for good in ["/pages/1", "/pages/2", "/cats/1.jpg", "/cats/2.jpg"] {
        let outcome = outcome_of(&outcomes, good);
        let bytes: usize = outcome
            .strip_prefix("page is ")
            .and_then(|rest| rest.strip_suffix(" bytes"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{good} did not load: {outcome}"));
        assert!(bytes > 0, "{good}: {outcome}");
    }
    let exception = |suffix: &str| {
        outcome_of(&outcomes, suffix)
            .strip_prefix("generated an exception: ")
            .unwrap_or_else(|| panic!("{suffix} did not fail: {stdout}"))
            .to_string()
    };
    assert_eq!(exception("/status/404"), "404 Not Found");
    assert_eq!(exception("/slow?ms=3000"), "timed out after 300 ms");
    assert_eq!(exception("/drop"), "connection closed without a response");
    // The refused URL is the only one on another port, where nothing listens.
    let refused: Vec<&(String, String)> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.ends_with("connection refused"))
        .collect();
    assert_eq!(refused.len(), 1, "{stdout}");
    assert_eq!(refused[0].1, "generated an exception: connection refused");

    assert!(stdout.contains("4 of 8 URLs loaded, 4 failed"), "{stdout}");
    assert!(
        stdout.contains("Every URL ended the way it was set up to"),
        "{stdout}"
    );
}

/// `as_completed` order: the timeout, 300 ms late, is printed last although it is fourth
/// in the list.
#[test]
fn outcomes_are_printed_in_finishing_order() {
    let ran = testing::run(BIN, &["--delay-ms", "10", "--timeout-ms", "300"]);
    let stdout = &ran.stdout;
    let outcomes = outcomes(stdout);
    let (last_url, last) = outcomes.last().expect("some outcomes");
    assert!(last_url.contains("/slow?ms="), "{stdout}");
    assert!(last.contains("timed out"), "{stdout}");
}

/// The client's limit is a flag: with 100 ms, the message says 100 ms.
#[test]
fn the_timeout_is_the_one_given() {
    let ran = testing::run(
        BIN,
        &["--delay-ms", "0", "--timeout-ms", "100", "--workers", "8"],
    );
    let stdout = &ran.success().stdout;
    assert!(
        stdout.contains("/slow?ms=1000' generated an exception: timed out after 100 ms"),
        "{stdout}"
    );
}

/// `--url` loads the URLs given and reports each one's outcome, without checking them.
#[test]
fn loads_the_urls_given() {
    let server = CatServer::start(Config::default()).expect("a cat server");
    let good = server.url("/pages/4");
    let broken = server.url("/status/500");
    let ran = testing::run(BIN, &["--url", &good, &broken]);
    let stdout = &ran.success().stdout;
    let outcomes = outcomes(stdout);
    assert!(
        outcome_of(&outcomes, "/pages/4").starts_with("page is "),
        "{stdout}"
    );
    assert_eq!(
        outcome_of(&outcomes, "/status/500"),
        "generated an exception: 500 Internal Server Error"
    );
    assert!(stdout.contains("1 of 2 URLs loaded, 1 failed"), "{stdout}");
}

/// Invalid values are rejected by clap with exit status 2, before anything runs.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--workers", "0"][..],
        &["--timeout-ms", "0"],
        &["--delay-ms", "x"],
        &["--url", "mailto:cat@example.com"],
        &["--url", "http://127.0.0.1:1/", "--delay-ms", "5"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}");
        assert!(!ran.stderr.is_empty(), "{args:?} explains itself");
    }
}
