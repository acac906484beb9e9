"""Names a title coins: "Name: what it does", "Long title: NAME", "... with Named Means", and
its own Title-Case phrases: a title that is a noun phrase alone, the subject of its verb of effect
("Randomized Positional Encodings Boost ..."), the noun phrase after a colon that names nothing.

Pure helpers of the ``kg_candidates`` component.
"""

import re

from kg.extract.acronyms import _match_long
from kg.extract.candidate import Candidate, found
from kg.extract.lexicon import ends_in_category, head_type, is_generic, last_word_type, word_list
from kg.extract.names import ends_in_task, looks_like_name
from kg.extract.rules import (
    TITLE_AND,
    TITLE_CLAUSE,
    TITLE_FINDING,
    TITLE_GERUND,
    TITLE_HEAD,
    TITLE_HOOK,
    TITLE_LAST,
    TITLE_LONG_FORM,
    TITLE_MEANS,
    TITLE_MEETS,
    TITLE_OPENER,
    TITLE_PLAIN_HEAD,
    TITLE_SUBJECT,
    TITLE_TAIL,
    TITLE_WHOLE,
    Rule,
)


def _opens_title(head: str, words: list[str]) -> bool:
    openers = word_list("title_openers")
    return words[0].lower() in openers or head.lower() in openers


_HEAD_COLON = re.compile(r"^\s*([^:]{1,60}?)\s*[:\u2013\u2014]\s+(.+)$")
_HEAD_DASH = re.compile(r"^\s*([^:]{1,60}?)\s+-\s+(.+)$")
_LAST_AFTER_COLON = re.compile(r"^(.{20,}?)\s*:\s*(\S+)\s*$")
_CAPITAL_PARTS = re.compile(r"^[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+$")


def title_heads(text: str, title_end: int, off: frozenset[Rule]) -> list[Candidate]:
    """The coined name of a title "Name: what it does" (or "what it does: Name")."""
    title = text[:title_end]
    m = _HEAD_COLON.match(title) or _HEAD_DASH.match(title)
    out: list[Candidate] = []
    if m:
        head, rest = m.group(1).strip(), m.group(2)
        heads = [head]
        if TITLE_AND not in off:  # "The Stable Entropy Hypothesis and Entropy-Aware Decoding": two names
            sides = head.split(" and ")
            if len(sides) == 2 and all(len(side.split()) > 1 + side.startswith("The ") for side in sides):
                heads = sides
        for one in heads:
            c = _head(one, title, text, title_end, rest, off)
            if c is not None:
                out.append(c)
    rev = _LAST_AFTER_COLON.match(title) if TITLE_LAST not in off else None
    if not out and rev and (looks_like_name(rev.group(2), off)
                            or _CAPITAL_PARTS.match(rev.group(2))):
        name = rev.group(2)
        start = title.rfind(name)
        # "Jointly-Learned Exit and Inference ... : JEI-DNN": the title spells the acronym
        spelt = TITLE_LONG_FORM not in off and _match_long(name, rev.group(1).split()) == 0
        out.append(found(TITLE_LAST, start, start + len(name), name,
                         long_form=rev.group(1).strip() if spelt else None))
    return out


def _head(head: str, title: str, text: str, title_end: int, rest: str, off: frozenset[Rule]) -> Candidate | None:
    """The candidate a title's head (or one of two heads joined by "and") names, if it names one."""
    if head.startswith("The ") and len(head.split()) > 1:
        head = head[4:]
    words = head.replace(",", " ").split()
    ok = 1 <= len(words) <= 4 and (TITLE_OPENER in off or not _opens_title(head, words))
    function_words = word_list("function_words")
    ok = ok and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in function_words for w in words)
    ok = ok and not is_generic(head) and TITLE_HEAD not in off
    if ok and TITLE_CLAUSE not in off and any(_capitalised_function_word(w) for w in words[1:]):
        return None  # "Pooling And Attention", "Arithmetic Without Algorithms": Title Case, no name
    if TITLE_PLAIN_HEAD not in off and len(words) > 1 and not any(looks_like_name(w, off) for w in words):
        ok = ok and len(words) <= 3 and not ends_in_task(head) and not _finding(words, off)
        if ok and TITLE_GERUND not in off and words[0].endswith("ing") and "-" not in words[0]:
            ok = not is_generic(" ".join(words[1:]))  # "Deconstructing Attention": what the paper does
        if ok and TITLE_HOOK not in off and all(w.replace("-", "").isalpha() for w in words):
            ok = _named_again(head, text, title_end) is not None or head_type(words[-1].split("-")[-1]) is not None
    if not ok:
        return None
    start = title.find(head)
    long = _title_long_form(head, rest) if len(words) == 1 and TITLE_LONG_FORM not in off else None
    return found(TITLE_HEAD, start, start + len(head), head, long_form=long)


def _finding(words: list[str], off: frozenset[Rule]) -> bool:
    """Whether a title phrase ends in a word for a finding ("The Hydra Effect", "Talking Heads").

    >>> _finding(["Hydra", "Effect"], frozenset()), _finding(["Landmark", "Attention"], frozenset())
    (True, False)
    """
    return TITLE_FINDING not in off and words[-1].split("-")[-1].lower() in word_list("finding_heads")


def _capitalised_function_word(word: str) -> bool:
    """A function word written with a capital, as a Title-Case title writes them.

    >>> [_capitalised_function_word(w) for w in ("And", "Without", "and", "Attention")]
    [True, True, False, False]
    """
    return word[:1].isupper() and word.lower() in word_list("function_words") | _CLAUSE_WORDS


_CLAUSE_WORDS = frozenset(("without", "or", "vs", "versus", "from", "by", "into"))


# the characters a case-blind regex matches to an ASCII letter though they are none ("İ",
# dotless i, long s, the Kelvin sign); the first is also the only one whose lower() is longer
_FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _named_again(phrase: str, text: str, title_end: int) -> tuple[int, int] | None:
    r"""Where the abstract writes a phrase of the title again, in any case: (start, end) in
    ``text`` (None: nowhere). The first match of the phrase under ``re.IGNORECASE``; found by
    ``str.find`` on the lower case when that is the same (an ASCII phrase, none of
    :data:`_FOLDED_TO_ASCII` in the text), since a pattern made for every title would be
    compiled for every title.

    >>> t = "Gated Loops\n\nWe show that gated LOOPS help."
    >>> span = _named_again("Gated Loops", t, 11); t[span[0]:span[1]]
    'gated LOOPS'
    >>> _named_again("Gated Loops", "Gated Loops\n\nNo \u0130 here.", 11) is None
    True
    """
    if phrase.isascii() and not any(c in text for c in _FOLDED_TO_ASCII):
        at = text.lower().find(phrase.lower(), title_end)
        return None if at < 0 else (at, at + len(phrase))
    m = re.compile(re.escape(phrase), re.IGNORECASE).search(text, title_end)
    return None if m is None else m.span()


def _title_long_form(head: str, rest: str) -> str | None:
    """The title's spelling-out of its coined name, wherever it stands:
    "SOC: Semantic-Assisted Object Cluster for ..." -> "Semantic-Assisted Object Cluster",
    "DiscoDVT: ... with Discourse-Aware Discrete Variational Transformer" -> that phrase."""
    caps = [c for c in head if c.isupper()]
    if len(caps) < 2:
        return None
    words = rest.split()
    for i in range(len(words)):
        if not words[i][:1].isupper() or words[i][:1].lower() != head[:1].lower():
            continue
        for k in range(2, min(len(words) - i, len(caps) + 4) + 1):
            part = words[i: i + k]
            if any(w.lower() in word_list("title_breaks") for w in part[1:]):
                break
            if _match_long(head, part) == 0 and part[-1][:1].lower() == caps[-1].lower():
                return " ".join(part).rstrip(",.;")
    return None


# "... with Iterative Weight Recycling", "... using Causal Mediation Analysis"
_TITLE_TOOL = re.compile(
    r"\b(?:with|via|using|through|by)\s+((?:[A-Z][\w\-]{0,30}\s+){1,4}[A-Z][\w\-]{0,30})(?=\s+(?:for|in|on|to|and|of)\b|\s*[:,]|\s*$)")


def title_means_candidates(text: str, title_end: int) -> list[Candidate]:
    """The named means in a title, kept when the abstract names it again."""
    out = []
    abstract = text[title_end:].lower()
    for m in _TITLE_TOOL.finditer(text, 0, title_end):
        phrase = m.group(1)
        if is_generic(phrase) or ends_in_task(phrase) or ends_in_category(phrase) or phrase.lower() not in abstract:
            continue
        # the means a title names is most often the paper's own ("... with Gated State Spaces")
        out.append(found(TITLE_MEANS, m.start(1), m.end(1), phrase))
        # found again in the text itself: lower() can change a text's length ("İ"), so the
        # offsets of the lowered abstract are not those of the text
        again = _named_again(phrase, text, title_end)
        if again:
            out.append(found(TITLE_MEANS, *again, text[again[0]:again[1]]))
    return out


_LEAD = frozenset(("The", "A", "An"))


def title_phrase_candidates(text: str, title_end: int, off: frozenset[Rule], headed: bool = False) -> list[Candidate]:
    """A title that is a capitalised noun phrase alone ("Spectral State Space Models"), the
    capitalised subject of its verb of effect ("Randomized Positional Encodings Boost ..."), or,
    when its head names nothing (``headed`` False), the noun phrase after its colon ("Rotate to
    Attend: Convolutional Triplet Attention Module"): the paper's contribution, where the title
    holds it and where the abstract writes it again.

    >>> [c.text for c in title_phrase_candidates("The Quiet Lattice Prior\\n\\nA quiet lattice prior.", 23, frozenset())]
    ['Quiet Lattice Prior', 'quiet lattice prior']
    >>> [c.text for c in title_phrase_candidates("Quiet Lattice Attention Boosts Sorting\\n\\nWe sort.", 38, frozenset())]
    ['Quiet Lattice Attention']
    >>> [c.text for c in title_phrase_candidates("Sort to Win: The Quiet Lattice Module\\n\\nWe sort.", 37, frozenset())]
    ['Quiet Lattice Module']
    """
    title = text[:title_end]
    part = re.split(r"[:?!]", title, maxsplit=1)[0]
    words = part.split()
    i = 1 if words and (words[0] in _LEAD or words[0] == "When") else 0
    j = _capitalised_run(words, i)
    at = 0
    if j == len(words) and part == title and words[:1] != ["When"] and TITLE_WHOLE not in off:
        rule, most = TITLE_WHOLE, 5  # "Spectral State Space Models": the title is the name
    elif j < len(words) and words[j].lower() in word_list("title_verbs") and TITLE_SUBJECT not in off:
        rule, most = TITLE_SUBJECT, 4  # "Iterative Forward Tuning Boosts In-Context Learning"
    elif j < len(words) and words[j].lower() in word_list("title_meeting_verbs") and TITLE_MEETS not in off:
        rule, most = TITLE_MEETS, 4  # "When Shift Operation Meets Vision Transformer": a thing used
    elif not headed and part != title and title[len(part)] == ":" and TITLE_TAIL not in off:
        # "Rotate to Attend: Convolutional Triplet Attention Module"; not "...: A Survey", a description
        at = len(part) + 1
        words = title[at:].split()
        i = 1 if words[:1] == ["The"] else 0
        j = _capitalised_run(words, i)
        if j < len(words) or words[:1] in (["A"], ["An"]) or re.search(r"[:?!,]", title[at:]):
            return []
        rule, most = TITLE_TAIL, 5
    else:
        return []
    run = words[i:j]
    if not (2 <= len(run) <= most or (len(run) == 1 and "-" in run[0])):
        return []
    phrase = " ".join(run)
    first = run[0].lower()
    if first in word_list("title_openers") or (first.endswith("ing") and "-" not in first) \
            or is_generic(phrase) or ends_in_task(phrase) or ends_in_category(phrase) or _finding(run, off):
        return []
    again = _named_again(phrase, text, title_end)
    # "Clear Minds Think Alike: ...": never written again, no kind of thing; but a verb of effect
    # says what its subject is ("Sparse Attention Decomposition Applied to ...")
    kind = last_word_type(phrase)
    if again is None and kind is None and rule is not TITLE_SUBJECT:
        return []
    start = title.find(phrase, at)
    out = [found(rule, start, start + len(phrase), phrase, type=kind)]
    if again is not None:
        out.append(found(rule, *again, text[again[0]:again[1]]))
    return out


def _capitalised_run(words: list[str], i: int) -> int:
    """Where the run of capitalised words from ``words[i]`` ends: at a word in lower case, a
    capitalised function word or a verb of effect."""
    j = i
    while j < len(words) and (words[j][:1].isupper() or words[j][:1].isdigit()) \
            and not _capitalised_function_word(words[j]) and words[j].lower() not in _CLAIM_WORDS \
            and words[j].lower() not in word_list("title_verbs") | word_list("title_meeting_verbs"):
        j += 1
    return j


# copulas and modals: "Attention Is All You Need", "Fictitious Synthetic Data Can Improve ..." claim
# something of their subject, which names no contribution
_CLAIM_WORDS = frozenset(("is", "are", "was", "were", "be", "can", "could", "may", "might", "will", "would",
                          "should", "must", "do", "does", "did", "not"))
