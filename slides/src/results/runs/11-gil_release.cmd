cargo run --release -p gil --bin gil_release -- --json
a matrix product on 2 threads: no faster while holding the GIL, up to 2× inside allow_threads (numpy's way)
