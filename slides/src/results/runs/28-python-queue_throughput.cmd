python3 scripts/python/queue_throughput.py
queue_throughput's queues between threads
