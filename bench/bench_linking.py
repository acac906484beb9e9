"""Benchmark of paper linking (kg.resolve.links.paper_links): speed, and quality on the seeds.

Speed: a synthetic corpus with a Zipf-like skew: ``--entities`` entities whose
popularity falls as rank^-s; each paper names 3-15 of them, plus a few ubiquitous
entities (each in 30-70% of the papers); every tenth entity has a family (a parent
among the first 500 entities) and a few papers propose an entity. Resolution is not
timed, only linking.

    python bench/bench_linking.py --papers 10000
    python bench/bench_linking.py --papers 100000 --format json
    python bench/bench_linking.py --papers 10000 --texts 120  # with the similarity rules

Quality (``--seeds DIR``): the related-papers figures of BENCHMARKS.md on a real
corpus (share of links resting on one entity, papers linked, weights, rules), and a
sample of links drawn with a fixed seed, written with ``--sample-out`` to judge by
hand and scored with ``--judged`` (bench/links_judged.csv). ``--version`` names
the rows of the judged file; run it from an older checkout (``PYTHONPATH=...``) to
measure the code before a change:

    python bench/bench_linking.py --seeds ../shared/seeds --judged bench/links_judged.csv
"""

import argparse
import gc
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from kg.records import Entity, Mention, Occurrence
from kg.resolve.links import link_cutoff, paper_links
from kg.settings import Settings


def synthetic_families(n_entities: int, seed: int) -> list[Entity]:
    """Every tenth entity is a variant of one of the 500 most popular ones."""
    rng = np.random.default_rng(seed + 1)
    return [Entity(f"method/e{i}", "method", f"e{i}", parent=f"method/e{int(rng.integers(0, 500))}")
            for i in range(500, n_entities, 10)]


def synthetic_occurrences(n_papers: int, n_entities: int, s: float, n_ubiquitous: int,
                          seed: int) -> list[Occurrence]:
    """Occurrences of a random corpus; the same seed gives the same corpus.

    One paper in fifty proposes one of its entities.
    """
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, n_entities + 1, dtype=np.float64)
    prob = ranks ** -s
    prob /= prob.sum()
    sizes = rng.integers(3, 16, size=n_papers)
    draws = rng.choice(n_entities, size=int(sizes.sum()), p=prob)
    ubiquity = rng.uniform(0.3, 0.7, size=n_ubiquitous)
    mentions = [Mention("method", f"e{i}") for i in range(n_entities + n_ubiquitous)]
    entity_ids = [f"method/e{i}" for i in range(n_entities + n_ubiquitous)]
    occurrences: list[Occurrence] = []
    pos = 0
    for p in range(n_papers):
        pid = f"paper:{p:07d}"
        chosen = set(draws[pos:pos + sizes[p]].tolist())
        pos += sizes[p]
        chosen.update(n_entities + u for u in range(n_ubiquitous) if rng.random() < ubiquity[u])
        proposed = min(chosen) if p % 50 == 0 else -1
        occurrences.extend(Occurrence(pid, entity_ids[e], "proposed" if e == proposed else "used",
                                      mentions[e]) for e in sorted(chosen))
    return occurrences


def synthetic_texts(n_papers: int, n_words: int, seed: int) -> dict[str, str]:
    """A text of ``n_words`` words per paper, drawn from a Zipf-like vocabulary of 30,000."""
    rng = np.random.default_rng(seed + 2)
    prob = np.arange(1, 30_001, dtype=np.float64) ** -1.05
    prob /= prob.sum()
    draws = rng.choice(30_000, size=n_papers * n_words, p=prob).reshape(n_papers, n_words)
    return {f"paper:{p:07d}": " ".join(f"w{w}" for w in row) for p, row in enumerate(draws.tolist())}


def rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace) -> dict:
    settings = Settings()
    t0 = time.perf_counter()
    occ = synthetic_occurrences(args.papers, args.entities, args.zipf, args.ubiquitous, args.seed)
    families = synthetic_families(args.entities, args.seed)
    t_gen = time.perf_counter() - t0
    gc.collect()
    rss_before = rss_mib()
    texts = synthetic_texts(args.papers, args.texts, args.seed) if args.texts else None
    t0, c0 = time.perf_counter(), time.process_time()
    links = paper_links(occ, args.papers, settings, families, texts=texts)
    t_link, c_link = time.perf_counter() - t0, time.process_time() - c0
    rss_after = rss_mib()
    degree = np.bincount(np.array([int(x.source[6:]) for x in links]
                                  + [int(x.target[6:]) for x in links], dtype=np.int64),
                         minlength=args.papers) if links else np.zeros(args.papers)
    result = {
        "papers": args.papers, "entities": args.entities, "zipf_s": args.zipf, "text_words": args.texts,
        "occurrences": len(occ), "df_cutoff": link_cutoff(args.papers, settings),
        "links": len(links), "mean_degree": round(float(degree.mean()), 2),
        "max_degree": int(degree.max()), "isolated_papers": int((degree == 0).sum()),
        "generate_s": round(t_gen, 2), "link_s": round(t_link, 2),
        "link_cpu_s": round(c_link, 2),  # unlike wall time, not inflated by other processes
        "peak_rss_mib_before": round(rss_before, 1), "peak_rss_mib_after": round(rss_after, 1),
    }
    del links
    if args.tracemalloc:
        gc.collect()
        tracemalloc.start()
        traced = paper_links(occ, args.papers, settings, families, texts=texts)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["tracemalloc_links"] = len(traced)
        result["tracemalloc_peak_mib"] = round(peak / 2**20, 1)
    return result


def run_seeds(args: argparse.Namespace) -> dict:
    from link_quality import figures, precision, sample, seed_corpus, write_sample

    corpus = seed_corpus(args.seeds)
    result = figures(corpus)
    drawn = sample(corpus, args.sample, args.sample_seed)
    if args.sample_out:
        write_sample(corpus, drawn, args.version, args.sample_out)
    if args.judged:
        result.update(precision(drawn, args.judged, args.version))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--zipf", type=float, default=1.1, help="popularity exponent s")
    ap.add_argument("--ubiquitous", type=int, default=3, help="entities in 30-70%% of papers")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--texts", type=int, default=0,
                    help="give each paper a synthetic text of this many words (the similarity rules)")
    ap.add_argument("--no-tracemalloc", dest="tracemalloc", action="store_false",
                    help="skip the second, traced run (tracemalloc slows Python code)")
    ap.add_argument("--format", choices=["table", "json"], default="table")
    ap.add_argument("--seeds", type=Path, help="measure link quality on this corpus instead")
    ap.add_argument("--sample", type=int, default=50, help="links in the judged sample")
    ap.add_argument("--sample-seed", type=int, default=11)
    ap.add_argument("--sample-out", type=Path, help="write the sample to judge as CSV")
    ap.add_argument("--judged", type=Path, help="CSV of judged samples: print the precision")
    ap.add_argument("--version", default="final",
                    help="rows of --judged to score (before, tuning-1, after: the first pass, "
                         "second-pass, third-pass, final: with the text rule alone, default: "
                         "without it)")
    args = ap.parse_args(argv)
    result = run_seeds(args) if args.seeds else run(args)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        width = max(map(len, result))
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
