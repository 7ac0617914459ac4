cargo run --release -p pipes --bin spawn_cost -- --json
spawning and joining 100 processes vs 100 threads: the cost of one of each, and the ratio
