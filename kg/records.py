"""The records that flow between stages, as frozen dataclasses.

    Path --sources--> Paper --extract--> PaperEntities(Mention, Repo)
         --resolve--> Entity --graph--> Link --export/store--> RDF, HTML, tables

Every record turns into plain JSON-ready dicts with ``to_dict`` so that the
JSONL contracts (``schemas/paper.schema.json``, ``schemas/extraction.schema.json``)
are written in one place. The closed vocabularies of those contracts (entity
type, role, repository kind) are ``Literal`` types here, each with the tuple of
its values read off the type, so the two cannot drift apart:

>>> ENTITY_TYPES, ROLES
(('method', 'model', 'dataset'), ('proposed', 'used'))
>>> REPO_KINDS
('code', 'model', 'dataset', 'space', 'project')
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Protocol, get_args

from kg.settings import Settings

EntityType = Literal["method", "model", "dataset"]
Role = Literal["proposed", "used"]
# "code" and "model" by host, "dataset" and "space" by a Hugging Face path, "project" otherwise
RepoKind = Literal["code", "model", "dataset", "space", "project"]

ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)
ROLES: tuple[Role, ...] = get_args(Role)
REPO_KINDS: tuple[RepoKind, ...] = get_args(RepoKind)


def entity_type(value: str) -> EntityType:
    """``value`` as an entity type; anything else is a ValueError naming the accepted ones.

    >>> entity_type("model")
    'model'
    """
    for t in ENTITY_TYPES:
        if value == t:
            return t
    raise ValueError(f"unknown entity type {value!r}; expected one of: {', '.join(ENTITY_TYPES)}")


@dataclass(frozen=True, slots=True)
class Source:
    """Where one sighting of a paper came from."""

    path: str
    format: str
    position: int  # 1-based index of the entry within its file
    line: int | None = None  # 1-based line where the entry starts, when the format has lines


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, merged over all the places it was seen.

    ``title`` and ``abstract`` are normalised (whitespace, LaTeX remnants);
    ``raw_title``/``raw_abstract`` keep the text as first read.
    """

    id: str
    title: str
    abstract: str
    raw_title: str = ""
    raw_abstract: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    n_authors: int | None = None
    date: str | None = None  # publication date as shown ("Oct 3", "Jan 31, 2024", "2024-01-31")
    page_date: str | None = None  # date heading of a Daily Papers page
    upvotes: int | None = None
    repos: tuple[str, ...] = ()  # code / project links given as metadata
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def text(self) -> str:
        """The text extraction reads; evidence offsets index into it."""
        return paper_text(self.title, self.abstract)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("authors", "repos", "categories", "keywords"):
            d[k] = list(d[k])
        d["sources"] = [asdict(s) for s in self.sources]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Paper":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        for k in ("authors", "repos", "categories", "keywords"):
            kw[k] = tuple(kw.get(k) or ())
        kw["sources"] = tuple(Source(**s) for s in d.get("sources") or ())
        return cls(**kw)


def paper_text(title: str, abstract: str) -> str:
    """Title and abstract as one text: the title is its own sentence."""
    return f"{title}\n\n{abstract}" if abstract else title


@dataclass(frozen=True, slots=True)
class Evidence:
    """A mention in context: the sentence, and the mention's offsets in ``Paper.text``."""

    text: str  # the sentence the mention was found in
    start: int  # character offset of the mention in Paper.text
    end: int
    surface: str = ""  # the mention as written

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity as one paper names it (document level: all its aliases together)."""

    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    role: Role = "used"
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 1.0
    kb_id: str | None = None  # gazetteer id when the name is known
    parent: str | None = None  # gazetteer id (or name) of the family this is a variant of
    sources: tuple[str, ...] = ()  # which rules found it, e.g. ("gazetteer", "acronym")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "role": self.role,
            "evidence": [e.to_dict() for e in self.evidence],
            "confidence": round(self.confidence, 3),
            "kb_id": self.kb_id,
            "parent": self.parent,
            "sources": list(self.sources),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], texts: dict[str, str] | None = None) -> "Mention":
        """The mention ``to_dict`` gave. ``texts``: the evidence sentences already made (of the
        same paper), so that the mentions of one sentence share one string."""
        texts = {} if texts is None else texts
        # positional, in field order: a state of 100,000 papers holds half a million of these
        return cls(
            entity_type(d["type"]),
            d["name"],
            tuple(d.get("aliases") or ()),
            d.get("role", "used"),
            tuple([Evidence(texts.setdefault(e["text"], e["text"]), e["start"], e["end"],
                            e.get("surface", "")) for e in d.get("evidence") or ()]),
            float(d.get("confidence", 1.0)),
            d.get("kb_id"),
            d.get("parent"),
            tuple(d.get("sources") or ()),
        )


@dataclass(frozen=True, slots=True)
class Repo:
    """A code or project link found in a paper."""

    url: str  # as found, trimmed and normalised
    repository: str  # canonical https://host/owner/name (or the page URL for project pages)
    kind: RepoKind
    host: str
    official: bool = False  # the text says it is the paper's own code

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PaperEntities:
    """What extraction found in one paper."""

    id: str
    title: str
    entities: tuple[Mention, ...] = ()
    links: tuple[Repo, ...] = ()

    @property
    def repos(self) -> list[str]:
        return sorted({r.repository for r in self.links})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "entities": [m.to_dict() for m in self.entities],
            "repos": self.repos,
            "links": [r.to_dict() for r in self.links],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PaperEntities":
        texts: dict[str, str] = {}  # a sentence naming several entities is one string
        return cls(d["id"], d["title"], tuple([Mention.from_dict(m, texts) for m in d.get("entities") or ()]),
                   tuple([Repo(**r) for r in d.get("links") or ()]))


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the corpus."""

    id: str  # stable key, e.g. "model/llava-1.5-7b"
    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # Entity.id of the family
    papers: tuple[str, ...] = ()  # Paper.id of every paper naming it
    proposed_by: tuple[str, ...] = ()  # Paper.id of papers proposing it
    kb_id: str | None = None

    @property
    def support(self) -> int:
        return len(self.papers)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("aliases", "papers", "proposed_by"):
            d[k] = list(d[k])
        d["support"] = self.support
        return d


LinkRule = Literal["builds-on", "several", "rare", "similar", "text"]
ShareKind = Literal["builds-on", "shared", "family"]
LINK_RULES: tuple[LinkRule, ...] = get_args(LinkRule)
SHARE_KINDS: tuple[ShareKind, ...] = get_args(ShareKind)


@dataclass(frozen=True, slots=True)
class Share:
    """One entity two linked papers share, and what it adds to the link (kg.resolve.links)."""

    entity: str  # Entity.id
    weight: float
    kind: ShareKind = "shared"  # both name it; "family": through a variant; "builds-on"
    df: int = 0  # papers reaching the entity (naming it or one of its variants)
    common: bool = False  # too common to be evidence: it only adds weight
    titled: bool = False  # the title of one of the two papers names it (or a variant)

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "weight": round(self.weight, 6), "kind": self.kind,
                "df": self.df, "common": self.common, "titled": self.titled}


@dataclass(frozen=True, slots=True)
class Link:
    """Two papers that share entities; ``source < target``.

    ``rule`` says which rule of :mod:`kg.resolve.links` made the link and ``shares``
    what each shared entity adds; for a ``builds-on`` link ``proposer`` is the paper
    proposing what the other one uses (the other builds on it).
    """

    source: str
    target: str
    weight: float
    shared: tuple[str, ...] = field(default_factory=tuple)  # Entity.id, heaviest share first
    rule: LinkRule | None = None  # None: a link read back from elsewhere without its rule
    proposer: str | None = None  # source or target, for a builds-on link
    shares: tuple[Share, ...] = field(default_factory=tuple)
    similarity: float | None = None  # text cosine of the two papers, when a rule looked at it

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target,
                "weight": round(self.weight, 6), "shared": list(self.shared),
                "rule": self.rule, "proposer": self.proposer,
                "shares": [s.to_dict() for s in self.shares],
                "similarity": None if self.similarity is None else round(self.similarity, 6)}


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A canonical entity in one paper, after resolution."""

    paper: str  # Paper.id
    entity: str  # Entity.id
    role: Role
    mention: Mention  # what extraction found, with its evidence


class CorpusRecords(Protocol):
    """A resolved corpus as the stages after resolution read it: its records and settings.

    :class:`kg.corpus.Corpus` is one; so is any object with these attributes, which
    lets RDF, the store and the exporters work without importing the facade that
    is built on top of them.
    """

    @property
    def papers(self) -> Mapping[str, Paper]: ...

    @property
    def extractions(self) -> Mapping[str, PaperEntities]: ...

    @property
    def entities(self) -> Mapping[str, Entity]: ...

    @property
    def occurrences(self) -> Sequence[Occurrence]: ...

    @property
    def links(self) -> Sequence[Link]: ...

    @property
    def settings(self) -> Settings: ...
