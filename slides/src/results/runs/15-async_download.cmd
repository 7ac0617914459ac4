cargo run --release -p coroutines --bin async_download -- --json
downloads from the cat server: 3 and 10 workers on a queue, sequential, join_all, buffer_unordered and a Semaphore; process time vs total time
