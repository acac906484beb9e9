"""The figures of a corpus, computed from its :class:`~.digest.Digest` as plain tables.

:func:`corpus_figures` gives every figure of the report (and of ``kg stats``):
counts and coverage, how papers are dated, the top entities of each type, papers
and top entities per month, the entities rising fastest in the latest months, the
share of papers with official code per month, and the largest communities of
related papers (:mod:`.communities`). Months come from :mod:`.dates`; a paper
without a month is in the counts, never on a timeline.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import partial

from kg.errors import FormatError
from kg.export.report.dates import DATED_BY, month_range
from kg.export.report.digest import Digest
from kg.export.report.tables import Figures, Table, papers, share, table
from kg.records import ENTITY_TYPES
from kg.settings import Settings

PLURALS = {"method": "methods", "model": "models", "dataset": "datasets"}
MIN_DATED = 3  # fewer dated papers in a window than this gives no trend


# every figure, in report order
FIGURE_NAMES = ("counts", "coverage", "dating", *(f"top_{PLURALS[t]}" for t in ENTITY_TYPES),
                "timeline", "entity_timeline", "rising", "code_share", "communities")


def corpus_figures(digest: Digest, settings: Settings | None = None,
                   names: Sequence[str] | None = None) -> Figures:
    """The figures called ``names`` (default: all of :data:`FIGURE_NAMES`), in report order.

    Each has ``settings.report_top`` rows at most (but the counts, coverage, dating and
    the month-by-month tables). An unknown name raises :class:`kg.errors.FormatError`.
    """
    settings = settings or Settings()
    wanted = list(FIGURE_NAMES if names is None else names)
    for name in wanted:
        if name not in FIGURE_NAMES:
            raise FormatError("figure", name, list(FIGURE_NAMES))
    top = settings.report_top
    makers: dict[str, Callable[[], Table]] = {
        "counts": lambda: counts_table(digest), "coverage": lambda: coverage_table(digest),
        "dating": lambda: dating_table(digest),
        "timeline": lambda: timeline_table(digest),
        "entity_timeline": lambda: entity_timeline_table(digest, top),
        "rising": lambda: rising_table(digest, settings.report_recent_months, top),
        "code_share": lambda: code_share_table(digest),
        "communities": lambda: _communities(digest, top)}
    for t in ENTITY_TYPES:
        makers[f"top_{PLURALS[t]}"] = partial(top_table, digest, t, top)
    return Figures(tuple(makers[name]() for name in FIGURE_NAMES if name in wanted))


def _communities(d: Digest, n: int) -> Table:
    from kg.export.report.communities import communities_table  # networkx loads only for this

    return communities_table(d, n)


# ---------------------------------------------------------------- counts

def counts_table(d: Digest) -> Table:
    types = Counter(e.type for e in d.entities.values())
    repos = {r.url for p in d.papers.values() for r in p.repos}
    rows: list[tuple[str, int]] = [("papers", len(d.papers)), ("entities", len(d.entities))]
    rows += [(PLURALS.get(t, t), n) for t, n in sorted(types.items(), key=lambda x: _type_rank(x[0]))]
    rows += [("mentions (paper, entity)", sum(e.support for e in d.entities.values())),
             ("links between papers", len(d.links)), ("repositories and project pages", len(repos))]
    return table("counts", "Counts", ("what", "count"), rows)


def _type_rank(t: str) -> tuple[int, str]:
    return (ENTITY_TYPES.index(t) if t in ENTITY_TYPES else len(ENTITY_TYPES), t)


def coverage_table(d: Digest) -> Table:
    n = len(d.papers)
    linked = {k.source for k in d.links} | {k.target for k in d.links}
    tests: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("entities", lambda pid: bool(d.paper_entities.get(pid))),
        ("a code repository", lambda pid: any(r.is_code for r in d.papers[pid].repos)),
        ("official code", lambda pid: any(r.is_code and r.official for r in d.papers[pid].repos)),
        ("any code or project link", lambda pid: bool(d.papers[pid].repos)),
        ("a related paper", lambda pid: pid in linked),
        ("a month (dated)", lambda pid: d.months[pid][0] is not None),
    )
    rows: list[tuple[str, int, float]] = []
    for label, test in tests:
        k = sum(1 for pid in d.papers if test(pid))
        rows.append((label, k, share(k, n)))
    return table("coverage", "Coverage: papers with...", ("papers with", "papers", "share"), rows,
                 "official code: a code repository that a paper linking it calls its own")


def dating_table(d: Digest) -> Table:
    how = Counter(m[1] for m in d.months.values())
    rows = [(label, how[label], share(how[label], len(d.papers))) for label in DATED_BY if how[label]]
    undated = sum(how[label] for label in DATED_BY[4:])
    note = (f"papers without a month, on no timeline: {undated} of {len(d.papers)}"
            if undated else "")
    return table("dating", "How papers are dated", ("dated by", "papers", "share"), rows, note)


def top_table(d: Digest, entity_type: str, n: int) -> Table:
    ents = sorted((e for e in d.entities.values() if e.type == entity_type),
                  key=lambda e: (-e.support, e.name.casefold(), e.id))[:n]
    rows = [(i, e.id, e.name, e.support, len(e.proposed_by)) for i, e in enumerate(ents, 1)]
    plural = PLURALS.get(entity_type, entity_type)
    return table(f"top_{plural}", f"Top {plural}", ("rank", "entity", "name", "papers", "proposed by"),
                 rows, "" if rows else f"no {plural} in the corpus")


# ---------------------------------------------------------------- time

def dated(d: Digest) -> dict[str, str]:
    """Paper id -> month, for the papers that have one."""
    return d.dated


def corpus_months(d: Digest) -> list[str]:
    """Every month from the first dated paper to the last, or none."""
    months = sorted(set(dated(d).values()))
    return month_range(months[0], months[-1]) if months else []


def _undated_note(d: Digest) -> str:
    n = len(d.papers) - len(dated(d))
    return f"{papers(n)} without a month left out" if n else ""


def timeline_table(d: Digest) -> Table:
    per = Counter(dated(d).values())
    rows = [(m, per[m]) for m in sorted(per)]
    notes = [x for x in (_undated_note(d), "months without a paper are left out" if rows else "")
             if x]
    return table("timeline", "Papers per month", ("month", "papers"), rows,
                 "; ".join(notes) or "no paper has a month")


def trending_entities(d: Digest, n: int) -> list[str]:
    """The ``n`` entities named by most dated papers (at least two), most first."""
    months = dated(d)
    count = {eid: sum(1 for p in e.papers if p in months) for eid, e in d.entities.items()}
    ranked = sorted((eid for eid, k in count.items() if k >= 2),
                    key=lambda eid: (-count[eid], d.entities[eid].name.casefold(), eid))
    return ranked[:n]


def entity_months(d: Digest, entity_id: str) -> Counter[str]:
    months = dated(d)
    return Counter(months[p] for p in d.entities[entity_id].papers if p in months)


def entity_timeline_table(d: Digest, n: int) -> Table:
    rows = []
    top = trending_entities(d, n)
    for eid in top:
        per = entity_months(d, eid)
        rows += [(m, eid, d.entities[eid].name, per[m]) for m in sorted(per)]
    note = "months with no paper naming an entity are left out" if rows else \
        "no entity is named by two dated papers"
    return table("entity_timeline", "Top entities per month", ("month", "entity", "name", "papers"),
                 rows, note)


def rising_table(d: Digest, recent_months: int, n: int) -> Table:
    """Entities whose share of papers grew most in the latest ``recent_months`` months."""
    columns = ("entity", "name", "type", "recent papers", "earlier papers", "recent share",
               "earlier share", "rise")
    months = dated(d)
    span = corpus_months(d)
    if not span:
        return table("rising", "Rising entities", columns, [], "no paper has a month")
    window = set(span[-recent_months:])
    recent = {p for p, m in months.items() if m in window}
    earlier = set(months) - recent
    label = f"{min(window)} to {max(window)}" if len(window) > 1 else min(window)
    if len(recent) < MIN_DATED or len(earlier) < MIN_DATED:
        return table("rising", f"Rising entities ({label} against before)", columns, [],
                     f"too few dated papers: {len(recent)} in {label}, {len(earlier)} before "
                     f"(a trend needs {MIN_DATED} in each)")
    rows = []
    for eid, e in d.entities.items():
        r = sum(1 for p in e.papers if p in recent)
        if r < 2:
            continue
        before = sum(1 for p in e.papers if p in earlier)
        rise = share(r, len(recent)) - share(before, len(earlier))
        if rise > 0:
            rows.append((eid, e.name, e.type, r, before, share(r, len(recent)),
                         share(before, len(earlier)), round(rise, 4)))
    rows.sort(key=lambda x: (-float(x[7]), -int(x[3]), str(x[1]).casefold(), str(x[0])))
    note = (f"share of the {papers(len(recent))} of {label} naming the entity, against the "
            f"{len(earlier)} dated before; at least 2 recent papers")
    return table("rising", f"Rising entities ({label} against before)", columns, rows[:n], note)


def code_share_table(d: Digest) -> Table:
    months = dated(d)
    papers: dict[str, int] = Counter(months.values())
    coded: dict[str, int] = defaultdict(int)
    for pid, m in months.items():
        if any(r.is_code and r.official for r in d.papers[pid].repos):
            coded[m] += 1
    rows = [(m, papers[m], coded[m], share(coded[m], papers[m])) for m in sorted(papers)]
    return table("code_share", "Share of papers with official code, per month",
                 ("month", "papers", "with official code", "share"), rows,
                 "months without a dated paper are left out" if rows else "no paper has a month")


def timeline_rows(d: Digest, name: str | None = None) -> list[tuple[str, int]]:
    """(month, papers) for every month of the corpus: all papers, or those naming ``name``.

    ``name`` is an entity's id, name or alias; a name that names a paper, or nothing,
    raises :class:`kg.errors.KGError` (with close matches).
    """
    from kg.errors import KGError
    from kg.export.report.cards import find

    if name is None:
        per = Counter(dated(d).values())
    else:
        kind, key = find(d, name)
        if kind == "paper":
            raise KGError(f"{name!r} names a paper; a timeline is of an entity, or of all papers")
        per = entity_months(d, key)
    return [(m, per.get(m, 0)) for m in corpus_months(d)]
