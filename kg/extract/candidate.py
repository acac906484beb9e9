"""The record components pass along a Doc: one candidate name per found span."""

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any, cast

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
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
        """``dataclasses.replace(self, **kw)``: the same record, made without ``__init__``."""
        if not _FIELDS.issuperset(kw):
            raise TypeError(f"Candidate has no field {sorted(set(kw) - _FIELDS)[0]!r}")
        # replace() calls the frozen __init__, one object.__setattr__ a field: 4x the time, and
        # typing and assembling make 7 to 8 new candidates an abstract
        new = object.__new__(Candidate)
        state = new.__dict__
        state.update(self.__dict__)
        state.update(kw)
        return new

    def typed(self, rule: Rule, type: str | None, **kw: object) -> "Candidate":
        """This candidate typed by ``rule``, its confidence raised to the rule's."""
        if rule.confidence is not None:
            kw["confidence"] = max(self.confidence, rule.confidence)
        return self.with_(type=type, typed_by=rule, **kw)


_FIELDS = frozenset(f.name for f in fields(Candidate))
# the fields after found_by, in order, with their defaults (none is a mutable default)
_DEFAULTS = {f.name: f.default for f in fields(Candidate)[4:]}
_LATER = frozenset(_DEFAULTS)


def found(rule: Rule, start: int, end: int, text: str, **kw: object) -> Candidate:
    """A candidate of finder ``rule``, with the rule's confidence and role: the record
    ``Candidate(start, end, text, rule, **kw)`` makes, made as :meth:`Candidate.with_` makes
    one (the frozen ``__init__`` sets each of its 13 fields with ``object.__setattr__``), from
    the fields the rule gives (kept per rule) and then ``kw``."""
    if not _LATER.issuperset(kw):  # no such field, or one given twice: the record's own TypeError
        return Candidate(start, end, text, rule, **{**_given(rule), **kw})  # type: ignore[arg-type]
    given = _GIVEN.get(rule)
    if given is None:
        given = _GIVEN[rule] = {**_DEFAULTS, **_given(rule)}
    new = object.__new__(Candidate)
    state = new.__dict__
    state.update(start=start, end=end, text=text, found_by=rule)  # in the fields' order
    state.update(given)
    state.update(kw)
    return new


def _given(rule: Rule) -> dict[str, object]:
    """What a finder rule gives its candidates unless told otherwise."""
    out: dict[str, object] = {"confidence": rule.confidence}
    if rule.proposes:
        out["role"] = "proposed"
    if rule.evidence:
        out["typed_by"] = rule
    return out


_GIVEN: dict[Rule, dict[str, object]] = {}  # rules are frozen, compared by identity


@dataclass(frozen=True)
class AcronymPair:
    long_start: int
    long_end: int
    short_start: int
    short_end: int
    long: str
    short: str


class Batched:
    """What the kg components share: :meth:`pipe`, which spaCy's ``Language.pipe`` calls.

    It runs the component over a batch of Docs before it hands them on, so that each
    component works through a batch with its patterns and tables in the CPU's caches;
    Doc by Doc, through every component in turn, took a quarter longer. Each Doc gets
    what ``__call__`` gives it.
    """

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64, **kwargs: Any) -> Iterator[Doc]:
        call = cast(Callable[..., Doc], self)
        stream = iter(docs)
        while batch := list(islice(stream, max(1, batch_size))):
            yield from [call(doc, **kwargs) for doc in batch]


_EXTENSIONS = (("kg_candidates", None), ("kg_acronyms", None), ("kg_links", None), ("kg_link_spans", None),
               ("kg_title_end", 0), ("kg_sents", None), ("kg_text", None), ("kg_lower", None))
_DEFAULT = dict(_EXTENSIONS)
# where spaCy keeps the value of a Doc extension without getter, setter or method: the
# Doc's user_data under this key (spacy.tokens.underscore.Underscore._get_key)
_KEY = {name: ("._.", name, None, None) for name, _ in _EXTENSIONS}


def register_extensions() -> None:
    """Doc extensions the kg components share; safe to call many times."""
    for name, default in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
        elif Doc.get_extension(name)[1:] != (None, None, None):  # a method, getter or setter
            raise ValueError(f"Doc extension {name!r} is not a plain value: kg reads it from Doc.user_data")


def get_ext(doc: Doc, name: str) -> Any:
    """``doc._.<name>`` of a kg extension, read where spaCy keeps it: ``doc._`` makes a new
    Underscore object on each access, and the pipeline read them 34 times an abstract."""
    data: dict[Any, Any] = doc.user_data  # spaCy types it dict[str, Any]; its own keys are tuples
    return data.get(_KEY[name], _DEFAULT[name])


def set_ext(doc: Doc, name: str, value: object) -> None:
    """``doc._.<name> = value`` of a kg extension, stored where spaCy stores it."""
    data: dict[Any, Any] = doc.user_data
    data[_KEY[name]] = value


def candidates(doc: Doc) -> list[Candidate]:
    found: list[Candidate] | None = get_ext(doc, "kg_candidates")
    if found is None:
        found = []
        set_ext(doc, "kg_candidates", found)
    return found


def doc_text(doc: Doc) -> str:
    """The Doc's text, kept once per Doc: spaCy's ``Doc.text`` joins a new Token object per
    token on every access. The pipeline's tokenizer (:class:`kg.extract.sentences.TextKeeper`)
    keeps the text it was given; a Doc made otherwise has its text rebuilt once, here."""
    text: str | None = get_ext(doc, "kg_text")
    if text is None:
        text = doc.text
        set_ext(doc, "kg_text", text)
    return text


def doc_lower(doc: Doc) -> str:
    """``doc_text(doc).lower()``, made once per Doc: four components read it."""
    lowered: str | None = get_ext(doc, "kg_lower")
    if lowered is None:
        lowered = doc_text(doc).lower()
        set_ext(doc, "kg_lower", lowered)
    return lowered


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences, as ``doc.sents`` gives them, computed
    once per Doc from its token arrays (no Span or Token objects) and shared."""
    spans: list[tuple[int, int]] | None = get_ext(doc, "kg_sents")
    if spans is None:
        if not doc.has_annotation("SENT_START") or "sents" in doc.user_hooks:
            spans = [(s.start_char, s.end_char) for s in doc.sents]  # what spaCy says
        else:
            spans = _sentence_spans(doc)
        set_ext(doc, "kg_sents", spans)
    return spans


def _sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    if len(doc) == 0:
        return []
    arr = doc.to_array([IDX, LENGTH, SENT_START])
    return spans_of_sentences(arr[:, 0], arr[:, 1], arr[:, 2])


def spans_of_sentences(idx: numpy.ndarray, length: numpy.ndarray,
                       sent_start: numpy.ndarray) -> list[tuple[int, int]]:
    """(start, end) characters of the sentences of a Doc of one or more tokens, from its token
    arrays: a sentence starts at token 0 and at every token whose sent_start is 1 (-1: no), and
    ends with its last token, as ``Doc.sents`` has them."""
    starts = numpy.flatnonzero(sent_start == 1)
    if not len(starts) or starts[0] != 0:
        starts = numpy.concatenate(([0], starts))
    last = numpy.concatenate((starts[1:], [len(idx)])) - 1  # the last token of each sentence
    return list(zip(idx[starts].tolist(), (idx[last] + length[last]).tolist(), strict=True))


def sentence_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence span holding character ``pos``."""
    i = max(0, bisect.bisect_right([s for s, _ in spans], pos) - 1)
    return spans[i] if spans else (0, 0)
