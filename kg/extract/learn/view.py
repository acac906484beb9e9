"""What the learned decider reads of one doc, made once and shared by all its groups.

Every group of candidates of a doc asks the same things of it: its text (and that text in
lower case), where the title ends, where each sentence starts, which stretches follow a
contribution cue. :class:`DocView` computes them once per doc and keeps them on the doc,
so the recall finders, the title phrases and the features of each group share one copy.
"""

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from kg.extract import triggers
from kg.extract.candidate import doc_text, get_ext, sentence_spans
from kg.extract.rules import FIRST_NEW_NAME

WORD = re.compile(r"[A-Za-z][\w\-]*")  # the words the features read around an occurrence
CUE_WINDOW = 140  # characters after a contribution cue in which a group is "after a cue"
_KEY = ("._.", "kg_view", None, None)  # where spaCy keeps ``doc._.kg_view`` (doc.user_data)


@dataclass
class DocView:
    """What every group of one doc shares, computed once."""

    text: str
    title_end: int
    sents: list[tuple[int, int]]
    cue_windows: list[tuple[int, int]] = field(default_factory=list)
    lower: str = ""
    _starts: list[int] = field(default_factory=list)
    _start_set: frozenset[int] = frozenset()

    @classmethod
    def of(cls, doc: Doc) -> "DocView":
        """The doc's view, made once and kept on the doc (spaCy rebuilds doc.text on each access).

        Read from ``doc.user_data`` directly: ``doc._`` makes a new object on each access.
        """
        data: dict[Any, Any] = doc.user_data
        view: DocView | None = data.get(_KEY)
        if view is not None:
            return view
        if not Doc.has_extension("kg_view"):
            Doc.set_extension("kg_view", default=None)
        text = doc_text(doc)  # kept by the pipeline's tokenizer (doc.text joins every token again)
        sents = sentence_spans(doc)
        lower = text.lower()
        # the cue scan on the lower case of an ASCII text when it can (the same spans)
        windows = [(m.end(), min(e, m.end() + CUE_WINDOW)) for s, e in sents
                   for m in triggers.contribution_cues(FIRST_NEW_NAME, text, s, e, lower)]
        view = cls(text, get_ext(doc, "kg_title_end") or 0, sents, windows, lower)
        data[_KEY] = view
        return view

    def sentence_index(self, pos: int) -> int:
        """The index of the sentence holding ``pos`` (len(sents) when none does)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.sents[i][1] else len(self.sents)

    @property
    def starts(self) -> list[int]:
        """Where each sentence starts, in order."""
        if len(self._starts) != len(self.sents):
            self._starts = [s for s, _ in self.sents]
            self._start_set = frozenset(self._starts)
        return self._starts

    @property
    def start_set(self) -> frozenset[int]:
        """:attr:`starts` as a set (the context features ask it of every group)."""
        if len(self._starts) != len(self.sents):
            _ = self.starts
        return self._start_set

    def after_cue(self, pos: int) -> bool:
        """Whether ``pos`` stands in a window after a contribution cue."""
        for s, e in self.cue_windows:
            if s <= pos < e:
                return True
        return False
