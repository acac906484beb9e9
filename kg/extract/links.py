"""Component ``kg_links``: code and project links, trimmed and made canonical."""

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import Batched, doc_lower, doc_text, register_extensions, set_ext
from kg.keys import CODE_HOSTS, canonical_repo, repo_key, trim_url
from kg.records import Repo

# a URL, or a bare host path such as github.com/owner/name
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'()\[\]{}]*)?"
    r"|\b(?:" + "|".join(re.escape(host) for host in CODE_HOSTS) + r")/[^\s<>\"'()\[\]{}]+",
    re.IGNORECASE,
)
# A link is the paper's own (official) unless the words before it in its sentence, since
# any earlier link, introduce someone else's work; the last cue before the link decides.
_OTHERS = re.compile(
    r"\b(?:based|built|build(?:s|ing)?|relies|rely|relying|depends?)\s+(?:up)?on\b|\bon\s+top\s+of\b"
    r"|\b(?:adapted|borrowed|derived|forked|modified|taken|ported|inherited|obtained\s+from\s+the\s+authors)"
    r"\s+from\b|\bfork\s+of\b|\bextends?\b|\bextension\s+of\b"
    r"|\bwe\s+(?:also\s+)?(?:use[ds]?|adopt(?:ed)?|employ(?:ed)?|leverage[ds]?|utili[sz]e[ds]?|follow(?:ed)?|"
    r"reuse[ds]?|compare[ds]?|re-?implement(?:ed)?|benchmark(?:ed)?)\b"
    r"|\b(?:uses|using|used|with\s+the\s+help\s+of)\b"
    r"|\b(?:following|compared?\s+(?:with|to|against)|against|versus|vs\.?)\s"
    r"|\b(?:provided|released|maintained|developed|published|written|implemented)\s+by\b"
    r"|(?-i:\bbaselines?\b)|\bthird[- ]party\b|\bprior\s+work\b|\bexisting\s+(?:code|implementations?|codebases?)\b"
    r"|\b(?:the\s+)?(?:official|original|public)\s+(?:code|implementations?|codebase|repository|"
    r"checkpoints?|weights)\s+(?:of|from|by)\b",
    re.IGNORECASE,
)
_OWN = re.compile(
    r"\b(?:our|ours|we\s+(?:release|provide|make|share|open[- ]source|publish|host))\b"
    r"|\b(?:available|released|public(?:ly)?|open[- ]sourced?|accessible|accessed|obtained|found|hosted)\b"
    r"|\b(?:code|codes|codebase|implementation|project(?:\s+page|\s+website)?|page|website|homepage|"
    r"repository|repo|github|demo|data|dataset|models?|weights)\s*(?::|at\b|is\s+(?:at|on|here)\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_WWW = re.compile(r"www\.", re.IGNORECASE)  # the one start of a _URL match without a "/"


def may_hold_links(text: str, lowered: str | None = None) -> bool:
    """False when ``text`` can hold no _URL match: each has a "/" or begins with "www." (on an
    ASCII text: in its lower case, ``lowered`` when the caller has it; not a scan ignoring case)."""
    if "/" in text:
        return True
    if text.isascii():
        return "www." in (text.lower() if lowered is None else lowered)
    return _WWW.search(text) is not None


def is_official(before: str) -> bool:
    """Whether a link is the paper's own, from the text before it in its sentence.

    Official is the default: a paper's links are mostly its availability statement
    ("Code is available at", "Our code can be found at", "Codes will be released at").
    Only a link introduced as someone else's work (a baseline, a library it builds on,
    "we use X") is not; when both kinds of cue come before a link, the nearer one wins.

    >>> is_official("The source code of this paper can be obtained from ")
    True
    >>> is_official("Our implementation is built on ")
    False
    >>> is_official("Built on Detectron2, our code is available at ")
    True
    """
    own = [m.end() for m in _OWN.finditer(before)]
    others = [m.end() for m in _OTHERS.finditer(before)]
    return not others or (bool(own) and max(own) > max(others))


# _URL has no capital and is all ASCII: on the lower case of an ASCII text it matches without
# ignoring case (faster) at the same offsets. Each match holds "://", "www." or a host and "/".
_URL_LOWER = re.compile(_URL.pattern) if _URL.pattern.isascii() and _URL.pattern.lower() == _URL.pattern else None
_URL_LITERALS = ("://", "www.", *(host + "/" for host in CODE_HOSTS))
_BEFORE_LITERAL = {"://": len("https")}  # a match begins with the others (a host after \b)


def url_matches(text: str, lowered: str | None = None) -> list[tuple[int, int]]:
    """The (start, end) of ``_URL.finditer(text)``: on an ASCII text, none when its lower case
    (``lowered``, when the caller has it) holds none of the literals every match holds, else
    those of the lower-case pattern from the first place a match can begin: a literal's first
    occurrence less the most characters a match has before it ("https" before "://")."""
    if not may_hold_links(text, lowered):
        return []  # the scan tries the pattern at every position: most texts have no link
    if _URL_LOWER is None or not text.isascii():
        return [m.span() for m in _URL.finditer(text)]
    lowered = text.lower() if lowered is None else lowered
    at = [i - _BEFORE_LITERAL.get(w, 0) for w, i in zip(_URL_LITERALS, map(lowered.find, _URL_LITERALS), strict=True)
          if i >= 0]
    if not at:
        return []
    return [m.span() for m in _URL_LOWER.finditer(lowered, max(0, min(at)))]


def find_links(text: str, lowered: str | None = None) -> list[tuple[int, int, Repo]]:
    """Every link in ``text`` with its offsets, in order; official unless its sentence says
    it is someone else's (:func:`is_official`).

    A repository spelled twice in one text, in another case (GitHub owner and name
    ignore case), keeps the first spelling.
    """
    out: list[tuple[int, int, Repo]] = []
    previous = 0  # where the scope of the next link's cues starts: the end of the last link
    spelled: dict[str, str] = {}
    for start, end in url_matches(text, lowered):
        raw = trim_url(text[start:end])
        if len(raw) < 8 or "." not in raw:
            continue
        repo = canonical_repo(raw)
        repository = spelled.setdefault(repo_key(repo.repository), repo.repository)
        left = text[max(previous, start - 300): start]
        left = _SENTENCE_END.split(left)[-1]
        official = is_official(left)
        out.append((start, start + len(raw), replace(repo, repository=repository, official=official)))
        previous = start + len(raw)
    return out


class LinkFinder(Batched):
    def __call__(self, doc: Doc) -> Doc:
        found = find_links(doc_text(doc), doc_lower(doc))
        set_ext(doc, "kg_links", [repo for _, _, repo in found])
        set_ext(doc, "kg_link_spans", [(s, e) for s, e, _ in found])
        return doc


@Language.factory("kg_links")
def make_link_finder(nlp: Language, name: str) -> LinkFinder:
    register_extensions()
    return LinkFinder()
