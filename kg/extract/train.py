"""Fit the learned decider on annotated papers: ``python -m kg.extract.train`` or ``kg train``.

    python -m kg.extract.train GOLD.jsonl... --papers LISTING... -o DIR

Reads the papers (any listing kg reads), joins them to the gold by title, labels the
candidate groups (:mod:`kg.extract.learn.examples`), fits :mod:`kg.extract.learn.model` and
writes ``DIR/decider.json``. There is no randomness: the same gold and papers give the
same file. Copy it to ``kg/extract/data/decider.json`` to ship it.
"""

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError
from kg.extract.learn import SHIPPED
from kg.extract.learn.model import Fit, Model


def fit_model(gold: Sequence[dict[str, Any]], papers: Sequence[Any], fit: Fit | None = None) -> tuple[Model, dict[str, Any]]:
    """A model fitted on the papers ``gold`` annotates, and what it was fitted on."""
    from kg.extract import build_nlp
    from kg.extract.learn.examples import examples, fit_examples
    from kg.keys import title_key

    keys = {title_key(p.title) for p in papers}
    missing = [g["title"] for g in gold if title_key(g["title"]) not in keys]
    t0 = time.perf_counter()
    exs = list(examples(papers, gold, build_nlp()))
    if not exs:
        raise KGError("no gold paper was found among the papers: nothing to train on")
    model = fit_examples(exs, fit)
    info = {"papers": len({e.paper for e in exs}), "gold_without_paper": len(missing),
            "groups": len(exs), "kinds": dict(sorted(Counter(e.kind for e in exs).items())),
            "features": len(model.features), "seconds": round(time.perf_counter() - t0, 1)}
    return model, info


def run(gold_paths: Sequence[str], paper_paths: Sequence[str], out: str | Path) -> dict[str, Any]:
    from kg.extract.evaluate import load_jsonl
    from kg.sources import read_papers

    gold = [g for p in gold_paths for g in load_jsonl(p)]
    papers = list(read_papers(list(paper_paths)))
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file, not an output directory")
    model, info = fit_model(gold, papers)
    out.mkdir(parents=True, exist_ok=True)
    path = model.save(out / SHIPPED)
    return {**info, "model": str(path), "bytes": path.stat().st_size, "digest": model.digest()}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", nargs="+", metavar="GOLD", help="gold JSONL files (kg evaluate's format)")
    p.add_argument("--papers", nargs="+", required=True, metavar="LISTING",
                   help="paper listings holding the gold papers' titles and abstracts")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory for decider.json")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.extract.train", description=__doc__.split("\n")[0])
    add_arguments(ap)
    a = ap.parse_args(argv)
    try:
        info = run(a.gold, a.papers, a.output)
    except KGError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
