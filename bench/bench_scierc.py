"""A second held-out check of extraction: SciERC's 500 AI abstracts (all three splits).

    python bench/bench_scierc.py [--format table|json] [--misses]

SciERC (Luan et al., 2018) tags every scientific term of 500 abstracts of AI conference
papers (mostly 1980-2017, NLP, vision and speech: older and less name-centric than the
Daily Papers) as Method, Material, Task, Metric, OtherScientificTerm or Generic. Its guide
is not ours: a Method there is any technique ("statistical approach"), not only a named one.
Nothing is trained on it: all 500 abstracts are only read, and nothing of them is copied into
the project. Three figures:

- agreement: the share of kg's entities whose name (or an alias) SciERC tags somewhere in the
  abstract, by the type SciERC gives it. Method and Material are what kg's entities should be;
  Task, Metric and Generic tags on a kg entity are errors of kg (a task or a metric taken for
  a method) or of the proxy; untagged names are neither tagged by SciERC nor found wrong;
- recall of named terms: the Method and Material spans that look like names (a capital
  after the first letter, or a letter and a digit: "HMM", "WordNet", "C4.5"), found by kg as
  an entity of a compatible type (method/model for Method, dataset for Material), under its
  name or its name less a last kind word ("HMM-based chunk tagger" is not "HMM", but "the
  PCFG-LA model" is "PCFG-LA");
- the same recall over every Method and Material span, for scale (most are generic phrases
  that kg should not and does not take).
"""

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from kg.extract import build_nlp, extract_entities
from kg.keys import match_key
from kg.records import Paper
from kg.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # (also under python -P)
from bench_scirex import detokenize, show  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/scierc"
COMPATIBLE = {"Material": {"dataset"}, "Method": {"method", "model"}}
NAMED = re.compile(r"^.+[A-Z]|[A-Za-z].*\d|\d.*[A-Za-z]")
BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
DEFINED = re.compile(r"^(.+?) [(\[](.+?)[)\]]")
# a span "X system" or "X corpus" names X: the kind word is SciERC's span, not the name
KIND = re.compile(r"(?: |-)(?:system|model|algorithm|approach|method|corpus|dataset|framework|"
                  r"technique|parser|classifier|tagger|formalism|mechanism)s?$")


def _plain(word: str) -> str:
    """A token with the treebank's bracket tokens ("-LRB-") as brackets."""
    for token, bracket in BRACKETS.items():
        word = word.replace(token, bracket)
    return word


def _forms(surface: str) -> set[str]:
    """The keys a span names: itself, less a last kind word, and both sides of a definition
    ("Hidden Markov Model (HMM)")."""
    forms = {match_key(surface), match_key(KIND.sub("", surface))}
    if m := DEFINED.match(surface):
        forms |= {match_key(m[1]), match_key(m[2]), match_key(KIND.sub("", m[1]))}
    return forms - {""}


def load() -> list[dict]:
    if not DATA.is_dir():
        sys.exit(f"bench_scierc: {DATA} is absent")
    docs = []
    for split in ("train", "dev", "test"):
        for line in (DATA / f"{split}.json").open():
            d = json.loads(line)
            words = [_plain(w) for s in d["sentences"] for w in s]
            tags = [(detokenize(words[s:e + 1]), t) for sent in d["ner"] for s, e, t in sent]
            docs.append({"id": d["doc_key"], "text": detokenize(words), "tags": tags})
    return docs


def run() -> tuple[list[dict], list[dict]]:
    docs = load()
    s = Settings()
    papers = [Paper(id=d["id"], title="", abstract=d["text"]) for d in docs]
    agree: Counter[str] = Counter()
    found, total, misses = Counter(), Counter(), []
    for d, pe in zip(docs, extract_entities(papers, build_nlp(s), s), strict=True):
        tag_of: dict[str, str] = {}
        for surface, t in d["tags"]:
            for form in _forms(surface):
                tag_of.setdefault(form, t)
        preds = [(m.type, {match_key(n) for n in (m.name, *m.aliases)}) for m in pe.entities]
        for _, keys in preds:
            agree[next((tag_of[k] for k in sorted(keys) if k in tag_of), "untagged")] += 1
        seen: set[tuple[str, str]] = set()
        for surface, t in d["tags"]:
            key = match_key(surface)
            forms = _forms(surface)
            if t not in COMPATIBLE or (key, t) in seen:
                continue
            seen.add((key, t))
            hit = any(pt in COMPATIBLE[t] and bool(forms & keys) for pt, keys in preds)
            named = bool(NAMED.search(surface))
            for scope in ("named", "all") if named else ("all",):
                total[scope, t] += 1
                found[scope, t] += hit
            if named and not hit:
                misses.append({"kind": t, "name": surface, "doc": d["id"]})
    n = sum(agree.values())
    rows = [{"measure": f"kg entities SciERC tags {t}", "count": c, "of": n, "rate": round(c / n, 3)}
            for t, c in sorted(agree.items(), key=lambda tc: -tc[1])]
    for scope in ("named", "all"):
        for t in ("Method", "Material"):
            rows.append({"measure": f"recall, {scope} {t} spans", "count": found[scope, t],
                         "of": total[scope, t], "rate": round(found[scope, t] / max(1, total[scope, t]), 3)})
    return rows, misses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", choices=("table", "json"), default="table")
    ap.add_argument("--misses", action="store_true")
    a = ap.parse_args()
    show(*run(), a.format, a.misses)


if __name__ == "__main__":
    main()
