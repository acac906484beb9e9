"""The learner of the extraction decider, chosen by measurement: the shipped linear model
against gradient-boosted trees (LightGBM), out of fold.

    pip install lightgbm            # measurement only: kg does not depend on it
    python bench/bench_learners.py [--seed 0] [--rounds 300] [--leaves 31] [--rate 0.05]
                                   [--min-count 3] [--blend 0.0,0.5] [--format table|json]

The folds, the candidates, the features and the examples are those of
``bench_extract.py cv --learner lr``; for each fold the linear model is fitted on the other
four as kg trains it (its learnt names, its role classifier, kept for roles in every row),
and a LightGBM multiclass model on the same feature rows (features seen in at least
``--min-count`` training groups) gives the kind. ``--blend b`` scores the kind as
``(1 - b) * trees + b * linear``; b = 1 is the linear model alone. Each row is the real
``extract_entities`` with that decider on the fold left out, scored as ``../shared/gold/score.py``
does over all 520 papers.
"""

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from bench_extract import annotated, scorer_json

from kg.cli.render import render
from kg.extract import build_nlp, extract_entities
from kg.extract.evaluate import evaluate
from kg.extract.learn import Decider
from kg.extract.learn.examples import Example, examples, fit_examples, training_rows
from kg.extract.learn.folds import folds
from kg.extract.learn.model import KINDS, Model
from kg.keys import title_key
from kg.settings import Settings


def sparse(rows: Sequence[Sequence[str]], columns: dict[str, int]) -> Any:
    import scipy.sparse

    ind: list[int] = []
    ptr = [0]
    for r in rows:
        ind.extend(sorted({columns[f] for f in r if f in columns}))
        ptr.append(len(ind))
    return scipy.sparse.csr_matrix((np.ones(len(ind), dtype=np.float32), ind, ptr),
                                   shape=(len(rows), len(columns)))


class Blended(Model):
    """The linear model with the kind of each group from trees, blended."""

    def scores_many(self, rows: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        kind, role = super().scores_many(rows)
        if not rows:
            return kind, role
        trees = self.__dict__["_booster"].predict(sparse(rows, self.__dict__["_columns"]))
        blend = self.__dict__["_blend"]
        return (1 - blend) * trees + blend * kind, role


def run(seed: int, rounds: int, leaves: int, rate: float, min_count: int,
        blends: Sequence[float]) -> list[dict[str, Any]]:
    import lightgbm

    gold, papers, pages = annotated()
    fold = folds(pages, 5, seed)
    s = Settings(extractor="rules")
    nlp = build_nlp(s)
    by_paper: dict[str, list[Example]] = {}
    for ex in examples(papers, gold, nlp):
        by_paper.setdefault(ex.paper, []).append(ex)
    preds: dict[float, list[Any]] = {b: [None] * len(papers) for b in blends}
    fit_cpu = 0.0
    for f in sorted(set(fold)):
        exs = [e for i in range(len(papers)) if fold[i] != f
               for e in by_paper.get(title_key(papers[i].title), [])]
        c0 = time.process_time()
        linear = fit_examples(exs)
        rows = training_rows(exs, linear.names)
        seen: dict[str, int] = {}
        for r in rows:
            for x in set(r):
                seen[x] = seen.get(x, 0) + 1
        columns = {x: j for j, x in enumerate(sorted(k for k, v in seen.items() if v >= min_count))}
        booster = lightgbm.train(
            {"objective": "multiclass", "num_class": len(KINDS), "learning_rate": rate,
             "num_leaves": leaves, "min_data_in_leaf": 5, "feature_fraction": 0.5, "lambda_l2": 1.0,
             "num_threads": 1, "deterministic": True, "seed": 0, "verbose": -1},
            lightgbm.Dataset(sparse(rows, columns), np.array([KINDS.index(e.kind) for e in exs])),
            num_boost_round=rounds)
        fit_cpu += time.process_time() - c0
        test = [i for i in range(len(papers)) if fold[i] == f]
        for b in blends:
            model = Blended(linear.features, linear.kind_w, linear.role_w, linear.fit,
                            linear.trained_on, linear.names)
            for k, v in (("_booster", booster), ("_columns", columns), ("_blend", b)):
                object.__setattr__(model, k, v)
            for i, pe in zip(test, extract_entities([papers[i] for i in test], nlp, s, decider=Decider(model)),
                             strict=True):
                preds[b][i] = pe
    out = []
    for b in blends:
        j = scorer_json(evaluate(gold, [pe.to_dict() for pe in preds[b]]).rows())
        out.append({"learner": "linear" if b == 1 else f"trees, blend {b:g}", "seed": seed,
                    **{t: j["typed"][t][2] for t in ("all", "method", "model", "dataset")},
                    "roles": j["roles"]["accuracy"], "fit_cpu_s_per_fold": round(fit_cpu / 5, 1)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--leaves", type=int, default=31)
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--blend", default="0,0.5,1", help="comma-separated blends (1: the linear model alone)")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    a = ap.parse_args()
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        sys.exit("bench_learners: LightGBM is not installed (pip install lightgbm; measurement only)")
    rows = run(a.seed, a.rounds, a.leaves, a.rate, a.min_count, [float(b) for b in a.blend.split(",")])
    print(json.dumps(rows, indent=2) if a.format == "json" else render(rows), end="" if a.format == "table" else "\n")


if __name__ == "__main__":
    main()
