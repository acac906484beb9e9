"""The report's charts: matplotlib figures written as inline SVG text, nothing displayed.

Only matplotlib's object API is used (``Figure``, never pyplot), so no backend or
window is involved and a notebook's own settings are left alone; every chart is
drawn inside one ``rc_context``. Text stays text (``svg.fonttype: none``), math
parsing is off (a ``$`` in a name is a dollar sign), ids are prefixed per chart so
that several charts can share a page, and the output is repeatable (fixed hash
salt, no date). Each function takes the plain tables of :mod:`.figures` and
returns the SVG markup, or None when there is nothing to draw.
"""

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kg.export.report.dates import month_range
from kg.export.report.tables import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

COLORS = {"method": "#4c72b0", "model": "#dd8452", "dataset": "#55a868", "entity": "#8172b3"}
ACCENT = "#4c72b0"
MUTED = "#9aa5b1"
WIDTH = 7.2  # inches; the page scales the charts to its width
LABEL_CHARS = 40
RC: "dict[RcKeyType, Any]" = {"svg.fonttype": "none", "svg.hashsalt": "kg-report", "text.parse_math": False,
      "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "font.size": 9,
      "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10,
      "axes.titleweight": "bold", "axes.titlelocation": "left", "figure.dpi": 72}

_TAG = re.compile(r"<[^<>]*>")
_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def _figure(height: float, width: float = WIDTH) -> "Figure":
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="tight")  # constrained: twice the time


def to_svg(fig: "Figure", name: str, caption: str | None = None) -> str:
    """The figure as inline SVG: no prolog, metadata or global style, ids prefixed by ``name``,
    labelled by the element ``{caption or name}-caption`` of the page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"\s*<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>", "", text)
    # inside tags only: a label's text can never be taken for an id
    text = _TAG.sub(lambda t: _REF.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", t.group(0)), text)
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{caption or name}-caption" ', 1).strip()


def short(text: str, n: int = LABEL_CHARS) -> str:
    """``text`` cut to ``n`` characters with an ellipsis (the tables keep it whole).

    >>> short("Retrieval-Augmented Generation", 12)
    'Retrieval-A\u2026'
    """
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _hbars(ax: "Axes", labels: list[str], values: list[float], colors: list[str] | str,
           texts: list[str], chars: int = LABEL_CHARS) -> None:
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=colors, height=0.7)
    ax.set_yticks(y, [short(s, chars) for s in labels])
    ax.tick_params(axis="y", length=0)
    top = max(values) if values and max(values) > 0 else 1
    for yi, v, t in zip(y, values, texts, strict=True):
        ax.text(v + top * 0.01, yi, t, va="center", fontsize=8, color="#333333")
    ax.set_xlim(0, top * 1.18)


def _month_axis(ax: "Axes", months: list[str], offset: float = 0.0) -> None:
    """Ticks on a continuous month axis (month i at x = i + offset): each month when they
    are few, else each January, or every few years when there are many."""
    if len(months) <= 15:
        ax.set_xticks([i + offset for i in range(len(months))], months, rotation=45, ha="right")
        return
    years = [i for i, m in enumerate(months) if m.endswith("-01")] or [0]
    step = max(1, len(years) // 12)
    ax.set_xticks([i + offset for i in years[::step]], [months[i][:4] for i in years[::step]])


def _integer_ticks(ax: "Axes") -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def coverage_chart(t: Table) -> str | None:
    if not any(t.column("papers")):  # no paper, or none with anything
        return None
    with _style():
        fig = _figure(0.45 * len(t.rows) + 0.6)
        ax = fig.add_subplot()
        shares = [float(s or 0) * 100 for s in t.column("share")]
        _hbars(ax, [f"with {s}" for s in t.column("papers with")], shares, ACCENT,
               [f"{n} ({s:.0f}%)" for n, s in zip(t.column("papers"), shares, strict=True)])
        ax.set_xlim(0, 118)
        ax.set_xlabel("share of papers (%)")
        return to_svg(fig, "coverage")


def top_chart(t: Table, entity_type: str) -> str | None:
    """The top entities of one type: one narrow chart, three of them side by side on a page."""
    if not t.rows:
        return None
    with _style():
        fig = _figure(0.24 * len(t.rows) + 0.8, width=WIDTH / 2)
        ax = fig.add_subplot()
        support = [float(v or 0) for v in t.column("papers")]
        _hbars(ax, [str(n) for n in t.column("name")], support, COLORS.get(entity_type, ACCENT),
               [str(int(v)) for v in support], chars=28)
        ax.set_title(t.title.removeprefix("Top ").capitalize())
        ax.set_xlabel("papers")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        return to_svg(fig, f"top-{entity_type}", "top")


def timeline_chart(t: Table) -> str | None:
    if not t.rows:
        return None
    per = {str(m): int(n or 0) for m, n in zip(t.column("month"), t.column("papers"), strict=True)}
    months = month_range(min(per), max(per))
    with _style():
        fig = _figure(2.6)
        ax = fig.add_subplot()
        x = [i for i, m in enumerate(months) if per.get(m)]  # no patch for an empty month
        ax.bar(x, [per[months[i]] for i in x], color=ACCENT, width=0.85)
        ax.set_xlim(-0.8, len(months) - 0.2)
        _month_axis(ax, months)
        ax.set_ylabel("papers")
        _integer_ticks(ax)
        return to_svg(fig, "timeline")


def entity_timeline_chart(t: Table) -> str | None:
    if not t.rows:
        return None
    import numpy as np

    names: dict[str, str] = {}
    cells: dict[tuple[str, str], int] = {}
    for month, eid, name, n in t.rows:
        names.setdefault(str(eid), str(name))
        cells[(str(eid), str(month))] = int(n or 0)
    months = month_range(min(m for _, m in cells), max(m for _, m in cells))
    ids = list(names)
    grid = np.array([[cells.get((e, m), 0) for m in months] for e in ids], dtype=float)
    with _style():
        import matplotlib
        from matplotlib.colors import BoundaryNorm, ListedColormap
        from matplotlib.ticker import MaxNLocator

        # a few discrete levels: the colour bar stays vector shapes, not an embedded image
        top = max(1, int(grid.max()))
        levels = [lv for lv in MaxNLocator(nbins=6, integer=True).tick_values(1, top) if lv >= 1]
        bounds = [0.5] + [lv + 0.5 for lv in levels if lv < top] + [top + 0.5]
        shades = matplotlib.colormaps["Blues"](np.linspace(0.4, 1.0, len(bounds) - 1))
        fig = _figure(0.3 * len(ids) + 1.1)
        ax = fig.add_subplot()
        mesh = ax.pcolormesh(np.ma.masked_equal(grid, 0), cmap=ListedColormap(shades),
                             norm=BoundaryNorm(bounds, len(shades)), edgecolors="white",
                             linewidth=0.3)
        ax.set_yticks([i + 0.5 for i in range(len(ids))], [short(names[e], 30) for e in ids])
        ax.invert_yaxis()
        _month_axis(ax, months, offset=0.5)
        ax.tick_params(axis="y", length=0)
        bar = fig.colorbar(mesh, ax=ax, shrink=0.8, pad=0.01, drawedges=False)
        bar.set_label("papers")
        bar.set_ticks([(a + b) / 2 for a, b in zip(bounds, bounds[1:], strict=False)],
                      labels=[_level(a, b) for a, b in zip(bounds, bounds[1:], strict=False)])
        return to_svg(fig, "entity-timeline")


def _level(low: float, high: float) -> str:
    a, b = int(low + 0.5), int(high - 0.5)
    return str(a) if a == b else f"{a}-{b}"


def rising_chart(t: Table) -> str | None:
    if not t.rows:
        return None
    with _style():
        fig = _figure(0.3 * len(t.rows) + 0.8)
        ax = fig.add_subplot()
        rise = [float(r or 0) * 100 for r in t.column("rise")]
        texts = [f"+{r:.0f} pts ({a} recent, {b} before)"
                 for r, a, b in zip(rise, t.column("recent papers"), t.column("earlier papers"),
                                    strict=True)]
        _hbars(ax, [str(n) for n in t.column("name")], rise,
               [COLORS.get(str(ty), ACCENT) for ty in t.column("type")], texts)
        ax.set_xlim(0, max(rise) * 1.6)
        ax.set_xlabel("rise in the share of papers naming it (percentage points)")
        return to_svg(fig, "rising")


def code_share_chart(t: Table) -> str | None:
    if not t.rows:
        return None
    papers = {str(m): int(n or 0) for m, n in zip(t.column("month"), t.column("papers"), strict=True)}
    coded = {str(m): int(c or 0) for m, c in zip(t.column("month"), t.column("with official code"),
                                                 strict=True)}
    months = month_range(min(papers), max(papers))
    x = [i for i, m in enumerate(months) if papers.get(m)]  # no patch for an empty month
    with_code = [coded.get(months[i], 0) for i in x]
    without = [papers[months[i]] - coded.get(months[i], 0) for i in x]
    with _style():
        fig = _figure(2.6)
        ax = fig.add_subplot()
        ax.bar(x, with_code, color=ACCENT, width=0.85, label="with official code")
        ax.bar(x, without, bottom=with_code, color=MUTED, width=0.85, label="without")
        ax.set_xlim(-0.8, len(months) - 0.2)
        _month_axis(ax, months)
        ax.set_ylabel("papers")
        _integer_ticks(ax)
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        return to_svg(fig, "code-share")


def communities_chart(t: Table) -> str | None:
    if not t.rows:
        return None
    with _style():
        fig = _figure(0.32 * len(t.rows) + 0.8)
        ax = fig.add_subplot()
        sizes = [float(n or 0) for n in t.column("papers")]
        labels = [f"#{c}  {lab}" for c, lab in zip(t.column("community"), t.column("label"),
                                                   strict=True)]
        _hbars(ax, labels, sizes, ACCENT, [str(int(s)) for s in sizes], chars=60)
        ax.set_xlabel("papers")
        return to_svg(fig, "communities")
