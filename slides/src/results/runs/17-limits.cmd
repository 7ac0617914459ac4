cargo run --release -p structured --bin limits -- --json
10 000 sleeping tokio tasks, 10 000 threads and 1 000 processes: spawn time and peak memory per unit, side by side
