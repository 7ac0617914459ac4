cargo run --release -p coroutines --bin task_cost -- --json
what a task costs: spawn and complete 1 000 and 100 000 units on tokio, on our executor and as threads, in time and bytes
