"""The build's exports written from a build's corpus, one at a time, measured: CPU, wall, size.

    python bench/bench_exports.py OUT [--formats csv,graphml,html,report] [--repeat N]
                                      [--profile N] [--keep DIR] [--format table|json]

``OUT`` is a build's output directory (read only). Its corpus is rebuilt from the state files
as ``kg export`` rebuilds it (:func:`kg.build.state.load_corpus`: reading and resolution, not
counted), then each export is written with :func:`kg.export.registry.write_export`, as
:func:`kg.build.exports.export_all` writes the formats that are not RDF (the RDF ones are
pyoxigraph's, written in a second process from the N-Quads: not measured here). Per format:
process CPU seconds (user + system; best and worst of ``--repeat``), wall seconds and the
bytes written. ``--keep DIR`` keeps the files (compare two versions of the code with ``cmp``:
run once with ``PYTHONPATH`` set to the old code, from outside the checkout, with ``python -P``).
``--profile N`` runs each export once more under cProfile and prints its N heaviest functions
by own time (the profiler inflates: read its shares, not its seconds).
"""

import argparse
import cProfile
import gc
import json
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.build.state import load_corpus, load_state, settings_from_info
from kg.export.registry import write_export


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def measure(corpus: Any, settings: Any, fmt: str, dest: Path, repeat: int) -> dict[str, Any]:
    """CPU and wall seconds of writing ``fmt`` to ``dest`` ``repeat`` times, and its size."""
    cpus, walls = [], []
    for _ in range(max(repeat, 1)):
        if dest.is_dir():
            shutil.rmtree(dest)
        gc.collect()
        c0, t0 = _cpu(), time.perf_counter()
        write_export(corpus, fmt, dest, settings)
        cpus.append(_cpu() - c0)
        walls.append(time.perf_counter() - t0)
    return {"format": fmt, "cpu_s_best": round(min(cpus), 2), "cpu_s_worst": round(max(cpus), 2),
            "wall_s_best": round(min(walls), 2), "bytes": _size(dest)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="a build's output directory (read only)")
    ap.add_argument("--formats", default="csv,graphml,html,report")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0, metavar="N")
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    args = ap.parse_args(argv)

    settings = settings_from_info(load_state(args.out).info)
    corpus = load_corpus(args.out, settings)
    gc.collect()
    gc.freeze()  # as the build freezes its papers and extractions
    names = dict(settings.exports)
    by_format = {fmt: name for name, fmt in names.items()}
    work = Path(tempfile.mkdtemp(prefix="bench-exports-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for fmt in args.formats.split(","):
            dest = work / by_format.get(fmt, f"export.{fmt}")
            rows.append(measure(corpus, settings, fmt, dest, args.repeat))
            print(f"{fmt}: {rows[-1]['cpu_s_best']} CPU s", file=sys.stderr, flush=True)
            if args.profile:
                prof = cProfile.Profile()
                prof.runcall(write_export, corpus, fmt, dest, settings)
                print(f"== {fmt} under cProfile", file=sys.stderr)
                pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    result = {"papers": len(corpus.papers), "links": len(corpus.links), "exports": rows,
              "cpu_s_total": round(sum(r["cpu_s_best"] for r in rows), 2)}
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['papers']:,} papers, {result['links']:,} links")
        print(f"{'format':<10} {'CPU s best':>10} {'worst':>7} {'wall s':>7} {'MiB':>8}")
        for r in rows:
            print(f"{r['format']:<10} {r['cpu_s_best']:>10.2f} {r['cpu_s_worst']:>7.2f} "
                  f"{r['wall_s_best']:>7.2f} {r['bytes'] / 2**20:>8.1f}")
        print(f"{'total':<10} {result['cpu_s_total']:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
