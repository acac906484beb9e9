"""Repository keys: the canonical form of a code or project link, and the keys derived from it."""

import re
from collections.abc import Iterable
from dataclasses import replace

from kg.records import PaperEntities, Repo, RepoKind

# Repositories. A code host's repository is named by the first path segments
# (owner/name; kind/owner/name for Hugging Face datasets and spaces); any other
# host is a project page.
CODE_HOSTS: dict[str, RepoKind] = {"github.com": "code", "gitlab.com": "code",
                                   "bitbucket.org": "code", "huggingface.co": "model"}
_HUB_KINDS: dict[str, RepoKind] = {"datasets": "dataset", "spaces": "space"}
_TRAIL = ".,;:!?)]}>\"'*\u2019\u201d"


# GitLab nests groups (gitlab.com/group/sub/project): a repository's path runs up to the
# "-" segment of its pages (/-/tree/main), or to one of the page names older URLs put there
_GITLAB_PAGES = frozenset({"-", "tree", "blob", "raw", "commits", "commit", "issues", "merge_requests",
                           "wikis", "releases", "tags", "branches", "pipelines", "activity", "archive"})
# hosts whose owner and name ignore case: github.com/x/y is github.com/X/Y
_CASELESS_HOSTS = frozenset({"github.com"})
_ADDRESS = re.compile(r"https?://([^/]+)(/.*)?$", re.IGNORECASE)


def _depth(host: str, parts: list[str]) -> int:
    """Path segments that name a repository on a code host, ``parts`` being the URL path's."""
    if host == "huggingface.co" and parts and parts[0] in _HUB_KINDS:
        return 3
    if host == "gitlab.com":
        for i, part in enumerate(parts):
            if part in _GITLAB_PAGES and i >= 2:
                return i
        return max(2, len(parts))
    return 2


def trim_url(url: str) -> str:
    """Drop sentence punctuation glued to a URL; keep a balanced closing bracket.

    >>> trim_url("https://github.com/TungChintao/FlowCut."), trim_url("https://w.org/a_(b))")
    ('https://github.com/TungChintao/FlowCut', 'https://w.org/a_(b)')
    """
    while url and url[-1] in _TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def canonical_repo(url: str) -> Repo:
    """The repository a link points to: the one canonicaliser of links found in text.

    ``repository`` is ``https://host/owner/name`` on a code host (case kept but for
    the host; no ``www.``, ``.git``, or deeper path; a GitLab project keeps its
    groups, ``gitlab.com/group/sub/project``), else the page without a trailing
    slash. Repositories with equal :func:`repo_key` are one repository.

    >>> canonical_repo("www.github.com/Owner/Repo.git/tree/main").repository
    'https://github.com/Owner/Repo'
    >>> canonical_repo("https://huggingface.co/datasets/org/data/viewer").repository
    'https://huggingface.co/datasets/org/data'
    >>> canonical_repo("https://gitlab.com/group/sub/project/-/tree/main").repository
    'https://gitlab.com/group/sub/project'
    """
    u = trim_url(url.strip())
    if not re.match(r"https?://", u, re.IGNORECASE):
        u = "https://" + u
    u = re.sub(r"^(https?://)www\.", r"\1", u, flags=re.IGNORECASE)
    m = re.match(r"https?://([^/]+)(/.*)?$", u, re.IGNORECASE)
    host = (m.group(1) if m else u).lower()
    path = (m.group(2) or "") if m else ""
    u = re.sub(r"\.git$", "", f"https://{host}{path}")
    parts = [p for p in path.split("/") if p]
    kind: RepoKind = CODE_HOSTS.get(host, "project")
    repository = u.rstrip("/") if kind == "project" else u
    if kind != "project":
        keep = _depth(host, parts)
        kind = _HUB_KINDS[parts[0]] if host == "huggingface.co" and keep == 3 else kind
        if len(parts) >= keep:
            name = re.sub(r"\.git$", "", parts[keep - 1])
            repository = f"https://{host}/" + "/".join([*parts[: keep - 1], name])
        else:
            kind = "project"
            repository = u.rstrip("/")
    return Repo(url=u, repository=repository, kind=kind, host=host)


def repo_key(repository: str) -> str:
    """The identity of a canonical repository: equal keys are one repository.

    GitHub ignores the case of owner and name, so its repositories are keyed in lower
    case; every other address is its own key (GitLab and project pages may not ignore case).

    >>> repo_key("https://github.com/OpenNLPLab/LASP") == repo_key("https://github.com/opennlplab/lasp")
    True
    >>> repo_key("https://gitlab.com/Group/Sub/Project")
    'https://gitlab.com/Group/Sub/Project'
    """
    m = _ADDRESS.match(repository.strip())
    if m and m.group(1).lower() in _CASELESS_HOSTS:
        return f"https://{m.group(1).lower()}{(m.group(2) or '').lower()}"
    return repository.strip()


def display_spellings(repositories: Iterable[str]) -> dict[str, str]:
    """Each spelling of a repository mapped to the one shown: the most common spelling of
    its :func:`repo_key`, the first seen among equally common ones.

    >>> display_spellings(["https://github.com/a/B", "https://github.com/A/b", "https://github.com/A/b"])
    {'https://github.com/a/B': 'https://github.com/A/b', 'https://github.com/A/b': 'https://github.com/A/b'}
    """
    counts: dict[str, dict[str, int]] = {}
    for r in repositories:
        spellings = counts.setdefault(repo_key(r), {})
        spellings[r] = spellings.get(r, 0) + 1
    out: dict[str, str] = {}
    for spellings in counts.values():
        best = max(spellings, key=lambda s: spellings[s])  # max keeps the first of equals
        out.update(dict.fromkeys(spellings, best))
    return out


def unify_spellings(extractions: Iterable[PaperEntities]) -> list[PaperEntities]:
    """The extractions with each repository spelled one way across the corpus.

    GitHub's ``github.com/x/y`` and ``github.com/X/Y`` are one repository
    (:func:`repo_key`); every link to it gets the spelling most papers use, the
    first seen among equally common ones (:func:`display_spellings`).
    """
    found = list(extractions)
    shown = display_spellings(r.repository for pe in found for r in dict.fromkeys(pe.links))
    out = []
    for pe in found:
        if all(shown[r.repository] == r.repository for r in pe.links) \
                and len(set(pe.links)) == len(pe.links):  # nothing to respell or drop
            out.append(pe)
            continue
        links = tuple(dict.fromkeys(replace(r, repository=shown.get(r.repository, r.repository)) for r in pe.links))
        out.append(pe if links == pe.links else replace(pe, links=links))
    return out


# The other repository keys are not derived from canonical_repo. repo_match_key is the
# reference scorer's: it also ignores the case of owner and name, and trims a fixed set
# of trailing marks, brackets included. The last two take a repository as recorded,
# which for metadata URLs was never canonicalised; they differ on a trailing slash
# (kept in the IRI, dropped in the HTML view), and unifying either would change output.

def repo_match_key(url: str) -> str:
    """A link as the reference scorer compares it: ``host/owner/name``, lowercased.

    >>> repo_match_key("https://www.github.com/A/B.git/tree/main")
    'github.com/a/b'
    """
    u = url.strip().rstrip(".,;:)]}>\"'").lower()
    u = re.sub(r"^https?://(www\.)?", "", u)
    u = re.sub(r"\.git$", "", u).rstrip("/")
    parts = u.split("/")
    if parts[0] in CODE_HOSTS and len(parts) >= 3:
        depth = 3 if parts[0] == "huggingface.co" and parts[1] in _HUB_KINDS else 2  # as the scorer cuts
        u = re.sub(r"\.git$", "", "/".join(parts[: 1 + depth]))
    return u


def repo_iri_key(repository: str) -> str:
    """The key a repository's IRI is minted from: the address without its scheme.

    >>> repo_iri_key(" https://github.com/o/r"), repo_iri_key("https://proj.io/")
    ('github.com/o/r', 'proj.io/')
    """
    return re.sub(r"^[a-z]+://", "", repository.strip(), flags=re.IGNORECASE) or repository


def repo_address(url: str) -> str:
    """A repository's address as the HTML view keys it: no surrounding space or final slash.

    >>> repo_address(" https://proj.io/ ") == repo_address("https://proj.io")
    True
    """
    return url.strip().rstrip("/")
