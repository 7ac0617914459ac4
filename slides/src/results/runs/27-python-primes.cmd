python3 scripts/python/primes.py
the prime checks of prime_pool and prime_procs_speedup
