"""How busy a command keeps the machine's cores over time: its process and its descendants.

Runs the command, and every ``--every`` seconds reads the CPU time (user + system, from
``/proc/PID/stat``) of its process and of every process descended from it; prints, per
sample, the cores the command's own process used and the cores its descendants used
(forked children, subprocesses), with a bar of each. Where the first column is below 1 and
the second is 0, a core sits idle: what is left to move beside something else.

    python bench/timeline.py -- python -m kg build corpus.jsonl more.jsonl -o out
    python bench/timeline.py --every 1 --format json -- python -m kg build ...

Linux only (``/proc``). The command's standard output is discarded.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any


def _processes() -> dict[int, tuple[int, int]]:
    """Every process: pid -> (parent pid, CPU ticks used so far)."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def _tree(root: int, procs: dict[int, tuple[int, int]]) -> set[int]:
    tree, grown = {root}, True
    while grown:
        grown = False
        for pid, (parent, _) in procs.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return tree


def sample(argv: list[str], every: float) -> list[dict[str, Any]]:
    """Run ``argv``; per sample: seconds since the start, cores of its process, of the others."""
    tick = os.sysconf("SC_CLK_TCK")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    t0 = time.monotonic()
    last: dict[int, int] = {}
    rows = []
    while proc.poll() is None:
        time.sleep(every)
        procs = _processes()
        used = {}
        for pid in _tree(proc.pid, procs) & procs.keys():
            ticks = procs[pid][1]
            used[pid] = (ticks - last.get(pid, 0)) / tick / every
            last[pid] = ticks
        main = used.pop(proc.pid, 0.0)
        rows.append({"s": round(time.monotonic() - t0, 1), "main": round(main, 2),
                     "others": round(sum(used.values()), 2),
                     "processes": 1 + sum(1 for v in used.values() if v > 0.05)})
    rows.append({"s": round(time.monotonic() - t0, 1), "exit": proc.returncode})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples (0.5)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    rows = sample(command, args.every)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{'s':>6}  {'main':>5}  {'others':>6}  processes")
    for r in rows:
        if "exit" in r:
            print(f"{r['s']:6.1f}  exit code {r['exit']}")
            continue
        bars = ("#" * round(10 * r["main"])).ljust(12) + "|" + "*" * round(10 * r["others"])
        print(f"{r['s']:6.1f}  {r['main']:5.2f}  {r['others']:6.2f}  {r['processes']:>3}  {bars}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
