"""What a cluster of mentions says of its entity, and the one mention of it a paper keeps.

Resolution (:mod:`kg.resolve.entities`) joins mentions into clusters; here each cluster is
described (canonical name, type, forms, gazetteer ids and parent, by the votes of rules 4
and 6 of that module), clusters get their ids, and the mentions one paper makes of one
entity are merged into its occurrence's mention.
"""

from collections import Counter, defaultdict
from dataclasses import replace
from typing import TypedDict

from kg.keys import entity_key
from kg.records import EntityType, Mention, Role
from kg.resolve.families import entity_id

TYPE_PRECEDENCE: tuple[EntityType, ...] = ("model", "method", "dataset")  # ties: first wins


class Cluster(TypedDict):
    """What one cluster of mentions says about its entity, before ids are given."""

    name: str
    type: EntityType
    forms: set[str]
    kbs: list[str]
    kb: str | None
    parent: str | None
    order: tuple[str, ...]  # the forms' name keys: fixes the order of clashing ids


def describe(mentions: list[Mention]) -> Cluster:
    """What ``mentions`` (one cluster's, at least one) say of their entity."""
    if len(mentions) == 1:  # what the counts below come to for one mention
        m = mentions[0]
        forms = {s for s in (m.name, *m.aliases) if s.strip()}
        return {"name": m.name, "type": m.type, "forms": forms, "kbs": [m.kb_id] if m.kb_id else [],
                "kb": m.kb_id or None, "parent": m.parent or None,
                "order": tuple(sorted(entity_key(f) for f in forms))}
    # every rule below counts mentions by what they say: each distinct saying once, with its count
    said = Counter([(m.name, m.type, m.kb_id or None, m.parent or None, m.aliases) for m in mentions])
    kbs: Counter[str] = Counter()
    parents: Counter[str] = Counter()
    names: Counter[str] = Counter()
    votes: Counter[EntityType] = Counter()
    linked = any(s[2] for s in said)  # only gazetteer-linked mentions vote then
    for (name, kind, kb, parent, _), n in said.items():
        if kb:
            kbs[kb] += n
        if parent:
            parents[parent] += n
        if kb or not linked:
            names[name] += n
            votes[kind] += n
    name = min(names, key=lambda n: (-names[n], n))
    kind = min(votes, key=lambda t: (-votes[t], type_rank(t), t))
    forms = {f for s in said for f in (s[0], *s[4]) if f.strip()}
    return {"name": name, "type": kind, "forms": forms, "kbs": sorted(kbs),
            "kb": min(kbs, key=lambda k: (-kbs[k], k)) if kbs else None,
            "parent": min(parents, key=lambda p: (-parents[p], p)) if parents else None,
            "order": tuple(sorted(entity_key(f) for f in forms))}


def type_rank(t: str) -> int:
    """Where type ``t`` comes in :data:`TYPE_PRECEDENCE` (ties of votes)."""
    return TYPE_PRECEDENCE.index(t) if t in TYPE_PRECEDENCE else len(TYPE_PRECEDENCE)


def assign_ids(clusters: dict[str, Cluster]) -> dict[str, str]:
    """The entity id of each cluster (by root): rule 6 of :mod:`kg.resolve.entities`."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for root, c in clusters.items():
        wanted[entity_id(c["type"], c["kb"] or c["name"])].append(root)
    ids: dict[str, str] = {}
    for base, roots in wanted.items():
        # a gazetteer-linked cluster keeps the plain id ("COCO" before a "CoCo" kept apart)
        roots.sort(key=lambda r: (clusters[r]["kb"] is None, clusters[r]["kb"] or "",
                                  clusters[r]["order"]))
        for n, root in enumerate(roots, 1):
            ids[root] = base if n == 1 else f"{base}-{n}"
    return ids


def role_of(mentions: list[Mention]) -> Role:
    """Proposed if any of ``mentions`` is."""
    return "proposed" if any(m.role == "proposed" for m in mentions) else "used"


def merge(mentions: list[Mention]) -> Mention:
    """One mention out of several that resolved to the same entity in one paper."""
    if len(mentions) == 1:
        return mentions[0]
    first = max(mentions, key=lambda m: (m.role == "proposed", m.confidence, len(m.evidence)))
    aliases = dict.fromkeys(s for m in mentions for s in (m.name, *m.aliases) if s != first.name)
    evidence = tuple(dict.fromkeys(e for m in mentions for e in m.evidence))
    return replace(first, aliases=tuple(aliases), role=role_of(mentions), evidence=evidence,
                   confidence=max(m.confidence for m in mentions),
                   sources=tuple(dict.fromkeys(s for m in mentions for s in m.sources)))
