"""A held-out check of extraction on SciREX (dev split, 66 ML papers), abstracts only.

    python bench/bench_scirex.py [--mode blank|sm] [--format table|json] [--misses]

SciREX (Jain et al., 2020) annotates full papers; we read only its first section (its
first sentence is the title, the rest the abstract). Two figures:

- recall: the *salient* entities of SciREX's result relations (Material = dataset,
  Method = method or model) that are mentioned in the abstract, found by kg under a
  compatible type (names compared with kg.keys.match_key);
- agreement: the share of kg's entities whose name SciREX also tags, somewhere in the
  abstract, as a Method or Material mention. SciREX tags generic phrases too and
  leaves out some names, so this is a proxy for precision, not precision.

The annotation guides differ (SciREX has no "model" type; its Method covers generic
techniques), so the figures measure generalisation, not the targets of the dev gold.
The data stay in ../shared; nothing of it is copied into the project.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from kg.cli.render import render
from kg.extract import build_nlp, extract_entities
from kg.keys import match_key
from kg.records import Paper
from kg.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/scirex/dev.jsonl"
COMPATIBLE = {"Material": {"dataset"}, "Method": {"method", "model"}}


def detokenize(words: list[str]) -> str:
    text = " ".join(words)
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    text = re.sub(r" ?(-|/) ?", r"\1", text)
    return text


def load() -> list[dict]:
    if not DATA.is_file():
        sys.exit(f"bench_scirex: {DATA} is absent")
    docs = []
    for line in DATA.open():
        d = json.loads(line)
        lo, hi = d["sections"][0]
        words = d["words"][lo:hi]
        if words[:2] == ["document", ":"]:
            words, lo = words[2:], lo + 2
        salient = {}
        for rel in d["n_ary_relations"]:
            for kind in ("Material", "Method"):
                salient.setdefault(rel[kind], kind)
        gold = []
        for name, kind in salient.items():
            spans = [(s, e) for s, e in d["coref"].get(name, []) if lo <= s and e <= hi]
            if spans:
                surfaces = {detokenize(d["words"][s:e]) for s, e in spans} | {name.replace("_", " ")}
                gold.append({"kind": kind, "names": sorted(surfaces)})
        tagged = {match_key(detokenize(d["words"][s:e])) for s, e, t in d["ner"]
                  if lo <= s and e <= hi and t in COMPATIBLE}
        # SciREX's first sentence of a document is its title
        t_end = d["sentences"][0][1] if d["sentences"] and d["sentences"][0][1] < hi else lo
        title = detokenize(d["words"][lo:t_end]) if t_end > lo else ""
        abstract = detokenize(d["words"][max(lo, t_end):hi])
        docs.append({"id": d["doc_id"], "title": title, "text": abstract, "gold": gold, "tagged": tagged})
    return docs


def run(mode: str) -> tuple[list[dict], list[dict]]:
    docs = load()
    s = Settings(spacy_mode=mode)
    papers = [Paper(id=d["id"], title=d["title"], abstract=d["text"]) for d in docs]
    rows, misses = [], []
    found = {k: 0 for k in COMPATIBLE}
    total = {k: 0 for k in COMPATIBLE}
    agree = predicted = 0
    for d, pe in zip(docs, extract_entities(papers, build_nlp(s), s), strict=True):
        preds = [(m.type, {match_key(n) for n in (m.name, *m.aliases)}) for m in pe.entities]
        for g in d["gold"]:
            keys = {match_key(n) for n in g["names"]}
            total[g["kind"]] += 1
            if any(t in COMPATIBLE[g["kind"]] and k & keys for t, k in preds):
                found[g["kind"]] += 1
            else:
                misses.append({"kind": g["kind"], "names": g["names"], "doc": d["id"][:12]})
        predicted += len(preds)
        agree += sum(1 for _, k in preds if k & d["tagged"])
    for kind, label in (("Material", "dataset (Material)"), ("Method", "method/model (Method)")):
        rows.append({"measure": f"recall, salient {label}", "found": found[kind], "of": total[kind],
                     "rate": round(found[kind] / total[kind], 3) if total[kind] else 0.0})
    rows.append({"measure": "agreement of kg entities with SciREX mentions", "found": agree,
                 "of": predicted, "rate": round(agree / predicted, 3) if predicted else 0.0})
    return rows, misses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("blank", "sm"), default="blank")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    ap.add_argument("--misses", action="store_true")
    a = ap.parse_args()
    show(*run(a.mode), a.format, a.misses)


def show(rows: list[dict], misses: list[dict], fmt: str, with_misses: bool) -> None:
    """The rows as a table or JSON, and the misses when asked (bench_scierc prints the same way)."""
    if fmt == "json":
        print(json.dumps({"rows": rows, "misses": misses if with_misses else []}, indent=2))
        return
    print(render(rows), end="")
    if with_misses:
        print(render(misses, max_width=70), end="")


if __name__ == "__main__":
    main()
