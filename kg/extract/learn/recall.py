"""Extra candidates for the learned decider: what the rule finders leave, cast wide.

The rules keep precision by finding only what looks like a name; about one gold entity in
six of the annotated papers is then never a candidate at all, most of them lower-case
techniques ("continuous batching") and capitalised phrases that no rule reads. These
finders propose them; only a decider sees them (the rules' own output is unchanged), and
they never displace a candidate of the rules (:func:`kg.extract.assemble.candidate_groups`
adds them only where nothing else was found).
"""

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.candidate import Candidate, found
from kg.extract.learn.view import DocView
from kg.extract.lexicon import is_generic, type_heads, word_list
from kg.extract.rules import RECALL_CAPS, RECALL_PHRASE

_CAP_WORD = r"(?:[\w\-\.\+']*[\w\+])?"  # a capitalised word after its first capital
# begins with a capital, so that re skips to the next capital (the look-behind after it
# tells what a leading look-behind would: the char before that capital is no word char)
_CAPS_RUN = re.compile(rf"[A-Z](?<![\w\-].){_CAP_WORD}(?:\s+(?:of|for|and|with|on|in|to|-)?\s*[A-Z]{_CAP_WORD}){{0,5}}")
_LOWER_CAP = re.compile(r"(?<![\w\-])[a-z]++(?:-[A-Za-z0-9]+)*-?[A-Z0-9][\w\-]*[\w]")
# every match of _LOWER_CAP holds a capital or digit right after a small letter or a hyphen
_LOWER_CAP_HINT = re.compile(r"[A-Z0-9](?<=[a-z\-].)")
_RUN = re.compile(r"[\w\-]*")  # read on the reversed text: the word chars before a point
_LOWER_WORD = r"(?<![\w\-])[a-z][a-z]++(?:-[a-z0-9]++)*+(?![\w\-])"
# a lower-case word right before a space, read on the reversed text (the word reversed)
_PREV_WORD = re.compile(r" (?:[a-z0-9]+-)*[a-z]+[a-z](?![\w\-])")
# words that end a technique phrase read backwards from its head
_BREAKS = frozenset("""a an the and or of for to in on by via from with without into over under as at
is are was were be been being we our this that these those its their which who whose than then
using use uses used based can could may might will would also both each such more most less
not no new novel proposed existing other several many all any some only further""".split())
_ENDINGS = ("ing", "tion", "sion", "ity", "ism", "ment")


def _trie(words: list[str]) -> str:
    """A regex matching exactly ``words``, their common prefixes factored out (re scans an
    alternation one word at a time; a trie reads each letter once).

    >>> re.fullmatch(_trie(["lora", "loss", "log"]), "loss") is not None, _trie(["ab", "a"])
    (True, 'a(?:b)?')
    """
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(tree)


@lru_cache(maxsize=1)
def _head_forms() -> frozenset[str]:
    """The method head words of the lexicon and their plurals (as
    :func:`kg.extract.lexicon.head_type` reads them)."""
    heads = [w for w, t in type_heads().items() if t == "method" and re.fullmatch(r"[a-z0-9]+", w)]
    return frozenset(heads) | {w + "s" for w in heads if len(w) >= 3}


@lru_cache(maxsize=1)
def _head_words() -> re.Pattern[str]:
    """The lower-case words that may end in a head (:func:`_is_head_word` tells): a look-behind
    on their last three letters, so that a word ending otherwise is no match."""
    tails: dict[int, set[str]] = {}
    for w in (*_ENDINGS, *_head_forms()):
        tails.setdefault(min(len(w), 3), set()).add(w[-3:])
    behind = "|".join(f"(?<={_trie(sorted(t))})" for _, t in sorted(tails.items(), reverse=True))
    return re.compile(f"{_LOWER_WORD}(?:{behind})")


@lru_cache(maxsize=50_000)
def _is_head_word(word: str) -> bool:
    """Whether a lower-case word ends like a technique (:data:`_ENDINGS`) or its last part is a
    method head word (or its plural): where the head regex of the rules would end in it.

    >>> [_is_head_word(w) for w in ("batching", "pre-training", "graph", "paragraph", "the")]
    [True, True, True, False, False]
    """
    return word.endswith(_ENDINGS) or word.rpartition("-")[2] in _head_forms()


# the generic filter normalises each name (accents, plurals): the same names recur from paper to paper
_generic = lru_cache(maxsize=50_000)(is_generic)


@lru_cache(maxsize=1)
def _stops() -> frozenset[str]:
    return word_list("stop_caps") | word_list("function_words")


def _strip_stops(words: list[str]) -> list[str]:
    stops = _stops()
    while words and (words[0] in stops or words[0].lower() in stops):
        words = words[1:]
    while words and words[-1].lower() in ("of", "for", "and", "with", "on", "in", "to", "-"):
        words = words[:-1]
    return words


@lru_cache(maxsize=1)
def _phrase_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The words that break a technique phrase, the kind words after one, the -ing words that end none."""
    return _BREAKS | word_list("phrase_breaks"), word_list("kind_heads"), word_list("not_heads")


def _breaks_phrase(word: str, breaks: frozenset[str]) -> bool:
    """Whether ``word`` cannot be part of a technique phrase: a break word or an adverb in -ly.

    >>> [_breaks_phrase(w, frozenset({"called"})) for w in ("called", "namely", "early", "sparse")]
    [True, True, False, False]
    """
    return word in breaks or (word.endswith("ly") and len(word) > 5)


# a capitalised word right before a space, read on the reversed text (the word reversed)
_OPENER = re.compile(r" ((?:[a-z]+-)*[a-z]+[A-Z])")


def _sentence_opener(text: str, rev: str, start: int, sent_starts: AbstractSet[int]) -> int | None:
    """Where a capitalised word that opens the sentence right before ``start`` begins ("Sequence"
    of "Sequence parallelism ..."), unless it is a stop word ("We", "This") or a break word;
    ``rev`` is the text reversed (the word is read back from ``start``, 30 characters at most).

    >>> t = "It works. Sequence parallelism helps. We use mixing."
    >>> [_sentence_opener(t, t[::-1], t.index(w), {0, 10, 38}) for w in ("parallelism", "use")]
    [10, None]
    """
    m = _OPENER.match(rev, len(text) - start)
    if m is None:
        return None
    s = len(text) - m.end()
    if s < start - 30:
        return None
    if s not in sent_starts and s != 0 and text[max(0, s - 2): s] not in (". ", "? ", "! ", ": "):
        return None
    w = text[s: start - 1]
    if w in _stops() or _breaks_phrase(w.lower(), _phrase_words()[0]) or w.lower() in _BREAKS:
        return None
    return s


@lru_cache(maxsize=50_000)
def _caps_name(raw: str) -> tuple[int, int, int] | None:
    """Where the name of a run of capitals starts and ends in it, its stop words cut off, and
    how many words it has (the same runs recur from paper to paper)."""
    words = raw.split()
    kept = _strip_stops(words)
    if not kept:
        return None
    start = raw.index(kept[0])
    end = start + len(kept[0])
    for w in kept[1:]:
        end = raw.index(w, end) + len(w)
    return start, end, len(kept)


def _lower_caps(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_LOWER_CAP`'s matches ("sparseGPT", "x-MoE"): read only in the words
    where a capital or digit follows a small letter or a hyphen, as each of its matches holds."""
    out: list[tuple[int, int]] = []
    rev = ""
    last = -1
    for h in _LOWER_CAP_HINT.finditer(text):
        if not rev:
            rev = text[::-1]
        # the match can only start where the word holding the hint starts
        at = h.start()
        start = len(text) - _RUN.match(rev, len(text) - at).end()  # type: ignore[union-attr]
        if start == last:
            continue
        last = start
        m = _LOWER_CAP.match(text, start)
        if m is not None:
            out.append(m.span())
    return out


def recall_candidates(text: str, title_end: int, sent_starts: AbstractSet[int]) -> list[Candidate]:
    """Capitalised runs, lower-case words with capitals or digits, technique phrases."""
    out: list[Candidate] = []
    for m in _CAPS_RUN.finditer(text):
        cut = _caps_name(m.group(0))
        if cut is None:
            continue
        start, end = m.start() + cut[0], m.start() + cut[1]
        name = text[start:end]
        at_start = start in sent_starts or start == 0 or text[max(0, start - 2): start].strip() in (".", "")
        if (cut[2] == 1 and at_start) or len(name) < 2 or _generic(name) or "\n" in name:
            continue
        out.append(found(RECALL_CAPS, start, end, name))
    for s, e in _lower_caps(text):
        out.append(found(RECALL_CAPS, s, e, text[s:e]))
    # technique phrases: found from the lower-case words that end in a head (one regex over the
    # text), each read backwards over the lower-case words before it (on the reversed text)
    breaks, kinds, not_heads = _phrase_words()
    seen: set[tuple[int, int]] = set()
    rev = ""
    size = len(text)

    def before(start: int) -> tuple[int, int] | None:
        """The lower-case word before ``start``, one space between, not in the title."""
        m = _PREV_WORD.match(rev, size - start)
        if m is None or size - m.end() < title_end:
            return None
        return size - m.end(), start - 1

    for h in _head_words().finditer(text, title_end):
        head = h.group(0)
        if not _is_head_word(head) or head in not_heads:
            continue
        if not rev:
            rev = text[::-1]
        last = h.span()
        if head in kinds:
            # "a randomized blending approach": the technique is the phrase before its kind word
            prev = before(last[0])
            if prev is None:
                continue
            last = prev
        if _breaks_phrase(text[last[0]: last[1]], breaks):
            continue
        # the lower-case words right before it, up to a function word: "with continuous batching"
        first = last
        words = 1
        while words < 3:
            prev = before(first[0])
            if prev is None or _breaks_phrase(text[prev[0]: prev[1]], breaks):
                break
            first = prev
            words += 1
        start, end = first[0], last[1]
        opener = _sentence_opener(text, rev, start, sent_starts) if words < 3 else None
        if opener is not None:
            start = opener  # "Sequence parallelism splits ...": the sentence's first word is the phrase's
        elif words == 1:
            continue
        name = text[start:end]
        if (start, end) not in seen and not _generic(name):
            seen.add((start, end))
            out.append(found(RECALL_PHRASE, start, end, name))
    return out


def doc_recall(doc: Doc) -> list[Candidate]:
    """:func:`recall_candidates` of a processed doc."""
    view = DocView.of(doc)
    return recall_candidates(view.text, view.title_end, view.start_set)
