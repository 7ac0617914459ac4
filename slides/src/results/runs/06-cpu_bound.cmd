cargo run --release -p pools --bin cpu_bound -- --json
hash chains and sums of squares: serial vs threads vs processes vs rayon; no GIL, so threads scale too
