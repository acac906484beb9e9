"""The machinery of the extraction's rule table: what a rule is, and how one is found by name.

The table itself is :mod:`kg.extract.rules` (the finders, roles and assembly) and
:mod:`kg.extract.rules_typing` (the typing rules); every component imports its entries from
:mod:`kg.extract.rules`, which holds them all.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.errors import FormatError


class Found:
    """Kinds of finder rules: a candidate's ``source``, written out as a mention's ``sources``."""

    GAZETTEER = "gazetteer"
    TITLE = "title"
    NAMING = "naming"
    ACRONYM = "acronym"
    MEANS = "means"
    PHRASE = "phrase"
    SHAPE = "shape"
    LIST = "list"
    RECALL = "recall"


class Typed:
    """Kinds of type evidence: a candidate's ``type_source``."""

    GAZETTEER = "gazetteer"
    FAMILY = "family"
    APPOSITION = "apposition"
    HEAD = "head"
    CONTEXT = "context"
    SHAPE = "shape"
    DEFAULT = "default"


# a finder of at least this priority found a name by what the text says, and a longer
# candidate of a weaker finder (a bare shape or phrase) never hides it
STRONG_PRIORITY = 4
MAX_CONFIDENCE = 0.99


@dataclass(frozen=True, eq=False)
class Rule:
    """One hand rule. Compared by identity: the entries below are the only instances."""

    name: str
    does: str
    component: str
    source: str = ""  # finders: the kind of the candidates it finds (Found)
    priority: int = 0  # finders: of two overlapping candidates, the higher wins
    confidence: float | None = None  # the confidence it gives, or raises a candidate to
    proposes: bool = False  # its names are the paper's own contribution
    evidence: str = ""  # typing: the kind of evidence it is (Typed)
    strength: float = 0.0  # typing: how far one-type-per-name trusts it
    weight: float = 0.0  # typing: its vote when the candidates of one mention disagree

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (rule, (self.name,))  # unpickled as the table's own entry (spaCy's n_process)


def _rule(name: str, does: str, component: str, **kw: Any) -> Rule:
    entry = Rule(name, does, component, **kw)
    if entry.name in _TABLE:
        raise ValueError(f"two rules named {entry.name!r}")
    _TABLE[entry.name] = entry
    return entry


_TABLE: dict[str, Rule] = {}
_GAZ = {"evidence": Typed.GAZETTEER, "strength": 6, "weight": 4.0}
_FAMILY = {"evidence": Typed.FAMILY, "strength": 5, "weight": 3.0}
_APPOSITION = {"evidence": Typed.APPOSITION, "strength": 5, "weight": 3.0}
_HEAD = {"evidence": Typed.HEAD, "strength": 3, "weight": 2.0}
_CONTEXT = {"evidence": Typed.CONTEXT, "strength": 2, "weight": 1.5}
_SHAPE = {"evidence": Typed.SHAPE, "strength": 1, "weight": 1.0}
NONE_OFF: frozenset[Rule] = frozenset()


def rule(name: str) -> Rule:
    """The rule of that name.

    >>> rule("title-head").proposes
    True
    """
    import kg.extract.rules  # noqa: F401  (the table fills when its modules are imported)

    if name not in _TABLE:
        raise FormatError("rule", name, list(_TABLE))
    return _TABLE[name]


@lru_cache(maxsize=64)
def _switched_off(names: frozenset[str]) -> frozenset[Rule]:
    return frozenset(rule(n) for n in sorted(names))


def switched_off(names: Iterable[str] = ()) -> frozenset[Rule]:
    """The rules named, to pass as ``off``; an unknown name raises :class:`~kg.errors.FormatError`.

    >>> sorted(r.name for r in switched_off(["title-head", "shape"]))
    ['shape', 'title-head']
    """
    wanted = frozenset(names)
    return _switched_off(wanted) if wanted else NONE_OFF
