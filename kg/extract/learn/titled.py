"""Candidates from the title's phrases: what the paper names in its title and uses again.

A paper's own technique is often a Title-Case phrase of its title, written again in the
abstract ("Progressive Gradient Flow for Robust N:M Sparsity ...", "... we propose
progressive gradient flow"). No rule finder reads it: in a title every word is capitalised,
so the run of capitals is the whole title. Here the title is cut into phrases at
punctuation, function words and framing words (:func:`title_phrases`), and each phrase of
two to five words is a candidate where the title holds it and wherever the abstract writes
it again, in any case (:func:`title_candidates`). Only the learned decider sees them;
:func:`phrase_features` tells it how the phrase stands in the paper.
"""

import re
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.candidate import Candidate, found
from kg.extract.learn.recall import recall_candidates
from kg.extract.learn.view import DocView
from kg.extract.lexicon import head_type, is_generic, word_list
from kg.extract.rules import RECALL_CAPS
from kg.keys import match_key

_OPENERS = "(\"'“‘["
_CLOSERS = ",.:;?!)\"'”’]"
MAX_WORDS = 5


@lru_cache(maxsize=1)
def _breaks() -> frozenset[str]:
    return word_list("title_phrase_breaks") | word_list("function_words")


@lru_cache(maxsize=4096)
def title_phrases(title: str) -> tuple[tuple[int, int], ...]:
    """The spans of the title's phrases: runs of 2-5 capitalised words between breaks (punctuation
    after or before a word, a break word, an adverb in -ly, a word in lower case).

    >>> t = "Progressive Gradient Flow for Robust N:M Sparsity"
    >>> [t[s:e] for s, e in title_phrases(t)]
    ['Progressive Gradient Flow', 'Robust N:M Sparsity']
    >>> t = "Prompt Chaining or Stepwise Prompt? Refinement in Text Summarization"
    >>> [t[s:e] for s, e in title_phrases(t)]
    ['Prompt Chaining', 'Stepwise Prompt', 'Text Summarization']
    """
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    breaks = _breaks()

    def close() -> None:
        if 2 <= len(run) <= MAX_WORDS:
            out.append((run[0][0], run[-1][1]))
        run.clear()

    for m in re.finditer(r"\S+", title):
        s, e = m.span()
        while s < e and title[s] in _OPENERS:
            s += 1
        if s > m.start():
            close()
        cut = e
        while cut > s and title[cut - 1] in _CLOSERS:
            cut -= 1
        w = title[s:cut]
        low = w.lower()
        if not w or low in breaks or (low.endswith("ly") and len(low) > 4) or not (w[0].isupper() or w[0].isdigit()):
            close()
        elif run and _verb_like(low):
            close()  # "Sparse Attention Decomposition Applied to ...": a participle after a name ends it
        else:
            run.append((s, cut))
        if cut < e:
            close()
    close()
    return tuple((s, e) for s, e in out if not is_generic(title[s:e]))


def _verb_like(low: str) -> bool:
    """A title word that follows a name as its verb: a participle in -ed ("Applied", "Revisited";
    the verbs in -s are break words of ``title_phrase_breaks``), not a hyphenated word or a short one.

    >>> [_verb_like(w) for w in ("applied", "revisited", "embed", "based", "retrieval-augmented", "attention")]
    [True, True, False, False, False, False]
    """
    return "-" not in low and low.endswith("ed") and len(low) > 5


def _occurrences(text: str, phrase: str, start: int) -> list[tuple[int, int]]:
    """Where ``phrase`` is written from ``start`` on, in any case, spaces or hyphens between its
    words either way, a plural "s" allowed (plain string search: no pattern per phrase).

    >>> _occurrences("x. Prompt chaining and prompt-chainings, not reprompt chaining", "Prompt Chaining", 0)
    [(3, 18), (23, 39)]
    """
    flat = _flat(text)
    needle = phrase.lower().replace("-", " ")
    out = []
    i = flat.find(needle, start)
    while i >= 0:
        j = i + len(needle)
        if j < len(flat) and flat[j] == "s":
            j += 1
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-_")) and \
                (j == len(text) or not (text[j].isalnum() or text[j] in "-_")):
            out.append((i, j))
        i = flat.find(needle, i + 1)
    return out


@lru_cache(maxsize=8)
def _flat(text: str) -> str:
    """The text in lower case, hyphens and line breaks as spaces: the same length, the same offsets."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): keep it as written
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.replace("-", " ").replace("\n", " ")


def title_candidates(text: str, title_end: int) -> list[Candidate]:
    """Each title phrase, where the title holds it and where the abstract writes it again."""
    out: list[Candidate] = []
    for s, e in title_phrases(text[:title_end]):
        phrase = text[s:e]
        out.append(found(RECALL_CAPS, s, e, phrase))
        for a, b in _occurrences(text, phrase, title_end):
            out.append(found(RECALL_CAPS, a, b, text[a:b]))
    return out


@lru_cache(maxsize=8)
def _phrase_keys(text: str, title_end: int) -> dict[str, tuple[int, int]]:
    """The key of each of the title's phrases, with the span of the first phrase of that key
    (each group of a paper asks them)."""
    title = text[:title_end]
    out: dict[str, tuple[int, int]] = {}
    for s, e in title_phrases(title):
        out.setdefault(match_key(title[s:e]), (s, e))
    return out


def phrase_features(group: list[Candidate], text: str, title_end: int) -> set[str]:
    """How a group stands to the title's phrases: "tp" when its name is one, with how often
    and in which case the abstract writes it (``tp&body=N``, ``tp&lower``)."""
    phrases = _phrase_keys(text, title_end)
    if not phrases:
        return set()
    spans = [phrases[k] for k in {match_key(c.text) for c in group} if k in phrases]
    if not spans:
        return set()
    s, e = min(spans)  # the first of the title's phrases that the group names
    title = text[:title_end]
    phrase = title[s:e]
    body = [c for c in group if c.start >= title_end]
    occ = len(_occurrences(text, phrase, title_end))
    out = {"tp", f"tp&body={min(len(body), 3)}", f"tp&occ={min(occ, 3)}"}
    if any(c.text[:1].islower() for c in body):
        out.add("tp&lower")
    lead = title[:s].strip()
    if not lead or lead.lower() in ("the", "a", "an"):
        out.add("tp&lead=start")
    elif lead.endswith(":") and " " not in lead:
        out.add("tp&lead=colon")  # "LoongTrain: Efficient Training of ..."
    t = head_type(phrase.split()[-1].split("-")[-1])
    out.add(f"tp&head={t}")
    out.add(f"tp&head={t}&occ={min(occ, 2)}")
    return out


def decider_extra(doc: Doc) -> list[Candidate]:
    """All the decider's own candidates of a doc: the recall finders' (:mod:`.recall`) and the
    title phrases'; in the title a title phrase replaces the runs of capitals over it."""
    view = DocView.of(doc)
    title_end = view.title_end
    mine = title_candidates(view.text, title_end)
    spans = [(c.start, c.end) for c in mine if c.start < title_end]
    recalled = recall_candidates(view.text, title_end, view.start_set)
    if not spans:
        return recalled + mine
    kept = [c for c in recalled if c.start >= title_end or not any(c.start < e and s < c.end for s, e in spans)]
    return kept + mine
