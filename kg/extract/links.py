"""Component ``kg_links``: code and project links, trimmed and made canonical."""

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidate import register_extensions
from kg.records import Repo

# a URL, or a bare host path such as github.com/owner/name
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'()\[\]{}]*)?"
    r"|\b(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/[^\s<>\"'()\[\]{}]+",
    re.IGNORECASE,
)
_TRAIL = ".,;:!?)]}>\"'*\u2019\u201d"
CODE_HOSTS = {"github.com": "code", "gitlab.com": "code", "bitbucket.org": "code",
              "huggingface.co": "model"}
_OFFICIAL = re.compile(
    r"\b(our|the|all)\s+(code|codes|implementation|models?|data(?:sets?)?|weights|checkpoints|"
    r"project|source code|benchmark|demo|resources?)\b[^.]{0,80}?\b(is|are|will be|have been|has been)"
    r"\s+(publicly\s+|made\s+|openly\s+)?(available|released|public|open[- ]sourced?|accessible)"
    r"|\b(code|project page|project website|website|homepage|repository|github|demo)\s*(is\s+)?(available\s+)?(at|:|here)"
    r"|\bwe\s+(release|open[- ]source|make|provide|share)",
    re.IGNORECASE,
)


def trim_url(url: str) -> str:
    """Drop sentence punctuation glued to a URL; keep a balanced closing bracket.

    >>> trim_url("https://github.com/TungChintao/FlowCut.")
    'https://github.com/TungChintao/FlowCut'
    """
    while url and url[-1] in _TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def canonical(url: str) -> Repo:
    """The repository a link points to (host/owner/name for code hosts).

    >>> canonical("www.github.com/Owner/Repo.git/tree/main").repository
    'https://github.com/Owner/Repo'
    >>> canonical("https://huggingface.co/datasets/org/data/viewer").repository
    'https://huggingface.co/datasets/org/data'
    """
    u = trim_url(url.strip())
    if not re.match(r"https?://", u, re.IGNORECASE):
        u = "https://" + u
    u = re.sub(r"^(https?://)www\.", r"\1", u, flags=re.IGNORECASE)
    m = re.match(r"https?://([^/]+)(/.*)?$", u, re.IGNORECASE)
    host = (m.group(1) if m else u).lower()
    path = (m.group(2) or "") if m else ""
    u = f"https://{host}{path}"
    u = re.sub(r"\.git$", "", u)
    parts = [p for p in path.split("/") if p]
    kind = CODE_HOSTS.get(host, "project")
    repository = u.rstrip("/") if kind == "project" else u
    if kind != "project":
        keep = 2
        if host == "huggingface.co" and parts and parts[0] in ("datasets", "spaces"):
            keep = 3
            kind = "dataset" if parts[0] == "datasets" else "space"
        if len(parts) >= keep:
            name = re.sub(r"\.git$", "", parts[keep - 1])
            repository = f"https://{host}/" + "/".join([*parts[: keep - 1], name])
        else:
            kind = "project"
            repository = u.rstrip("/")
    return Repo(url=u, repository=repository, kind=kind, host=host)


def find_links(text: str) -> list[tuple[int, int, Repo]]:
    """Every link in ``text`` with its offsets, in order; official when the sentence says so."""
    out = []
    for m in _URL.finditer(text):
        raw = trim_url(m.group(0))
        if len(raw) < 8 or "." not in raw:
            continue
        repo = canonical(raw)
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
