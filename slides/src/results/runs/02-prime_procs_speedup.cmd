cargo run --release -p pipes --bin prime_procs_speedup -- --json
1 vs 2 worker processes: ≈1.5× on the numbers of `procs.py`, bounded by the largest job (Amdahl); ≈2× on a balanced set
