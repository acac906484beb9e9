"""``kg build`` at scale, end to end: N generated papers, a no-op rebuild, then 1,000 papers more.

Each step is a real ``kg build`` process (``python -m kg build ... --format json``) on
records from ``bench/gen_corpus.py``, with the default exports. For each step: wall time,
CPU time (user + system) and peak RSS of the largest process (``os.wait4``), the peak
memory of the whole process tree (the build, its pool workers, its export child) sampled
every 0.5 s as the sum of their PSS (``peak_tree_pss_mib``: pages shared between them
counted once; mapped file pages count) and of their RSS (``peak_tree_rss_mib``), and the
stage times ``build.json`` records. ``non_extract_s`` is the wall time of every stage but extraction
(another part of issue 10 makes extraction faster); ``projected_s`` adds extraction at
``--extract-rate`` papers/s (default 2,000: 1,000 per core on two cores, the issue's target)
to the measured rest.

    python bench/bench_scale.py --papers 5000
    nice -n 10 python bench/bench_scale.py --papers 100000 --format json -o /tmp/scale-100k.json

Every result also holds ``machine_loop_cpu_s``: the best CPU time of 3 runs of a fixed pure-Python
loop (20 million additions), taken before the builds, and ``machine_loop_cpu_s_after``, the same
taken after them, so that figures from days when the machine runs faster or slower can be told
apart (the same add took 88.5 s one morning and 226 s that evening; on 2026-12-03 the loop took
1.3 s before a 100k run and 3.6 s right after it: the machine slows down under sustained load).

``--keep DIR`` builds in DIR and keeps it. Sizes of the main outputs are listed too.
``--step OUT INPUT...`` measures one ``kg build INPUT... -o OUT`` the same way (JSON):

    nice -n 10 python bench/bench_scale.py --step b100k corpus-100k.jsonl more-1000.jsonl

``--sizes`` measures how the cost grows instead: one full build (no rebuilds) at each
size, in a table, and a plot of time and peak memory against papers (``--plot``, a PNG
drawn with matplotlib), with the line a cost proportional to papers would follow:

    nice -n 10 python bench/bench_scale.py --sizes 1000,10000,100000 --plot bench/scale.png
"""

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("read", "check", "prior", "extract", "resolve", "state", "rdf", "store", "export", "swap")


def _tree(root: int) -> list[int]:
    """``root`` and every process under it (from /proc/PID/task/TID/children)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo.extend(int(x) for x in f.read().split())
    return out


def tree_memory(root: int) -> tuple[int, int]:
    """(PSS, RSS) in KiB summed over the process tree of ``root`` (/proc/PID/smaps_rollup)."""
    pss = rss = 0
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
    return pss, rss


class TreeSampler:
    """The peak (PSS, RSS) of a process tree, sampled every ``every`` seconds on a thread."""

    def __init__(self, root: int, every: float = 0.5) -> None:
        import threading

        self.root, self.every, self.peak_pss, self.peak_rss = root, every, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            pss, rss = tree_memory(self.root)
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            if self._done.wait(self.every):
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def run_build(inputs: list[Path], out: Path) -> dict[str, Any]:
    """One ``kg build`` process: its summary, wall and CPU time, peak RSS and the tree's peak."""
    # -P: not the working directory first on sys.path, so that PYTHONPATH=/tmp/old-code is
    # the kg measured even when run from a checkout (whose kg/ would shadow it)
    cmd = [sys.executable, "-P", "-m", "kg", "--no-progress", "build", *map(str, inputs), "-o", str(out),
           "--format", "json"]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
        sampler = TreeSampler(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"kg build failed ({proc.returncode}): {err[-2000:]}")
        stdout.seek(0)
        summary = json.loads(stdout.read())
    timings = summary["timings"]
    extract = timings.get("extract", 0.0)
    return {
        "papers": summary["papers"], "extracted": summary["papers_extracted"],
        "triples": summary["triples"], "links": summary["links"],
        "wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),
        "peak_tree_pss_mib": round(sampler.peak_pss / 1024),
        "peak_tree_rss_mib": round(sampler.peak_rss / 1024),
        "stages_s": {k: round(timings[k], 1) for k in STAGES if k in timings},
        "stages_cpu_s": {k: round(v, 1) for k, v in summary.get("cpu_timings", {}).items()},
        "non_extract_s": round(wall - extract, 1),
        "non_extract_cpu_s": round(usage.ru_utime + usage.ru_stime
                                   - summary.get("cpu_timings", {}).get("extract", 0.0), 1),
    }


def sizes(out: Path) -> dict[str, float]:
    def mib(p: Path) -> float:
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
        return round(sum(f.stat().st_size for f in files) / 2**20, 1)

    return {name: mib(out / name) for name in ("graph.nq", "graph.ttl", "store", "papers.jsonl",
                                               "extractions.jsonl", "graph.graphml", "graph.html",
                                               "report.html", "tables")
            if (out / name).exists()}


def bench(papers: int, add: int, workdir: Path, extract_rate: float, seed: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import gen_corpus

    base, more = workdir / "papers.jsonl", workdir / "more.jsonl"
    with open(base, "w", encoding="utf-8") as f:
        gen_corpus.write(gen_corpus.generate(papers, seed=seed), f)
    with open(more, "w", encoding="utf-8") as f:
        gen_corpus.write(gen_corpus.generate(add, seed=seed, start=papers), f)
    out = workdir / "out"
    result: dict[str, Any] = {"papers": papers, "load_average": os.getloadavg()[0],
                              "machine_loop_cpu_s": machine_loop_cpu_s()}
    result["build"] = run_build([base], out)
    result["sizes_mib"] = sizes(out)
    result["noop"] = run_build([base], out)
    if add:
        result["add"] = run_build([base, more], out)
    b = result["build"]
    result["projected_s"] = round(b["non_extract_s"] + papers / extract_rate, 1)
    result["projected_cpu_s"] = round(b["non_extract_cpu_s"] + papers / extract_rate, 1)
    result["load_average_after"] = os.getloadavg()[0]
    result["machine_loop_cpu_s_after"] = machine_loop_cpu_s()
    return result


def bench_sizes(counts: list[int], workdir: Path, seed: int, keep: bool,
                partial: Path | None = None) -> dict[str, Any]:
    """One full build at each of ``counts`` papers (the same generator, seed and pools);
    the sizes done so far are written to ``partial`` (JSON) after each one."""
    sys.path.insert(0, str(HERE))
    import gen_corpus

    runs = []
    for n in counts:
        base, out = workdir / f"papers-{n}.jsonl", workdir / f"out-{n}"
        with open(base, "w", encoding="utf-8") as f:
            gen_corpus.write(gen_corpus.generate(n, seed=seed), f)
        load = os.getloadavg()[0]
        run = run_build([base], out)
        run.update(size=n, load_average=round(load, 1), load_average_after=round(os.getloadavg()[0], 1),
                   sizes_mib=sizes(out))
        runs.append(run)
        if partial is not None:
            partial.write_text(json.dumps({"sizes": runs}, indent=2) + "\n", encoding="utf-8")
        base.unlink()
        if not keep:
            shutil.rmtree(out)
    return {"sizes": runs}


def sizes_table(r: dict[str, Any]) -> str:
    rows = [("papers", "wall s", "CPU s", "CPU ms/paper", "peak RSS MiB", "load", "CPU s per stage")]
    for x in r["sizes"]:
        rows.append((f"{x['papers']:,}", str(x["wall_s"]), str(x["cpu_s"]),
                     f"{1000 * x['cpu_s'] / x['papers']:.1f}", f"{x['peak_rss_mib']:,}",
                     f"{x['load_average']}-{x['load_average_after']}",
                     " ".join(f"{k} {v}" for k, v in x["stages_cpu_s"].items())))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows) + "\n"


def plot(r: dict[str, Any], path: Path) -> None:
    """Time and peak memory against papers, log-log, each beside the line of a linear cost."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted(r["sizes"], key=lambda x: x["papers"])
    n = [x["papers"] for x in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    for key, label, marker in (("wall_s", "wall", "o"), ("cpu_s", "CPU", "s")):
        left.plot(n, [x[key] for x in runs], marker=marker, label=f"kg build, {label} s")
    left.plot(n, [runs[-1]["cpu_s"] * k / n[-1] for k in n], ls=":", color="grey",
              label="linear (through the largest CPU)")
    left.set(xscale="log", yscale="log", xlabel="papers", ylabel="seconds", title="time")
    right.plot(n, [x["peak_rss_mib"] for x in runs], marker="o", color="tab:red", label="peak RSS")
    right.plot(n, [runs[-1]["peak_rss_mib"] * k / n[-1] for k in n], ls=":", color="grey",
               label="linear (through the largest)")
    right.set(xscale="log", yscale="log", xlabel="papers", ylabel="MiB", title="peak memory")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("kg build, default exports, bench/gen_corpus.py papers", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def table(r: dict[str, Any]) -> str:
    rows = [("step", "papers", "extracted", "wall s", "cpu s", "peak RSS MiB", "tree PSS MiB", "non-extract s",
             "non-extract cpu s", "stages cpu s")]
    for step in ("build", "noop", "add"):
        if step in r:
            x = r[step]
            rows.append((step, f"{x['papers']:,}", f"{x['extracted']:,}", str(x["wall_s"]), str(x["cpu_s"]),
                         f"{x['peak_rss_mib']:,}", f"{x['peak_tree_pss_mib']:,}", str(x["non_extract_s"]),
                         str(x["non_extract_cpu_s"]),
                         " ".join(f"{k} {v}" for k, v in x["stages_cpu_s"].items())))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"projected full build with extraction at the target rate: {r['projected_s']} s wall, "
                 f"{r['projected_cpu_s']} s if the rest had a core to itself")
    lines.append("sizes MiB: " + ", ".join(f"{k} {v}" for k, v in r["sizes_mib"].items()))
    return "\n".join(lines) + "\n"


def machine_loop_cpu_s(repeat: int = 3, n: int = 20_000_000) -> float:
    """The least CPU time of ``repeat`` runs of a fixed pure-Python loop: how fast this machine
    runs Python code now (a figure to set beside the builds', not a benchmark of kg)."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        total = 0
        for i in range(n):
            total += i
        best = min(best, time.process_time() - c0)
    return round(best, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--papers", "-n", type=int, default=5000)
    parser.add_argument("--add", type=int, default=1000, help="papers added by the third build (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extract-rate", type=float, default=2000.0,
                        help="papers/s of extraction assumed for projected_s (default 2000)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated paper counts: one full build at each (no rebuilds)")
    parser.add_argument("--plot", type=Path, default=None, help="with --sizes: draw this PNG")
    parser.add_argument("--step", nargs="+", type=Path, default=None, metavar="OUT INPUT",
                        help="measure one kg build of INPUT... into OUT (JSON)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("-o", "--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.step:
        if len(args.step) < 2:
            parser.error("--step: expected OUT and one input or more")
        loop = machine_loop_cpu_s()
        step = run_build(args.step[1:], args.step[0]) | {"load_average": os.getloadavg()[0],
                                                          "machine_loop_cpu_s": loop,
                                                          "machine_loop_cpu_s_after": machine_loop_cpu_s()}
        if args.output:
            args.output.write_text(json.dumps(step, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(json.dumps(step, indent=2) + "\n")
        return 0
    if args.sizes:
        try:
            counts = [int(x) for x in args.sizes.split(",")]
        except ValueError:
            parser.error(f"--sizes: expected comma-separated numbers, not {args.sizes!r}")
        if not counts or min(counts) < 1:
            parser.error("--sizes: every size must be 1 or more")
        with contextlib.ExitStack() as stack:
            work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-bench-scale-")))
            work.mkdir(parents=True, exist_ok=True)
            result = bench_sizes(counts, work, args.seed, args.keep is not None, args.output)
        if args.plot:
            plot(result, args.plot)
        if args.output:
            args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.format == "json" else sizes_table(result))
        return 0
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = bench(args.papers, args.add, args.keep, args.extract_rate, args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="kg-bench-scale-") as tmp:
            result = bench(args.papers, args.add, Path(tmp), args.extract_rate, args.seed)
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.format == "json" else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
