//! Runs `channels`: std's mpsc and crossbeam's unbounded, bounded and zero-capacity
//! channels and `select!`, each demo with an order of events that is the same every run.

use common::testing::{self, Ran};

fn run(args: &[&str]) -> Ran {
    testing::run(env!("CARGO_BIN_EXE_channels"), args)
}

fn demo(name: &str) -> String {
    run(&["--demo", name]).success().stdout.clone()
}

/// Unbounded: all five sends return before the first receive.
#[test]
fn unbounded_send_never_waits() {
    let expected = "\
crossbeam channel::unbounded(): send never waits
   1  sender  sent 0; len() = 1
   2  sender  sent 1; len() = 2
   3  sender  sent 2; len() = 3
   4  sender  sent 3; len() = 4
   5  sender  sent 4; len() = 5
   6  main    received 0
   7  main    received 1
   8  main    received 2
   9  main    received 3
  10  main    received 4
";
    assert_eq!(demo("unbounded"), expected);
}

/// Bounded(2): two sends return at once; the third waits, and returns only after the
/// main thread's first receive.
#[test]
fn bounded_third_send_waits_for_a_receive() {
    let expected = "\
crossbeam channel::bounded(2): a send waits while the channel is full
   1  sender  sent 0; len() = 1
   2  sender  sent 1; len() = 2
   3  sender  send(2) will wait: no room (len() = 2, capacity 2)
   4  main    100 ms later, send(2) has not returned
   5  main    received 0
   6  sender  sent 2; len() = 2
   7  main    received 1
   8  main    received 2
";
    assert_eq!(demo("bounded"), expected);
}

/// Zero capacity: even the first send waits, and each returns only once its message
/// has been received.
#[test]
fn zero_capacity_every_send_meets_its_receive() {
    let expected = "\
crossbeam channel::bounded(0): every send waits for its receiver
   1  sender  send(0) will wait: no room (len() = 0, capacity 0)
   2  main    100 ms later, send(0) has not returned
   3  main    received 0
   4  sender  sent 0; len() = 0
   5  sender  send(1) will wait: no room (len() = 0, capacity 0)
   6  main    100 ms later, send(1) has not returned
   7  main    received 1
   8  sender  sent 1; len() = 0
";
    assert_eq!(demo("zero"), expected);
}

/// select!: a ready answer beats a distant timeout; a timeout beats an answer held back.
#[test]
fn select_takes_the_ready_channel() {
    let expected = "\
crossbeam select!: whichever channel is ready first
  a quick job against after(5 s): the answer came first: 76127
  a held-back job against after(100 ms): the timeout came first
  released afterwards, the held-back job answers: 76127
";
    assert_eq!(demo("select"), expected);
}

/// mpsc: all nine messages arrive, each producer's in the order it sent them, and the
/// receiving loop ends by itself.
#[test]
fn mpsc_keeps_each_senders_order_and_ends() {
    let stdout = demo("mpsc");
    let arrived = stdout
        .lines()
        .find_map(|line| line.strip_prefix("  arrived (producer.message): "))
        .expect(&stdout);
    let mut arrived: Vec<&str> = arrived.split(' ').collect();
    arrived.sort();
    let all: Vec<String> = (1..=3)
        .flat_map(|p| (0..3).map(move |i| format!("{p}.{i}")))
        .collect();
    assert_eq!(arrived, all, "{stdout}");
    for producer in 1..=3 {
        let line = format!("  from producer {producer}, in arrival order: 0 1 2");
        assert!(stdout.lines().any(|l| l == line), "{stdout}");
    }
    assert!(
        stdout.ends_with("  the receiving loop ended: every Sender had been dropped\n"),
        "{stdout}"
    );
}

/// The first line of each demo's block: blocks are separated by a blank line.
fn titles(stdout: &str) -> Vec<&str> {
    stdout
        .split("\n\n")
        .map(|block| block.lines().next().unwrap_or_default())
        .collect()
}

/// `--demo all`, the default, runs the five demos in order.
#[test]
fn all_runs_every_demo_in_order() {
    let all = demo("all");
    assert_eq!(
        titles(&all),
        [
            "std mpsc::channel(): three senders, one receiver",
            "crossbeam channel::unbounded(): send never waits",
            "crossbeam channel::bounded(2): a send waits while the channel is full",
            "crossbeam channel::bounded(0): every send waits for its receiver",
            "crossbeam select!: whichever channel is ready first",
        ],
        "{all}"
    );
    let default = run(&[]).stdout;
    assert_eq!(titles(&default), titles(&all), "{default}");
}

/// Nonsense flags are refused by clap with exit code 2.
#[test]
fn nonsense_flags_exit_with_2() {
    for args in [
        &["--demo", "rendezvous"][..],
        &["--demo"],
        &["--messages", "3"],
    ] {
        assert_eq!(run(args).code(), Some(2), "{args:?}");
    }
}
