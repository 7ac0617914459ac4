python3 scripts/python/limits.py
limits' 10 000 sleeping asyncio and trio tasks, threads, processes
