"""Every "same thing" key of kg, and the one union-find that groups by them.

Two values that get equal keys count as the same paper, name, variant or repository.
The keys of one kind are kept side by side here because they differ on purpose;
each docstring says what is equal under it.

* Papers: :func:`clean_text`, :func:`title_key`, :func:`parse_arxiv_id`, :func:`paper_id`.
* Names: :func:`match_key` (within a paper, and the scorer), :func:`name_key`
  (across the corpus), :func:`slug` (ids), :func:`lookup_key` (what a user types).
* Variants: :func:`base_names`, :data:`VARIANT_SUFFIX`, :data:`SIZE_VARIANT`.
* Repositories: :data:`CODE_HOSTS`, :func:`trim_url`, :func:`canonical_repo` and the
  keys :func:`repo_match_key`, :func:`repo_iri_key`, :func:`repo_address`.
* Grouping: :class:`UnionFind`.
"""

import hashlib
import re
import unicodedata
from typing import Generic, TypeVar

from kg.records import Repo, RepoKind

_ARXIV_ID = re.compile(
    r"(?:arxiv[:/ ]|abs/|pdf/)?\s*(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
# \textbf{x} -> x, \emph{x} -> x ...: keep the argument, drop the command
_LATEX_CMD_ARG = re.compile(r"\\(?:textbf|textit|texttt|textsc|emph|mathrm|mathbf|mathit|mathcal|text|url|href\{[^}]*\})\s*\{([^{}]*)\}")
_LATEX_ESCAPE = re.compile(r"\\([%&$#_{}])")
_LATEX_DASH = {"---": "\u2014", "--": "\u2013"}
_LATEX_BARE_CMD = re.compile(r"\\(?:textbf|textit|emph|texttt)\{")
# C0 and C1 controls but tab, LF and CR: XML 1.0 forbids the C0 ones (GraphML, GEXF and
# RDF/XML would not parse back), XML 1.1 and HTML the C1 ones
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# lone surrogates (XML forbids them, UTF-8 cannot hold them) and the noncharacters
# (U+FFFE and U+FFFF are forbidden by XML; U+FDD0-U+FDEF and U+nFFFE/U+nFFFF mean nothing)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)) + "]")
_SPACE = re.compile(r"\s+")


def plain_chars(text: str) -> str:
    """``text`` with only characters every output can hold: XML 1.0, UTF-8 and HTML.

    Control characters become spaces, lone surrogates U+FFFD, noncharacters go.
    :func:`clean_text` does this; readers use it alone on values that are not
    prose (URLs, dates, keywords).

    >>> plain_chars("a\\x01b\\ufffec\\ud800")
    'a bc\ufffd'
    """
    text = _CONTROL.sub(" ", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _NONCHARACTER.sub("", text)


def clean_text(text: str) -> str:
    """Normalise what readers hand over: control characters, LaTeX remnants, whitespace.

    Only characters XML 1.0 allows are left (:func:`plain_chars`), so that every
    export of the text parses back.

    >>> clean_text("  up to 15\\\\% with \\\\textbf{FlowCut}\\n  model ")
    'up to 15% with FlowCut model'
    >>> clean_text("Glimmer\\ufffeNet\\x0b v2\\uffff")
    'GlimmerNet v2'
    """
    if not text:
        return ""
    text = plain_chars(unicodedata.normalize("NFC", text))
    for _ in range(3):  # nested commands unwrap from the inside out
        new = _LATEX_CMD_ARG.sub(r"\1", text)
        if new == text:
            break
        text = new
    text = _LATEX_BARE_CMD.sub("", text)  # an unclosed \textbf{ left by a truncated abstract
    text = _LATEX_ESCAPE.sub(r"\1", text)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r"(?<=\S)~(?=\w)", " ", text)  # LaTeX non-breaking space: "Fig.~3"
    return _SPACE.sub(" ", text).strip()


def _unaccented(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c))


# Latin letters that Unicode does not decompose into an ASCII letter and an accent,
# folded as a reader folds them ("Søren" is "Soren", as "José" is "Jose"); casefold
# already makes "ß" "ss".
_LATIN_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                             "æ": "ae", "œ": "oe", "þ": "th"})


def title_key(title: str) -> str:
    """A title reduced to its letters and digits, of any script: equal keys mean the same paper.

    Case is folded (``casefold``), and so are compatibility forms (NFKC: "ﬁ" is "fi",
    "２" is "2") and the accents of Latin letters ("é" is "e", "ø" is "o"); every other
    character is dropped. A mark on a letter of another script stays with it: there it
    often makes another letter ("が" is not "か", "й" is not "и"). A title with no letter
    or digit at all keeps its other characters, less spaces, so such titles differ too.
    Titles in ASCII letters get the key they always had (a-z and 0-9 only).

    >>> title_key("Attention Is All You Need!") == title_key("attention is all you need")
    True
    >>> title_key("α-Divergence") != title_key("β-Divergence"), title_key("注意力：机制")
    (True, '注意力机制')
    >>> title_key("Déjà Vu"), title_key("Straße"), title_key("🙂 🙂")
    ('dejavu', 'strasse', '🙂🙂')
    """
    text = unicodedata.normalize("NFKC", title)
    out: list[str] = []
    marks = False  # whether a mark here belongs to a kept non-Latin letter
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii():
            if base.isalnum():
                out.append(base.lower())  # the accents of a Latin letter go
            marks = False
        elif ch.isalnum():
            out.append(ch.casefold().translate(_LATIN_FOLD))
            marks = True
        elif marks and unicodedata.category(ch).startswith("M"):
            out.append(ch)
        else:
            marks = False
    key = unicodedata.normalize("NFKC", "".join(out))  # casefold may leave letters decomposed
    return key or _SPACE.sub("", text.casefold())


def parse_arxiv_id(value: str | None) -> str | None:
    """The bare arXiv id (no version) in an id, abs/pdf URL or 'arXiv:' string.

    >>> parse_arxiv_id("http://arxiv.org/abs/2305.12345v2")
    '2305.12345'
    >>> parse_arxiv_id("hep-th/9901001v1")
    'hep-th/9901001'
    """
    if not value:
        return None
    m = _ARXIV_ID.search(value.strip())
    return m.group(1) if m else None


def paper_id(title: str, arxiv_id: str | None = None, doi: str | None = None) -> str:
    """The stable id of a paper: its arXiv id when known, else a hash of the normalised title.

    The DOI is not used for identity: the same paper often appears with and
    without one, and the title hash must then agree.

    >>> paper_id("Attention Is All You Need", "1706.03762")
    'arxiv:1706.03762'
    >>> paper_id("Attention is all you need!") == paper_id("ATTENTION IS ALL YOU NEED")
    True
    """
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    digest = hashlib.sha1(title_key(title).encode()).hexdigest()[:16]
    return f"title:{digest}"


# Names. match_key drops a plural "s" and name_key keeps it ("LLMs" / "LLM"): a known
# difference, left for the graph-quality issue to unify, as it changes which mentions
# become one entity.
_NAME_DROP = re.compile(r"[\s\-_\u2010-\u2015/]+")
_SLUG_DROP = re.compile(r"[^a-z0-9.+]+")


def match_key(name: str) -> str:
    """A name as the reference scorer compares it, and as one paper's mentions are grouped.

    Equal: case, punctuation, spaces and a plural ``s`` (on keys longer than three
    characters, not ``ss``). Letters outside a-z are dropped, not folded.

    >>> match_key("ImageNet-1k") == match_key("imagenet 1K")
    True
    >>> match_key("LLMs") == match_key("LLM"), match_key("Loss") == match_key("Los")
    (True, False)
    """
    s = re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", name).lower())
    if len(s) > 3 and s.endswith("s") and not s.endswith("ss"):
        s = s[:-1]
    return s


def name_key(name: str) -> str:
    """A surface form as resolution compares it across the corpus.

    Equal: case, accents, spaces, hyphens and dashes, underscores and slashes.
    Other punctuation and a plural ``s`` count.

    >>> name_key("ImageNet-1k") == name_key("ImageNet 1K") == name_key("imagenet_1k")
    True
    >>> name_key("LLMs") == name_key("LLM"), name_key("Q&A") == name_key("QA")
    (False, False)
    """
    return _NAME_DROP.sub("", _unaccented(name).casefold())


def slug(text: str) -> str:
    """The id-safe form of a name: lowercase a-z, digits, ``.`` and ``+`` joined by ``-``.

    Names that differ only in other characters share a slug, so ids built from
    it need a clash rule.

    >>> slug("LLaVA-1.5 7B"), slug("Q&A") == slug("Q-A"), slug("??")
    ('llava-1.5-7b', True, 'x')
    """
    return _SLUG_DROP.sub("-", _unaccented(text).lower()).strip("-.") or "x"


def lookup_key(text: str) -> str:
    """What a user typed, as compared with ids, titles and names: case and spacing ignored.

    >>> lookup_key("  Masked  Image\\tmodeling") == lookup_key("masked image modeling")
    True
    """
    return " ".join(text.casefold().split())


# Variant suffixes: the one vocabulary of the three variant rules below. Each takes its
# own part of it, and outputs depend on that: base_names also strips "Preview", "Giant"
# and counts in b or T; VARIANT_SUFFIX also strips editions and counts in K, with or
# without a separator; SIZE_VARIANT knows neither G nor Mini, and lets a size letter
# carry a digit ("B0"). Aligning them is for the graph-quality issue.
SIZE_LETTERS = "TSBLH"  # ViT-B, Swin-T
SIZE_WORDS = ("Tiny", "Small", "Base", "Large", "Huge", "XL", "XXL")
RARE_SIZES = ("G", "Mini")  # shortened away by the name rules, not a sign of a model
FLAVOURS = ("Instruct", "Chat", "Base", "HF", "hf", "it")
EDITIONS = ("Pro", "Plus", "Max", "Turbo", "Lite", "Flash", "Ultra", "Coder", "Math", "Vision", "VL")
_COUNT = r"\d+(?:\.\d+)?"  # a parameter count before its unit: 7B, 1.3B, 125M
_VERSION = r"\d+(?:\.\d+)*"  # 2, 1.5, 2.5.1


def _either(*groups: str | tuple[str, ...]) -> str:
    return "|".join(w for g in groups for w in g)


# for base_names: one suffix at a time, outermost first; the separator is part of the suffix
_BASE_SUFFIXES = tuple(re.compile(p) for p in (
    rf"[\s\-_]+(?:{_either(FLAVOURS, ('Preview',))})$",
    rf"[\s\-_/]*{_COUNT}[BbMT]$",  # -7B, 8B, -1.3B, -125M, -7b
    r"/\d+$",  # ViT-B/16
    rf"[\s\-_]+(?:{_either(SIZE_LETTERS, SIZE_WORDS, RARE_SIZES, ('Giant',))})$",
    rf"[\s\-_]*[vV]{_VERSION}$",  # v2, -v1.5
    rf"[\s\-_]+{_VERSION}$",  # -1.5, " 3"
    rf"(?<=[a-z]){_VERSION}$",  # ResNet50, Qwen2.5 (after a lowercase letter)
))
#: One size, flavour, edition or version suffix of a gazetteer family's name ("Mamba-3B").
VARIANT_SUFFIX = re.compile(
    rf"(?:[-_ ]?(?:{_COUNT}[BMK]|\d+x\d+[BM]|v?{_VERSION}|V\d|"
    rf"{_either(SIZE_LETTERS, SIZE_WORDS, RARE_SIZES, FLAVOURS, EDITIONS)})(?:/\d+)?)$")
#: A size suffix that makes a name a model: a parameter count in B or M ("-650K" is a
#: dataset's size) or a size letter or word.
SIZE_VARIANT = re.compile(rf"[-_ ](?:{_COUNT}[BM]|[{SIZE_LETTERS}]\d?|{_either(SIZE_WORDS)})$")


def base_names(name: str) -> list[str]:
    """Shorter names ``name`` may be a variant of, nearest first.

    >>> base_names("LLaVA-1.5-7B")
    ['LLaVA-1.5', 'LLaVA']
    >>> base_names("Llama 3 8B Instruct")
    ['Llama 3 8B', 'Llama 3', 'Llama']
    """
    out: list[str] = []
    current = name.strip()
    while True:
        for pattern in _BASE_SUFFIXES:
            shorter = pattern.sub("", current).strip(" -_/")
            if shorter != current and len(re.sub(r"[^A-Za-z0-9]", "", shorter)) >= 2:
                break
        else:
            return out
        out.append(shorter)
        current = shorter


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


_T = TypeVar("_T", int, str)


class UnionFind(Generic[_T]):
    """Disjoint sets of ints or strings; an item unseen so far is a set of its own.

    The smaller root wins a union, so a set's root is always its smallest item,
    whatever order the unions came in: the earliest index, the first string.

    >>> uf: UnionFind[int] = UnionFind()
    >>> uf.union(3, 1), uf.union(5, 3), uf.find(5), uf.find(4)
    (1, 1, 1, 4)
    """

    def __init__(self) -> None:
        self._up: dict[_T, _T] = {}

    def find(self, x: _T) -> _T:
        """The root of ``x``'s set."""
        up = self._up
        root = up.setdefault(x, x)
        while up[root] != root:
            root = up[root]
        while up[x] != root:  # path compression
            up[x], x = root, up[x]
        return root

    def union(self, a: _T, b: _T) -> _T:
        """Join the sets of ``a`` and ``b``; returns the root of ``a``'s set afterwards."""
        ra, rb = self.find(a), self.find(b)
        if rb < ra:
            ra, rb = rb, ra
        if ra != rb:
            self._up[rb] = ra
        return ra
