"""``kg build`` at scale, end to end: N generated papers, a no-op rebuild, then 1,000 papers more.

Each step is a real ``kg build`` process (``python -m kg build ... --format json``) on
records from ``bench/gen_corpus.py``, with the default exports. For each step: wall time,
CPU time (user + system) and peak RSS of the process (``os.wait4``), and the stage times
``build.json`` records. ``non_extract_s`` is the wall time of every stage but extraction
(another part of issue 10 makes extraction faster); ``projected_s`` adds extraction at
``--extract-rate`` papers/s (default 2,000: 1,000 per core on two cores, the issue's target)
to the measured rest.

    python bench/bench_scale.py --papers 5000
    nice -n 10 python bench/bench_scale.py --papers 100000 --format json -o /tmp/scale-100k.json

``--keep DIR`` builds in DIR and keeps it. Sizes of the main outputs are listed too.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("read", "check", "extract", "resolve", "state", "rdf", "store", "export", "swap")


def run_build(inputs: list[Path], out: Path) -> dict[str, Any]:
    """One ``kg build`` process: its summary, wall and CPU time and peak RSS."""
    cmd = [sys.executable, "-m", "kg", "--no-progress", "build", *map(str, inputs), "-o", str(out),
           "--format", "json"]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
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
    result: dict[str, Any] = {"papers": papers, "load_average": os.getloadavg()[0]}
    result["build"] = run_build([base], out)
    result["sizes_mib"] = sizes(out)
    result["noop"] = run_build([base], out)
    if add:
        result["add"] = run_build([base, more], out)
    b = result["build"]
    result["projected_s"] = round(b["non_extract_s"] + papers / extract_rate, 1)
    result["projected_cpu_s"] = round(b["non_extract_cpu_s"] + papers / extract_rate, 1)
    result["load_average_after"] = os.getloadavg()[0]
    return result


def table(r: dict[str, Any]) -> str:
    rows = [("step", "papers", "extracted", "wall s", "cpu s", "peak RSS MiB", "non-extract s",
             "non-extract cpu s", "stages cpu s")]
    for step in ("build", "noop", "add"):
        if step in r:
            x = r[step]
            rows.append((step, f"{x['papers']:,}", f"{x['extracted']:,}", str(x["wall_s"]), str(x["cpu_s"]),
                         f"{x['peak_rss_mib']:,}", str(x["non_extract_s"]), str(x["non_extract_cpu_s"]),
                         " ".join(f"{k} {v}" for k, v in x["stages_cpu_s"].items())))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"projected full build with extraction at the target rate: {r['projected_s']} s wall, "
                 f"{r['projected_cpu_s']} s if the rest had a core to itself")
    lines.append("sizes MiB: " + ", ".join(f"{k} {v}" for k, v in r["sizes_mib"].items()))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--papers", "-n", type=int, default=5000)
    parser.add_argument("--add", type=int, default=1000, help="papers added by the third build (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extract-rate", type=float, default=2000.0,
                        help="papers/s of extraction assumed for projected_s (default 2000)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("-o", "--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
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
