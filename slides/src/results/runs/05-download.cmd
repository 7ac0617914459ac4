cargo run --release -p pools --bin download -- --count 160 --json
downloads from the cat server: sequential vs 5–30 threads vs processes; I/O-bound work scales with waiting workers
