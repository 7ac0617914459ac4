cargo run --release -p intro --bin latency_throughput -- --json
8 service stations of one time unit: as a pipeline, latency 8 and 1 job a unit; as a farm, latency 1 and 8 jobs a unit
