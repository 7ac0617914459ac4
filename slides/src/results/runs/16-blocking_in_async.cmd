cargo run --release -p coroutines --bin blocking_in_async -- --yield-cost --json
a CPU-bound loop in a task starves a 100 ms ticker; spawn_blocking, yield_now every N and rayon + a oneshot bring the ticks back
