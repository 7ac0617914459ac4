cargo run --release -p gil --bin gil_io -- --json
10 threads that wait 100 ms with the GIL released finish in about one wait, not ten
