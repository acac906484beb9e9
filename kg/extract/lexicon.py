"""The knowledge extraction uses: the gazetteer and the word lists, loaded once.

Everything here is data shipped in ``kg/extract/data/``; loading is pure and cached.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from kg.keys import match_key
from kg.records import ENTITY_TYPES

TYPES = ENTITY_TYPES  # the gazetteer holds the entity types of the records


@dataclass(frozen=True)
class KnownEntity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    parent: str | None
    ambiguous: bool

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _data(name: str) -> str:
    return resources.files("kg.extract").joinpath("data", name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, KnownEntity]:
    """Every known entity by id, merged over the domain files (first file wins a clash)."""
    out: dict[str, KnownEntity] = {}
    folder = resources.files("kg.extract").joinpath("data", "gazetteer")
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".jsonl"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if d["type"] not in TYPES or d["id"] in out:
                continue
            out[d["id"]] = KnownEntity(
                id=d["id"], type=d["type"], name=d["name"],
                aliases=tuple(a for a in d.get("aliases") or () if a and a != d["name"]),
                parent=d.get("parent"), ambiguous=bool(d.get("ambiguous")))
    return out


@lru_cache(maxsize=1)
def generic_keys() -> frozenset[str]:
    """Normalised forms of generic categories, tasks, metrics and tools."""
    keys = set()
    for line in _lines("generic.txt"):
        for part in line.split("|"):
            if part.strip():
                keys.add(match_key(part))
    return frozenset(keys)


@lru_cache(maxsize=1)
def generic_acronyms() -> frozenset[str]:
    """Acronyms listed as generic ("LLM", "CNN"): exact forms, case kept."""
    out = set()
    for line in _lines("generic.txt"):
        if "|" in line:
            acro = line.split("|")[1].strip()
            out.update({acro, acro + "s"})
    return frozenset(out)


@lru_cache(maxsize=1)
def task_heads() -> frozenset[str]:
    return frozenset(_lines("tasks.txt"))


@lru_cache(maxsize=1)
def type_heads() -> dict[str, str]:
    """Head word -> entity type (dataset words win over model words over method words)."""
    heads = json.loads(_data("heads.json"))
    out: dict[str, str] = {}
    for t in ("method", "model", "dataset"):
        for w in heads[t]:
            out[w] = t
    return out


def head_type(word: str) -> str | None:
    """The type a head word gives, or None."""
    w = word.lower().strip("-")
    heads = type_heads()
    if w in heads:
        return heads[w]
    if len(w) > 3 and w.endswith("s") and w[:-1] in heads:
        return heads[w[:-1]]
    return None


def last_word_type(phrase: str) -> str | None:
    """The type the last word of a phrase gives, the last part of a hyphenated word counting:
    "... Reasoning Benchmark" a dataset, "cross-attention" a method.

    >>> last_word_type("power law graph attention"), last_word_type("low-rank cross-attention")
    ('method', 'method')
    """
    return head_type(phrase.split()[-1].split("-")[-1])


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, dict[str, list[str]]]:
    lists: dict[str, dict[str, list[str]]] = json.loads(_data("words.json"))
    return lists


@cache
def word_list(key: str) -> frozenset[str]:
    """A word list of ``data/words.json`` (the file says what each is for).

    >>> "towards" in word_list("title_openers")
    True
    """
    return frozenset(_word_lists()[key]["words"])


@lru_cache(maxsize=1)
def triggers() -> dict[str, dict[str, list[str]]]:
    """The contribution and naming cue words of ``data/triggers.json`` (see kg.extract.triggers)."""
    cues: dict[str, dict[str, list[str]]] = json.loads(_data("triggers.json"))
    return cues


@lru_cache(maxsize=1)
def morphemes() -> dict[str, frozenset[str]]:
    """Type -> the last parts of coined names that give it, in order of precedence."""
    return {t: frozenset(parts) for t, parts in _word_lists()["morphemes"].items() if t != "about"}


# the last part of a coined CamelCase name says what it is: "DWConv", "FasterNet", "MMBench"
_MORPHEME = re.compile(r"([A-Z][a-z]+|[A-Z]{2,})s?$")

def morpheme_type(name: str) -> str | None:
    """The type a coined name's last part implies.

    >>> morpheme_type("DWConv"), morpheme_type("PATNet"), morpheme_type("MMBench")
    ('method', 'model', 'dataset')
    """
    last = name.rsplit("-", 1)[-1]
    m = _MORPHEME.search(last)
    if not m or m.group(1) == last:
        return None  # a plain word is not a coined name's part
    for t, parts in morphemes().items():
        if m.group(1) in parts:
            return t
    return None


def context_type(word: str) -> str | None:
    """The type a word next to a name gives it, ignoring loose head words."""
    w = word.lower()
    weak = word_list("weak_context_heads")
    if w in weak or (w.endswith("s") and w[:-1] in weak):
        return None
    return head_type(word)


def ends_in_category(phrase: str) -> bool:
    """"time series foundation models", "Hybrid LLMs": a kind of thing, not a named one; but
    a modified attention is a mechanism ("slot attention", "scaled dot-product attention").

    >>> ends_in_category("time series foundation models"), ends_in_category("slot attention")
    (True, False)
    >>> ends_in_category("multi-head attention"), ends_in_category("a new module")
    (True, True)
    """
    words = phrase.split()
    if not words:
        return False
    if words[-1] in generic_acronyms() or words[-1].rstrip("s") in generic_acronyms():
        return True
    tail2 = " ".join(words[-2:])
    # lower case but perhaps for a sentence's first letter: "Early-exiting dynamic neural networks"
    lowercase = phrase[:1].islower() or (len(words) > 1 and not any(ch.isupper() for ch in " ".join(words[1:])))
    named_attention = words[-1].lower().rstrip("s") == "attention" and len(words) > 1
    return lowercase and ((is_generic(words[-1]) and not named_attention) or is_generic(tail2))


def is_generic(name: str) -> bool:
    return match_key(name) in generic_keys()


# "X (Y), a new dataset of ...", "X, a simple prompting method", "X is a benchmark"
# also a title's "X: A Benchmark for ...": the noun phrase never runs over a line's end
_APPOSITION = re.compile(
    r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*|\s+(?:is|as)\s+|:[^\S\n]*)(?:[aA]|[aA]n|[tT]he|[oO]ur)[^\S\n]+"
    r"((?:[\w\-]+[^\S\n]+){0,6}[\w\-]+)\b")
# words that end the noun phrase of an apposition: "a benchmark designed to ...", "a model of ..."
_APPOSITION_ENDS = frozenset(
    "of for to that which who with on in by from and or as at via than built designed trained "
    "based using where while capable able".split())


def apposition_type(after: str) -> str | None:
    """The type an apposition gives: the last head word of its noun phrase, which ends at
    the first word of what follows it ("X, a comprehensive benchmark designed to ...": dataset;
    "X, a language model alignment method": method).

    >>> apposition_type(", a novel foundation model built on tokens"), apposition_type(" is a dataset")
    ('model', 'dataset')
    >>> apposition_type(", a language model alignment method for chat")
    'method'
    >>> apposition_type(", a way to train a model") is None
    True
    >>> apposition_type(": A Benchmark\\n\\nModels are ..."), apposition_type(": An Open Model For Chat")
    ('dataset', 'model')
    """
    m = _APPOSITION.match(after)
    if not m:
        return None
    found = None
    for word in m.group(1).split():
        if word.lower() in _APPOSITION_ENDS:
            break
        found = head_type(word.split("-")[-1]) or found
    return found
