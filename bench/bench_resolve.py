"""Resolution and linking over a build's state, measured: CPU, wall, peak memory, counts.

    python bench/bench_resolve.py OUT [--repeat N] [--profile N] [--dump FILE]

``OUT`` is a build's output directory (read only: ``papers.jsonl``, ``extractions.jsonl``,
``build.json`` for its settings). The state is loaded as the build loads it
(:func:`kg.build.state.load_state`), frozen with ``gc.freeze()`` as the build freezes its
papers and extractions before resolution, and :func:`kg.build.stages.resolve_corpus` is run
``--repeat`` times (default 1) in this process. Printed, per run: process CPU seconds
(user + system), wall seconds, the growth of the peak RSS during the run over the RSS just
before it (Linux: the peak is reset through ``/proc/self/clear_refs`` and read as ``VmHWM``),
also per paper, and the counts of entities, occurrences and links. The corpus of one run is
dropped before the next (the first run's peak is the figure).

``--steps`` adds one run with the sub-steps timed (process CPU of each of the functions in
:data:`STEPS` that the code under test has, inclusive, nested as they call one another; the
few wrapped calls cost nothing measurable): candidates, clusters, entities, families, the link
index, text similarity, rules, caps. The load of the state is timed too (``load_state``, CPU,
with the collector paused as the build pauses it).

``--profile N`` runs once under cProfile and prints the N heaviest functions by cumulative
time. ``--dump FILE`` writes a canonical dump of what resolution made (every field of every
entity, occurrence and link, as sorted JSON lines) so that two versions of the code can be
compared with ``cmp``: run once with ``PYTHONPATH`` set to the old code and once with the new;
its SHA-256 is printed.
"""

import argparse
import cProfile
import gc
import hashlib
import importlib
import json
import pstats
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import kg.corpus  # noqa: F401  (imported before measuring, as in a build: not counted)
from kg.build.stages import resolve_corpus
from kg.build.state import load_state, settings_from_info
from kg.resolve.paused import gc_paused

# (depth, module, attribute): the sub-steps of resolution and linking timed by --steps, in the
# order they run; a name the code under test lacks (older code) is left out
STEPS = [
    (0, "kg.corpus", "unify_spellings"),
    (0, "kg.corpus", "resolve"),
    (1, "kg.resolve.entities", "_items"),
    (1, "kg.resolve.entities", "_clusters"),
    (2, "kg.resolve.entities", "_apart"),
    (2, "kg.resolve.entities", "_join_acronyms"),
    (1, "kg.resolve.entities", "_described"),
    (1, "kg.resolve.entities", "_assign_ids"),
    (1, "kg.resolve.entities", "_lookups"),
    (1, "kg.resolve.entities", "_occurrences"),
    (1, "kg.resolve.entities", "_entities"),
    (1, "kg.resolve.entities", "families"),
    (0, "kg.corpus", "paper_links"),
    (1, "kg.resolve.links", "_Index"),
    (1, "kg.resolve.links", "text_index_of"),
    (1, "kg.resolve.links", "link_part"),
    (2, "kg.resolve.links", "block_candidates"),
    (2, "kg.resolve.similarity", "TextIndex.alike_block"),
    (1, "kg.resolve.links", "entity_cap"),
    (1, "kg.resolve.links", "neighbour_cap"),
]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Make the peak RSS (VmHWM) the current RSS (Linux: ``5`` to ``/proc/self/clear_refs``)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def _timed(fn: Callable[..., Any], spent: dict[str, float], name: str) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - t0
    return run


def timed_steps(papers: list[Any], extractions: list[Any], settings: Any) -> list[tuple[int, str, float]]:
    """One run of resolution with each of :data:`STEPS` the code has timed: (depth, name, CPU s)."""
    spent: dict[str, float] = {}
    undo = []
    for _, module, attr in STEPS:
        owner: Any = importlib.import_module(module)
        *outer, name = attr.split(".")
        for part in outer:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue
        fn = getattr(owner, name)
        undo.append((owner, name, fn))
        setattr(owner, name, _timed(fn, spent, attr))
    try:
        gc.collect()
        t0 = time.process_time()
        resolve_corpus(papers, extractions, settings)
        spent["total"] = time.process_time() - t0
    finally:
        for owner, name, fn in reversed(undo):
            setattr(owner, name, fn)
    return [(0, "total", spent["total"])] + [(depth + 1, attr, spent[attr])
                                             for depth, _, attr in STEPS if attr in spent]


def dump(corpus: Any, path: Path) -> None:
    """Every entity, occurrence and link of ``corpus``, one JSON line each, sorted."""
    rows = [json.dumps(["entity", asdict(e)], sort_keys=True) for e in corpus.entities.values()]
    rows += [json.dumps(["occurrence", asdict(o)], sort_keys=True) for o in corpus.occurrences]
    rows += [json.dumps(["link", asdict(lk)], sort_keys=True) for lk in corpus.links]
    path.write_text("".join(r + "\n" for r in sorted(rows)), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="a build's output directory (read only)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0, metavar="N")
    ap.add_argument("--dump", type=Path, metavar="FILE")
    ap.add_argument("--steps", action="store_true", help="one more run, its sub-steps timed")
    args = ap.parse_args(argv)

    c0 = time.process_time()
    with gc_paused():  # as the build loads it (kg/build/run.py, stage "prior")
        state = load_state(args.out)
    print(f"load_state: cpu {time.process_time() - c0:.2f} s", flush=True)
    settings = settings_from_info(state.info)
    papers = list(state.papers.values())
    extractions = [state.extractions[k] for k in state.papers if k in state.extractions]
    del state
    gc.collect()
    gc.freeze()
    base = _status_kib("VmRSS")
    print(f"loaded {len(papers)} papers, {len(extractions)} extractions, RSS {base / 1024:.0f} MiB",
          flush=True)
    corpus = None
    for run in range(max(args.repeat, 1)):
        corpus = None
        gc.collect()
        base = _status_kib("VmRSS")
        _reset_peak()
        c0, t0 = _cpu(), time.perf_counter()
        if args.profile:
            prof = cProfile.Profile()
            corpus = prof.runcall(resolve_corpus, papers, extractions, settings)
        else:
            corpus = resolve_corpus(papers, extractions, settings)
        cpu, wall = _cpu() - c0, time.perf_counter() - t0
        peak = _status_kib("VmHWM") - base
        print(f"run {run + 1}: cpu {cpu:.2f} s, wall {wall:.2f} s, peak RSS +{peak / 1024:.0f} MiB "
              f"({peak * 1024 / max(len(papers), 1):.0f} B/paper), {len(corpus.entities)} entities, "
              f"{len(corpus.occurrences)} occurrences, {len(corpus.links)} links", flush=True)
        if args.profile:
            pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
            break
    if args.dump and corpus is not None:
        dump(corpus, args.dump)
        print(f"dumped to {args.dump}, sha256 {hashlib.sha256(args.dump.read_bytes()).hexdigest()}")
    if args.steps and not args.profile:
        corpus = None
        for depth, name, cpu in timed_steps(papers, extractions, settings):
            print(f"  {'  ' * depth}{name:<{30 - 2 * depth}} {cpu:7.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
