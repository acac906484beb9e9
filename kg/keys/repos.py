"""Repository keys: the canonical form of a code or project link, and the keys derived from it."""

import re

from kg.records import Repo, RepoKind

# Repositories. A code host's repository is named by the first path segments
# (owner/name; kind/owner/name for Hugging Face datasets and spaces); any other
# host is a project page.
CODE_HOSTS: dict[str, RepoKind] = {"github.com": "code", "gitlab.com": "code",
                                   "bitbucket.org": "code", "huggingface.co": "model"}
_HUB_KINDS: dict[str, RepoKind] = {"datasets": "dataset", "spaces": "space"}
_TRAIL = ".,;:!?)]}>\"'*\u2019\u201d"


def _depth(host: str, first: str) -> int:
    """Path segments that name a repository on a code host, ``first`` being the first."""
    return 3 if host == "huggingface.co" and first in _HUB_KINDS else 2


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
    the host; no ``www.``, ``.git``, or deeper path), else the page without a
    trailing slash. Equal repositories are one repository.

    >>> canonical_repo("www.github.com/Owner/Repo.git/tree/main").repository
    'https://github.com/Owner/Repo'
    >>> canonical_repo("https://huggingface.co/datasets/org/data/viewer").repository
    'https://huggingface.co/datasets/org/data'
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
        keep = _depth(host, parts[0] if parts else "")
        kind = _HUB_KINDS[parts[0]] if keep == 3 else kind
        if len(parts) >= keep:
            name = re.sub(r"\.git$", "", parts[keep - 1])
            repository = f"https://{host}/" + "/".join([*parts[: keep - 1], name])
        else:
            kind = "project"
            repository = u.rstrip("/")
    return Repo(url=u, repository=repository, kind=kind, host=host)


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
        u = re.sub(r"\.git$", "", "/".join(parts[: 1 + _depth(parts[0], parts[1])]))
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
