cargo run --release -p gil --bin contention -- --json
increments per second: one Mutex, one atomic, per-thread counters, false sharing and CachePadded, on 1 and 2 threads
