"""Results as readable tables or machine formats (json, jsonl, csv, tsv), and query results.

:func:`render` writes rows of plain values; a query result (:func:`query_text`) is
written that way as ``table`` or ``jsonl``, and in the W3C formats otherwise: SPARQL 1.1
Query Results JSON, CSV and TSV, Turtle or N-Triples for a graph (:mod:`kg.store.results`).
"""

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kg.errors import FormatError

if TYPE_CHECKING:
    from kg.store.embedded import QueryResult

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
# kg query --format: table and jsonl are kg's own (plain values); json, csv and tsv the W3C
# SPARQL 1.1 results formats; turtle and nt the graph of a CONSTRUCT or DESCRIBE
QUERY_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "turtle", "nt")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    return str(v)


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
           fmt: str = "table", max_width: int = 60) -> str:
    """Render rows (dicts) in one of :data:`FORMATS`.

    >>> print(render([{"a": 1, "b": "x"}], fmt="csv"), end="")
    a,b
    1,x
    """
    if fmt not in FORMATS:
        raise FormatError("output format", fmt, list(FORMATS))
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False) + "\n" for r in rows)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue()
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in cols] for r in rows]
    cells = [[v if len(v) <= max_width else v[: max_width - 1] + "\u2026" for v in row] for row in cells]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(out) + "\n"


def render_sections(sections: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[str], str]],
                    max_width: int = 60) -> str:
    """Titled tables one after the other, each with its note: ``(title, rows, columns, note)``.

    >>> print(render_sections([("Counts", [{"what": "papers", "count": 2}], ["what", "count"], "")]), end="")
    Counts
    what    count
    ------  -----
    papers  2
    """
    out = []
    for title, rows, columns, note in sections:
        block = title + "\n"
        block += render(rows, columns, fmt="table", max_width=max_width) if rows else "(none)\n"
        if note:
            block += f"({note})\n"
        out.append(block)
    return "\n".join(out)


def query_text(result: "QueryResult", fmt: str | None = None) -> str:
    """The text of a query result in one of :data:`QUERY_FORMATS`; by default a table, or
    Turtle for the graph of a CONSTRUCT or DESCRIBE."""
    if fmt is None:
        fmt = "turtle" if result.kind == "graph" else "table"
    if fmt in ("table", "jsonl"):
        return render(result.records(), result.header(), fmt=fmt)
    if fmt not in QUERY_FORMATS:
        raise FormatError("query result format", fmt, list(QUERY_FORMATS))
    return result.serialize(fmt)
