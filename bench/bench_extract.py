"""Extraction benchmarks: quality against the dev gold, speed per spaCy mode.

    python bench/bench_extract.py quality [--mode blank|sm] [--format table|json] [--errors]
    python bench/bench_extract.py speed [--repeat N] [--generated N] [--format table|json]
    python bench/bench_extract.py paired [--rounds 10] [--format table|json]
    python bench/bench_extract.py cv [--learner rules|lr] [--folds 5] [--seed 0] [--corpus]
                                     [--inner] [--threshold T] [--format table|json] [--errors]

Quality reads the saved Daily Papers pages in ../shared/seeds with kg's own readers,
extracts the papers that ../shared/gold/dev.jsonl annotates and scores them with
kg.extract.evaluate (the reference scorer's semantics). Speed runs every paper of the seeds
(title + abstract) through each mode, with spaCy's blank tokenizer alone on the same
texts in the same run as the ceiling, and the rules + the shipped learned decider. Cv is k-fold cross-validation over the 520 annotated
papers (dev + train gold): folds fixed by ``--seed``, each seed page spread over them; the
learner (``lr``: kg.extract.learn, or ``rules``: no learning) is fitted on k-1 folds and the
extractor scored on the fold left out; the figures are the out-of-fold ones over all papers.
``--corpus`` adds the corpus-level decisions (kg.extract.learn.corpus) over the out-of-fold
predictions of all papers, which use no gold. ``--inner`` is for error analysis: fold 0 is
left out unread and the other folds are cross-validated among themselves, so that reading
their errors tunes nothing on the fold that the figure of every fold includes. ``--threshold``
sets the decider's threshold on P(none) for a measurement (the shipped one is
kg.extract.learn.THRESHOLD).
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


def annotated() -> tuple[list[dict], list, list[str]]:
    """The gold of all annotated papers, their papers and their seed pages, aligned."""
    gold = load_jsonl(SHARED / "gold/dev.jsonl") + load_jsonl(SHARED / "gold/train.jsonl")
    by_key = {title_key(p.title): p for p in seeds_papers()}
    papers = [by_key[title_key(g["title"])] for g in gold]
    pages = [Path(p.sources[0].path).name for p in papers]
    return gold, papers, pages


def cv(learner: str, k: int, seed: int, corpus: bool, inner: bool = False,
       threshold: float | None = None) -> tuple[dict, list, dict]:
    gold, preds, timing, fold = cv_predictions(learner, k, seed, corpus, inner, threshold)
    dicts = [pe.to_dict() for pe in preds]
    rep = evaluate(gold, dicts)
    return ({"learner": learner, "folds": k, "seed": seed, "corpus": corpus, "inner": inner, "papers": len(gold),
             "rows": rep.rows(), "by_fold": by_fold(gold, dicts, fold)}, rep.errors, timing)


def by_fold(gold: list[dict], preds: list[dict], fold: list[int]) -> list[dict]:
    """Typed F1 of each fold alone (overall and per type): fold 0 is the one whose errors
    error analysis (``--inner``) never reads."""
    out = []
    for f in sorted(set(fold)):
        idx = [i for i in range(len(gold)) if fold[i] == f]
        rows = evaluate([gold[i] for i in idx], [preds[i] for i in idx]).rows()
        typed = {r["type"]: r["f1"] for r in rows if r["scope"] == "typed"}
        out.append({"fold": f, "papers": len(idx), **{f"typed_{t}": v for t, v in typed.items()}})
    return out


def cv_predictions(learner: str, k: int, seed: int, corpus: bool = False, inner: bool = False,
                   threshold: float | None = None) -> tuple[list[dict], list, dict]:
    """The gold, the out-of-fold predictions (PaperEntities) of every annotated paper, the
    timing, and each paper's fold."""
    from kg.extract.learn import Decider
    from kg.extract.learn.examples import examples, fit_examples
    from kg.extract.learn.folds import folds

    gold, papers, pages = annotated()
    fold = folds(pages, k, seed)
    if inner:
        # error analysis on the training side only: fold 0 is left out unread, and the other
        # folds are cross-validated among themselves (each fitted on the others but fold 0)
        keep = [i for i in range(len(papers)) if fold[i] != 0]
        gold, papers, fold = [gold[i] for i in keep], [papers[i] for i in keep], [fold[i] for i in keep]
    # the rules, or each fold's own decider passed in: never the shipped model (fitted on all papers)
    s = Settings(extractor="rules")
    nlp = build_nlp(s)
    by_paper: dict[str, list] = {}
    t0 = time.perf_counter()
    if learner == "lr":
        for ex in examples(papers, gold, nlp):
            by_paper.setdefault(ex.paper, []).append(ex)
    featurise = time.perf_counter() - t0
    preds: list = [None] * len(papers)
    fit_s = 0.0
    for f in sorted(set(fold)):
        test = [i for i in range(len(papers)) if fold[i] == f]
        decider = None
        if learner == "lr":
            exs = [e for i in range(len(papers)) if fold[i] != f
                   for e in by_paper.get(title_key(papers[i].title), [])]
            t1 = time.perf_counter()
            decider = Decider(fit_examples(exs)) if threshold is None else Decider(fit_examples(exs), threshold)
            fit_s += time.perf_counter() - t1
        for i, pe in zip(test, extract_entities([papers[i] for i in test], nlp, s, decider=decider),
                         strict=True):
            preds[i] = pe
    if corpus:
        from kg.extract.learn.corpus import corpus_decisions
        preds = corpus_decisions(preds)
    timing = {"featurise_s": round(featurise, 2), "fit_s_per_fold": round(fit_s / len(set(fold)), 2)}
    return gold, preds, timing, fold


def scorer_json(rows: list[dict]) -> dict:
    """The figures as ../shared/gold/score.py names them, plus roles and the links' counts."""
    out: dict = {"typed": {}, "untyped": {}}
    for r in rows:
        trio = [r["precision"], r["recall"], r["f1"]]
        if r["scope"] in ("typed", "untyped"):
            out[r["scope"]][r["type"]] = trio
        elif r["scope"] == "links":
            out["repos"] = trio
        else:
            out["roles"] = {"accuracy": r["f1"], "correct": r["tp"], "matched": r["tp"] + r["fp"]}
    return out


def speed(repeat: int, generated: int = 0) -> list[dict]:
    """Best of ``repeat`` runs, wall and CPU (process) time apart: on a shared machine the CPU
    time, and the ratio to the tokenizer timed in the same run, are the steadier figures.
    ``generated``: the texts of that many of ``bench/gen_corpus.py``'s papers (those
    ``bench_scale.py`` builds) instead of the seed papers'."""
    texts = [p.text for p in (generated_papers(generated) if generated else seeds_papers())]
    rows = []
    tok = spacy.blank("en")
    rows.append(_row("blank tokenizer only (ceiling)", len(texts),
                     _best(lambda: list(tok.pipe(texts, batch_size=64)), repeat)))
    from kg.extract.learn import Decider, shipped_model
    from kg.records import Paper

    for mode, learned in (("blank", False), ("blank", True), ("sm", False)):
        s = Settings(spacy_mode=mode)
        t0 = time.perf_counter()
        nlp = build_nlp(s)
        shipped = shipped_model() if learned else None
        if learned and shipped is None:
            sys.exit("bench_extract: no shipped decider (kg/extract/data/decider.json)")
        decider = Decider(shipped) if shipped is not None else None
        load = time.perf_counter() - t0
        papers = [Paper(id=str(i), title="", abstract=t) for i, t in enumerate(texts)]
        best = _best(lambda p=papers, n=nlp, s=s, d=decider: list(extract_entities(p, n, s, decider=d)), repeat)
        rows.append({**_row(f"kg extract, mode {mode}" + (" + learned decider" if learned else ""),
                            len(texts), best), "load_s": round(load, 2)})
    ceiling = rows[0]["abstracts_per_cpu_s"]
    for row in rows:
        row["of_tokenizer_cpu"] = f"{100 * row['abstracts_per_cpu_s'] / ceiling:.1f}%"
    return rows


def paired(rounds: int) -> dict:
    """``rounds`` rounds, each the blank tokenizer then the default extractor over the seed
    texts, in one process, CPU time: the median of the rounds' ratios is the figure least moved
    by a neighbour's load, which slows both halves of a round alike."""
    import statistics

    papers = seeds_papers()
    texts = [p.text for p in papers]
    s = Settings()
    nlp, blank = build_nlp(s), spacy.blank("en")
    list(extract_entities(papers, nlp, s))  # both warmed up: the vocabularies hold the texts' words
    for text in texts:
        blank(text)
    toks, rules = [], []
    for _ in range(rounds):
        c0 = time.process_time()
        for text in texts:
            blank(text)
        c1 = time.process_time()
        list(extract_entities(papers, nlp, s))
        c2 = time.process_time()
        toks.append(len(texts) / (c1 - c0))
        rules.append(len(texts) / (c2 - c1))
    return {"abstracts": len(texts), "rounds": rounds, "tokenizer_best_per_cpu_s": round(max(toks)),
            "rules_best_per_cpu_s": round(max(rules)),
            "median_ratio": f"{100 * statistics.median(r / t for r, t in zip(rules, toks, strict=True)):.1f}%"}


def generated_papers(n: int) -> list:
    """The papers of ``gen_corpus.generate(n)``'s records, read as a build reads them."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_corpus import generate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in generate(n)), encoding="utf-8")
        return list(read_papers([path]))


def _row(name: str, n: int, best: tuple[float, float]) -> dict:
    wall, cpu = best
    return {"pipeline": name, "abstracts": n, "seconds": round(wall, 3), "abstracts_per_s": round(n / wall, 1),
            "cpu_s": round(cpu, 3), "abstracts_per_cpu_s": round(n / cpu, 1)}


def _best(fn, repeat: int) -> tuple[float, float]:
    """The least wall time and the least CPU time of ``repeat`` runs of ``fn``."""
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("quality", "speed", "paired", "cv"))
    ap.add_argument("--learner", choices=("rules", "lr"), default="lr")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", action="store_true")
    ap.add_argument("--threshold", type=float, default=None,
                    help="the decider's threshold on P(none) (default: kg.extract.learn.THRESHOLD)")
    ap.add_argument("--inner", action="store_true",
                    help="cv for error analysis: leave fold 0 out unread, cross-validate the other folds")
    ap.add_argument("--mode", choices=("blank", "sm"), default="blank")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=10, help="paired: rounds of tokenizer then extractor")
    ap.add_argument("--generated", type=int, default=0, metavar="N",
                    help="speed: the texts of N generated papers (bench/gen_corpus.py), not the seeds'")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    a = ap.parse_args()
    if a.what == "cv":
        res, errors, timing = cv(a.learner, a.folds, a.seed, a.corpus, a.inner, a.threshold)
        if a.format == "json":
            print(json.dumps({**{k: v for k, v in res.items() if k != "rows"}, **scorer_json(res["rows"]),
                              **timing, "errors": errors if a.errors else []}, indent=2))
        else:
            print(f"{a.folds}-fold CV (seed {a.seed}{', inner: fold 0 left out' if a.inner else ''}), "
                  f"learner {a.learner}, corpus {a.corpus}, "
                  f"{res['papers']} papers; out-of-fold figures; {timing}")
            print(render(res["rows"]), end="")
            print("typed F1 of each fold alone:")
            print(render(res["by_fold"]), end="")
            if a.errors:
                print(render([{k: e[k] for k in ("kind", "type", "names", "title")} for e in errors],
                             max_width=50), end="")
    elif a.what == "quality":
        res, errors = quality(a.mode)
        if a.format == "json":
            print(json.dumps({**res, "errors": errors if a.errors else []}, indent=2))
        else:
            print(f"mode {res['mode']}, {res['papers']} gold papers")
            print(render(res["rows"]), end="")
            if a.errors:
                print(render([{k: e[k] for k in ("kind", "type", "names", "title")} for e in errors],
                             max_width=50), end="")
    elif a.what == "paired":
        row = paired(a.rounds)
        print(json.dumps(row, indent=2) if a.format == "json" else render([row]), end="\n" if a.format == "json" else "")
    else:
        rows = speed(a.repeat, a.generated)
        print(json.dumps(rows, indent=2) if a.format == "json" else render(rows), end="\n" if a.format == "json" else "")


if __name__ == "__main__":
    main()
