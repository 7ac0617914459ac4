python3 scripts/python/spawn_cost.py
spawn_cost's threads and processes, fork and spawn
