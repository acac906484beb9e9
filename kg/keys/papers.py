"""Paper keys: the text readers hand over, the title key, arXiv ids and paper ids."""

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
_LATEX_BARE_CMD = re.compile(r"\\(?:textbf|textit|emph|texttt)\{")
# C0 and C1 controls but tab, LF and CR: XML 1.0 forbids the C0 ones (GraphML, GEXF and
# RDF/XML would not parse back), XML 1.1 and HTML the C1 ones
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# lone surrogates (XML forbids them, UTF-8 cannot hold them) and the noncharacters
# (U+FFFE and U+FFFF are forbidden by XML; U+FDD0-U+FDEF and U+nFFFE/U+nFFFF mean nothing)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)) + "]")
_SPACE = re.compile(r"\s+")


def plain_chars(text: str) -> str:
    """``text`` with only characters every output can hold: XML 1.0, UTF-8 and HTML.

    Control characters become spaces, lone surrogates U+FFFD, noncharacters go.
    :func:`clean_text` does this; readers use it alone on values that are not
    prose (URLs, dates, keywords).

    >>> plain_chars("a\\x01b\\ufffec\\ud800")
    'a bc\ufffd'
    """
    text = _CONTROL.sub(" ", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _NONCHARACTER.sub("", text)


def clean_text(text: str) -> str:
    """Normalise what readers hand over: control characters, LaTeX remnants, whitespace.

    Only characters XML 1.0 allows are left (:func:`plain_chars`), so that every
    export of the text parses back.

    >>> clean_text("  up to 15\\\\% with \\\\textbf{FlowCut}\\n  model ")
    'up to 15% with FlowCut model'
    >>> clean_text("Glimmer\\ufffeNet\\x0b v2\\uffff")
    'GlimmerNet v2'
    """
    if not text:
        return ""
    text = plain_chars(unicodedata.normalize("NFC", text))
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


def unaccented(text: str) -> str:
    if text.isascii():
        return text  # nothing to decompose
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c))


# Latin letters that Unicode does not decompose into an ASCII letter and an accent,
# folded as a reader folds them ("Søren" is "Soren", as "José" is "Jose"); casefold
# already makes "ß" "ss".
_LATIN_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                             "æ": "ae", "œ": "oe", "þ": "th"})


def title_key(title: str) -> str:
    """A title reduced to its letters and digits, of any script: equal keys mean the same paper.

    Case is folded (``casefold``), and so are compatibility forms (NFKC: "ﬁ" is "fi",
    "２" is "2") and the accents of Latin letters ("é" is "e", "ø" is "o"); every other
    character is dropped. A mark on a letter of another script stays with it: there it
    often makes another letter ("が" is not "か", "й" is not "и"). A title with no letter
    or digit at all keeps its other characters, less spaces, so such titles differ too.
    Titles in ASCII letters get the key they always had (a-z and 0-9 only).

    >>> title_key("Attention Is All You Need!") == title_key("attention is all you need")
    True
    >>> title_key("α-Divergence") != title_key("β-Divergence"), title_key("注意力：机制")
    (True, '注意力机制')
    >>> title_key("Déjà Vu"), title_key("Straße"), title_key("🙂 🙂")
    ('dejavu', 'strasse', '🙂🙂')
    """
    text = unicodedata.normalize("NFKC", title)
    out: list[str] = []
    marks = False  # whether a mark here belongs to a kept non-Latin letter
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii():
            if base.isalnum():
                out.append(base.lower())  # the accents of a Latin letter go
            marks = False
        elif ch.isalnum():
            out.append(ch.casefold().translate(_LATIN_FOLD))
            marks = True
        elif marks and unicodedata.category(ch).startswith("M"):
            out.append(ch)
        else:
            marks = False
    key = unicodedata.normalize("NFKC", "".join(out))  # casefold may leave letters decomposed
    return key or _SPACE.sub("", text.casefold())


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
