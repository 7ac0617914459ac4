python3 scripts/python/pipe_latency.py
pipe_latency's round trip: multiprocessing.Pipe, an OS pipe
