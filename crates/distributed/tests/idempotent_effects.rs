//! The exercise solution `idempotent_effects`: a worker killed after a job's effects and
//! before its result; the job runs again. The counter (`INCR`) counts it twice, the set
//! (`SADD`) does not, and every result is still right.
//!
//!     cargo build -p distributed --examples && cargo test -p distributed --test idempotent_effects

use common::testing::{self, assert_all_gone};

#[test]
fn a_rerun_counts_twice_in_a_counter_and_once_in_a_set() {
    if distributed::broker::redis_server().is_none() {
        eprintln!("skipped: redis-server is not installed (scripts/install-servers redis)");
        return;
    }
    let example = testing::example(env!("CARGO_BIN_EXE_submit"), "idempotent_effects");
    let ran = testing::run(example.to_str().expect("a UTF-8 path"), &[]);
    let stdout = &ran.success().stdout;
    assert!(
        stdout.contains("12 of 12 results, all right: true"),
        "{stdout}"
    );
    assert!(stdout.contains("INCR counter: 13 "), "{stdout}");
    assert!(stdout.contains("SADD set: 12 members"), "{stdout}");
    assert_all_gone(&testing::numbers_after(&ran.stderr, "pid"));
}
