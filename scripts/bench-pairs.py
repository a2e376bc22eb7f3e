#!/usr/bin/env python3
"""Paired, interleaved timing of shell commands, for scripts/bench-bundle.sh.

Usage: bench-pairs.py RUNS OUT.json NAME=COMMAND...

Each round runs every command once, in an order rotated by one each round (so no
command always runs first, or right after the same neighbour, on a noisy machine);
one warm-up round first. Per run: wall time, CPU time (user + system, the command's
whole process tree) and peak RSS (the largest process of the tree), from wait4.
Writes, per command, the median of each and the per-round figures to OUT.json.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run(command):
    start = time.perf_counter()
    proc = subprocess.Popen(["sh", "-c", command], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"bench-pairs: exit {proc.returncode}: {command}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main():
    runs, out = int(sys.argv[1]), sys.argv[2]
    commands = [arg.split("=", 1) for arg in sys.argv[3:]]
    for _, command in commands:
        run(command)
    rounds = {name: [] for name, _ in commands}
    for i in range(runs):
        k = i % len(commands)
        for name, command in commands[k:] + commands[:k]:
            rounds[name].append(run(command))
    result = {}
    for name, command in commands:
        r = rounds[name]
        result[name] = {
            "command": command,
            "wall": statistics.median(x[0] for x in r),
            "cpu": statistics.median(x[1] for x in r),
            "rss": statistics.median(x[2] for x in r),
            "walls": [x[0] for x in r],
        }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
