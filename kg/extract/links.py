"""Component ``kg_links``: code and project links, trimmed and made canonical."""

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import register_extensions
from kg.keys import CODE_HOSTS, canonical_repo, trim_url
from kg.records import Repo

# a URL, or a bare host path such as github.com/owner/name
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'()\[\]{}]*)?"
    r"|\b(?:" + "|".join(re.escape(host) for host in CODE_HOSTS) + r")/[^\s<>\"'()\[\]{}]+",
    re.IGNORECASE,
)
_OFFICIAL = re.compile(
    r"\b(our|the|all)\s+(code|codes|implementation|models?|data(?:sets?)?|weights|checkpoints|"
    r"project|source code|benchmark|demo|resources?)\b[^.]{0,80}?\b(is|are|will be|have been|has been)"
    r"\s+(publicly\s+|made\s+|openly\s+)?(available|released|public|open[- ]sourced?|accessible)"
    r"|\b(code|project page|project website|website|homepage|repository|github|demo)\s*(is\s+)?(available\s+)?(at|:|here)"
    r"|\bwe\s+(release|open[- ]source|make|provide|share)",
    re.IGNORECASE,
)


def find_links(text: str) -> list[tuple[int, int, Repo]]:
    """Every link in ``text`` with its offsets, in order; official when the sentence says so."""
    out = []
    for m in _URL.finditer(text):
        raw = trim_url(m.group(0))
        if len(raw) < 8 or "." not in raw:
            continue
        repo = canonical_repo(raw)
        # look back to the start of the sentence for "code is available at"
        left = text[max(0, m.start() - 200): m.start()]
        left = re.split(r"(?<=[.!?])\s+(?=[A-Z])", left)[-1]
        official = bool(_OFFICIAL.search(left)) or repo.kind == "project"
        out.append((m.start(), m.start() + len(raw), replace(repo, official=official)))
    return out


class LinkFinder:
    def __call__(self, doc: Doc) -> Doc:
        found = find_links(doc.text)
        doc._.kg_links = [repo for _, _, repo in found]
        doc._.kg_link_spans = [(s, e) for s, e, _ in found]
        return doc


@Language.factory("kg_links")
def make_link_finder(nlp: Language, name: str) -> LinkFinder:
    register_extensions()
    return LinkFinder()
