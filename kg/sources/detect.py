"""Which reader a file needs, from the start of its content and its suffix.

Content decides the family (XML, JSON array, JSON Lines, text); the suffix
only settles what content cannot (CSV versus a text page). Empty, binary and
non-UTF-8 files are refused here, before any reader runs.
"""

import json
import re
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.sources.base import csv_delimiter
from kg.sources.dailypapers import html_is_dailypapers, looks_like_dailypapers
from kg.sources.htmlpage import looks_like_html

HEAD_BYTES = 1 << 16
INPUT_FORMATS = ("dailypapers", "jsonl", "json", "csv", "arxiv-atom", "arxiv-snapshot", "hf-api")
_SNAPSHOT_KEYS = {"authors_parsed", "submitter", "versions", "update_date", "journal-ref"}
_HF_PAPER = re.compile(r'\{\s*"paper"\s*:\s*\{|"paper"\s*:\s*\{\s*"id"')
_HF_KEYS = {"summary", "upvotes", "publishedAt", "githubRepo", "ai_keywords", "paper"}


def read_head(path: str | Path) -> str:
    """The first bytes of a file as text; InputError when empty, binary or not UTF-8."""
    with open(path, "rb") as f:
        raw = f.read(HEAD_BYTES)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise InputError(path, "empty file")
    if b"\x00" in raw:
        raise InputError(path, "binary file (NUL bytes), not a paper listing",
                         raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(raw) - 3 and len(raw) == HEAD_BYTES:
            return raw[: e.start].decode("utf-8")  # a character cut by the head's end
        raise InputError(path, f"not UTF-8 text (byte 0x{raw[e.start]:02x})",
                         raw[: e.start].count(b"\n") + 1) from None


def _first_json_line(head: str) -> dict[str, Any] | None:
    line = head.lstrip().split("\n", 1)[0]
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, a number int() refuses, nested too deeply
        return None
    return value if isinstance(value, dict) else None


def _hf_paper_object(first: dict[str, Any] | None, head: str) -> bool:
    """Whether a file starting with an object is one paper of the Hugging Face API: its
    abstract is a ``summary``, with API keys beside it, and no ``abstract``."""
    if first is not None:
        return "abstract" not in first and ("summary" in first or isinstance(first.get("paper"), dict)) \
            and len(_HF_KEYS & first.keys()) >= 2
    keys = set(re.findall(r'"(\w+)"\s*:', head))
    return "abstract" not in keys and "summary" in keys and "title" in keys and len(_HF_KEYS & keys) >= 2


def detect_format(path: str | Path) -> str:
    """The input format name of a file, from its content and suffix.

    Raises InputError for an empty, binary or non-UTF-8 file and for a layout no reader knows.
    """
    head = read_head(path)
    suffix = Path(path).suffix.lower()
    start = head.lstrip()
    if start.startswith("<"):
        if looks_like_html(head):
            if html_is_dailypapers(head):
                return "dailypapers"
            raise InputError(path, "unknown layout: an HTML page, but not a saved Daily Papers page", 1)
        if "http://www.w3.org/2005/Atom" in head and re.search(r"<(?:\w+:)?feed\b", head):
            return "arxiv-atom"
        raise InputError(path, "unknown layout: XML but not an Atom feed", 1)
    if start.startswith("["):
        return "hf-api" if _HF_PAPER.search(head) else "json"
    if start.startswith("{"):
        first = _first_json_line(head)
        if first is not None and _SNAPSHOT_KEYS & first.keys() and "abstract" in first:
            return "arxiv-snapshot"
        if _hf_paper_object(first, head):
            return "hf-api"  # one paper object of the API (/api/papers/<id>)
        if first is None and suffix == ".json":
            return "json"  # a single object: the json reader says it is not an array
        return "jsonl"
    lines = head.splitlines()
    if suffix in (".csv", ".tsv") or csv_delimiter(lines[0] if lines else ""):
        return "csv"
    if looks_like_dailypapers(lines[:400]):
        return "dailypapers"
    raise InputError(path, "unknown layout: not a Daily Papers page, JSON, JSON Lines, CSV or Atom feed "
                           f"(use --input-format NAME, one of: {', '.join(INPUT_FORMATS)})")
