//! `runtimes`: the same program on tokio, async-std and smol prints the same lines.
//!
//!     cargo test -p coroutines --test runtimes

use std::time::Duration;

use common::testing;
use coroutines::runtimes::{API, Runtime};

const BIN: &str = env!("CARGO_BIN_EXE_runtimes");

/// Each runtime's version: spawned in reverse, heard in the order the workers wake, joined
/// in spawn order. Ticks of 100 ms keep the wake order clear on a busy machine.
#[test]
fn the_three_runtimes_print_the_same_lines() {
    let expected = [
        "spawned workers 3, 2, 1",
        "worker 1 reports after 1 tick(s)",
        "worker 2 reports after 2 tick(s)",
        "worker 3 reports after 3 tick(s)",
        "joined 3 workers: 3 + 2 + 1 = 6",
    ];
    for runtime in Runtime::ALL {
        let lines = runtime.run(3, Duration::from_millis(100)).unwrap();
        assert_eq!(lines, expected, "{}", runtime.name());
    }
}

/// The program prints three transcripts, identical, checks it, and prints the table of
/// names: a header and five rows.
#[test]
fn the_program_prints_three_identical_transcripts_and_the_table() {
    let ran = testing::run(BIN, &["--workers", "4"]);
    let stdout = &ran.success().stdout;
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let transcripts = ran
        .lines()
        .into_iter()
        .take_while(|l| !l.starts_with("The three"));
    for line in transcripts {
        if let Some(body) = line.strip_prefix("  ") {
            blocks
                .last_mut()
                .expect("a runtime's header first")
                .push(body);
        } else if ["tokio (", "async-std (", "smol ("]
            .iter()
            .any(|h| line.starts_with(h))
        {
            blocks.push(Vec::new());
        }
    }
    assert_eq!(blocks.len(), 3, "{stdout}");
    assert_eq!(blocks[0].len(), 6, "{stdout}");
    assert!(blocks.iter().all(|block| *block == blocks[0]), "{stdout}");
    assert!(
        stdout.contains("The three transcripts are identical ✓"),
        "{stdout}"
    );
    assert!(
        stdout.contains("async-std (discontinued upstream"),
        "{stdout}"
    );
    for row in API {
        let line = ran.lines().into_iter().find(|l| l.starts_with(row[0]));
        let line = line.unwrap_or_else(|| panic!("no {} row\n{stdout}", row[0]));
        assert!(row[1..].iter().all(|name| line.contains(name)), "{line}");
    }
}

/// Nonsense flags are refused with exit status 2 and a message.
#[test]
fn bad_flags_exit_with_status_2() {
    for args in [
        &["--workers", "0"][..],
        &["--tick-ms", "1"],
        &["--runtime", "tokio"],
    ] {
        let ran = testing::run(BIN, args);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("error"), "{}", ran.stderr);
    }
}
