#!/usr/bin/python3
"""ms.py N CMD [ARG...]: the median wall time, in ms, of N runs of CMD.

Runs are started from here (vfork/exec) rather than from the shell, whose fork of
itself, plus two `date` processes per run, cost more than the commands being measured
and made them look 10 ms slower on a small VM."""
import statistics
import subprocess
import sys
import time

n = int(sys.argv[1])
cmd = sys.argv[2:]
subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm the page cache
times = []
for _ in range(n):
    t = time.perf_counter_ns()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter_ns() - t) / 1e6)
print("%.2f" % statistics.median(times))
