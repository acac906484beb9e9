"""Extra candidates for the learned decider: what the rule finders leave, cast wide.

The rules keep precision by finding only what looks like a name; about one gold entity in
six of the annotated papers is then never a candidate at all, most of them lower-case
techniques ("continuous batching") and capitalised phrases that no rule reads. These
finders propose them; only a decider sees them (the rules' own output is unchanged), and
they never displace a candidate of the rules (:func:`kg.extract.assemble.candidate_groups`
adds them only where nothing else was found).
"""

import re
from functools import lru_cache

from spacy.tokens import Doc

from kg.extract.candidate import Candidate, found
from kg.extract.lexicon import is_generic, type_heads, word_list
from kg.extract.rules import RECALL_CAPS, RECALL_PHRASE

_CAP_WORD = r"(?:[A-Z][\w\-\.\+']*[\w\+]|[A-Z])"
_CAPS_RUN = re.compile(rf"(?<![\w\-]){_CAP_WORD}(?:\s+(?:of|for|and|with|on|in|to|-)?\s*{_CAP_WORD}){{0,5}}")
_LOWER_CAP = re.compile(r"(?<![\w\-])[a-z]+(?:-[A-Za-z0-9]+)*-?[A-Z0-9][\w\-]*[\w]")
_LOWER_WORD = re.compile(r"(?<![\w\-])[a-z][a-z]+(?:-[a-z0-9]+)*(?![\w\-])")
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
def _head_ends() -> re.Pattern[str]:
    """Where a word ends whose last part is a method head word of the lexicon (or its plural,
    as :func:`kg.extract.lexicon.head_type` reads it), or that ends like a technique (:data:`_ENDINGS`)."""
    heads = [w for w, t in type_heads().items() if t == "method" and re.fullmatch(r"[a-z0-9]+", w)]
    forms = set(heads) | {w + "s" for w in heads if len(w) >= 3}
    return re.compile(rf"(?:{'|'.join(_ENDINGS)})(?![\w\-])|\b{_trie(sorted(forms))}(?![\w\-])")


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


_OPENER = re.compile(r"([A-Z][a-z]+(?:-[a-z]+)*) $")


def _sentence_opener(text: str, start: int, sent_starts: set[int]) -> int | None:
    """Where a capitalised word that opens the sentence right before ``start`` begins ("Sequence"
    of "Sequence parallelism ..."), unless it is a stop word ("We", "This") or a break word.

    >>> t = "It works. Sequence parallelism helps. We use mixing."
    >>> _sentence_opener(t, t.index("parallelism"), {0, 10, 38}), _sentence_opener(t, t.index("use"), {0, 10, 38})
    (10, None)
    """
    m = _OPENER.search(text, max(0, start - 30), start)
    if m is None:
        return None
    s = m.start(1)
    if s not in sent_starts and s != 0 and text[max(0, s - 2): s] not in (". ", "? ", "! ", ": "):
        return None
    w = m.group(1)
    if w in _stops() or _breaks_phrase(w.lower(), _phrase_words()[0]) or w.lower() in _BREAKS:
        return None
    return s


def recall_candidates(text: str, title_end: int, sent_starts: set[int]) -> list[Candidate]:
    """Capitalised runs, lower-case words with capitals or digits, technique phrases."""
    out: list[Candidate] = []
    for m in _CAPS_RUN.finditer(text):
        raw = m.group(0)
        words = raw.split()
        kept = _strip_stops(words)
        if not kept:
            continue
        start = m.start() + raw.index(kept[0])
        end = start + len(kept[0])
        for w in kept[1:]:
            end = text.index(w, end) + len(w)
        name = text[start:end]
        at_start = start in sent_starts or start == 0 or text[max(0, start - 2): start].strip() in (".", "")
        if (len(kept) == 1 and at_start) or len(name) < 2 or _generic(name) or "\n" in name:
            continue
        out.append(found(RECALL_CAPS, start, end, name))
    for m in _LOWER_CAP.finditer(text):
        out.append(found(RECALL_CAPS, m.start(), m.end(), m.group(0)))
    # technique phrases: found from where their head words end (one regex over the text), each
    # read backwards over the lower-case words before it; no Python step per word of the text
    lower = [m.span() for m in _LOWER_WORD.finditer(text, title_end)]
    ends = {e: i for i, (_, e) in enumerate(lower)}
    breaks, kinds, not_heads = _phrase_words()
    seen: set[tuple[int, int]] = set()
    for h in _head_ends().finditer(text, title_end):
        n = ends.get(h.end())
        if n is None:
            continue
        head = text[lower[n][0]: lower[n][1]]
        if head in not_heads:
            continue
        if head in kinds:
            # "a randomized blending approach": the technique is the phrase before its kind word
            if n == 0 or text[lower[n - 1][1]: lower[n][0]] != " ":
                continue
            n -= 1
        first = n
        # the lower-case words right before it, up to a function word: "with continuous batching"
        while first > 0 and n - first < 2 and text[lower[first - 1][1]: lower[first][0]] == " " \
                and not _breaks_phrase(text[lower[first - 1][0]: lower[first - 1][1]], breaks):
            first -= 1
        if _breaks_phrase(text[lower[n][0]: lower[n][1]], breaks):
            continue
        start, end = lower[first][0], lower[n][1]
        opener = _sentence_opener(text, start, sent_starts) if n - first < 2 else None
        if opener is not None:
            start = opener  # "Sequence parallelism splits ...": the sentence's first word is the phrase's
        elif first == n:
            continue
        name = text[start:end]
        if (start, end) not in seen and not _generic(name):
            seen.add((start, end))
            out.append(found(RECALL_PHRASE, start, end, name))
    return out


def doc_recall(doc: Doc) -> list[Candidate]:
    """:func:`recall_candidates` of a processed doc."""
    from kg.extract.learn.features import DocView

    view = DocView.of(doc)
    return recall_candidates(view.text, view.title_end, {s for s, _ in view.sents})
