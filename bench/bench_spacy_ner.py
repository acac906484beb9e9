"""Out-of-fold measurement of a spaCy ``ner`` (bench/spacy_ner.cfg) beside the learned decider.

    python bench/bench_spacy_ner.py [--seed 0] [--folds 5] [--epochs 20] [--only-fold F]
                                    [--format table|json]

The same k folds as ``bench_extract.py cv`` (kg.extract.learn.folds over the seed pages):
for each fold a blank-English spaCy pipeline (hashed tok2vec + transition NER, nothing
pretrained) is trained on the gold spans of the other folds and run on the fold left out.
The gold names are verbatim surface strings: every occurrence of each name (longest first,
on token boundaries, no overlaps) in title + abstract is a training span labelled
METHOD / MODEL / DATASET; optional gold entities are spans too. Scored with
kg.extract.evaluate (the reference scorer's semantics):

  spacy   the NER alone: its spans grouped per paper by scorer key, a span followed by a
          parenthesised span merged with it as an alias;
  lr      the learned decider's out-of-fold predictions (bench_extract.cv_predictions);
  union   lr plus the NER's entities that share no alias key with an lr entity;
  union-method  lr plus only the NER's methods that share no alias key with an lr entity;
  both    lr's entities kept only if the NER also found one with a shared key (a vote of two).

CPU seconds of training are per fold (getrusage of this process).

Measured (15 epochs, seeds 0 / 1; /work/notes/spacyner.md): typed F1 alone 0.507 / 0.549, lr
0.846 / 0.843, union 0.677 / 0.739, union of methods 0.697 / 0.759, vote 0.746 / 0.727: the NER is
not used by kg.
"""

import argparse
import json
import random
import resource
import sys
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import cv_predictions  # noqa: E402

from kg.cli.render import render  # noqa: E402
from kg.extract.evaluate import alias_keys, evaluate  # noqa: E402
from kg.extract.learn.folds import folds  # noqa: E402
from kg.keys import title_key  # noqa: E402

CONFIG = Path(__file__).resolve().parent / "spacy_ner.cfg"
LABELS = ("METHOD", "MODEL", "DATASET")


def text_of(paper) -> str:
    return f"{paper.title}\n{paper.abstract}"


def gold_spans(doc, entities: list[dict]) -> list[tuple[int, int, str]]:
    """Token-aligned, non-overlapping spans of every occurrence of every gold name."""
    names = sorted({(n, e["type"].upper()) for e in entities for n in e.get("names", []) if n},
                   key=lambda t: (-len(t[0]), t))
    taken = [False] * len(doc.text)
    out = []
    for name, label in names:
        start = doc.text.find(name)
        while start != -1:
            end = start + len(name)
            span = doc.char_span(start, end, alignment_mode="strict")
            if span is not None and not any(taken[start:end]):
                out.append((start, end, label))
                for i in range(start, end):
                    taken[i] = True
            start = doc.text.find(name, start + 1)
    return sorted(out)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def train(docs_spans: list, epochs: int, seed: int):
    fix_random_seed(seed)
    nlp = load_model_from_config(load_config(CONFIG), auto_fill=True, validate=True)
    ner = nlp.get_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    exs = [Example.from_dict(nlp.make_doc(t), {"entities": sp}) for t, sp in docs_spans]
    opt = nlp.initialize(lambda: exs)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(exs)
        for batch in minibatch(exs, size=16):
            nlp.update(batch, sgd=opt, drop=0.1)
    return nlp


def entities_of(doc) -> list[dict]:
    """The NER's spans as document-level entities (one per scorer key, "X (Y)" as aliases)."""
    ents = list(doc.ents)
    out: list[dict] = []
    by_key: dict[str, dict] = {}
    prev = None
    for sp in ents:
        key = next(iter(alias_keys({"names": [sp.text]})), "")
        if not key:
            continue
        follows = (prev is not None and sp.start >= 1 and doc[sp.start - 1].text == "("
                   and prev.end == sp.start - 1)
        if key in by_key:
            ent = by_key[key]
        elif follows and prev is not None:
            ent = by_key[next(iter(alias_keys({"names": [prev.text]})), "")]
            ent["names"].append(sp.text)
        else:
            ent = {"type": sp.label_.lower(), "names": [sp.text], "role": "used"}
            out.append(ent)
        by_key[key] = ent
        prev = sp
    return out


def combine(lr: list[dict], ner: list[dict], how: str) -> list[dict]:
    lr_keys = [alias_keys(e) for e in lr]
    ner_keys = [alias_keys(e) for e in ner]
    if how.startswith("union"):
        add = [e for e, k in zip(ner, ner_keys, strict=True) if not any(k & lk for lk in lr_keys)]
        return lr + [e for e in add if how == "union" or e["type"] == "method"]
    return [e for e, k in zip(lr, lr_keys, strict=True) if any(k & nk for nk in ner_keys)]


def rows_of(gold, preds) -> dict:
    rep = evaluate(gold, preds)
    return {(r["scope"], r["type"]): r for r in rep.rows()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--only-fold", type=int, default=None, help="train and score one fold (timing)")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    a = ap.parse_args()
    gold, lr_preds, _ = cv_predictions("lr", a.folds, a.seed)
    papers_gold = gold
    from bench_extract import annotated
    _, papers, pages = annotated()
    fold = folds(pages, a.folds, a.seed)
    blank = spacy.blank("en")
    data = []
    for p, g in zip(papers, papers_gold, strict=True):
        t = text_of(p)
        data.append((t, gold_spans(blank.make_doc(t), g["entities"])))
    found = sum(1 for _, sp in data for _ in sp)
    missing = sum(1 for (t, _), gd in zip(data, papers_gold, strict=True) for e in gd["entities"]
                  if not any(n in t for n in e.get("names", [])))
    total = sum(len(gd["entities"]) for gd in papers_gold)
    print(f"gold spans: {found}; gold entities with no verbatim name in the text: {missing} of {total}",
          file=sys.stderr)
    ner_ents: dict[int, list[dict]] = {}
    train_cpu = []
    todo = sorted(set(fold)) if a.only_fold is None else [a.only_fold]
    for f in todo:
        c0 = cpu()
        nlp = train([data[i] for i in range(len(data)) if fold[i] != f], a.epochs, a.seed)
        train_cpu.append(round(cpu() - c0, 1))
        test = [i for i in range(len(data)) if fold[i] == f]
        for i, doc in zip(test, nlp.pipe([data[i][0] for i in test]), strict=True):
            ner_ents[i] = entities_of(doc)
    keep = sorted(ner_ents)
    g = [gold[i] for i in keep]
    lr = [lr_preds[i].to_dict() for i in keep]
    ner = [{"title": papers[i].title, "entities": ner_ents[i], "repos": []} for i in keep]
    variants = {
        "spacy": ner,
        "lr": lr,
        "union": [dict(p, entities=combine(p["entities"], n["entities"], "union")) for p, n in zip(lr, ner, strict=True)],
        "union-method": [dict(p, entities=combine(p["entities"], n["entities"], "union-method"))
                         for p, n in zip(lr, ner, strict=True)],
        "both": [dict(p, entities=combine(p["entities"], n["entities"], "both")) for p, n in zip(lr, ner, strict=True)],
    }
    table = []
    for name, preds in variants.items():
        rows = rows_of(g, preds)
        row = {"variant": name, "seed": a.seed, "papers": len(keep)}
        for t in ("all", "method", "model", "dataset"):
            row[f"typed_{t}"] = rows[("typed", t)]["f1"]
        row["typed_p"] = rows[("typed", "all")]["precision"]
        row["typed_r"] = rows[("typed", "all")]["recall"]
        table.append(row)
    if a.format == "json":
        print(json.dumps({"rows": table, "train_cpu_s_per_fold": train_cpu, "epochs": a.epochs}, indent=2))
    else:
        print(render(table, fmt="table"))
        print(f"training CPU s per fold: {train_cpu} (epochs {a.epochs})")
    assert all(title_key(x["title"]) == title_key(y["title"]) for x, y in zip(g, lr, strict=True))


if __name__ == "__main__":
    main()
