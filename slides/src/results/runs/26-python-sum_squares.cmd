python3 scripts/python/sum_squares.py
cpu_bound's sum of squares: serial, threads, processes
