"""The HTML page: one file, every script and style inline, no request to any host.

vis-network comes from the installed pyvis package (its standalone build,
dual-licensed Apache-2.0/MIT, licence header kept); our scripts and style are
in ``kg/export/html/assets`` (``page.js``, after ``labels.js``, which draws the
map's labels, in one script element). Data goes in as JSON inside ``<script type="application/json">``
with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and a Content-Security-Policy
allows only the page's own scripts (by hash) and no network access at all.
"""

import base64
import hashlib
import html
import importlib.util
import io
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import IO, Any

from kg.errors import KGError

ASSETS = Path(__file__).resolve().parent / "assets"

TEMPLATE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg">
<title>$title</title>
<style>$vis_css</style>
<style>$page_css</style>
</head>
<body>
<header>
<h1 id="kg-title">$title</h1>
<p id="kg-note" role="status">$note</p>
<div id="kg-tools">
<label>Search <input id="kg-search" type="search" placeholder="paper, entity or any alias" autocomplete="off" spellcheck="false"></label>
<span id="kg-count" aria-live="polite"></span>
<button id="kg-isolated" type="button" hidden></button>
<fieldset id="kg-types"><legend>Show:</legend></fieldset>
</div>
<ul id="kg-results"></ul>
</header>
<main>
<div id="kg-graph"></div>
<aside id="kg-panel" hidden>
<button id="kg-panel-close" type="button" aria-label="close">\u00d7</button>
<div id="kg-panel-body"></div>
</aside>
</main>
<noscript><p>This page needs JavaScript to draw the graph.</p></noscript>
<script type="application/json" id="kg-data">$data</script>
<script>$vis_js</script>
<script>$page_js</script>
</body>
</html>
""")

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
JSON_BATCH = 2000  # list items encoded before a piece is given


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element.

    >>> script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def inline_script(code: str) -> str:
    """JavaScript source that cannot end its ``<script>`` element early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def inline_style(css: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.name))


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(JavaScript, CSS) of the vis-network standalone build shipped with pyvis.

    A copy in ``kg/html/assets/vis-network.min.js`` (and ``.css``) wins when present.
    """
    local_js, local_css = ASSETS / "vis-network.min.js", ASSETS / "vis-network.css"
    if local_js.is_file():
        css = local_css.read_text(encoding="utf-8") if local_css.is_file() else ""
        return local_js.read_text(encoding="utf-8"), css
    spec = importlib.util.find_spec("pyvis")  # located, not imported (pyvis imports IPython)
    if spec is None or not spec.submodule_search_locations:
        raise KGError("the HTML view needs the pyvis package (pip install pyvis)")
    lib = Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib"
    builds = sorted((d for d in lib.glob("vis-9*") if (d / "vis-network.min.js").is_file()),
                    key=_version)
    if not builds:
        raise KGError(f"no vis-network build found under {lib}; reinstall pyvis")
    best = builds[-1]
    return ((best / "vis-network.min.js").read_text(encoding="utf-8"),
            (best / "vis-network.css").read_text(encoding="utf-8"))


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


def json_chunks(value: dict[str, Any]) -> Iterator[str]:
    """:func:`script_json` of ``value`` in pieces: a value that is a list or an iterator (the
    nodes, the panels) is encoded item by item, never as one string. Joined, the pieces
    are ``script_json(value)`` with every iterator taken as a list."""
    yield "{"
    for i, (key, v) in enumerate(value.items()):
        head = ("," if i else "") + script_json(key) + ":"
        if not isinstance(v, list | Iterator):
            yield head + script_json(v)
            continue
        batch = [head + "["]
        for j, item in enumerate(v):
            batch.append(("," if j else "") + script_json(item))
            if len(batch) >= JSON_BATCH:
                yield "".join(batch)
                batch = []
        yield "".join(batch) + "]"
    yield "}"


def render_page(payload: dict[str, Any], title: str, notes: list[str]) -> str:
    """The whole HTML document for ``payload`` (see :mod:`kg.export.html.payload`)."""
    buf = io.BytesIO()
    write_page(payload, title, notes, buf)
    return buf.getvalue().decode("utf-8")


def write_page(payload: dict[str, Any], title: str, notes: list[str], out: IO[bytes]) -> None:
    """Write the document of :func:`render_page` to ``out``, its data piece by piece."""
    vis_js, vis_css = vis_assets()
    vis_js = inline_script(vis_js)
    # one script element: the map's labels, then the page
    page_js = inline_script("\n".join((ASSETS / name).read_text(encoding="utf-8")
                                      for name in ("labels.js", "page.js")))
    csp = ("default-src 'none'; "
           f"script-src {_sha256(vis_js)} {_sha256(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    fields = dict(
        csp=csp,
        title=html.escape(title),
        note=" ".join(
            f'<span class="{"kg-warn" if n.startswith("Showing ") else "kg-info"}">'
            f"{html.escape(n)}</span>" for n in notes),
        vis_css=inline_style(vis_css),
        page_css=inline_style((ASSETS / "page.css").read_text(encoding="utf-8")),
        vis_js=vis_js,
        page_js=page_js,
    )
    head, tail = (Template(part) for part in TEMPLATE.template.split("$data"))
    out.write(head.substitute(fields).encode("utf-8"))
    for chunk in json_chunks(payload):
        out.write(chunk.encode("utf-8"))
    out.write(tail.substitute(fields).encode("utf-8"))
