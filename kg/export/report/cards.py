"""The card of one paper or entity, found by any id, title, name or alias: ``kg show``.

:func:`find` says what a name names (with close matches when it names nothing);
:func:`card` gathers what there is to know about it as a :class:`Card` of plain
values. A card prints as text (``str(card)``) and shows itself in Jupyter
(``_repr_html_``), both written by :mod:`.cardview`.
"""

import difflib
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Literal

from kg.errors import KGError
from kg.export.report.digest import Digest
from kg.keys import lookup_key

Kind = Literal["paper", "entity"]
RELATED = 10  # related papers and co-named entities a card lists


class NotFoundError(KGError):
    """A name that names no paper or entity; ``suggestions`` are the close matches."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"no paper or entity named {name!r}{hint}")


@dataclass(frozen=True)
class Ref:
    """A paper or entity a card points to."""

    id: str
    name: str
    type: str  # an entity type, or "paper"


@dataclass(frozen=True)
class PaperRef:
    """A paper naming the entity of a card, with its date and the role the entity plays."""

    id: str
    title: str
    month: str | None
    date: str | None
    role: str


@dataclass(frozen=True)
class Related:
    """A related paper: the link's weight and the entities the two papers share (rarest first)."""

    id: str
    title: str
    weight: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class CodeLink:
    url: str
    kind: str | None
    official: bool
    paper: str  # the title of the paper linking it


@dataclass(frozen=True)
class Card:
    """Everything a build knows of one paper or entity, as plain values."""

    kind: Kind
    id: str
    name: str  # the entity's name, or the paper's title
    type: str  # the entity's type, or "paper"
    facts: tuple[tuple[str, str], ...] = ()  # (label, value): dates, support, links
    aliases: tuple[str, ...] = ()
    family_up: tuple[Ref, ...] = ()  # the family, then its family, up to the root
    family_down: tuple[tuple[int, Ref], ...] = ()  # (depth, variant), depth first
    papers: tuple[PaperRef, ...] = ()  # of an entity: newest first, undated last
    named_with: tuple[tuple[Ref, int], ...] = ()  # of an entity: entities its papers also name
    entities: tuple[tuple[str, tuple[Ref, ...]], ...] = ()  # of a paper: by role
    related: tuple[Related, ...] = ()  # of a paper: heaviest first
    code: tuple[CodeLink, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The card as JSON-ready dicts and lists (what ``kg show --format json`` prints)."""
        d = asdict(self)
        d["facts"] = dict(self.facts)
        d["entities"] = {role: [asdict(r) for r in refs] for role, refs in self.entities}
        d["family_down"] = [{"depth": k, **asdict(r)} for k, r in self.family_down]
        d["named_with"] = [{**asdict(r), "papers": n} for r, n in self.named_with]
        return {k: _lists(v) for k, v in d.items()}

    def text(self, limit: int | None = 20) -> str:
        """The card as plain text; lists longer than ``limit`` are cut (None: never)."""
        from kg.export.report.cardview import card_text

        return card_text(self, limit)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        from kg.export.report.cardview import card_html

        return card_html(self)


def _lists(value: Any) -> Any:
    """Tuples as lists, all the way down, as JSON has them."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def find(d: Digest, name: str) -> tuple[Kind, str]:
    """``("paper" | "entity", id)`` of what ``name`` names, any case and spacing.

    Ids win over titles and names, which win over aliases; among equals the entity
    named by most papers. Raises :class:`NotFoundError` with close matches.
    """
    want = lookup_key(name)
    if not want:
        raise KGError("give a paper id, arXiv id or title, or an entity id, name or alias")
    best: tuple[int, int, str, Kind] | None = None

    def offer(rank: int, support: int, kind: Kind, key: str) -> None:
        nonlocal best
        if best is None or (rank, -support, key) < best[:3]:
            best = (rank, -support, key, kind)

    for pid, p in d.papers.items():
        if want in (lookup_key(pid), lookup_key(p.arxiv_id or "")):
            offer(0, 0, "paper", pid)
        elif lookup_key(p.title) == want:
            offer(1, 0, "paper", pid)
    for eid, e in d.entities.items():
        if lookup_key(eid) == want:
            offer(0, e.support, "entity", eid)
        elif lookup_key(e.name) == want:
            offer(1, e.support, "entity", eid)
        elif any(lookup_key(a) == want for a in e.aliases):
            offer(2, e.support, "entity", eid)
    if best is None:
        raise NotFoundError(name, suggestions(d, name))
    return best[3], best[2]


def suggestions(d: Digest, name: str, n: int = 3) -> list[str]:
    """The titles, names and aliases closest to ``name`` (difflib, any case)."""
    shown: dict[str, str] = {}
    for p in d.papers.values():
        shown.setdefault(lookup_key(p.title), p.title)
    for e in sorted(d.entities.values(), key=lambda e: -e.support):
        for label in (e.name, *e.aliases):
            shown.setdefault(lookup_key(label), label)
    close = difflib.get_close_matches(lookup_key(name), list(shown), n=n, cutoff=0.6)
    return [shown[c] for c in close]


def card(d: Digest, name: str) -> Card:
    """The card of the paper or entity ``name`` names (see :func:`find`)."""
    kind, key = find(d, name)
    return paper_card(d, key) if kind == "paper" else entity_card(d, key)


def _ref(d: Digest, eid: str) -> Ref:
    e = d.entities[eid]
    return Ref(eid, e.name, e.type)


def entity_card(d: Digest, eid: str) -> Card:
    e = d.entities[eid]
    up: list[Ref] = []
    seen = {eid}
    parent = e.parent
    while parent is not None and parent not in seen:  # a cycle in bad data ends the walk
        seen.add(parent)
        up.append(_ref(d, parent))
        parent = d.entities[parent].parent
    down: list[tuple[int, Ref]] = []
    stack = [(1, c) for c in reversed(d.children.get(eid, []))]
    while stack:
        depth, child = stack.pop()
        if child in seen:
            continue
        seen.add(child)
        down.append((depth, _ref(d, child)))
        stack.extend((depth + 1, c) for c in reversed(d.children.get(child, [])))
    proposed = set(e.proposed_by)
    papers = [PaperRef(pid, d.papers[pid].title, d.months[pid][0], d.papers[pid].date,
                       "proposed" if pid in proposed else "used") for pid in e.papers]
    papers.sort(key=lambda p: (p.title.casefold(), p.id))
    papers.sort(key=lambda p: p.month or "", reverse=True)  # stable: newest first, undated last
    together: Counter[str] = Counter(other for pid in e.papers
                                     for other, _ in d.paper_entities.get(pid, ()) if other != eid)
    named_with = sorted(together.items(), key=lambda x: (-x[1], d.entities[x[0]].name.casefold()))
    code = [CodeLink(r.url, r.kind, r.official, d.papers[pid].title)
            for pid in e.proposed_by for r in d.papers[pid].repos if r.official]
    facts = [("id", eid), ("type", e.type), ("papers", str(e.support)),
             ("proposed by", str(len(e.proposed_by)))]
    return Card("entity", eid, e.name, e.type, tuple(facts), e.aliases, tuple(up), tuple(down),
                tuple(papers), tuple((_ref(d, k), n) for k, n in named_with[:RELATED]),
                code=tuple(code))


def paper_card(d: Digest, pid: str) -> Card:
    p = d.papers[pid]
    month, how = d.months[pid]
    facts = [("id", pid)]
    facts += [(label, v) for label, v in (("arXiv", p.arxiv_id), ("published", p.date),
                                           ("listed", p.page_date), ("url", p.url)) if v]
    facts.append(("month", f"{month} (from the {how})" if month else how))
    roles: dict[str, list[Ref]] = {"proposed": [], "used": []}
    for eid, role in d.paper_entities.get(pid, ()):
        roles.setdefault(role, []).append(_ref(d, eid))
    entities = tuple((role, tuple(sorted(refs, key=lambda r: (r.type, r.name.casefold()))))
                     for role, refs in roles.items() if refs)
    related = []
    for link in d.neighbours.get(pid, [])[:RELATED]:
        other = link.target if link.source == pid else link.source
        related.append(Related(other, d.papers[other].title, link.weight,
                               tuple(d.entities[e].name for e in link.shared)))
    code = tuple(CodeLink(r.url, r.kind, r.official, p.title) for r in p.repos)
    return Card("paper", pid, p.title, "paper", tuple(facts), entities=entities,
                related=tuple(related), code=code)
