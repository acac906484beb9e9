"""What resolution takes from the gazetteer: each known entity's names, family and the
aliases that only describe it.

The gazetteer (``kg/extract/data/gazetteer``) is extraction's data; resolution reads it
through :func:`default_known`, or from whatever mapping a caller passes (tests pass a
small one). A known entity here is anything with ``id``, ``type``, ``name``, ``aliases``,
``parent`` and ``ambiguous``, as :class:`kg.extract.lexicon.KnownEntity` has.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Protocol

from kg.keys import entity_key
from kg.records import ENTITY_TYPES


class KnownLike(Protocol):
    """A gazetteer entry as resolution reads it."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def ambiguous(self) -> bool: ...


@dataclass(frozen=True)
class Known:
    """One gazetteer entry, as :func:`default_known` reads it."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    parent: str | None
    ambiguous: bool


@lru_cache(maxsize=1)
def default_known() -> Mapping[str, KnownLike]:
    """The shipped gazetteer by id, read as :func:`kg.extract.lexicon.gazetteer` reads it
    (first file wins a clash), but without importing extraction (and spaCy): loading a
    corpus to export it needs resolution, not the pipeline. A test holds the two equal.
    """
    out: dict[str, Known] = {}
    folder = resources.files("kg").joinpath("extract", "data", "gazetteer")
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".jsonl"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if d["type"] in ENTITY_TYPES and d["id"] not in out:
                out[d["id"]] = Known(d["id"], d["type"], d["name"],
                                     tuple(a for a in d.get("aliases") or () if a and a != d["name"]),
                                     d.get("parent"), bool(d.get("ambiguous")))
    return out


_WORD = re.compile(r"[^\W_]+")
_PLAIN_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]*")  # "attention", "Attention": no inner capital


def _words(name: str) -> set[str]:
    return {entity_key(w) for w in _WORD.findall(name)}


def _plain(name: str) -> bool:
    """A phrase of ordinary words: each lowercase or capitalised, no digit, no inner capital."""
    return all(_PLAIN_WORD.fullmatch(w) for w in _WORD.findall(name))


def descriptive_keys(entry: KnownLike) -> frozenset[str]:
    """Keys of the aliases of ``entry`` that describe it rather than name it.

    Such an alias is a common phrase (the gazetteer writes it in lowercase, and every
    spelling of it is plain words) that shares no word with the entity's own names and
    is not the long form of one of them: "attention sink" for StreamingLLM (what the
    method is known for), "rotation prediction" for RotNet. A name, an acronym's long
    form or a spelling of the name is never one ("stochastic depth" for Stochastic
    Depth, "DropPath" keeps "drop path" a name).
    """
    from kg.resolve.acronyms import is_acronym_of

    by_key: dict[str, list[str]] = {}
    for n in (entry.name, *entry.aliases):
        by_key.setdefault(entity_key(n), []).append(n)
    phrases = {k for k, forms in by_key.items()
               if k != entity_key(entry.name) and any(f == f.lower() for f in forms)
               and all(_plain(f) for f in forms)}
    proper = [f for k, forms in by_key.items() if k not in phrases for f in forms]
    proper_words = set().union(*(_words(f) for f in proper)) if proper else set()
    out = set()
    for k in phrases:
        forms = by_key[k]
        if any(_words(f) & proper_words for f in forms):
            continue
        if any(is_acronym_of(p, f) for p in proper for f in forms):
            continue
        out.add(k)
    return frozenset(out)


MAX_ACRONYM = 8  # letters of a word whose capitals can tell it apart ("CoCo", "LoRA")


@lru_cache(maxsize=1 << 18)  # asked for every spelling of every mention
def capitals(name: str) -> tuple[bool, ...] | None:
    """Which letters of an acronym-sized word (letters only, at most ``MAX_ACRONYM``) are
    capitals, when two or more are; else None (a longer name, a version "1k"/"1K", a phrase).

    >>> capitals("CoCo"), capitals("Imagenet"), capitals("ImageNet-1k"), capitals("state space")
    ((True, False, True, False), None, None, None)
    """
    if not name.isalpha() or len(name) > MAX_ACRONYM:
        return None
    pattern = tuple(c.isupper() for c in name)
    return pattern if sum(pattern) >= 2 else None


def case_distinct(a: str, b: str) -> bool:
    """Whether two spellings of one key differ in their capitals, both having two or more.

    >>> case_distinct("CoCo", "COCO"), case_distinct("MS-COCO", "MSCOCO"), case_distinct("Coco", "COCO")
    (True, False, False)
    """
    pa, pb = capitals(a), capitals(b)
    return pa is not None and pb is not None and pa != pb and entity_key(a) == entity_key(b)


@lru_cache(maxsize=1 << 18)
def camel(name: str) -> bool:
    """A capital right after a lowercase letter: casing chosen on purpose (CoCo, LoRA).

    >>> camel("CoCo"), camel("COCO"), camel("GPT-4o")
    (True, False, False)
    """
    if name.isascii():  # the same on ASCII, where letters are A-Z and a-z: one C pass each
        return _LOWER_UPPER.search(_NOT_LETTER.sub("", name)) is not None
    letters = [c for c in name if c.isalpha()]
    return any(x.islower() and y.isupper() for x, y in zip(letters, letters[1:], strict=False))


_NOT_LETTER = re.compile(r"[^A-Za-z]+")
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")


def contradicts_case(written: str, known: str) -> bool:
    """Whether a paper's spelling names something else than a gazetteer name of its key.

    Only a camel-cased spelling does (its capitals are chosen): "CoCo" is not the COCO
    dataset, while "LORA" (capitals for emphasis) or "lora" is still LoRA.

    >>> contradicts_case("CoCo", "COCO"), contradicts_case("LORA", "LoRA")
    (True, False)
    """
    return camel(written) and case_distinct(written, known)


@dataclass
class KnownIndex:
    """The gazetteer by id and by the key of each of its names."""

    entries: Mapping[str, KnownLike]
    by_key: dict[str, KnownLike] = field(default_factory=dict)
    _descriptive: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in sorted(self.entries.values(), key=lambda e: e.id):
            for n in (e.name, *e.aliases):
                # an ambiguous name ("Mamba") is known only spelled exactly as the gazetteer does
                key = entity_key(n) if not e.ambiguous else "=" + n
                self.by_key.setdefault(key, e)

    def get(self, kb_id: str | None) -> KnownLike | None:
        return self.entries.get(kb_id) if kb_id else None

    def named(self, name: str) -> KnownLike | None:
        """The known entity ``name`` spells, if any."""
        return self.by_key.get(entity_key(name)) or self.by_key.get("=" + name)

    def case_contradicts(self, kb_id: str, written: list[str]) -> bool:
        """Whether every form a paper wrote spells a name of ``kb_id`` with other capitals
        (:func:`contradicts_case`), so the paper names something else."""
        entry = self.entries.get(kb_id)
        if entry is None or not written:
            return False
        forms = (entry.name, *entry.aliases)
        return all(any(contradicts_case(w, f) for f in forms)
                   and not any(w == f for f in forms) for w in written)

    def describes_only(self, kb_id: str, written: list[str]) -> bool:
        """Whether every form a paper wrote is an alias that only describes ``kb_id``."""
        entry = self.entries.get(kb_id)
        if entry is None or not written:
            return False
        if kb_id not in self._descriptive:
            self._descriptive[kb_id] = descriptive_keys(entry)
        keys = self._descriptive[kb_id]
        return bool(keys) and all(entity_key(w) in keys for w in written)
