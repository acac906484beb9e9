"""The visible text of a Daily Papers page saved from a browser as HTML ("Save page as").

The page is turned into the text a reader sees, one block per line group: every
block-level element (a heading, a paragraph, a card's row) ends a block, inline
elements join their text with the text around them. What a reader does not see is
left out: scripts, styles, inline SVG icons, templates, hidden elements, attribute
values (the page's ``data-props`` JSON), and, around the ``<main>`` content, the
site's navigation bar and footer. The result reads as the block layout of
:mod:`kg.sources.dailypapers`, each line numbered by where its text starts in the
HTML file.

>>> page = ('<html><body><nav>Models</nav><main><h1>Daily Papers</h1><div>Nov 4</div>'
...         '<article><h3><a href="/papers/1">A <b>Title</b></a></h3><p>An abstract.</p></article>'
...         '</main><footer>About</footer></body></html>')
>>> [t for _, t in visible_lines(page) if t]
['Daily Papers', 'Nov 4', 'A Title', 'An abstract.']
"""

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

# elements whose content a reader never sees as text
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "title",
                        "iframe", "object", "canvas", "select", "textarea", "video", "audio"})
# the site's chrome: never the page's own content, or not when outside its <main>
_CHROME = frozenset({"nav", "footer", "dialog"})
_OUTER = frozenset({"header", "aside"})
_BLOCK = frozenset({
    "address", "article", "blockquote", "body", "br", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "label", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "button"} | _CHROME | _OUTER)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)


def looks_like_html(head: str) -> bool:
    """Whether a file starting with ``head`` is an HTML page (not XML of another kind).

    >>> looks_like_html('<!-- saved from url=(0029)https://huggingface.co/papers -->\\n<html>')
    True
    >>> looks_like_html('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">')
    False
    """
    return bool(_HTML_START.match(head.removeprefix("\ufeff")))


# a link to a paper's page on the Hub, which is named by its arXiv id
_PAPER_HREF = re.compile(r"^(?:https?://(?:www\.)?huggingface\.co)?/papers/(\d{4}\.\d{4,5})(?:v\d+)?(?:[/?#]|$)")


@dataclass(frozen=True)
class Page:
    """The visible text of a page: (line, text) blocks with a blank text between blocks, and
    the arXiv id of every block that is all one link to a paper's page (its title)."""

    lines: list[tuple[int, str]]
    paper_ids: dict[str, str]


class _Text(HTMLParser):
    """Collects (line, text) blocks; an empty text marks the end of a block."""

    def __init__(self, main_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.main_only = main_only  # a <main> exists: only its content is the page's own
        self.stack: list[tuple[str, bool]] = []  # open elements and whether each hides its content
        self.hidden = 0  # open elements hiding what is inside them
        self.in_main = 0
        self.out: list[tuple[int, str]] = []
        self.pending: list[str] = []
        self.pending_line = 0
        self.hrefs: list[str | None] = []  # the open <a> elements' targets
        self.linked: list[str] = []  # the visible text of this block inside a paper link
        self.ids: dict[str, str] = {}

    def _hides(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        a = dict(attrs)
        if tag in _INVISIBLE or "hidden" in a or a.get("aria-hidden") == "true":
            return True
        if _HIDDEN_STYLE.search(a.get("style") or ""):
            return True
        if tag in _CHROME or (tag in _OUTER and not self.in_main):
            return True
        return tag == "input" and (a.get("type") or "").lower() == "hidden"

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.pending)).strip()
        if text:
            self.out.append((self.pending_line, text))
            self.out.append((self.pending_line, ""))
            paper = _PAPER_HREF.match(self.linked[0]) if self.linked else None
            if paper and _SPACE.sub(" ", "".join(self.linked[1:])).strip() == text:
                self.ids.setdefault(text, paper.group(1))
        self.pending.clear()
        self.pending_line = 0
        self.linked = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _VOID:
            return
        hides = self._hides(tag, attrs)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))
        self.stack.append((tag, hides))
        self.hidden += hides
        self.in_main += tag == "main"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in _VOID or not any(t == tag for t, _ in self.stack):
            return  # a stray end tag closes nothing
        while self.stack:  # an end tag closes the elements left open inside it
            t, hides = self.stack.pop()
            self.hidden -= hides
            if t == "a" and self.hrefs:
                self.hrefs.pop()
            self.in_main -= t == "main"
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.hidden or (self.main_only and not self.in_main):
            return
        if not self.pending_line and data.strip():
            self.pending_line = self.getpos()[0]
        self.pending.append(data)
        href = self.hrefs[-1] if self.hrefs else None
        if data.strip():
            if href is None or (self.linked and self.linked[0] != href):
                self.linked = ["", "?"]  # text outside the link, or in another one: no title link
            elif not self.linked:
                self.linked = [href]
        if self.linked and href is not None and self.linked[0] == href:
            self.linked.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def visible_text(html: str) -> Page:
    """What a browser shows of ``html``, and the arXiv ids of the paper links among it.

    >>> visible_text('<h3><a href="/papers/2401.00001">A Title</a></h3><p>Text.</p>').paper_ids
    {'A Title': '2401.00001'}
    """
    parser = _Text(main_only=re.search(r"<main\b", html, re.IGNORECASE) is not None)
    parser.feed(html.removeprefix("\ufeff"))
    parser.close()
    return Page(parser.out, parser.ids)


def visible_lines(html: str) -> list[tuple[int, str]]:
    """(line, text) of what a browser shows of ``html``, a blank text between blocks."""
    return visible_text(html).lines


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_URL_DAY = re.compile(r"(?:date[=/])(\d{4})-(\d{2})-(\d{2})\b")


def saved_day(html: str) -> date | None:
    """The day of the listing a browser saved the page from, when its address names one
    (``<!-- saved from url=(0043)https://huggingface.co/papers?date=2024-11-04 -->``).

    >>> saved_day('<!-- saved from url=(0042)https://huggingface.co/papers/date/2024-11-04 -->')
    datetime.date(2024, 11, 4)
    """
    m = _SAVED_FROM.search(html[:4096])
    day = _URL_DAY.search(m.group(1)) if m else None
    if day is None:
        return None
    try:
        return date(*map(int, day.groups()))
    except ValueError:
        return None
