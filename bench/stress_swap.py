"""Stress test of readers during builds: `kg query` and `kg export` while `kg build` swaps.

One process builds the same output directory over and over, alternating two inputs
that give paper 2401.00002 another abstract (``first.jsonl``: LoRA and MMLU,
``changed.jsonl``: QLoRA and GSM8K); reader processes meanwhile run ``kg query`` and
``kg export`` (``kg.cli.main.main``, in a loop in each reader process) on it. Every
answer must come from one build: the abstract of the paper names QLoRA exactly when
the graph has an entity QLoRA. Counted per reader kind:

- ``ok``: exit 0 and a consistent answer;
- ``inconsistent``: exit 0 but the abstract and the entities come from two builds;
- ``error``: a one-line kg error (exit 2);
- ``crash``: an exception that is not a kg error (a traceback), e.g. RocksDB's
  "Sst file size mismatch" when a store is deleted or swapped under a reader.

    python bench/stress_swap.py --seconds 30
    python bench/stress_swap.py --seconds 5 --readers 2 --format json

tests/test_build_faults.py runs it for a few seconds and expects only ``ok``.
"""

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "store"
INPUTS = (FIXTURES / "first.jsonl", FIXTURES / "changed.jsonl")
QUERY = """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?abstract (EXISTS { ?e skos:prefLabel "QLoRA" } AS ?qlora)
WHERE { ?p dcterms:identifier "arxiv:2401.00002" ; dcterms:abstract ?abstract }"""
ABSTRACT = '<http://purl.org/dc/terms/abstract> "'
QLORA_LABEL = '<http://www.w3.org/2004/02/skos/core#prefLabel> "QLoRA"'


# ---------------------------------------------------------------- one reader process

def consistent_query(text: str) -> bool:
    (row,) = [json.loads(line) for line in text.splitlines()]
    return ("QLoRA" in row["abstract"]) == bool(row["qlora"])


def consistent_export(text: str) -> bool:
    abstracts = [line for line in text.splitlines() if ABSTRACT in line and "2401.00002" in line]
    qlora = any(QLORA_LABEL in line for line in text.splitlines())
    return len(abstracts) == 1 and ("QLoRA" in abstracts[0]) == qlora


def read_once(kind: str, store: Path, scratch: Path) -> tuple[str, str]:
    """One ``kg query`` or ``kg export`` on ``store``: (outcome, detail)."""
    from kg.cli.main import main

    target = scratch / "graph.nt"
    argv = (["--no-progress", "query", QUERY, "--store", str(store), "--format", "jsonl"] if kind == "query"
            else ["--no-progress", "export", "--store", str(store), "--format", "nt", "-o", str(target)])
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except BaseException as e:  # noqa: BLE001 - a reader's crash is what this counts
        if isinstance(e, KeyboardInterrupt):
            raise
        return "crash", traceback.format_exception_only(type(e), e)[-1].strip()
    if code != 0:
        return "error", err.getvalue().strip()
    text = out.getvalue() if kind == "query" else target.read_text(encoding="utf-8")
    good = consistent_query(text) if kind == "query" else consistent_export(text)
    return ("ok", "") if good else ("inconsistent", text[:300])


def reader(kind: str, store: Path, seconds: float) -> dict[str, object]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="kg-stress-") as tmp:
        while time.monotonic() < deadline:
            outcome, detail = read_once(kind, store, Path(tmp))
            counts[outcome] += 1
            if detail:
                examples.setdefault(outcome, detail)
    return {"kind": kind, "counts": dict(counts), "examples": examples}


# ---------------------------------------------------------------- the builder and the run

def stress(out: Path, seconds: float, readers: int = 2, nlp: object = None) -> dict[str, object]:
    """Build ``out`` in a loop for ``seconds`` while ``readers`` processes of each kind read it."""
    from kg.build import build
    from kg.extract import build_nlp
    from kg.settings import Settings

    settings = Settings(progress=False)
    nlp = nlp or build_nlp(settings)
    build([INPUTS[0]], out, settings, progress=False, nlp=nlp)
    procs = [subprocess.Popen([sys.executable, __file__, "reader", kind, str(out), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
             for kind in ("query", "export") for _ in range(readers)]
    builds = 0
    while any(p.poll() is None for p in procs):
        build([INPUTS[(builds + 1) % 2]], out, settings, progress=False, nlp=nlp)
        builds += 1
    results = [json.loads(p.communicate()[0]) for p in procs]
    total: dict[str, Counter[str]] = {"query": Counter(), "export": Counter()}
    examples: dict[str, str] = {}
    for r in results:
        total[str(r["kind"])].update(r["counts"])  # type: ignore[arg-type]
        for outcome, detail in r["examples"].items():  # type: ignore[attr-defined]
            examples.setdefault(f"{r['kind']} {outcome}", detail)
    return {"seconds": seconds, "builds": builds,
            "query": dict(total["query"]), "export": dict(total["export"]), "examples": examples}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["reader"]:
        kind, store, seconds = argv[1], Path(argv[2]), float(argv[3])
        print(json.dumps(reader(kind, store, seconds)))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--readers", type=int, default=2, help="reader processes of each kind")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: a temporary one)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-stress-out-") as tmp:
        result = stress(args.out or Path(tmp) / "out", args.seconds, args.readers)
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['builds']} builds in {result['seconds']} s")
    for kind in ("query", "export"):
        counts = result[kind]
        assert isinstance(counts, dict)
        print(f"{kind:7} " + "  ".join(f"{k} {counts.get(k, 0)}" for k in ("ok", "inconsistent", "error", "crash")))
    for outcome, detail in result["examples"].items():  # type: ignore[attr-defined]
        print(f"  e.g. {outcome}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
