"""What the related-papers links of a real corpus look like: the figures of BENCHMARKS.md.

Used by ``bench_linking.py --seeds DIR``. It reads only what every kg version gives
(``Corpus.links`` with ``source``, ``target``, ``weight``, ``shared``), so the same
command measures the code before a change, run from that version's checkout with
``PYTHONPATH``. ``rule`` and ``shares`` are read when the links have them.
"""

import csv
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def seed_corpus(seeds: Path) -> Any:
    """The corpus of ``seeds`` as ``kg build`` makes it (blank pipeline, default settings)."""
    import kg
    from kg.corpus import Corpus

    papers = list(kg.read_papers([seeds]))
    return Corpus.from_extractions(papers, list(kg.extract_entities(papers)))


def _common(corpus: Any) -> set[str]:
    """Entities too common to be evidence, by each share when known, else by direct df."""
    from kg.resolve.links import link_cutoff

    df = Counter(e for _, e in {(o.paper, o.entity) for o in corpus.occurrences})
    cutoff = link_cutoff(len(corpus.papers), corpus.settings)
    return {e for e, n in df.items() if n > cutoff}


def evidence(link: Any, common: set[str]) -> list[str]:
    """The shared entities that are evidence for the link (not common), heaviest first."""
    shares = getattr(link, "shares", ())
    if shares:
        return [s.entity for s in shares if not s.common]
    return [e for e in link.shared if e not in common]


def figures(corpus: Any) -> dict[str, Any]:
    links = corpus.links
    common = _common(corpus)
    n_links = max(len(links), 1)
    with_entities = {o.paper for o in corpus.occurrences}
    linked = {k.source for k in links} | {k.target for k in links}
    one_shared = [k for k in links if len(k.shared) == 1]
    one_evidence = [k for k in links if len(evidence(k, common)) == 1]
    alone = Counter(k.shared[0] for k in one_shared)
    leads = Counter(evidence(k, common)[0] for k in links if evidence(k, common))
    weights = sorted(float(k.weight) for k in links)
    top_alone = alone.most_common(1)[0] if alone else ("-", 0)
    top_lead = leads.most_common(1)[0] if leads else ("-", 0)
    return {
        "papers": len(corpus.papers),
        "papers_with_entities": len(with_entities),
        "links": len(links),
        "links_one_shared_entity": len(one_shared),
        "share_one_shared_entity": round(len(one_shared) / n_links, 3),
        "links_one_evidence_entity": len(one_evidence),
        "share_one_evidence_entity": round(len(one_evidence) / n_links, 3),
        "top_entity_alone": f"{top_alone[0]} {top_alone[1]} ({top_alone[1] / n_links:.1%})",
        "top_lead_entity": f"{top_lead[0]} {top_lead[1]} ({top_lead[1] / n_links:.1%})",
        "papers_linked": len(linked),
        "share_papers_linked": round(len(linked) / max(len(corpus.papers), 1), 3),
        "share_papers_with_entities_linked": round(len(linked) / max(len(with_entities), 1), 3),
        "mean_degree_linked": round(2 * len(links) / max(len(linked), 1), 2),
        "weight_quantiles": " ".join(f"{_quantile(weights, q):.2f}" for q in QUANTILES),
        "weight_histogram": _histogram(weights),
        "rules": " ".join(f"{r}={n}" for r, n in sorted(
            Counter(str(getattr(k, "rule", None)) for k in links).items())),
    }


def _quantile(values: list[float], q: float) -> float:
    return values[round(q * (len(values) - 1))] if values else math.nan


def _histogram(values: list[float]) -> str:
    edges = (0, 2, 3, 4, 5, 6, 8, 10, math.inf)
    counts = [sum(lo <= v < hi for v in values) for lo, hi in zip(edges, edges[1:], strict=False)]
    return " ".join(f"[{lo},{hi}):{n}" for lo, hi, n in zip(edges, edges[1:], counts, strict=False))


def sample(corpus: Any, n: int, seed: int) -> list[Any]:
    """``n`` links drawn with a fixed seed from the links sorted by (source, target)."""
    links = sorted(corpus.links, key=lambda k: (k.source, k.target))
    return random.Random(seed).sample(links, min(n, len(links)))


def write_sample(corpus: Any, links: list[Any], version: str, path: Path) -> None:
    """The sample as CSV to judge by hand: ids, titles, rule, shared entities (names)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["version", "source", "target", "rule", "weight", "shared", "related", "reason",
                    "source_title", "target_title"])
        for k in links:
            names = "; ".join(corpus.entities[e].name for e in k.shared if e in corpus.entities)
            w.writerow([version, k.source, k.target, getattr(k, "rule", "") or "",
                        f"{k.weight:.3f}", names, "", "", corpus.papers[k.source].title,
                        corpus.papers[k.target].title])


def precision(links: list[Any], judged: Path, version: str) -> dict[str, Any]:
    """Precision of the sample from the judged CSV (rows of ``version``); all must be judged."""
    with judged.open(encoding="utf-8") as f:
        rows = {(r["source"], r["target"]): r for r in csv.DictReader(f) if r["version"] == version}
    answers = []
    for k in links:
        row = rows.get((k.source, k.target))
        if row is None or row["related"] not in ("yes", "no"):
            raise SystemExit(f"{judged}: link {k.source} - {k.target} of the {version} sample "
                             "is not judged yes/no")
        answers.append((row["related"] == "yes", getattr(k, "rule", None) or "-"))
    by_rule: dict[str, list[bool]] = {}
    for ok, rule in answers:
        by_rule.setdefault(rule, []).append(ok)
    return {"sample": len(answers), "judged_related": sum(ok for ok, _ in answers),
            "precision": round(sum(ok for ok, _ in answers) / max(len(answers), 1), 2),
            "precision_by_rule": " ".join(f"{r}={sum(v)}/{len(v)}" for r, v in sorted(by_rule.items()))}
