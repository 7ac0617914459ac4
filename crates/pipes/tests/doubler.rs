//! Runs `doubler`: child processes double numbers, signing with their pid or their name.

use std::collections::{BTreeMap, BTreeSet};

use common::testing;

const BIN: &str = env!("CARGO_BIN_EXE_doubler");

/// `5 doubled to 10 by<signature>` into `(5, 10, signature)`.
fn parse(line: &str) -> Option<(i64, i64, &str)> {
    let (number, rest) = line.split_once(" doubled to ")?;
    let (result, signature) = rest.split_once(" by")?;
    Some((number.parse().ok()?, result.parse().ok()?, signature))
}

/// Every child reports exactly once, with the right double, signed with its own pid (none
/// the parent's, no two the same) or with its name. The order is not checked: it is up to
/// the scheduler, which is the lesson.
#[test]
fn every_child_doubles_once_and_signs() {
    let ran = testing::run(BIN, &[]);
    ran.success();
    let stdout = ran.stdout.clone();
    let parent: u32 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("parent process id: "))
        .expect(&stdout)
        .parse()
        .unwrap();

    let mut by_pid = BTreeMap::new();
    let mut by_name = BTreeMap::new();
    for (number, result, signature) in stdout.lines().filter_map(parse) {
        assert_eq!(result, 2 * number, "{stdout}");
        if let Some(pid) = signature.strip_prefix(" process id: ") {
            let pid: u32 = pid.parse().unwrap();
            assert_ne!(pid, parent, "{stdout}");
            assert!(
                by_pid.insert(number, pid).is_none(),
                "{number} twice: {stdout}"
            );
        } else {
            let name = signature.strip_prefix(": ").expect(&stdout).to_string();
            assert!(by_name.insert(name, number).is_none(), "{stdout}");
        }
    }
    assert_eq!(
        by_pid.keys().copied().collect::<Vec<_>>(),
        [5, 10, 15, 20, 25],
        "{stdout}"
    );
    let distinct: BTreeSet<u32> = by_pid.values().copied().collect();
    assert_eq!(distinct.len(), 5, "pids repeat: {stdout}");

    let expected: BTreeMap<String, i64> = [
        ("Process-1", 5),
        ("Process-2", 10),
        ("Process-3", 15),
        ("Process-4", 20),
        ("Process-5", 25),
        ("Test", 2),
    ]
    .into_iter()
    .map(|(name, number)| (name.to_string(), number))
    .collect();
    assert_eq!(by_name, expected, "{stdout}");
    assert!(stdout.contains("5 children joined"), "{stdout}");
    assert!(stdout.contains("6 children joined"), "{stdout}");
}

/// `--numbers` sets how many children there are and what they double.
#[test]
fn numbers_flag_sets_the_children() {
    let ran = testing::run(BIN, &["--numbers=-3,0,7"]);
    ran.success();
    let stdout = ran.stdout.clone();
    let by_pid: BTreeSet<(i64, i64)> = stdout
        .lines()
        .filter_map(parse)
        .filter(|(_, _, signature)| signature.starts_with(" process id"))
        .map(|(number, result, _)| (number, result))
        .collect();
    assert_eq!(
        by_pid,
        BTreeSet::from([(-3, -6), (0, 0), (7, 14)]),
        "{stdout}"
    );
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--numbers", "5,x"][..],
        &["--numbers", "99999999999999999"],
        &["--processes", "5"],
    ] {
        assert_eq!(testing::run(BIN, args).code(), Some(2), "{args:?}");
    }
}
