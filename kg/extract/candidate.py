"""The record components pass along a Doc: one candidate name per found span."""

import bisect
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from kg.extract.rules import Rule


@dataclass(frozen=True)
class Candidate:
    """A span that may name an entity, with what each component learnt about it."""

    start: int  # character offsets in doc.text
    end: int
    text: str
    found_by: Rule  # the finder rule; its kind is the candidate's source
    type: str | None = None
    kb_id: str | None = None
    parent: str | None = None
    role: str = "used"
    confidence: float = 0.5
    long_form: str | None = None  # for an acronym: its definition in this text
    typed_by: Rule | None = None  # the rule that gave it its type
    # where the name is written when that is more than start:end: the second name of
    # "CIFAR-10/100" spans "100" (so that it does not clash with the first) but is written as the pair
    written: tuple[int, int] | None = None

    @property
    def source(self) -> str:
        """The kind of rule that found it (:class:`~kg.extract.rules.Found`)."""
        return self.found_by.source

    @property
    def type_source(self) -> str:
        """The kind of evidence for its type (:class:`~kg.extract.rules.Typed`), or ""."""
        return self.typed_by.evidence if self.typed_by else ""

    def with_(self, **kw: object) -> "Candidate":
        return replace(self, **kw)  # type: ignore[arg-type]

    def typed(self, rule: Rule, type: str | None, **kw: object) -> "Candidate":
        """This candidate typed by ``rule``, its confidence raised to the rule's."""
        if rule.confidence is not None:
            kw["confidence"] = max(self.confidence, rule.confidence)
        return replace(self, type=type, typed_by=rule, **kw)  # type: ignore[arg-type]


def found(rule: Rule, start: int, end: int, text: str, **kw: object) -> Candidate:
    """A candidate of finder ``rule``, with the rule's confidence and role."""
    kw.setdefault("confidence", rule.confidence)
    if rule.proposes:
        kw.setdefault("role", "proposed")
    if rule.evidence:
        kw.setdefault("typed_by", rule)
    return Candidate(start, end, text, rule, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AcronymPair:
    long_start: int
    long_end: int
    short_start: int
    short_end: int
    long: str
    short: str


def register_extensions() -> None:
    """Doc extensions the kg components share; safe to call many times."""
    for name, default in (("kg_candidates", None), ("kg_acronyms", None), ("kg_links", None), ("kg_link_spans", None),
                          ("kg_title_end", 0), ("kg_sents", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def candidates(doc: Doc) -> list[Candidate]:
    if doc._.kg_candidates is None:
        doc._.kg_candidates = []
    found: list[Candidate] = doc._.kg_candidates  # Doc extensions are untyped in spaCy
    return found


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences, computed once per Doc and shared."""
    if doc._.kg_sents is None:
        doc._.kg_sents = [(s.start_char, s.end_char) for s in doc.sents]
    spans: list[tuple[int, int]] = doc._.kg_sents
    return spans


def sentence_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence span holding character ``pos``."""
    i = max(0, bisect.bisect_right([s for s, _ in spans], pos) - 1)
    return spans[i] if spans else (0, 0)
