"""Score extractions against document-level gold, with the reference scorer's semantics.

Papers are joined by normalised title. A predicted entity matches a gold one when
their alias sets share a normalised form (typed scores also need an accepted type:
the gold type or one of its ``alt_types``); matching is greedy and one-to-one.
Optional gold entities are neither rewarded nor penalised. Links are compared by
repository identity (host/owner/name on code hosts).
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.extract.lexicon import TYPES
from kg.keys import repo_match_key, scorer_key, title_key


def alias_keys(entity: dict[str, Any]) -> set[str]:
    names = list(entity.get("names") or []) + [entity.get("name") or ""] + list(entity.get("aliases") or [])
    return {k for k in (scorer_key(n) for n in names if n) if k}


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def prf(self, key: str = "all") -> tuple[float, float, float]:
        tp, fp, fn = self.tp[key], self.fp[key], self.fn[key]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return round(p, 3), round(r, 3), round(f, 3)


@dataclass
class Report:
    papers: int = 0
    unmatched_titles: int = 0
    typed: Score = field(default_factory=Score)
    untyped: Score = field(default_factory=Score)
    links: Score = field(default_factory=Score)
    role_correct: int = 0
    role_total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for mode, score in (("typed", self.typed), ("untyped", self.untyped)):
            for key in ("all", *TYPES):
                p, r, f = score.prf(key)
                out.append({"scope": mode, "type": key, "precision": p, "recall": r, "f1": f,
                            "tp": score.tp[key], "fp": score.fp[key], "fn": score.fn[key]})
        p, r, f = self.links.prf()
        out.append({"scope": "links", "type": "repo", "precision": p, "recall": r, "f1": f,
                    "tp": self.links.tp["all"], "fp": self.links.fp["all"], "fn": self.links.fn["all"]})
        acc = round(self.role_correct / self.role_total, 3) if self.role_total else 0.0
        out.append({"scope": "roles", "type": "accuracy", "precision": acc, "recall": acc, "f1": acc,
                    "tp": self.role_correct, "fp": self.role_total - self.role_correct, "fn": 0})
        return out


def _match(preds: list[dict[str, Any]], golds: list[dict[str, Any]], typed: bool) -> list[tuple[int, int]]:
    pairs, used = [], set()
    for gi, g in enumerate(golds):
        ok = {g["type"], *g.get("alt_types", [])}
        for pi, p in enumerate(preds):
            if pi in used or (typed and p.get("type") not in ok):
                continue
            if p["_keys"] & g["_keys"]:
                pairs.append((pi, gi))
                used.add(pi)
                break
    return pairs


def evaluate(gold: Iterable[dict[str, Any]], pred: Iterable[dict[str, Any]]) -> Report:
    """Compare gold and predicted papers (dicts in the JSONL shapes)."""
    preds = {title_key(p["title"]): p for p in pred}
    rep = Report()
    for g in gold:
        rep.papers += 1
        p = preds.get(title_key(g["title"]))
        if p is None:
            rep.unmatched_titles += 1
            p = {"entities": [], "repos": []}
        gents = [dict(e, _keys=alias_keys(e)) for e in g.get("entities", [])]
        pents = [dict(e, _keys=alias_keys(e)) for e in p.get("entities", []) if e.get("type") in TYPES]
        for typed, score in ((True, rep.typed), (False, rep.untyped)):
            pairs = _match(pents, gents, typed)
            mp, mg = {a for a, _ in pairs}, {b for _, b in pairs}
            for pi, gi in pairs:
                ge = gents[gi]
                if ge.get("optional"):
                    continue
                score.tp["all"] += 1
                score.tp[ge["type"]] += 1
                if typed:
                    rep.role_total += 1
                    rep.role_correct += pents[pi].get("role", "used") == ge.get("role", "used")
            for gi, ge in enumerate(gents):
                if gi not in mg and not ge.get("optional"):
                    score.fn["all"] += 1
                    score.fn[ge["type"]] += 1
                    if typed:
                        rep.errors.append({"kind": "FN", "title": g["title"], "type": ge["type"],
                                           "names": ge.get("names") or [ge.get("name")]})
            for pi, pe in enumerate(pents):
                if pi not in mp:
                    score.fp["all"] += 1
                    score.fp[pe["type"]] += 1
                    if typed:
                        rep.errors.append({"kind": "FP", "title": g["title"], "type": pe["type"],
                                           "names": [pe.get("name"), *pe.get("aliases", [])]})
        gr = {repo_match_key(u) for u in g.get("repos", [])}
        pr = {repo_match_key(u) for u in p.get("repos", [])}
        rep.links.tp["all"] += len(gr & pr)
        rep.links.fp["all"] += len(pr - gr)
        rep.links.fn["all"] += len(gr - pr)
    return rep


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Lines of a JSONL file; a bad line is an InputError naming it."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(path, f"invalid JSON: {e.msg} (column {e.colno})", n) from None
                if not isinstance(d, dict) or "title" not in d:
                    raise InputError(path, "each line must be an object with a 'title'", n)
                out.append(d)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a JSONL file") from None
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text ({e.reason})") from None
    if not out:
        raise InputError(path, "empty file: no papers to score")
    return out
