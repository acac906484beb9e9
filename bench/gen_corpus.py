"""A synthetic corpus of N paper records (JSONL), for scale benchmarks: nothing large is committed.

The records look like the ones kg reads from the Daily Papers pages and the arXiv
snapshot: an arXiv id, a title, an abstract of 4-7 sentences, authors, a date, a
listing date, sometimes upvotes, categories and a code link. Everything is written here:
the sentence shapes are the ones ML abstracts use ("We propose X, a ... for ...",
"X outperforms Y on Z"), the names are coined from syllables, so no real paper is copied.

- **Skewed popularity.** Methods, models and datasets come from fixed pools drawn with
  Zipf weights (rank^-s, ``--zipf``), so a few entities are in thousands of papers and
  most in a handful, as in real corpora; each paper also coins the name it proposes.
- **Dates.** ``--per-month`` papers a month from January 2021 on, written in the forms
  the sources give ("2024-03-15", "Mar 15, 2024"); a few records have no date.
- **Code links.** About a third of the abstracts end with a GitHub or project link.
- **Duplicate sightings.** A share of records (``--duplicates``) is a second sighting of
  an earlier paper (same arXiv id and text, another listing date and upvote count), which
  the readers merge into one paper.
- **Deterministic.** The same ``--seed`` and ``--papers`` give the same bytes.

    python bench/gen_corpus.py --papers 5000 -o /tmp/corpus-5k.jsonl
    python bench/gen_corpus.py --papers 1000 --seed 2 --start 5000 -o /tmp/more.jsonl   # 1,000 new ones

``--start`` shifts the paper numbers, so a second file adds new papers to a first one
(the same names and pools, other ids and titles).
"""

import argparse
import bisect
import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_ONSETS = ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "z",
           "br", "cr", "dr", "fl", "gr", "kr", "pl", "pr", "sk", "st", "tr", "vr", "zh", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "io", "ou", "y")
_CODAS = ("", "", "n", "r", "x", "l", "m", "s", "th", "nd", "rk", "st")
_MODEL_SUFFIXES = ("", "-7B", "-13B", "-XL", "-Base", "-Large", "-2", "-v2", "-Mini", "-70B")
_METHOD_HEADS = ("Attention", "Distillation", "Tuning", "Sampling", "Pruning", "Alignment",
                 "Decoding", "Regularization", "Augmentation", "Routing", "Quantization")
_DATASET_SUFFIXES = ("Bench", "QA", "-1K", "Set", "-Eval", "Corpus", "-400K", "Instruct")
_ACRONYM_HEADS = ("Net", "Former", "GAN", "LM", "Diff", "ViT", "Mamba")

_TASKS = ("long-context question answering", "video generation", "text-to-image synthesis",
          "code completion", "visual instruction following", "speech recognition",
          "mathematical reasoning", "3D scene reconstruction", "document retrieval",
          "robot manipulation", "machine translation", "protein structure prediction",
          "open-vocabulary detection", "dialogue state tracking", "time-series forecasting")
_ADJS = ("simple", "scalable", "training-free", "lightweight", "unified", "efficient",
         "data-efficient", "robust", "modular", "parameter-efficient")
_KINDS = ("framework", "method", "approach", "architecture", "pipeline", "benchmark suite")
_PROBLEMS = ("hallucinations", "quadratic attention cost", "catastrophic forgetting",
             "exposure bias", "reward hacking", "label noise", "slow sampling",
             "poor calibration", "memory bandwidth limits", "distribution shift")
_CATEGORIES = ("cs.CL", "cs.CV", "cs.LG", "cs.AI", "cs.RO", "stat.ML", "eess.AS")
_FIRST = ("Ana", "Wei", "Lukas", "Priya", "Tomás", "Yuki", "Omar", "Elena", "Jun", "Sara",
          "Kofi", "Mira", "Ivan", "Lena", "Ravi", "Chen", "Nadia", "Pavel", "Aiko", "Hugo")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _coin(rng: random.Random, syllables: int) -> str:
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(syllables))
    return word[:1].upper() + word[1:]


def _pool(rng: random.Random, n: int, make: Any) -> list[str]:
    """``n`` distinct names made by ``make(rng)``."""
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen.setdefault(make(rng), None)
    return list(seen)


class _Zipf:
    """Draws from a list with weights rank^-s (the first item the most popular)."""

    def __init__(self, items: list[str], s: float) -> None:
        self.items = items
        self.cum = list(itertools.accumulate((r + 1) ** -s for r in range(len(items))))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

    def some(self, rng: random.Random, k: int) -> list[str]:
        out: dict[str, None] = {}
        for _ in range(k * 3):
            out.setdefault(self.draw(rng), None)
            if len(out) == k:
                break
        return list(out)


class Pools:
    """The entities the papers name: fixed by the seed, shared by every paper."""

    def __init__(self, seed: int, zipf: float, size: int) -> None:
        rng = random.Random(f"pools-{seed}")
        self.models = _Zipf(_pool(rng, size, lambda r: _coin(r, r.randint(2, 3))
                                  + r.choice(_MODEL_SUFFIXES)), zipf)
        self.methods = _Zipf(_pool(rng, size, lambda r: f"{_coin(r, 2)} {r.choice(_METHOD_HEADS)}"),
                             zipf)
        self.datasets = _Zipf(_pool(rng, size, lambda r: _coin(r, 2) + r.choice(_DATASET_SUFFIXES)),
                              zipf)


def _new_name(rng: random.Random) -> tuple[str, str | None]:
    """The name a paper coins (and, sometimes, its long form)."""
    shape = rng.random()
    if shape < 0.4:
        return _coin(rng, 2) + rng.choice(_ACRONYM_HEADS), None
    if shape < 0.7:
        words = [_coin(rng, rng.randint(1, 2)) for _ in range(3)]
        acronym = "".join(w[0] for w in words).upper() + rng.choice(("", "-2", "++"))
        return acronym, " ".join(words)
    return _coin(rng, 3) + rng.choice(_MODEL_SUFFIXES), None


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _abstract(rng: random.Random, pools: Pools, name: str, long_form: str | None) -> tuple[str, str]:
    """(title, abstract) of one paper proposing ``name``."""
    task, problem = rng.choice(_TASKS), rng.choice(_PROBLEMS)
    models = pools.models.some(rng, rng.randint(1, 3))
    methods = pools.methods.some(rng, rng.randint(1, 2))
    datasets = pools.datasets.some(rng, rng.randint(1, 3))
    title = rng.choice((
        f"{name}: {rng.choice(_ADJS).capitalize()} {rng.choice(_KINDS).capitalize()} for "
        f"{task.title()}",
        f"{name}: Towards {rng.choice(_ADJS).capitalize()} {task.title()}",
        f"Rethinking {methods[0]} for {task.title()}",
    ))
    intro = f"{name} ({long_form})" if long_form else name
    sentences = [
        rng.choice((
            f"Recent work on {task} suffers from {problem}.",
            f"{models[0]} and its variants dominate {task}, but {problem} remains a bottleneck.",
            f"Existing {task} systems rely on {methods[0]}, which leads to {problem}.",
        )),
        rng.choice((
            f"We propose {intro}, {_a(rng.choice(_ADJS))} {rng.choice(_KINDS)} for {task}.",
            f"In this paper we introduce {intro}, which combines {methods[0]} with "
            f"{_a(rng.choice(_ADJS))} decoder.",
            f"We present {intro}, {_a(rng.choice(_KINDS))} built on {models[0]}.",
        )),
        f"{name} builds on {' and '.join(methods)} and is trained on {datasets[0]}.",
        rng.choice((
            f"Experiments on {', '.join(datasets)} show that {name} outperforms "
            f"{' and '.join(models)}.",
            f"On {datasets[-1]}, {name} improves over {models[-1]} by {rng.randint(2, 19)}.{rng.randint(0, 9)} points.",
            f"We evaluate {name} on {' and '.join(datasets)} against {', '.join(models)}.",
        )),
    ]
    if rng.random() < 0.5:
        sentences.append(f"Ablations show that {methods[-1]} accounts for most of the gain.")
    if rng.random() < 0.35:
        user = _coin(rng, 2).lower()
        repo = name.lower().replace(" ", "-").replace("+", "p")
        sentences.append(rng.choice((f"Code is available at https://github.com/{user}/{repo}.",
                                     f"Our code and models are released at https://github.com/{user}/{repo}.",
                                     f"Project page: https://{user}.github.io/{repo}/")))
    return title, " ".join(sentences)


def _date(rng: random.Random, index: int, per_month: int) -> tuple[int, int, int]:
    """The date of paper ``index``: ``per_month`` papers a month from January 2021 on."""
    months = index // per_month
    return 2021 + months // 12, months % 12 + 1, rng.randint(1, 28)


def generate(papers: int, seed: int = 0, start: int = 0, zipf: float = 1.1,
             duplicates: float = 0.03, per_month: int = 2000,
             pool: int = 5000) -> Iterator[dict[str, Any]]:
    """The records of papers ``start`` .. ``start + papers - 1``, duplicate sightings included.

    Paper ``i`` is the same whatever ``papers`` and ``start`` are (its own random stream),
    so a run with ``start`` adds papers to an earlier run's. ``pool`` is the size of each
    entity pool (methods, models, datasets).
    """
    if not 0 < per_month < 100000:
        raise ValueError(f"per_month must be 1..99999, not {per_month}")
    pools = Pools(seed, zipf, pool)
    recent: list[dict[str, Any]] = []
    for i in range(start, start + papers):
        rng = random.Random(f"{seed}-{i}")
        name, long_form = _new_name(rng)
        title, abstract = _abstract(rng, pools, name, long_form)
        year, month, day = _date(rng, i, per_month)
        record: dict[str, Any] = {
            "id": f"{year % 100:02d}{month:02d}.{i % per_month + 1:05d}",
            "title": title, "abstract": abstract,
            "authors": [f"{rng.choice(_FIRST)} {_coin(rng, 2)}" for _ in range(rng.randint(1, 6))],
            "categories": sorted({rng.choice(_CATEGORIES) for _ in range(rng.randint(1, 2))}),
        }
        if rng.random() < 0.95:
            record["date"] = (f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.6
                              else f"{_MONTHS[month - 1]} {day}, {year}")
        record["page_date"] = f"{_MONTHS[month - 1]} {day}, {year}"
        if rng.random() < 0.6:
            record["upvotes"] = int(rng.paretovariate(1.2)) - 1
        yield record
        recent.append(record)
        del recent[:-200]
        if rng.random() < duplicates:  # a second sighting of a recent paper
            again = dict(rng.choice(recent))
            again["upvotes"] = rng.randint(0, 50)
            again.pop("date", None)
            yield again


def write(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--papers", "-n", type=int, default=1000, help="papers to make (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="number of the first paper (default 0)")
    parser.add_argument("--zipf", type=float, default=1.1, help="popularity exponent (default 1.1)")
    parser.add_argument("--duplicates", type=float, default=0.03,
                        help="share of records that sight an earlier paper again (default 0.03)")
    parser.add_argument("--per-month", type=int, default=2000,
                        help="papers a month, from January 2021 on (default 2000)")
    parser.add_argument("--pool", type=int, default=5000,
                        help="methods, models and datasets in each pool (default 5000)")
    parser.add_argument("-o", "--output", default="-", help="JSONL file ('-' = stdout, the default)")
    args = parser.parse_args(argv)
    if args.papers < 0 or args.start < 0:
        parser.error("--papers and --start must be 0 or more")
    records = generate(args.papers, args.seed, args.start, args.zipf, args.duplicates,
                       args.per_month, args.pool)
    if args.output == "-":
        n = write(records, sys.stdout)
    else:
        with open(Path(args.output), "w", encoding="utf-8") as f:
            n = write(records, f)
    print(f"gen_corpus: {n} records ({args.papers} papers) written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
