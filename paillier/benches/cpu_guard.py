#!/usr/bin/env python3
"""Runs a benchmark phase and repeats it if other processes disturbed it.

Usage: cpu_guard.py LOG_JSON PHASE [--max-share S] [--attempts N] -- COMMAND...

Benchmarks on a shared two-core machine are only meaningful when nothing else runs. This
compares the machine's busy CPU time (/proc/stat) with the CPU time of the command and its
children; if other processes used more than S (default 0.05) of the machine's capacity during
the phase, the phase is run again, up to N (default 3) attempts in all. The last attempt is
appended to LOG_JSON (a JSON list of {"phase", "seconds", "other_share", "attempts"}).
"""

import json
import os
import resource
import subprocess
import sys
import time


def busy_seconds():
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
    return (sum(values) - values[3] - (values[4] if len(values) > 4 else 0)) / os.sysconf("SC_CLK_TCK")


def run_once(command):
    before_busy, before_wall = busy_seconds(), time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    status = subprocess.call(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic() - before_wall
    ours = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    other = max(0.0, busy_seconds() - before_busy - ours)
    return status, wall, (other / (wall * os.cpu_count()) if wall > 0 else 0.0)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    options, command = args[:split], args[split + 1 :]
    log, phase = options[0], options[1]
    max_share, attempts = 0.05, 3
    rest = options[2:]
    while rest:
        if rest[0] == "--max-share":
            max_share = float(rest[1])
        elif rest[0] == "--attempts":
            attempts = int(rest[1])
        else:
            sys.exit(f"unknown option {rest[0]}")
        rest = rest[2:]

    for attempt in range(1, attempts + 1):
        status, wall, share = run_once(command)
        print(f"[cpu_guard] {phase}, attempt {attempt}: {wall:.0f} s, other processes used "
              f"{100 * share:.1f} % of the machine", file=sys.stderr)
        if status != 0 or share <= max_share:
            break
    entries = []
    if os.path.exists(log):
        with open(log) as fh:
            entries = json.load(fh)
    entries.append({"phase": phase, "seconds": round(wall, 1), "other_share": round(share, 3), "attempts": attempt})
    with open(log, "w") as fh:
        json.dump(entries, fh, indent=2)
    sys.exit(status)


if __name__ == "__main__":
    main()
