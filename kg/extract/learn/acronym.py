"""What supports a short ambiguous acronym: the features the decider judges it by.

A name of two to four capitals, optionally with a trailing "s" or digit ("RAG", "MoE" is
not one, "LLMs", "GAN2"), says little by its shape: the same letters are a method in one
paper, a task, a unit or an abbreviation of an ordinary phrase in another. What tells is
its support in the paper: a definition ("Retrieval-Augmented Generation (RAG)"), a
gazetteer entry of that spelling and its type, a type word beside it ("the XYZ dataset",
"ABC model"), the title, more than one occurrence, a known entity next to it. Each is a
feature conjoined with ``acro``; ``acro&support=N`` counts them and ``acro&nosupport``
marks an acronym with none, so the model can weigh that absence itself.
"""

import re
from functools import lru_cache

from kg.extract.candidate import Candidate
from kg.extract.lexicon import gazetteer, head_type

SHORT_ACRONYM = re.compile(r"[A-Z]{2,4}(?:s|\d)?")
_WORD = re.compile(r"[A-Za-z][\w\-\.]*[\w]|[A-Za-z]")
_BEFORE = re.compile(r"(?<![\w\-])([A-Za-z][\w\-]*) $")
_AFTER = re.compile(r" ([A-Za-z][\w\-]*)(?![\w\-])")


def is_short_acronym(name: str) -> bool:
    """Two to four capitals, optionally a trailing "s" or digit.

    >>> [is_short_acronym(n) for n in ("RAG", "LLMs", "GAN2", "MoE", "A", "BERTS1", "ViT")]
    [True, True, True, False, False, False, False]
    """
    return SHORT_ACRONYM.fullmatch(name) is not None


@lru_cache(maxsize=1)
def surface_types() -> dict[str, str]:
    """Every gazetteer name and alias, as written, with its entity's type (first file wins)."""
    out: dict[str, str] = {}
    for k in gazetteer().values():
        for n in k.names:
            out.setdefault(n, k.type)
    return out


def _word_char(ch: str) -> bool:
    """``re``'s ``[\\w\\-]`` of one character."""
    return ch.isalnum() or ch == "_" or ch == "-"


def _ascii_letter(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


def _defined_at(text: str, s: int, e: int) -> bool:
    """Whether the name written at ``text[s:e]`` stands in parentheses after a word ("Retrieval
    Augmented Generation (RAG)"), or a parenthesised phrase follows it ("RAG (retrieval ...")."""
    size = len(text)
    j = s
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j > 0 and text[j - 1] == "(":
        k = e
        while k < size and text[k].isspace():
            k += 1
        if k < size and text[k] in "),;":
            q = j - 1
            while q > 0 and text[q - 1].isspace():
                q -= 1
            while q > 0 and _word_char(text[q - 1]):  # a word that holds a letter, right before
                q -= 1
                if _ascii_letter(text[q]):
                    return True
    if s > 0 and _word_char(text[s - 1]):
        return False
    k = e
    while k < size and text[k].isspace():
        k += 1
    if k == size or text[k] != "(":
        return False
    k += 1
    while k < size and text[k].isspace():
        k += 1
    if k == size or not _ascii_letter(text[k]):
        return False
    k += 1
    while k < size and _word_char(text[k]):
        k += 1
    r = k
    while r < size and text[r].isspace():
        r += 1
    return k < r < size and _ascii_letter(text[r])


def _defined(text: str, name: str) -> bool:
    """``name`` stands in parentheses after words, or a parenthesised phrase follows it (read
    at each place it is written: no pattern made per name)."""
    i = text.find(name)
    while i >= 0:
        if _defined_at(text, i, i + len(name)):
            return True
        i = text.find(name, i + 1)
    return False


def _spots(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``name`` is written as a word of its own (no word character or hyphen beside it)."""
    out = []
    size = len(text)
    i = text.find(name)
    while i >= 0:
        e = i + len(name)
        if (i == 0 or not _word_char(text[i - 1])) and (e == size or not _word_char(text[e])):
            out.append((i, e))
        i = text.find(name, i + 1)
    return out


def acronym_features(group: list[Candidate], text: str, title_end: int) -> set[str]:
    """The support features of a group whose name is a short acronym (empty for any other)."""
    names = sorted({c.text for c in group})
    name = next((n for n in names if is_short_acronym(n)), None)
    if name is None:
        return set()
    out = {"acro"}
    support: set[str] = set()
    long_forms = sorted({c.long_form for c in group if c.long_form})
    if long_forms or _defined(text, name):
        support.add("def")
    if name.endswith("s"):
        # a plural acronym names a kind of thing more often than one thing ("VDMs", "GTs")
        out.add("acro&plural")
        out.add(f"acro&plural&def={int('def' in support)}")
    for lf in long_forms[:2]:
        t = head_type(lf.split()[-1].split("-")[-1])
        out.add(f"acro&lfhead={t}")
        if lf.endswith("s"):
            out.add("acro&lfplural")
    if any(c.found_by.name == "list" for c in group):
        support.add("list")  # one of a list of names ("on COCO, VQA and GQA")
    known = surface_types()
    kb = known.get(name) or (known.get(name[:-1]) if name.endswith("s") else None)
    if kb:
        support.add(f"kb={kb}")
    spots = _spots(text, name)
    if len(spots) >= 2:
        support.add("multi")
    if any(s < title_end for s, _ in spots):
        support.add("title")
    for s, e in spots[:4]:
        before = _WORD.findall(text[max(0, s - 30): s])
        after = _WORD.findall(text[e: e + 30])
        # a type word right beside it, only a space between: "the XYZ dataset", "dataset XYZ"
        # (not the last word of its own long form before "(XYZ)")
        beside = [m.group(1) for m in (_BEFORE.search(text, max(0, s - 30), s), _AFTER.match(text, e)) if m]
        for w in beside:
            t = head_type(w.lower())
            if t:
                support.add(f"tw={t}")
        for w in before[-4:] + after[:4]:
            t = known.get(w) if w != name and len(w) >= 3 else None
            if t:
                support.add(f"nearkb={t}")
    out.update(f"acro&{f}" for f in support)
    kinds = {f.split("=")[0] for f in support}
    out.add(f"acro&support={min(len(kinds), 3)}")
    if not support:
        out.add("acro&nosupport")
        out.update(f"acro&nosupport&found={c.found_by.name}" for c in group)
    return out
