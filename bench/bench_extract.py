"""Extraction benchmarks: quality against the dev gold, speed per spaCy mode.

    python bench/bench_extract.py quality [--mode blank|sm] [--format table|json] [--errors]
    python bench/bench_extract.py speed [--repeat N] [--format table|json]

Quality reads the saved Daily Papers pages in ../shared/seeds with kg's own readers,
extracts the papers that ../shared/gold/dev.jsonl annotates and scores them with
kg.extract.evaluate (the reference scorer's semantics). Speed runs every paper of the seeds
(title + abstract) through each mode, with spaCy's blank tokenizer alone on the same
texts in the same run as the ceiling.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import spacy

from kg.cli.render import render
from kg.extract import build_nlp, extract_entities
from kg.extract.evaluate import evaluate, load_jsonl
from kg.keys import title_key
from kg.settings import Settings
from kg.sources import read_papers

SHARED = Path(__file__).resolve().parents[2] / "shared"


def seeds_papers():
    if not (SHARED / "seeds").is_dir():
        sys.exit(f"bench_extract: {SHARED}/seeds is absent")
    return list(read_papers([SHARED / "seeds"]))


def quality(mode: str) -> tuple[dict, list]:
    gold = load_jsonl(SHARED / "gold/dev.jsonl")
    keys = {title_key(g["title"]) for g in gold}
    papers = [p for p in seeds_papers() if title_key(p.title) in keys]
    s = Settings(spacy_mode=mode)
    preds = [pe.to_dict() for pe in extract_entities(papers, build_nlp(s), s)]
    rep = evaluate(gold, preds)
    return {"mode": mode, "papers": len(papers), "rows": rep.rows()}, rep.errors


def speed(repeat: int) -> list[dict]:
    texts = [p.text for p in seeds_papers()]
    rows = []
    tok = spacy.blank("en")
    best = min(_time(lambda: list(tok.pipe(texts, batch_size=64))) for _ in range(repeat))
    rows.append({"pipeline": "blank tokenizer only (ceiling)", "abstracts": len(texts),
                 "seconds": round(best, 3), "abstracts_per_s": round(len(texts) / best, 1)})
    for mode in ("blank", "sm"):
        s = Settings(spacy_mode=mode)
        t0 = time.perf_counter()
        nlp = build_nlp(s)
        load = time.perf_counter() - t0
        from kg.records import Paper
        papers = [Paper(id=str(i), title="", abstract=t) for i, t in enumerate(texts)]
        best = min(_time(lambda p=papers, n=nlp, s=s: list(extract_entities(p, n, s)))
                   for _ in range(repeat))
        rows.append({"pipeline": f"kg extract, mode {mode}", "abstracts": len(texts),
                     "seconds": round(best, 3), "abstracts_per_s": round(len(texts) / best, 1),
                     "load_s": round(load, 2)})
    return rows


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("quality", "speed"))
    ap.add_argument("--mode", choices=("blank", "sm"), default="blank")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    a = ap.parse_args()
    if a.what == "quality":
        res, errors = quality(a.mode)
        if a.format == "json":
            print(json.dumps({**res, "errors": errors if a.errors else []}, indent=2))
        else:
            print(f"mode {res['mode']}, {res['papers']} gold papers")
            print(render(res["rows"]), end="")
            if a.errors:
                print(render([{k: e[k] for k in ("kind", "type", "names", "title")} for e in errors],
                             max_width=50), end="")
    else:
        rows = speed(a.repeat)
        print(json.dumps(rows, indent=2) if a.format == "json" else render(rows), end="\n" if a.format == "json" else "")


if __name__ == "__main__":
    main()
