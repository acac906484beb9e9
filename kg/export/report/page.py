"""The report page: one static HTML file, every chart an inline SVG, no script, no request.

Every text of the corpus (titles, names, aliases) is HTML-escaped here, and the
charts' text is escaped by matplotlib's SVG writer; the page runs no script at
all and its Content-Security-Policy forbids scripts and every request, so a
hostile title can only ever be displayed.
"""

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.export.report import plots
from kg.export.report.tables import Cell, Figures, Table

if TYPE_CHECKING:
    from kg.export.report.digest import Digest

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
PERCENT = ("share", "recent share", "earlier share", "rise")
SECTIONS = (("overview", "Counts and coverage"), ("entities", "Top entities"),
            ("time", "Over time"), ("communities", "Communities"))

CSS = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: #f5f7fa; }
header, main, footer { max-width: 64rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
h2 { margin: 2rem 0 .75rem; font-size: 1.25rem; border-bottom: 1px solid var(--line); }
h3 { margin: 1.25rem 0 .5rem; font-size: 1.05rem; }
.lead { margin: 0; color: var(--muted); }
nav a { margin-right: 1rem; color: #2f6fb3; }
figure { margin: 0 0 1.5rem; padding: 1rem; background: #fff; border: 1px solid var(--line);
         border-radius: 6px; }
figure svg { display: block; width: 100%; height: auto; }
figure svg * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { margin-top: .5rem; color: var(--muted); font-size: .92rem; }
details { margin-top: .5rem; }
summary { cursor: pointer; color: #2f6fb3; font-size: .9rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .88rem; background: #fff; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.note, .empty { color: var(--muted); font-size: .9rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; }
footer { padding: 2rem 1.25rem; color: var(--muted); font-size: .85rem; }
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def cell(column: str, value: Cell) -> str:
    """A cell as shown: shares as percentages, counts as they are, text escaped.

    >>> cell("share", 0.1234), cell("name", "<b>x</b>"), cell("papers", None)
    ('12.3%', '&lt;b&gt;x&lt;/b&gt;', '')
    """
    if value is None:
        return ""
    if column in PERCENT and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return esc(value)


def html_table(t: Table, columns: Sequence[str] | None = None, key: str = "") -> str:
    """The table as HTML (``columns`` picks and orders some of them), id ``table-NAME[-KEY]``."""
    cols = list(columns or t.columns)
    idx = [t.columns.index(c) for c in cols]
    numeric = {c for c, i in zip(cols, idx, strict=True)
               if t.rows and all(isinstance(r[i], int | float) or r[i] is None for r in t.rows)}
    head = "".join(f'<th{" class=n" if c in numeric else ""}>{esc(c)}</th>' for c in cols)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if c in numeric else ""}>{cell(c, r[i])}</td>'
                                    for c, i in zip(cols, idx, strict=True)) + "</tr>\n"
                   for r in t.rows)
    return f'<table id="table-{esc(t.name)}{"-" + esc(key) if key else ""}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>'


def figure(name: str, svg: str | None, caption: str, tables: Sequence[Table],
           columns: Sequence[str] | None = None) -> str:
    """A chart with its caption and its numbers as a table (folded), or the tables' notes."""
    notes = " ".join(esc(t.note[:1].upper() + t.note[1:]) + "." for t in tables if t.note)
    if svg is None:
        shown = [html_table(t, columns) for t in tables if t.rows]
        return (f'<div class="nochart" id="fig-{name}"><p class="empty">{esc(caption)} '
                f'Nothing to draw: {notes or "no data."}</p>{"".join(shown)}</div>\n')
    folded = "".join(html_table(t, columns) for t in tables)
    return (f'<figure class="chart" id="fig-{name}">\n{svg}\n'
            f'<figcaption id="{name}-caption">{esc(caption)} <span class="note">{notes}</span>'
            f'</figcaption>\n<details><summary>The numbers, as a table</summary>\n{folded}\n'
            "</details>\n</figure>\n")


def top_figure(tops: Sequence[Table]) -> str:
    """The top methods, models and datasets: three charts side by side, one caption, one table each."""
    charts = [(t, plots.top_chart(t, ty)) for t, ty in zip(tops, ("method", "model", "dataset"),
                                                          strict=True)]
    drawn = [svg for _, svg in charts if svg is not None]
    if not drawn:
        return figure("top", None, "Top entities.", list(tops))
    folded = "".join(f"<h3>{esc(t.title)}</h3>{html_table(t)}" for t in tops if t.rows)
    notes = " ".join(esc(t.note[:1].upper() + t.note[1:]) + "." for t in tops if t.note)
    return ('<figure class="chart" id="fig-top">\n<div class="grid3">' + "".join(drawn) + "</div>\n"
            '<figcaption id="top-caption">The methods, models and datasets named by most papers '
            f'(support: the papers naming them). <span class="note">{notes}</span></figcaption>\n'
            f"<details><summary>The numbers, as a table</summary>\n{folded}\n</details>\n</figure>\n")


def _overall(code: Table) -> str:
    papers = sum(int(n or 0) for n in code.column("papers"))
    coded = sum(int(n or 0) for n in code.column("with official code"))
    return f"{coded} of {papers} dated papers ({100 * coded / papers:.0f}%) do." if papers else ""


def render_page(figs: Figures, title: str = "kg: corpus report") -> str:
    """The whole report page for ``figs`` (a string; nothing is written)."""
    counts = {str(w): c for w, c in figs["counts"].rows}
    coverage = figs["coverage"]
    tops = [figs[f"top_{p}"] for p in ("methods", "models", "datasets")]
    timeline, rising, code = figs["timeline"], figs["rising"], figs["code_share"]
    comms = figs["communities"]
    dated = sum(int(n or 0) for n in timeline.column("papers"))
    lead = (f"{counts.get('papers', 0):,} papers, {counts.get('entities', 0):,} entities, "
            f"{counts.get('links between papers', 0):,} links between papers; "
            f"{dated:,} papers have a month.")
    nav = "".join(f'<a href="#{key}">{esc(label)}</a>' for key, label in SECTIONS)
    parts = [
        f'<section id="overview"><h2>Counts and coverage</h2>\n<div class="grid">'
        f'{html_table(figs["counts"])}{html_table(figs["dating"])}</div>\n'
        f'<p class="note">{esc(figs["dating"].note)}</p>\n',
        figure("coverage", plots.coverage_chart(coverage),
               "Share of the papers with entities, code, links to code or project pages, a related "
               "paper, and a month.", [coverage]),
        "</section>\n<section id=\"entities\"><h2>Top entities</h2>\n",
        top_figure(tops),
        "</section>\n<section id=\"time\"><h2>Over time</h2>\n",
        figure("timeline", plots.timeline_chart(timeline),
               "Papers per month, by publication date (else arXiv id, else listing date).",
               [timeline]),
        figure("entity-timeline", plots.entity_timeline_chart(figs["entity_timeline"]),
               "Papers per month naming each of the entities most named by dated papers.",
               [figs["entity_timeline"]]),
        figure("rising", plots.rising_chart(rising),
               f"{rising.title}: how much more often papers name them lately.", [rising]),
        figure("code-share", plots.code_share_chart(code),
               "Papers per month that link their official code (dark) and that do not (light); "
               f"{_overall(code)} The table gives each month's share.", [code]),
        "</section>\n<section id=\"communities\"><h2>Communities</h2>\n",
        figure("communities", plots.communities_chart(comms),
               "The largest communities of related papers (Louvain on the links between papers), "
               "labelled by the entities most of their papers name.", [comms],
               ["community", "papers", "label"]),
        f"<h3>What each community is about</h3>\n{html_table(comms, ['community', 'papers', 'top entities', 'central papers'], 'about')}\n"
        if comms.rows else "",
        "</section>\n",
    ]
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="kg">\n<title>{esc(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{esc(title)}</h1>\n"
            f'<p class="lead">{esc(lead)}</p>\n<nav>{nav}</nav>\n</header>\n<main>\n'
            + "".join(parts) + "</main>\n<footer>Written by kg from the build's corpus; charts "
            "drawn with matplotlib. Every number of a chart is in the table below it.</footer>\n"
            "</body>\n</html>\n")


def summary_html(d: "Digest", top: int = 5) -> str:
    """A corpus at a glance, for Jupyter: its counts and its top entities of each type."""
    from kg.export.report.figures import PLURALS, counts_table, top_table
    from kg.records import ENTITY_TYPES

    counts = ", ".join(f"{c:,} {esc(w)}" for w, c in counts_table(d).rows)
    rows = []
    for t in ENTITY_TYPES:
        ranked = top_table(d, t, top)
        names = ", ".join(f"{esc(n)} ({p})" for n, p in zip(ranked.column("name"),
                                                             ranked.column("papers"), strict=True))
        rows.append(f"<tr><th>{esc(PLURALS[t])}</th><td>{names or 'none'}</td></tr>")
    return (f'<div class="kg-corpus"><p><b>Corpus</b>: {counts}</p>'
            f"<table><tbody>{''.join(rows)}</tbody></table></div>")
