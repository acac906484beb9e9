"""Component ``kg_sentences``: the title is its own sentence, and so is each paragraph.

The paper text is ``title + "\\n\\n" + abstract``; spaCy's sentencizer knows
nothing of blank lines. Placed before the parser (small pipeline); in the blank
pipeline it also sets the sentencizer's boundaries (``punctuation``), from token
attribute arrays rather than one Python ``Token`` per token.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import cast

import numpy
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from kg.extract.candidate import Batched, doc_text, register_extensions, set_ext


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


def paragraph_breaks(text: str, idx: Sequence[int]) -> list[int]:
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
    tokens = [bisect_right(idx, a) - 1 for a in at[:-1]]  # the tokens holding them (a line or two)
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
        # the sentencizer's rule reads the tokens at those characters only (_starts_at_finals)
        self.finals_are_punct = all(nlp.vocab[c].is_punct for c in Sentencizer.default_punct_chars)
        # each of them is one character: where a sentence-final token may stand in a text (a
        # class of all 128 is tried one by one at each character: on an ASCII text, its ASCII ones)
        chars = sorted(Sentencizer.default_punct_chars)
        self.final_char = re.compile("[" + "".join(map(re.escape, chars)) + "]")
        self.final_ascii = re.compile("[" + "".join(re.escape(c) for c in chars if c.isascii()) + "]")

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

    def _starts_at_finals(self, doc: Doc, text: str, idx: list[int]) -> list[int]:
        """The tokens of :meth:`_punctuation_starts`, in order, when every sentence-final
        token is punctuation: each sentence-final character of ``text`` found by a regex
        (some ten an abstract), its token by its offset (``idx``, the tokens' IDX), and after
        a token that is that character alone, the first token that is no punctuation starts
        a sentence. A few Token objects a sentence, where reading ORTH and IS_PUNCT of every
        token took twice as long as all the rest of the component."""
        out = [0]
        n = len(idx)
        final = self.final_ids
        done = 0  # the tokens before this one are walked
        for m in (self.final_ascii if text.isascii() else self.final_char).finditer(text):
            p = m.start()
            t = bisect_right(idx, p) - 1
            if t < done or idx[t] != p or doc[t].orth not in final:
                continue  # walked, inside a token, or a token longer than the character
            j = t + 1
            while j < n and doc[j].is_punct:  # the rest of the run: each sentence-final is punctuation
                j += 1
            if j >= n:
                break
            out.append(j)
            done = j
        return out

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        text = doc_text(doc)
        if not self.punctuation:
            for i in paragraph_breaks(text, doc.to_array(IDX).tolist()):
                doc[i].is_sent_start = True
            return doc
        arr = doc.to_array([IDX, SENT_START])
        idx = arr[:, 0]
        at = idx.tolist()
        breaks = paragraph_breaks(text, at)
        if self.finals_are_punct:
            starts = self._starts_at_finals(doc, text, at)
        else:
            arr2 = doc.to_array([ORTH, IS_PUNCT])
            starts = numpy.flatnonzero(self._punctuation_starts(arr2[:, 0], arr2[:, 1])).tolist()
        preset = arr[:, 1]
        if preset[0] == 1 and not preset[1:].any():
            # as the tokenizer leaves them, only the first token set: every start is one
            on = sorted({*starts, *breaks})
            sent_start = numpy.full(n, _NO, dtype=numpy.uint64)
            sent_start[on] = 1
        else:
            signed = preset.astype(numpy.int64)  # -1 is stored as 2**64 - 1
            signed[signed > 1] = -1
            unset = signed == 0  # the sentencizer only fills in what is not set
            guess = numpy.zeros(n, dtype=bool)
            guess[starts] = True
            signed[unset] = numpy.where(guess[unset], 1, -1)
            signed[breaks] = 1
            sent_start = signed.astype(numpy.uint64)
            on = numpy.flatnonzero(signed == 1).tolist()
        doc.from_array([SENT_START], sent_start)  # type: ignore[arg-type]
        # the last to set sentence starts in this pipeline: their spans are known now
        set_ext(doc, "kg_sents", sentence_spans_at(doc, at, on))
        return doc


_NO = numpy.uint64(2**64 - 1)  # SENT_START -1 (not a sentence start), as Doc.to_array gives it


def sentence_spans_at(doc: Doc, idx: list[int], starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) characters of the sentences of a Doc of one or more tokens, as
    :func:`~kg.extract.candidate.spans_of_sentences` gives them, from the tokens' offsets
    (``idx``) and the tokens that start a sentence (``starts``, in order; token 0 always
    starts one): the length of a sentence's last token read from that token alone."""
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    lasts = [s - 1 for s in starts[1:]]
    lasts.append(len(idx) - 1)
    return [(idx[s], idx[e] + len(doc[e])) for s, e in zip(starts, lasts, strict=True)]


@Language.factory("kg_sentences", default_config={"punctuation": False})
def make_sentence_breaks(nlp: Language, name: str, punctuation: bool) -> SentenceBreaks:
    register_extensions()
    return SentenceBreaks(nlp, punctuation)
