"""Papers leave the corpus: ``kg remove ID...`` and ``kg build --prune``.

Removing is a build that drops papers from the plan (:func:`without`) before the
corpus-level stages run: resolution, support, families and links are computed again
over the papers that stay, the store and the exports are written anew, and the
extractions of those papers are reused from the build state (none is redone). So a
corpus with a paper removed is the corpus built without it, and the removal is as safe
as any build (a new generation swapped in; a failure leaves the previous one live).

- :func:`remove` (``kg remove``) drops the papers named by id (``arxiv:2401.00001``
  or ``2401.00001``, ``title:...``) or by title, any case. A name that matches no paper
  is an error, with the closest ids and titles, before anything is written. It rebuilds
  with the settings the last build recorded (mode, base IRI, exports...), so nothing but
  the removal changes. A later build whose inputs hold the paper adds it again.
- ``kg build --prune`` drops the papers of earlier builds that its inputs no longer
  hold, so the corpus is exactly its inputs.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.build.plan import Plan
from kg.build.state import PAPERS, SUMMARY, reading_state, settings_from_info
from kg.errors import KGError, StoreError
from kg.keys import lookup_key, parse_arxiv_id, title_key
from kg.records import Paper
from kg.settings import Settings


class UnknownPaper(KGError):
    """A paper to remove that the corpus does not hold."""


def without(todo: Plan, ids: Iterable[str]) -> Plan:
    """``todo`` with the papers ``ids`` left out of the corpus, their extractions too.

    >>> from kg.build.plan import plan
    >>> from kg.build.state import State
    >>> a, b = Paper(id="arxiv:1", title="A", abstract="a."), Paper(id="arxiv:2", title="B", abstract="b.")
    >>> p = without(plan(State(), {a.id: a, b.id: b}, "fp"), ["arxiv:2"])
    >>> list(p.papers), p.new, [q.id for q in p.to_extract]
    (['arxiv:1'], ('arxiv:1',), ['arxiv:1'])
    """
    gone = set(ids)
    if not gone:
        return todo

    def keep(group: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(pid for pid in group if pid not in gone)

    return replace(todo, papers={k: p for k, p in todo.papers.items() if k not in gone},
                   extractions={k: e for k, e in todo.extractions.items() if k not in gone},
                   new=keep(todo.new), updated=keep(todo.updated), unchanged=keep(todo.unchanged),
                   kept=keep(todo.kept), to_extract=tuple(p for p in todo.to_extract if p.id not in gone))


def dropped(todo: Plan, names: Sequence[str], prune: bool) -> list[str]:
    """The ids of the papers a build drops: those ``names`` name, and with ``prune`` the
    papers of earlier builds that the inputs no longer hold (``todo.kept``)."""
    ids = paper_ids(names, todo.papers)
    if prune:
        ids += [pid for pid in todo.kept if pid not in ids]
    return ids


def paper_ids(names: Sequence[str], papers: Mapping[str, Paper]) -> list[str]:
    """The ids of the papers ``names`` name, in order, each once; :class:`UnknownPaper` for a name
    that names none.

    A name is a paper id, an arXiv id (any form :func:`kg.keys.parse_arxiv_id` reads) or a
    title (any case and spacing, or the same title key as the readers use).

    >>> papers = {"arxiv:2401.00001": Paper(id="arxiv:2401.00001", title="Flow Nets", abstract="")}
    >>> paper_ids(["2401.00001v2", "flow  nets"], papers)
    ['arxiv:2401.00001']
    >>> paper_ids(["Flow Net"], papers)
    Traceback (most recent call last):
    kg.build.prune.UnknownPaper: no paper 'Flow Net' in the corpus; did you mean: 'Flow Nets'?
    """
    by_title: dict[str, str] = {}
    for pid, p in papers.items():
        by_title.setdefault(lookup_key(p.title), pid)
        by_title.setdefault(title_key(p.title), pid)
    out: list[str] = []
    for name in names:
        found = _paper_id(name, papers, by_title)
        if found is None:
            from kg.store.lookup import suggestions

            close = suggestions(name, [*papers, *(p.title for p in papers.values())])
            hint = f"; did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownPaper(f"no paper {name!r} in the corpus{hint}")
        if found not in out:
            out.append(found)
    return out


def _paper_id(name: str, papers: Mapping[str, Paper], by_title: Mapping[str, str]) -> str | None:
    if name in papers:
        return name
    arxiv = parse_arxiv_id(name) if len(name.split()) == 1 else None
    if arxiv and f"arxiv:{arxiv}" in papers:
        return f"arxiv:{arxiv}"
    return by_title.get(lookup_key(name)) or by_title.get(title_key(name))


def recorded_settings(output_dir: str | Path) -> Settings:
    """The settings the live build of ``output_dir`` recorded; a StoreError when there is none."""
    output_dir = Path(output_dir)
    with reading_state(output_dir) as root:
        if not (root / PAPERS).exists():
            raise StoreError(f"no build in {output_dir} (no {PAPERS}); nothing to remove")
        try:
            info = json.loads((root / SUMMARY).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{root / SUMMARY} is unreadable ({e}); run `kg build` again") from None
    return settings_from_info(info).with_(output_dir=output_dir)


def remove(names: Sequence[str], output_dir: str | Path, progress: bool = True, nlp: Any = None) -> Any:
    """Remove the papers ``names`` name from the build in ``output_dir``; its
    :class:`kg.build.run.BuildSummary` (``papers_removed`` says how many went)."""
    from kg.build.run import build

    if not names:
        raise KGError("name at least one paper to remove (an id or a title)")
    settings = recorded_settings(output_dir)
    return build([], output_dir, settings.with_(progress=progress), progress=progress,
                 remove=names, nlp=nlp)
