//! Runs `queue_kinds`: the same five tasks through the four queues of Python's `queue`.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_queue_kinds"), args)
}

/// The list printed on the line after `label`, e.g. `[(3, "write"), (1, "fix")]`.
fn order_after<'a>(stdout: &'a str, label: &str) -> &'a str {
    let mut lines = stdout.lines();
    lines
        .find(|line| *line == label)
        .unwrap_or_else(|| panic!("no line {label:?}: {stdout}"));
    lines
        .next()
        .unwrap_or_else(|| panic!("nothing after {label:?}: {stdout}"))
        .trim_start()
}

/// FIFO, LIFO, smallest first and FIFO again: the exact orders, from the same input.
#[test]
fn each_queue_hands_back_in_its_own_order() {
    let ran = run(&[]);
    let stdout = &ran.success().stdout;

    let input = r#"[(3, "write"), (1, "fix"), (4, "mail"), (2, "review"), (5, "tidy")]"#;
    let reversed = r#"[(5, "tidy"), (2, "review"), (4, "mail"), (1, "fix"), (3, "write")]"#;
    let by_priority = r#"[(1, "fix"), (2, "review"), (3, "write"), (4, "mail"), (5, "tidy")]"#;
    assert_eq!(order_after(stdout, "put in this order:"), input);
    assert_eq!(order_after(stdout, "Queue (first in, first out):"), input);
    assert_eq!(
        order_after(stdout, "LifoQueue (last in, first out):"),
        reversed
    );
    assert_eq!(
        order_after(stdout, "PriorityQueue (smallest first):"),
        by_priority
    );
    assert_eq!(
        order_after(stdout, "SimpleQueue (first in, first out):"),
        input
    );
}

/// A queue with a maxsize refuses a third item, gives it back, and takes it once there
/// is room again.
#[test]
fn a_full_queue_gives_the_item_back() {
    let stdout = run(&[]).stdout;
    assert!(stdout.contains("qsize() = 2, full() = true"), "{stdout}");
    assert!(stdout.contains(r#"try_put("c") -> Full("c")"#), "{stdout}");
    assert!(
        stdout.contains(r#"put_timeout("c", 50 ms) -> Full("c")"#),
        "{stdout}"
    );
    assert!(stdout.contains(r#"get() -> "a""#), "{stdout}");
    assert!(stdout.contains(r#"try_put("c") -> Ok"#), "{stdout}");
    assert!(
        stdout.contains(r#"left in the queue: ["b", "c"]"#),
        "{stdout}"
    );
}

/// The program takes no flags but the standard ones.
#[test]
fn unknown_flags_exit_with_2() {
    assert_eq!(run(&["--maxsize", "3"]).code(), Some(2));
    run(&["--version"]).success();
}
