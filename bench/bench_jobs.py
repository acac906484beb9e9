"""Extraction speed on 1 and 2 processes (``--jobs``), beside spaCy's blank tokenizer.

    python bench/bench_jobs.py [--copies 4] [--repeat 3] [--dask] [--format table|json]

The texts are every paper of ../shared/seeds (title + abstract), ``--copies`` times.
In the same run, best of ``--repeat``:

- spaCy's blank tokenizer alone on the texts (the ceiling of any spaCy pipeline);
- ``kg.build.parallel.extract_parallel`` with ``jobs=1`` and ``jobs=2`` (the pipeline is
  built once beforehand; the time with two jobs includes starting the pool);
- for comparison, spaCy's own ``nlp.pipe(n_process=2)`` followed by kg's ``assemble``.
  kg does not use that route: spaCy ships every Doc back through msgpack, which cannot
  hold the Doc._.kg_* records; this benchmark registers, in its own process only, a
  msgpack codec that pickles them, so that the route can be timed at all;
- with ``--dask``, ``kg build --scheduler``'s extraction on a ``distributed.LocalCluster``
  of 2 worker processes on loopback (best of the runs after the first, which loads the
  workers' pipelines; its time is in the row's name).

Every route must give the extractions of ``jobs=1``; the benchmark checks it. Besides the
wall time, each row has the CPU seconds its processes spent (this process and the pool's
workers, from getrusage): on a machine other work keeps busy, abstracts per CPU second say
what a core does when it is free.
"""

import argparse
import json
import os
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any

import spacy

from kg.build.parallel import extract_parallel
from kg.cli.render import render
from kg.extract import MAX_CHARS, build_nlp
from kg.extract.assemble import assemble
from kg.records import Paper
from kg.settings import Settings
from kg.sources import read_papers

SHARED = Path(__file__).resolve().parents[2] / "shared"
MARK = "__kg_bench_pickle__"


def corpus(copies: int) -> list[Paper]:
    if not (SHARED / "seeds").is_dir():
        sys.exit(f"bench_jobs: {SHARED}/seeds is absent")
    seeds = list(read_papers([SHARED / "seeds"]))
    return [Paper(id=f"{k}:{p.id}", title=p.title, abstract=p.abstract)
            for k in range(copies) for p in seeds]


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pools' workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _time(fn: Any) -> tuple[float, float, Any]:
    t0, c0 = time.perf_counter(), _cpu()
    out = fn()
    return time.perf_counter() - t0, _cpu() - c0, out


def best(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """The best wall time of ``repeat`` runs, the CPU time of that run, and a result."""
    runs = [_time(fn) for _ in range(repeat)]
    wall, cpu, _ = min(runs, key=lambda r: r[0])
    return wall, cpu, runs[-1][2]


def _pickle_codec() -> None:
    """msgpack that carries kg's records by pickling them (this benchmark only: it unpickles)."""
    import srsly.msgpack as mp

    def encode(obj: Any, chain: Any = None) -> Any:
        if type(obj).__module__.startswith("kg."):
            return {MARK: pickle.dumps(obj)}
        return chain(obj) if chain else obj

    def decode(obj: Any, chain: Any = None) -> Any:
        if isinstance(obj, dict) and MARK in obj:
            return pickle.loads(obj[MARK])
        return chain(obj) if chain else obj

    mp.msgpack_encoders.register("kg_bench_pickle", func=encode)
    mp.msgpack_decoders.register("kg_bench_pickle", func=decode)


def spacy_n_process(papers: list[Paper], nlp: Any, settings: Settings, n: int) -> list[Any]:
    stream = ((p.text[:MAX_CHARS], p) for p in papers)
    return [assemble(doc, p.id, p.title, settings.min_confidence, frozenset())
            for doc, p in nlp.pipe(stream, as_tuples=True, batch_size=settings.batch_size, n_process=n)]


def run(copies: int, repeat: int, dask: bool = False) -> list[dict[str, Any]]:
    papers = corpus(copies)
    texts = [p.text for p in papers]
    n = len(texts)
    settings = Settings()
    nlp = build_nlp(settings)
    rows = []

    def row(name: str, jobs: int, seconds: float, cpu: float) -> None:
        rows.append({"pipeline": name, "processes": jobs, "abstracts": n, "seconds": round(seconds, 2),
                     "abstracts_per_s": round(n / seconds, 1),
                     "per_process": round(n / seconds / jobs, 1), "cpu_s": round(cpu, 2),
                     "per_cpu_s": round(n / cpu, 1)})

    tok = spacy.blank("en")
    t, c, _ = best(lambda: list(tok.pipe(texts, batch_size=64)), repeat)
    row("blank tokenizer only (ceiling)", 1, t, c)
    t, c, one = best(lambda: list(extract_parallel(papers, settings, jobs=1, nlp=nlp)), repeat)
    row("kg extract --jobs 1", 1, t, c)
    t, c, two = best(lambda: list(extract_parallel(papers, settings, jobs=2, nlp=nlp)), repeat)
    assert two == one, "--jobs 2 differs from --jobs 1"
    row("kg extract --jobs 2", 2, t, c)
    _pickle_codec()
    t, c, via = best(lambda: spacy_n_process(papers, nlp, settings, 2), repeat)
    assert via == one, "spaCy's n_process differs from --jobs 1"
    row("spaCy n_process=2 + assemble (not used)", 2, t, c)
    if dask:
        rows.append(on_dask(papers, one, repeat))
    return rows


def on_dask(papers: list[Paper], expected: list[Any], repeat: int) -> dict[str, Any]:
    """``kg build --scheduler``'s extraction on a LocalCluster of 2 worker processes, warm."""
    from distributed import LocalCluster

    from kg.build.distributed import extract_distributed

    n = len(papers)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        t0 = time.perf_counter()
        first = list(extract_distributed(papers, Settings(), address))
        cold = time.perf_counter() - t0
        assert first == expected, "the Dask extraction differs from --jobs 1"
        t, _, _ = best(lambda: list(extract_distributed(papers, Settings(), address)), repeat)
    return {"pipeline": f"Dask LocalCluster, 2 workers (first run {cold:.1f} s)", "processes": 2,
            "abstracts": n, "seconds": round(t, 2), "abstracts_per_s": round(n / t, 1),
            "per_process": round(n / t / 2, 1), "cpu_s": None, "per_cpu_s": None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=4, help="times the seeds' papers are taken")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dask", action="store_true",
                    help="and on a Dask LocalCluster of 2 worker processes (needs kg[dask])")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    a = ap.parse_args()
    rows = run(a.copies, a.repeat, a.dask)
    info = {"cores": len(os.sched_getaffinity(0)), "load_average": [round(x, 1) for x in os.getloadavg()]}
    if a.format == "json":
        print(json.dumps({**info, "rows": rows}, indent=2))
    else:
        print(f"cores available: {info['cores']}, load average at the end: {info['load_average']}")
        print(render(rows), end="")


if __name__ == "__main__":
    main()
