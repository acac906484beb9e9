"""Component ``kg_sentences``: the title is its own sentence, and so is each paragraph.

The paper text is ``title + "\\n\\n" + abstract``; spaCy's sentencizer knows
nothing of blank lines. Placed before the parser (small pipeline); in the blank
pipeline it also sets the sentencizer's boundaries (``punctuation``), from token
attribute arrays rather than one Python ``Token`` per token.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import cast

import numpy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from kg.extract.candidate import Batched, doc_text, register_extensions, set_ext, spans_of_sentences


def add_name_suffix_rule(nlp: Language) -> None:
    """Split a sentence's full stop from a name ending in a capital or digit ("LLaVA-1.5-7B.").

    spaCy keeps "7B." whole (as in "U.S."), which hides the sentence end.
    """
    suffixes = [*(nlp.Defaults.suffixes or ()), r"(?<=[A-Z0-9])\.(?=$)"]
    spacy_tokenizer(nlp).suffix_search = compile_suffix_regex(suffixes).search


class TextKeeper:
    """The pipeline's tokenizer, keeping the text of each Doc it makes in ``Doc._.kg_text``.

    spaCy's tokenizer keeps every character, so the text given is ``doc.text``; the
    components read it from there (:func:`kg.extract.candidate.doc_text`) instead of having
    spaCy join it again from one new Token object per token. Anything else (the
    tokenizer's rules, its serialisation) is the wrapped tokenizer's.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        register_extensions()
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc: Doc = self.tokenizer(text)
        set_ext(doc, "kg_text", text)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> object:
        if name == "tokenizer":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


#: Chunks (runs between spaces) whose tokens spaCy's tokenizer keeps. Its own default, 10,000,
#: is filled by the gazetteer's names alone, and a chunk not kept is split by the affix rules
#: again each time it is seen: most of a Doc's tokenisation time.
CACHED_CHUNKS = 200_000


def spacy_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's own tokenizer of ``nlp``, inside its :class:`TextKeeper` if it has one."""
    tokenizer = nlp.tokenizer.tokenizer if isinstance(nlp.tokenizer, TextKeeper) else nlp.tokenizer
    return cast(Tokenizer, tokenizer)


def keep_text(nlp: Language) -> None:
    """Make ``nlp``'s tokenizer a :class:`TextKeeper` (once) keeping :data:`CACHED_CHUNKS`."""
    tokenizer = spacy_tokenizer(nlp)
    if not isinstance(nlp.tokenizer, TextKeeper):
        nlp.tokenizer = TextKeeper(tokenizer)
    tokenizer.max_cache_size = max(tokenizer.max_cache_size, CACHED_CHUNKS)


@contextmanager
def uncached(nlp: Language) -> Iterator[None]:
    """Tokenise without filling the tokenizer's cache (patterns, made once): the cache is for
    the texts. The tokens are the same either way."""
    tokenizer = spacy_tokenizer(nlp)
    size = tokenizer.max_cache_size
    tokenizer.max_cache_size = 0
    try:
        yield
    finally:
        tokenizer.max_cache_size = size


def paragraph_breaks(text: str, idx: numpy.ndarray) -> list[int]:
    """The tokens after a token holding a line break, but after the last token: each line
    break of ``text`` found by ``str.find`` and its token by its offset (``idx``, the tokens'
    IDX), not one test a whitespace token. spaCy's tokenizer makes every run of whitespace
    but a single space a token of its own, so a line break is in a whitespace token."""
    at = [text.find("\n")]
    while at[-1] >= 0:
        at.append(text.find("\n", at[-1] + 1))
    if len(at) == 1:
        return []
    last = len(idx) - 1
    tokens = (numpy.searchsorted(idx, at[:-1], side="right") - 1).tolist()  # the tokens holding them
    return sorted({i + 1 for i in tokens if i < last})


class SentenceBreaks(Batched):
    """Paragraph breaks, and with ``punctuation`` spaCy's sentencizer rule before them."""

    def __init__(self, nlp: Language, punctuation: bool) -> None:
        self.punctuation = punctuation
        # ORTH ids of the sentencizer's sentence-final characters ("." "!" "?" ...)
        self.final = numpy.array(sorted(nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars),
                                 dtype=numpy.uint64)
        self.final_ids = frozenset(self.final.tolist())
        # every sentence-final character is punctuation (IS_PUNCT) in spaCy's vocabularies: then
        # the sentencizer's rule reads the punctuation tokens only (_starts_after_finals)
        self.finals_are_punct = all(nlp.vocab[c].is_punct for c in Sentencizer.default_punct_chars)

    def _punctuation_starts(self, orth: numpy.ndarray, punct: numpy.ndarray) -> numpy.ndarray:
        """Which tokens the sentencizer starts a sentence at: the first token, and the first
        token neither punctuation nor sentence-final after a run holding a sentence-final one."""
        at = numpy.minimum(numpy.searchsorted(self.final, orth), len(self.final) - 1)
        final = self.final[at] == orth  # numpy.isin, without its sorting of both arrays
        word = (punct == 0) & ~final
        seen = numpy.cumsum(final)  # sentence-final tokens up to each token
        words = numpy.flatnonzero(word)
        at_words = seen[words]
        before = numpy.concatenate(([0], at_words[:-1]))  # at the word before, or none
        starts = numpy.zeros(len(orth), dtype=bool)
        starts[words[at_words > before]] = True
        starts[0] = True
        return starts

    def _starts_after_finals(self, orth: numpy.ndarray, punct: numpy.ndarray) -> list[int]:
        """The tokens of :meth:`_punctuation_starts`, in order, when every sentence-final
        token is punctuation: then the tokens that are not are the words, each run of them
        lies between two punctuation tokens, and a Python step a punctuation token (some 30
        an abstract) replaces a dozen array passes over all tokens (numpy's cost a call)."""
        marks = numpy.flatnonzero(punct).tolist()
        final = self.final_ids
        out = [0]
        seen = False  # a sentence-final token since the last word
        prev = -1  # the last punctuation token
        for i, o in zip(marks, orth[marks].tolist(), strict=True):
            if seen and i > prev + 1:  # a word follows the run: it starts a sentence
                out.append(prev + 1)
                seen = False
            seen = seen or o in final
            prev = i
        if seen and prev + 1 < len(orth):
            out.append(prev + 1)
        return out

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH, SENT_START])
        breaks = paragraph_breaks(doc_text(doc), arr[:, 2])
        if self.punctuation:
            sent_start = arr[:, 4].astype(numpy.int64)  # -1 is stored as 2**64 - 1
            sent_start[sent_start > 1] = -1
            unset = sent_start == 0  # the sentencizer only fills in what is not set
            if self.finals_are_punct:
                starts = numpy.zeros(n, dtype=bool)
                starts[self._starts_after_finals(arr[:, 0], arr[:, 1])] = True
            else:
                starts = self._punctuation_starts(arr[:, 0], arr[:, 1])
            sent_start[unset] = numpy.where(starts[unset], 1, -1)
            sent_start[breaks] = 1
            doc.from_array([SENT_START], sent_start.astype(numpy.uint64))  # type: ignore[arg-type]
            # the last to set sentence starts in this pipeline: their spans are known now
            set_ext(doc, "kg_sents", spans_of_sentences(arr[:, 2], arr[:, 3], sent_start))
        else:
            for i in breaks:
                doc[i].is_sent_start = True
        return doc


@Language.factory("kg_sentences", default_config={"punctuation": False})
def make_sentence_breaks(nlp: Language, name: str, punctuation: bool) -> SentenceBreaks:
    register_extensions()
    return SentenceBreaks(nlp, punctuation)
