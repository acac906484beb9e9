"""The caps of linking, applied on the client to the candidates of all the parts in order
(:func:`kg.resolve.links.paper_links`): at most ``link_max_per_entity`` links resting on
one entity (the heaviest evidence share; text links apart), then at most
``link_max_neighbours`` links per paper."""

from typing import TYPE_CHECKING

from kg.settings import Settings

if TYPE_CHECKING:
    from kg.resolve.links import _Found, _Index

_BY_TEXT = ("similar", "text")  # rules resting on text similarity: capped apart


def entity_cap(found: dict[tuple[int, int], "_Found"],
              ix: "_Index", settings: Settings) -> list[tuple[int, int]]:
    by_lead: dict[tuple[str, bool], list[tuple[float, str, str, tuple[int, int]]]] = {}
    kept: list[tuple[int, int]] = []
    for pair, (weight, shares, rule, _, _) in found.items():
        key = (-weight, ix.paper_ids[pair[0]], ix.paper_ids[pair[1]], pair)
        lead = next((s[2] for s in shares if not s[4]), None)  # the heaviest evidence share
        if lead is None:  # a text link resting on no entity: no entity to cap
            kept.append(pair)
            continue
        by_lead.setdefault((lead, rule in _BY_TEXT), []).append(key)
    for group in by_lead.values():
        group.sort()
        kept.extend(pair for _, _, _, pair in group[:settings.link_max_per_entity])
    return kept


def neighbour_cap(found: dict[tuple[int, int], "_Found"],
                  pairs: list[tuple[int, int]], ix: "_Index", settings: Settings) -> set[tuple[int, int]]:
    mine: dict[int, list[tuple[float, str, tuple[int, int]]]] = {}
    for a, b in pairs:
        weight = found[a, b][0]
        mine.setdefault(a, []).append((-weight, ix.paper_ids[b], (a, b)))
        mine.setdefault(b, []).append((-weight, ix.paper_ids[a], (a, b)))
    kept: set[tuple[int, int]] = set()
    for ranked in mine.values():
        ranked.sort()
        kept.update(pair for _, _, pair in ranked[:settings.link_max_neighbours])
    return kept
