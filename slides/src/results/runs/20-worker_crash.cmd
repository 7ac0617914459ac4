cargo run --release -p distributed --bin worker_crash -- --json
a worker killed mid-job: its job is delivered again and every result still arrives; nothing lost, nothing done twice in the results
