cargo run --release -p queues --bin queue_throughput -- --json
messages per second: our Condvar queue (before and after), std mpsc, crossbeam bounded and unbounded
