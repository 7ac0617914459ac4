cargo run --release -p servers --bin compare_servers -- --connections 10,100,1000 --json
wrk against every server, a real nginx and a real Apache among them, each on one pinned core: requests/s, latency and memory at 100, 1 000 and 10 000 connections
