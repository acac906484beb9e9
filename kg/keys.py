"""Text normalisation and paper identity."""

import hashlib
import re
import unicodedata

_ARXIV_ID = re.compile(
    r"(?:arxiv[:/ ]|abs/|pdf/)?\s*(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
# \textbf{x} -> x, \emph{x} -> x ...: keep the argument, drop the command
_LATEX_CMD_ARG = re.compile(r"\\(?:textbf|textit|texttt|textsc|emph|mathrm|mathbf|mathit|mathcal|text|url|href\{[^}]*\})\s*\{([^{}]*)\}")
_LATEX_ESCAPE = re.compile(r"\\([%&$#_{}])")
_LATEX_DASH = {"---": "\u2014", "--": "\u2013"}
_LATEX_BARE_CMD = re.compile(r"\\(?:textbf|textit|emph|texttt)\{")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise what readers hand over: control characters, LaTeX remnants, whitespace.

    >>> clean_text("  up to 15\\\\% with \\\\textbf{FlowCut}\\n  model ")
    'up to 15% with FlowCut model'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    for _ in range(3):  # nested commands unwrap from the inside out
        new = _LATEX_CMD_ARG.sub(r"\1", text)
        if new == text:
            break
        text = new
    text = _LATEX_BARE_CMD.sub("", text)  # an unclosed \textbf{ left by a truncated abstract
    text = _LATEX_ESCAPE.sub(r"\1", text)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r"(?<=\S)~(?=\w)", " ", text)  # LaTeX non-breaking space: "Fig.~3"
    return _SPACE.sub(" ", text).strip()


def title_key(title: str) -> str:
    """A title reduced to lowercase letters and digits: equal keys mean the same paper."""
    t = unicodedata.normalize("NFKD", title)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", t.lower())


def parse_arxiv_id(value: str | None) -> str | None:
    """The bare arXiv id (no version) in an id, abs/pdf URL or 'arXiv:' string.

    >>> parse_arxiv_id("http://arxiv.org/abs/2305.12345v2")
    '2305.12345'
    >>> parse_arxiv_id("hep-th/9901001v1")
    'hep-th/9901001'
    """
    if not value:
        return None
    m = _ARXIV_ID.search(value.strip())
    return m.group(1) if m else None


def paper_id(title: str, arxiv_id: str | None = None, doi: str | None = None) -> str:
    """The stable id of a paper: its arXiv id when known, else a hash of the normalised title.

    The DOI is not used for identity: the same paper often appears with and
    without one, and the title hash must then agree.

    >>> paper_id("Attention Is All You Need", "1706.03762")
    'arxiv:1706.03762'
    >>> paper_id("Attention is all you need!") == paper_id("ATTENTION IS ALL YOU NEED")
    True
    """
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    digest = hashlib.sha1(title_key(title).encode()).hexdigest()[:16]
    return f"title:{digest}"
