cargo run --release -p gil --bin gil_cpu -- --json
20 hash chains on threads that must hold the simulated GIL take as long as serial; without it, and as processes, they scale
