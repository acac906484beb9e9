"""Benchmark of the corpus report (report.html), `kg stats` and `kg show`.

The report is timed on a synthetic corpus of N papers (dates over two years, entities of
Zipf popularity, a third of the papers with code, links from kg's own linking) and, with
``--store DIR``, on the corpus of a real build (``kg build ../shared/seeds -o DIR`` first),
read back from its state files. The stages: the digest (what the report reads of a corpus),
the figures (Louvain communities included), the charts and the page. With ``--store``,
``kg stats`` and ``kg show`` are also timed as a user runs them: a fresh process each
time, wall clock and CPU, best and median of ``--repeat`` runs.

    python bench/bench_report.py --store /tmp/seedsout            # seeds and 5,000 papers
    python bench/bench_report.py --papers 5000 20000 --format json

``--exports`` times instead every default export a build writes that is not RDF
(tables/, graph.graphml, graph.html, report.html: what kg.build.exports.export_all
writes, one after the other, into a temporary directory): CPU and wall time, and
the peak resident memory while it runs (Linux: the peak is reset before each
export through /proc/self/clear_refs) beside the memory held before it. A
synthetic corpus is kept as a pickle in ``--cache DIR`` (100,000 papers take
minutes to make); ``--store DIR`` reads a build's corpus (kg.open):

    nice -n 10 python bench/bench_report.py --exports --papers 5000 20000 100000 \
        --cache /tmp/kg-bench --format json
    nice -n 10 python bench/bench_report.py --exports --papers --store /work/scale/out-100k
"""

import argparse
import gc
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kg.cli.render import render
from kg.corpus import Corpus
from kg.records import Entity, Mention, Occurrence, Paper, PaperEntities, Repo
from kg.resolve.links import paper_links
from kg.settings import Settings

TYPES = ("method", "model", "dataset")


def synthetic_corpus(n_papers: int, seed: int = 0) -> Corpus:
    """``n_papers`` papers over 24 months, 3-12 entities each out of ``n_papers // 2``."""
    rng = np.random.default_rng(seed)
    n_ents = max(10, n_papers // 2)
    prob = np.arange(1, n_ents + 1, dtype=np.float64) ** -1.1
    prob /= prob.sum()
    papers, extractions, occurrences = {}, {}, []
    naming: list[list[str]] = [[] for _ in range(n_ents)]
    for p in range(n_papers):
        pid = f"paper:{p:06d}"
        month = p * 24 // n_papers
        date = f"{2023 + month // 12}-{month % 12 + 1:02d}-{1 + p % 28:02d}"
        chosen = sorted(set(rng.choice(n_ents, size=int(rng.integers(3, 13)), p=prob).tolist()))
        mentions = []
        for e in chosen:
            m = Mention(TYPES[e % 3], f"{TYPES[e % 3].capitalize()}-{e}", (), "used")
            mentions.append(m)
            occurrences.append(Occurrence(pid, f"{TYPES[e % 3]}/e{e}", "used", m))
            naming[e].append(pid)
        repos = ()
        if rng.random() < 0.35:
            url = f"https://github.com/lab{p % 97}/repo{p}"
            repos = (Repo(url, url, "code", "github.com", bool(rng.random() < 0.8)),)
        title = f"Synthetic study {p}"
        papers[pid] = Paper(pid, title, "An abstract.", date=date)
        extractions[pid] = PaperEntities(pid, title, tuple(mentions), repos)
    entities = {f"{TYPES[e % 3]}/e{e}": Entity(f"{TYPES[e % 3]}/e{e}", TYPES[e % 3],
                                              f"{TYPES[e % 3].capitalize()}-{e}", (), None,
                                              tuple(naming[e])) for e in range(n_ents) if naming[e]}
    settings = Settings()
    links = paper_links(occurrences, n_papers, settings)
    return Corpus(papers, extractions, entities, occurrences, links, settings)


def time_report(corpus: Corpus, label: str) -> dict[str, Any]:
    from kg.export.report import digest_of
    from kg.export.report.figures import corpus_figures
    from kg.export.report.page import render_page

    t0 = time.perf_counter()
    digest = digest_of(corpus)
    t1 = time.perf_counter()
    figures = corpus_figures(digest, corpus.settings)
    t2 = time.perf_counter()
    page = render_page(figures)
    t3 = time.perf_counter()
    return {"corpus": label, "papers": len(corpus.papers), "entities": len(corpus.entities),
            "links": len(corpus.links), "digest_s": round(t1 - t0, 2),
            "figures_s": round(t2 - t1, 2), "charts_and_page_s": round(t3 - t2, 2),
            "report_s": round(t3 - t0, 2), "report_kib": round(len(page.encode()) / 1024),
            "charts": page.count("<svg")}


def time_command(argv: list[str], repeat: int) -> dict[str, Any]:
    """Wall and CPU time of ``kg ARGV`` in a fresh process, ``repeat`` times."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", *argv], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"command": "kg " + " ".join(argv[:1] + [a for a in argv[1:] if not a.startswith("/")]),
            "wall_best_s": round(min(walls), 2), "wall_median_s": round(statistics.median(walls), 2),
            "cpu_best_s": round(min(cpus), 2)}


def _status(field: str) -> float:
    """A ``VmRSS``/``VmHWM`` figure of this process, in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as f:
        line = next(x for x in f if x.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def cached_corpus(n: int, cache: str | None) -> Corpus:
    """``synthetic_corpus(n)``, kept as a pickle in ``cache`` when given."""
    path = Path(cache) / f"synthetic-{n}.pkl" if cache else None
    if path is not None and path.is_file():
        with path.open("rb") as f:
            corpus: Corpus = pickle.load(f)
        return corpus
    corpus = synthetic_corpus(n)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            pickle.dump(corpus, f, protocol=pickle.HIGHEST_PROTOCOL)
    return corpus


def time_exports(corpus: Any, label: str) -> list[dict[str, Any]]:
    """Each non-RDF default export written as the build writes it: CPU, wall, memory."""
    from kg.export import registry
    from kg.settings import DEFAULT_EXPORTS

    def write(name: str, fmt: str, path: Path) -> None:
        if hasattr(registry, "write_export"):  # streamed where a format can be
            registry.write_export(corpus, fmt, path, corpus.settings)
        else:  # kg before write_export: every export held in memory, then written
            registry.write_output(registry.export(corpus, fmt, corpus.settings), path)

    for records in (corpus.papers, corpus.entities, corpus.occurrences, corpus.links,
                    corpus.extractions):  # a built corpus reads its records on first use
        len(records)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-exports-") as tmp:
        for name, fmt in DEFAULT_EXPORTS:
            if registry.get_format(fmt).rdf:
                continue
            gc.collect()
            with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
                f.write("5")  # resets VmHWM, the peak resident memory
            held = _status("VmRSS")
            c0, t0 = time.process_time(), time.perf_counter()
            write(name, fmt, Path(tmp) / name)
            cpu, wall = time.process_time() - c0, time.perf_counter() - t0
            out = Path(tmp) / name
            size = sum(p.stat().st_size for p in out.rglob("*")) if out.is_dir() else out.stat().st_size
            rows.append({"corpus": label, "papers": len(corpus.papers), "export": name,
                         "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                         "peak_mib": round(_status("VmHWM")), "held_before_mib": round(held),
                         "output_mib": round(size / 2 ** 20, 1), "load": round(os.getloadavg()[0], 1)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, nargs="*", default=[5000], help="synthetic corpus sizes")
    ap.add_argument("--store", metavar="DIR", help="a build to time too (e.g. of the seeds)")
    ap.add_argument("--show", default="Mamba", help="the name `kg show` is timed with")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--format", choices=("table", "json"), default="table")
    ap.add_argument("--exports", action="store_true",
                    help="time the non-RDF default exports instead of the report's stages")
    ap.add_argument("--cache", metavar="DIR", help="keep synthetic corpora here (with --exports)")
    args = ap.parse_args()
    if args.exports:
        import kg

        found: list[dict[str, Any]] = []
        if args.store:
            found += time_exports(kg.open(args.store), args.store)
        for n in args.papers:
            found += time_exports(cached_corpus(n, args.cache), f"synthetic {n:,}")
        print(json.dumps({"exports": found}, indent=2) if args.format == "json" else render(found))
        return 0
    rows: list[dict[str, Any]] = []
    commands: list[dict[str, Any]] = []
    if args.store:
        from kg.build.state import load_corpus

        rows.append(time_report(load_corpus(args.store), args.store))
        commands.append(time_command(["stats", "--store", args.store], args.repeat))
        commands.append(time_command(["show", "--store", args.store, args.show], args.repeat))
        commands.append(time_command(["--help"], args.repeat))
    for n in args.papers:
        rows.append(time_report(synthetic_corpus(n), f"synthetic {n:,}"))
    if args.format == "json":
        print(json.dumps({"report": rows, "commands": commands}, indent=2))
    else:
        sys.stdout.write(render(rows))
        if commands:
            sys.stdout.write("\n" + render(commands))
    return 0


if __name__ == "__main__":
    sys.exit(main())
