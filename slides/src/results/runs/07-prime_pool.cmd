cargo run --release -p pools --bin prime_pool -- --json
the Python course notebook's PRIMES checked by a thread pool, a process pool and rayon: the same answers
