cargo run --release -p intro --bin concurrent_vs_parallel -- --json
two CPU-bound hash chains on one pinned core, then on two: wall time about 2× against 1×, CPU time the same
