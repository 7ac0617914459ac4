cargo run --release -p intro --bin context_switch -- --json
a ping-pong between two threads, two tokio tasks and two processes, pinned to one CPU and free: nanoseconds per switch
