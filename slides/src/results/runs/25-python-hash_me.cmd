python3 scripts/python/hash_me.py
cpu_bound's hash chain: serial, threads, processes
