"""Interactive HTML view of the graph: one self-contained file that opens offline.

>>> from kg.export.html import render_html  # doctest: +SKIP
>>> html = render_html(corpus)  # the map  # doctest: +SKIP
>>> html = render_html(corpus, view="links", focus="LLaVA", depth=2)  # doctest: +SKIP

Modules: :mod:`.views` picks the graph (view, filters, focus, max_nodes),
:mod:`.mapview` makes the map's graph and communities, :mod:`.layout` and
:mod:`.maplayout` place the nodes, :mod:`.payload` and :mod:`.details` turn it into
page data and :mod:`.page` writes the document.
"""

import io
from collections.abc import Iterable
from typing import IO, Any

from kg.export.html.views import VIEWS, View, build_view
from kg.settings import Settings

__all__ = ["VIEWS", "View", "build_view", "render_html", "write_html"]

TITLES = {"map": "a map of related papers and their entities", "papers": "papers and their entities", "links": "papers linked by shared entities",
          "entities": "entities named together"}


def render_html(corpus: Any, settings: Settings | None = None, view: str = "map",
                focus: str | None = None, depth: int = 1,
                types: Iterable[str] | str | None = None, min_support: int = 1,
                max_nodes: int | None = None) -> str:
    """The corpus as one self-contained interactive HTML page (a string; nothing is written).

    Parameters
    ----------
    corpus : kg.corpus.Corpus
        Needs ``papers``, ``extractions``, ``entities``, ``occurrences`` and ``links``.
    view : {"map", "papers", "links", "entities"}
        The map (communities of related papers and the entities they share, laid
        out apart and labelled; papers with no related paper listed apart);
        papers with their entities and repositories; papers joined by shared
        entities; or entities joined when a paper names both.
    focus, depth : str, int
        Show only the nodes within ``depth`` hops of the paper (id, arXiv id or
        title) or entity (id, name or any alias) named ``focus``.
    types : list of str or comma-separated str
        Entity/repository types to show (papers always stay in the paper views).
    min_support : int
        Leave out entities and repositories named by fewer papers.
    max_nodes : int
        Most nodes shown (default ``settings.html_max_nodes``; 0 = no limit);
        the page says what was left out.

    Raises
    ------
    kg.errors.KGError
        For an unknown view or type, a focus that names nothing, a bad number.
    """
    buf = io.BytesIO()
    write_html(corpus, buf, settings, view, focus, depth, types, min_support, max_nodes)
    return buf.getvalue().decode("utf-8")


def write_html(corpus: Any, out: IO[bytes], settings: Settings | None = None, view: str = "map",
               focus: str | None = None, depth: int = 1,
               types: Iterable[str] | str | None = None, min_support: int = 1,
               max_nodes: int | None = None) -> None:
    """Write the page of :func:`render_html` to ``out`` (UTF-8), its data as it is made:
    the nodes' panels of a large corpus are never held all at once."""
    settings = settings or getattr(corpus, "settings", None) or Settings()
    from kg.export.html.page import write_page
    from kg.export.html.payload import build_payload

    if isinstance(types, str):
        types = [t for t in types.split(",") if t.strip()]
    limit = settings.html_max_nodes if max_nodes is None else max_nodes
    v = build_view(corpus, view, focus, depth, types, min_support, limit)
    title = f"kg: {TITLES.get(view, view)}" + (f" around {focus}" if focus else "")
    payload = build_payload(corpus, v, title)
    counts = f"{v.shown_nodes} nodes, {v.shown_edges} edges."
    write_page(payload, title, [counts, *v.notes], out)
