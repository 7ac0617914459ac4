// Does not compile (E0499): both threads would borrow `counter` mutably.
// `race`'s module documentation runs this as a compile_fail doc test.
use std::thread;

let mut counter: u64 = 0;
thread::scope(|s| {
    s.spawn(|| {
        for _ in 0..1000 {
            counter += 1;
        }
    });
    s.spawn(|| {
        for _ in 0..1000 {
            counter += 1;
        }
    });
});
