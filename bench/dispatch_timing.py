#!/usr/bin/env python3
"""dispatch_timing.py ROUNDS NAME=COMMAND...: time commands interleaved.

Each round runs every command once, in a shuffled order, so that the load of
a shared machine falls on all of them alike. Prints a Markdown table: wall
time (median, mean, p10, p90 in ms, and the median relative to the first
command) and CPU time (user + system of the process, which an exec keeps,
from wait4; less sensitive to other load than wall time).
"""
import os
import random
import shlex
import statistics
import subprocess
import sys
import time


def main():
    rounds = int(sys.argv[1])
    cmds = []
    for arg in sys.argv[2:]:
        name, _, cmd = arg.partition("=")
        cmds.append((name, shlex.split(cmd)))
    samples = {name: [] for name, _ in cmds}
    cpu = {name: [] for name, _ in cmds}
    for _ in range(3):  # warm-up
        for name, argv in cmds:
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    for _ in range(rounds):
        order = list(cmds)
        random.shuffle(order)
        for name, argv in order:
            t0 = time.perf_counter_ns()
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, _, ru = os.wait4(p.pid, 0)
            samples[name].append((time.perf_counter_ns() - t0) / 1e6)
            cpu[name].append((ru.ru_utime + ru.ru_stime) * 1e3)
            p.returncode = 0
    base = statistics.median(samples[cmds[0][0]])
    cbase = statistics.median(cpu[cmds[0][0]])
    print("| Command | median ms | mean ms | p10 ms | p90 ms | median / first | CPU median ms "
          "| CPU / first |")
    print("|:---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in cmds:
        s = sorted(samples[name])
        med = statistics.median(s)
        p10 = s[len(s) // 10]
        p90 = s[(len(s) * 9) // 10]
        cmed = statistics.median(cpu[name])
        print("| %s | %.1f | %.1f | %.1f | %.1f | %.3f | %.1f | %.3f |" % (
            name, med, statistics.mean(s), p10, p90, med / base, cmed, cmed / cbase))


if __name__ == "__main__":
    main()
