"""Cross-paper resolution: mentions found paper by paper become canonical entities.

Rules, in the order they apply:

1. **Spelling.** Surface forms are compared by :func:`~kg.keys.name_key` (case, accents,
   spaces, hyphens and underscores ignored): ``ImageNet-1k``, ``ImageNet-1K`` and
   ``ImageNet 1K`` are one entity. All the surface forms of one mention (its name
   and aliases) are one entity too, except acronyms (rule 3).
2. **Gazetteer.** Mentions with the same ``kb_id`` are one entity. Two clusters
   carrying different ``kb_id`` are never merged through a shared spelling.
3. **Acronyms.** A mention that gives an acronym with its long form
   ("Masked Image Modeling (MIM)") defines the pair. The acronym joins the long
   form only when it is unambiguous in the corpus: every definition of it points
   to the same long-form entity. An ambiguous acronym written bare stays an
   entity of its own.
4. **Type.** The type voted by gazetteer-linked mentions wins; otherwise the
   majority over mentions; ties go to ``model`` > ``method`` > ``dataset``
   (a name used both as a model and a method is usually a released model).
5. **Families.** ``Mention.parent`` (a gazetteer id or a name) names the family;
   a family absent from the corpus is created (with no papers). Otherwise the
   name is shortened by its size/flavour/version suffix (``-7B``, ``-Instruct``,
   ``-L``, ``-1.5``, ``v2`` ...) step by step, and the first shorter name that is
   an entity of the corpus is the parent: ``LLaVA-1.5-7B -> LLaVA-1.5 -> LLaVA``.
6. **Names and ids.** The canonical name is the most frequent name given by
   gazetteer-linked mentions, else the most frequent name overall (ties: the
   alphabetically first). The id is ``"{type}/{slug}"`` of the ``kb_id`` when
   known, else of the canonical name; clashing slugs get ``-2``, ``-3`` ... in an
   order fixed by content, so ids do not depend on input order.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TypedDict

from kg.keys import UnionFind, base_names, name_key, slug
from kg.records import Entity, EntityType, Mention, Occurrence, PaperEntities, Role
from kg.settings import Settings

TYPE_PRECEDENCE: tuple[EntityType, ...] = ("model", "method", "dataset")  # ties: first wins

_ACRONYM = re.compile(r"^[A-Za-z][A-Za-z0-9\-]{1,11}$")
_WORD = re.compile(r"[A-Za-z0-9]+")


def is_acronym_of(short: str, long: str) -> bool:
    """Whether ``short`` is an acronym of ``long``: its capitals follow the long form's words.

    >>> is_acronym_of("MIM", "Masked Image Modeling")
    True
    >>> is_acronym_of("LoRA", "Low-Rank Adaptation")
    True
    >>> is_acronym_of("BERT", "ImageNet")
    False
    """
    if not _ACRONYM.match(short) or sum(c.isupper() for c in short) < 2:
        return False
    letters = [c.lower() for c in short if c.isalpha()]
    words = [w.lower() for w in _WORD.findall(long)]
    if len(words) < 2 or not letters or letters[0] != words[0][0]:
        return False
    # greedy: every acronym letter is found in order, each word contributing a prefix-run
    text = " ".join(words)
    pos = 0
    for ch in letters:
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    initials = {w[0] for w in words}
    return sum(c in initials for c in letters) >= min(2, len(letters))


class _Clusters(UnionFind[str]):
    """Clusters of mention nodes that never join two different kb_ids."""

    def __init__(self) -> None:
        super().__init__()
        self.kb: dict[str, str] = {}  # per root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        ka, kb = self.kb.get(ra), self.kb.get(rb)
        if ka and kb and ka != kb:
            return ra
        root = super().union(ra, rb)
        if kb and not ka:
            self.kb[root] = kb
        return root


def _forms(m: Mention) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A mention's anchor key, the keys that always join it, and its acronym definitions."""
    surfaces = [m.name, *m.aliases]
    defs = [(s, lf) for s in surfaces for lf in surfaces
            if name_key(s) != name_key(lf) and is_acronym_of(s, lf)]
    acronyms = {name_key(s) for s, _ in defs}
    keys = [k for k in dict.fromkeys(name_key(s) for s in surfaces) if k and k not in acronyms]
    anchor = name_key(m.name)
    if anchor in acronyms:
        anchor = name_key(defs[0][1]) if not keys else keys[0]
    return anchor, keys, [(name_key(s), name_key(lf)) for s, lf in defs]


def resolve(extractions: Iterable[PaperEntities],
            settings: Settings | None = None) -> tuple[dict[str, Entity], list[Occurrence]]:
    """Canonical entities of a corpus and one occurrence per (paper, entity).

    ``settings`` is accepted for symmetry with the other stages; no rule reads
    it yet. Entities are returned keyed and sorted by id, occurrences sorted by
    (paper, entity).
    """
    items = sorted(((pe.id, m) for pe in extractions for m in pe.entities if m.name.strip()),
                   key=_item_order)  # union order matters when kb_ids clash: fix it
    uf = _Clusters()
    forms = [_forms(m) for _, m in items]
    nodes = [("kb:" + m.kb_id) if m.kb_id else ("n:" + anchor)
             for (_, m), (anchor, _, _) in zip(items, forms, strict=True)]
    for (_, m), node in zip(items, nodes, strict=True):
        if m.kb_id:
            uf.kb[uf.find(node)] = m.kb_id
    for node, (anchor, keys, _) in zip(nodes, forms, strict=True):
        for k in (anchor, *keys):
            uf.union(node, "n:" + k)
    # acronyms: join the long form only when every definition agrees on it
    meaning: dict[str, set[str]] = defaultdict(set)
    for _, _, defs in forms:
        for short, long in defs:
            meaning[short].add(uf.find("n:" + long))
    for short, roots in sorted(meaning.items()):
        if len(roots) == 1:
            uf.union("n:" + short, next(iter(roots)))

    members: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        members[uf.find(node)].append(i)
    clusters = {root: _describe([items[i][1] for i in idx]) for root, idx in members.items()}
    ids = _assign_ids(clusters)

    by_key: dict[str, str] = {}  # name key -> entity id, for family lookup
    by_kb: dict[str, str] = {}
    for root, c in clusters.items():
        for form in c["forms"]:
            by_key.setdefault(name_key(form), ids[root])
        for kb in c["kbs"]:
            by_kb.setdefault(kb, ids[root])
    for root, c in sorted(clusters.items(), key=lambda rc: ids[rc[0]]):
        by_key[name_key(c["name"])] = ids[root]  # canonical names win over aliases

    grouped: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for i, (paper, m) in enumerate(items):
        grouped[(paper, ids[uf.find(nodes[i])])].append(m)
    occurrences = [Occurrence(paper, eid, _role(ms), _merge(ms))
                   for (paper, eid), ms in sorted(grouped.items())]
    papers: dict[str, set[str]] = defaultdict(set)
    proposers: dict[str, set[str]] = defaultdict(set)
    for o in occurrences:
        papers[o.entity].add(o.paper)
        if o.role == "proposed":
            proposers[o.entity].add(o.paper)

    entities: dict[str, Entity] = {}
    created: dict[str, Entity] = {}
    for root, c in clusters.items():
        eid = ids[root]
        entities[eid] = Entity(eid, c["type"], c["name"], tuple(sorted(c["forms"])), None,
                               tuple(sorted(papers[eid])), tuple(sorted(proposers[eid])),
                               c["kb"])
    for root, c in clusters.items():
        eid = ids[root]
        parent = _parent(c, eid, by_key, by_kb, entities, created)
        if parent:
            entities[eid] = replace(entities[eid], parent=parent)
    entities.update(created)
    _break_cycles(entities)
    return dict(sorted(entities.items())), occurrences


class _Cluster(TypedDict):
    """What one cluster of mentions says about its entity, before ids are given."""

    name: str
    type: EntityType
    forms: set[str]
    kbs: list[str]
    kb: str | None
    parent: str | None
    order: tuple[str, ...]  # the forms' name keys: fixes the order of clashing ids


def _item_order(item: tuple[str, Mention]) -> tuple[str, str, str, str, tuple[str, ...], str,
                                                     str, float, int]:
    paper, m = item
    return (paper, m.name, m.type, m.kb_id or "", m.aliases, m.role, m.parent or "",
            m.confidence, len(m.evidence))


def _describe(mentions: list[Mention]) -> _Cluster:
    kb_mentions = [m for m in mentions if m.kb_id]
    kbs = Counter(m.kb_id for m in mentions if m.kb_id)
    names = Counter(m.name for m in (kb_mentions or mentions))
    name = min(names, key=lambda n: (-names[n], n))
    votes = Counter(m.type for m in (kb_mentions or mentions))
    kind = min(votes, key=lambda t: (-votes[t], _type_rank(t), t))
    forms = {s for m in mentions for s in (m.name, *m.aliases) if s.strip()}
    parents = Counter(m.parent for m in mentions if m.parent)
    return {"name": name, "type": kind, "forms": forms, "kbs": sorted(kbs),
            "kb": min(kbs, key=lambda k: (-kbs[k], k)) if kbs else None,
            "parent": min(parents, key=lambda p: (-parents[p], p)) if parents else None,
            "order": tuple(sorted(name_key(f) for f in forms))}


def _type_rank(t: str) -> int:
    return TYPE_PRECEDENCE.index(t) if t in TYPE_PRECEDENCE else len(TYPE_PRECEDENCE)


def _entity_id(kind: str, key: str) -> str:
    if "/" in key and key.split("/", 1)[0] in TYPE_PRECEDENCE:
        key = key.split("/", 1)[1]
    return f"{kind}/{slug(key)}"


def _assign_ids(clusters: dict[str, _Cluster]) -> dict[str, str]:
    wanted: dict[str, list[str]] = defaultdict(list)
    for root, c in clusters.items():
        wanted[_entity_id(c["type"], c["kb"] or c["name"])].append(root)
    ids: dict[str, str] = {}
    for base, roots in wanted.items():
        roots.sort(key=lambda r: (clusters[r]["kb"] or "", clusters[r]["order"]))
        for n, root in enumerate(roots, 1):
            ids[root] = base if n == 1 else f"{base}-{n}"
    return ids


def _parent(c: _Cluster, eid: str, by_key: dict[str, str], by_kb: dict[str, str],
            entities: dict[str, Entity], created: dict[str, Entity]) -> str | None:
    given = c["parent"]
    if given:
        found = by_kb.get(given) or by_key.get(name_key(given))
        if found and found != eid:
            return found
        if not found:
            pid = _entity_id(c["type"], given)
            if pid not in entities:
                # the family's name as the child spells it ("ViT" in "ViT-B/16"), else the id
                name = next((b for b in base_names(c["name"]) if name_key(b) == name_key(given)),
                            given.split("/")[-1])
                created.setdefault(pid, Entity(pid, c["type"], name, (name,), kb_id=given))
                return pid
            return pid if pid != eid else None
    for base in base_names(c["name"]):
        found = by_key.get(name_key(base))
        if found and found != eid:
            return found
    return None


def _break_cycles(entities: dict[str, Entity]) -> None:
    """A bad gazetteer could say A < B < A; cut each cycle at its smallest id."""
    for eid in sorted(entities):
        seen = [eid]
        cur = entities[eid].parent
        while cur and cur in entities:
            if cur in seen:
                cut = min(seen[seen.index(cur):])
                entities[cut] = replace(entities[cut], parent=None)
                break
            seen.append(cur)
            cur = entities[cur].parent


def _role(mentions: list[Mention]) -> Role:
    return "proposed" if any(m.role == "proposed" for m in mentions) else "used"


def _merge(mentions: list[Mention]) -> Mention:
    """One mention out of several that resolved to the same entity in one paper."""
    if len(mentions) == 1:
        return mentions[0]
    first = max(mentions, key=lambda m: (m.role == "proposed", m.confidence, len(m.evidence)))
    aliases = dict.fromkeys(s for m in mentions for s in (m.name, *m.aliases) if s != first.name)
    evidence = tuple(dict.fromkeys(e for m in mentions for e in m.evidence))
    return replace(first, aliases=tuple(aliases), role=_role(mentions), evidence=evidence,
                   confidence=max(m.confidence for m in mentions),
                   sources=tuple(dict.fromkeys(s for m in mentions for s in m.sources)))
