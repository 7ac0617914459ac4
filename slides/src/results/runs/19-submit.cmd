cargo run --release -p distributed --bin submit -- --json
sends N jobs, waits for every result, checks each answer: through a broker with 1, 2 and 4 worker processes, beside the same jobs on a local rayon pool
