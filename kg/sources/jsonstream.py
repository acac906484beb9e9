"""Streaming over JSON: the elements of a top-level array, the objects of a JSONL file.

A JSON array is decoded one element at a time from a growing buffer, so a large
array never has to be held as one Python object; each element comes with the
line it starts on. A value holding a lone surrogate escape (``"\\ud800"``: valid
JSON, but no character, so it could never be written out as UTF-8) comes as an
InputError in its place, naming the field, so that a reader can skip it.
"""

import codecs
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.sources.base import iter_lines

_CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
_WS = " \t\r\n"
_SURROGATE = re.compile("[\ud800-\udfff]")
Item = tuple[int, Any] | InputError


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """(field, surrogate) of the first string or key in a decoded value holding a lone surrogate.

    >>> lone_surrogate({"title": "ok", "authors": [{"name": "A\\udc00"}]})
    ('authors.0.name', '\\udc00')
    >>> lone_surrogate(["fine", 3, None])
    """
    stack: list[tuple[str, Any]] = [("", value)]  # iterative: a value may nest a thousand deep
    while stack:
        name, v = stack.pop()
        if isinstance(v, str):
            m = _SURROGATE.search(v)
            if m:
                return name or "(the value)", m.group()
        elif isinstance(v, dict):
            for k, x in reversed(v.items()):
                sub = f"{name}.{k}" if name else k
                m = _SURROGATE.search(k)
                if m:
                    return sub, m.group()
                stack.append((sub, x))
        elif isinstance(v, list):
            stack.extend((f"{name}.{i}" if name else str(i), x) for i, x in reversed(list(enumerate(v))))
    return None


def _checked(path: str | Path, line: int, value: Any, text: str | None = None, start: int = 0,
             end: int | None = None) -> Item:
    """(line, value), or the InputError of a lone surrogate in it. ``text[start:end]``, the
    JSON the value was decoded from, settles it at once when it holds no surrogate and no
    ``\\u`` escape (the only way JSON can write one): so it is for almost every record."""
    if text is not None:
        end = len(text) if end is None else end
        if text.find("\\u", start, end) < 0 and not _SURROGATE.search(text, start, end):
            return line, value
    found = lone_surrogate(value)
    if found is None:
        return line, value
    name, char = found
    return InputError(path, f"field {name!r} holds a lone surrogate escape \\u{ord(char):04x} "
                            "(half of a UTF-16 pair, not a character)", line)


def _problem(e: ValueError | RecursionError) -> str:
    """A decoding failure of json, in one line."""
    if isinstance(e, json.JSONDecodeError):
        return e.msg
    if isinstance(e, RecursionError):
        return "arrays or objects nested too deeply"
    return "a number with too many digits" if "digits" in str(e) else str(e)


def _chunks(f: IO[bytes], path: str | Path) -> Iterator[str]:
    dec = codecs.getincrementaldecoder("utf-8-sig")()
    seen = 0
    while True:
        raw = f.read(_CHUNK)
        try:
            text = dec.decode(raw, final=not raw)
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {seen + e.start})") from None
        seen += len(raw)
        if "\x00" in text:
            raise InputError(path, "binary data (NUL byte), not JSON")
        if text:
            yield text
        if not raw:
            return


def iter_array(chunks: Iterable[str], path: str | Path) -> Iterator[Item]:
    """(line, element) for each element of the JSON array spread over ``chunks``.

    An element that decodes to a lone surrogate comes as an InputError in its place; any
    other broken element is raised, as the array cannot be followed past it.
    """
    it = iter(chunks)
    buf, pos, line = "", 0, 1  # line: the line number of buf[pos]
    eof = False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        nxt = next(it, None)
        if nxt is None:
            eof = True
            return False
        buf = buf[pos:] + nxt
        pos = 0
        return True

    def skip_ws() -> str:
        nonlocal pos, line
        while True:
            while pos < len(buf) and buf[pos] in _WS:
                if buf[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos] if pos < len(buf) else ""

    first = skip_ws()
    if first != "[":
        raise InputError(path, "expected a JSON array ('[') at the top level"
                         if first else "empty file", line)
    pos += 1
    expect_value = True
    while True:
        c = skip_ws()
        if not c:
            raise InputError(path, "truncated JSON: the array is not closed", line)
        if c == "]":
            pos += 1
            if skip_ws():
                raise InputError(path, "extra data after the JSON array", line)
            return
        if not expect_value:
            if c != ",":
                raise InputError(path, f"invalid JSON: expected ',' or ']' but found {c!r}", line)
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                value, end = _DECODER.raw_decode(buf, pos)
            except json.JSONDecodeError as e:
                # an element cut by the chunk boundary: read more and try again
                if more():
                    continue
                cut = e.pos >= len(buf.rstrip()) or e.msg.startswith("Unterminated string")
                what = "truncated JSON" if cut else "invalid JSON"
                raise InputError(path, f"{what}: {e.msg}", line + buf.count("\n", pos, e.pos)) from None
            except (ValueError, RecursionError) as e:
                if more():  # the rest of the element may be in the next chunk, as above
                    continue
                raise InputError(path, f"invalid JSON: {_problem(e)}", line) from None
            if end == len(buf) and more():
                continue  # a number may go on in the next chunk
            break
        yield _checked(path, line, value, buf, pos, end)
        line += buf.count("\n", pos, end)
        pos = end
        expect_value = False


def iter_array_or_object(chunks: Iterable[str], path: str | Path) -> Iterator[Item]:
    """(line, element) of a JSON array as :func:`iter_array` gives them, or the one
    (line, object) of a text holding a single JSON object (read whole: one record is small)."""
    it = iter(chunks)
    first = ""
    for chunk in it:
        first += chunk
        if first.strip(_WS):
            break
    if not first.lstrip(_WS).startswith("{"):
        yield from iter_array(itertools.chain([first], it), path)
        return
    text = first + "".join(it)
    start = len(text) - len(text.lstrip(_WS))
    line = text.count("\n", 0, start) + 1
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON: {e.msg}", e.lineno) from None
    except (ValueError, RecursionError) as e:
        raise InputError(path, f"invalid JSON: {_problem(e)}", line) from None
    if text[end:].strip(_WS):
        raise InputError(path, "extra data after the JSON object (one object, or an array of them)",
                         text.count("\n", 0, end) + 1)
    yield _checked(path, line, value)


def read_array_or_object(path: str | Path) -> Iterator[Item]:
    """:func:`iter_array_or_object` over a file."""
    with open(path, "rb") as f:
        yield from iter_array_or_object(_chunks(f, path), path)


def read_array(path: str | Path) -> Iterator[Item]:
    """(line, element) for each element of the JSON array in a file, streaming."""
    with open(path, "rb") as f:
        yield from iter_array(_chunks(f, path), path)


def iter_jsonl(lines: Iterable[tuple[int, str]], path: str | Path) -> Iterator[Item]:
    """(line, object) per non-blank line; an InputError in place of a line that is not valid JSON."""
    for n, text in lines:
        if not text.strip():
            continue
        try:
            yield _checked(path, n, json.loads(text), text)
        except json.JSONDecodeError as e:
            yield InputError(path, f"invalid JSON: {e.msg} (column {e.colno})", n)
        except (ValueError, RecursionError) as e:
            yield InputError(path, f"invalid JSON: {_problem(e)}", n)


def read_jsonl(path: str | Path) -> Iterator[Item]:
    """:func:`iter_jsonl` over a file; lines end at LF only (a CR is whitespace in JSON)."""
    yield from iter_jsonl(iter_lines(path, universal=False), path)
