cargo run --release -p pipes --bin pipe_latency -- --json
round-trip latency of one small message: ipc-channel vs an OS pipe vs a crossbeam channel, pinned and not
