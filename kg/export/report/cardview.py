"""A :class:`~.cards.Card` as plain text (``kg show``) and as escaped HTML (Jupyter).

Both show the same sections in the same order. In HTML every value is escaped and
only an absolute http(s) URL becomes a link (:func:`kg.export.html.payload.safe_url`
decides, as in the graph page), so a hostile title or URL is only ever displayed.
"""

import html
from collections.abc import Iterator
from typing import TypeVar

from kg.export.report.cards import Card, CodeLink, PaperRef, Ref, Related

T = TypeVar("T")


def _more(n: int, limit: int | None) -> int:
    return 0 if limit is None else max(0, n - limit)


def _cut(items: tuple[T, ...], limit: int | None) -> tuple[T, ...]:
    return items if limit is None else items[:limit]


def _paper_line(p: PaperRef) -> str:
    return f"{p.month or 'no month':<8}  {p.role:<8}  {p.title}"


def _related_line(r: Related) -> str:
    shared = ", ".join(r.shared)
    return f"{r.weight:>6.2f}  {r.title}" + (f"  (shares {shared})" if shared else "")


def _code_line(c: CodeLink, kind: str) -> str:
    what = ", ".join(x for x in (c.kind or "link", "official" if c.official else "") if x)
    return f"{c.url}  ({what})" + (f"  from {c.paper}" if kind == "entity" else "")


def _sections(card: Card) -> Iterator[tuple[str, list[str]]]:
    """(heading, lines) of each non-empty section, uncut."""
    if card.aliases:
        yield "aliases", [", ".join(card.aliases)]
    if card.family_up:
        yield "family", [" > ".join(r.name for r in card.family_up)]
    if card.family_down:
        yield "variants", ["  " * (depth - 1) + r.name for depth, r in card.family_down]
    if card.papers:
        yield f"papers ({len(card.papers)})", [_paper_line(p) for p in card.papers]
    if card.named_with:
        yield "named with", [", ".join(f"{r.name} ({n})" for r, n in card.named_with)]
    for role, refs in card.entities:
        yield role, [f"{r.type:<8}  {r.name}" for r in refs]
    if card.related:
        yield "related papers (weight, shared entities)", [_related_line(r) for r in card.related]
    if card.code:
        yield "code and links", [_code_line(c, card.kind) for c in card.code]


def card_text(card: Card, limit: int | None = 20) -> str:
    """The card as text: a heading, its facts, then each section (lists cut to ``limit``)."""
    out = [f"{card.name}  [{card.type}]"]
    out += [f"  {label}: {value}" for label, value in card.facts]
    for heading, lines in _sections(card):
        shown = _cut(tuple(lines), limit)
        out.append(f"{heading}:")
        out += [f"  {line}" for line in shown]
        if _more(len(lines), limit):
            out.append(f"  ... and {_more(len(lines), limit)} more")
    return "\n".join(out) + "\n"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(url: str) -> str:
    from kg.export.html.payload import safe_url

    safe = safe_url(url)
    return f'<a href="{_esc(safe)}" rel="noopener noreferrer">{_esc(url)}</a>' if safe else _esc(url)


def _refs(refs: tuple[Ref, ...]) -> str:
    return ", ".join(f'<span class="kg-{_esc(r.type)}">{_esc(r.name)}</span>' for r in refs)


def card_html(card: Card, limit: int | None = 20) -> str:
    """The card as an HTML fragment, every value escaped."""
    facts = "".join(f"<dt>{_esc(k)}</dt><dd>{_link(v) if k == 'url' else _esc(v)}</dd>"
                    for k, v in card.facts)
    parts = [f'<div class="kg-card"><h3>{_esc(card.name)} <small>[{_esc(card.type)}]</small></h3>',
             f"<dl>{facts}</dl>"]
    if card.aliases:
        parts.append(f"<p><b>aliases</b>: {', '.join(_esc(a) for a in card.aliases)}</p>")
    if card.family_up:
        parts.append(f"<p><b>family</b>: {' &gt; '.join(_esc(r.name) for r in card.family_up)}</p>")
    if card.family_down:
        items = "".join(f'<li style="margin-left:{depth - 1}em">{_esc(r.name)}</li>'
                        for depth, r in card.family_down)
        parts.append(f"<p><b>variants</b></p><ul>{items}</ul>")
    if card.papers:
        rows = "".join(f"<tr><td>{_esc(p.month or '')}</td><td>{_esc(p.role)}</td>"
                       f"<td>{_esc(p.title)}</td></tr>" for p in _cut(card.papers, limit))
        more = _more(len(card.papers), limit)
        parts.append(f"<p><b>papers</b> ({len(card.papers)})</p><table>{rows}</table>"
                     + (f"<p>... and {more} more</p>" if more else ""))
    if card.named_with:
        parts.append("<p><b>named with</b>: " + ", ".join(f"{_esc(r.name)} ({n})"
                                                          for r, n in card.named_with) + "</p>")
    for role, refs in card.entities:
        parts.append(f"<p><b>{_esc(role)}</b>: {_refs(refs)}</p>")
    if card.related:
        rows = "".join(f"<tr><td>{r.weight:.2f}</td><td>{_esc(r.title)}</td>"
                       f"<td>{_esc(', '.join(r.shared))}</td></tr>" for r in card.related)
        parts.append("<p><b>related papers</b></p><table><tr><th>weight</th><th>paper</th>"
                     f"<th>shared entities</th></tr>{rows}</table>")
    if card.code:
        items = "".join(f"<li>{_link(c.url)} ({_esc(c.kind or 'link')}"
                        f"{', official' if c.official else ''})</li>" for c in card.code)
        parts.append(f"<p><b>code and links</b></p><ul>{items}</ul>")
    return "".join(parts) + "</div>"
