"""Readers of paper listings: Path --sources--> Paper.

:func:`read_papers` is what users want: every input read, the same paper met
several times merged into one record. :func:`iter_records` gives the unmerged
sightings of one file, streaming. Each format has a ``parse_x(text)`` /
``read_x(path)`` pair; :data:`READERS` maps the format names that
``--input-format`` accepts to the ``read_x`` functions.
"""

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import FormatError, InputError
from kg.records import Paper
from kg.sources.arxiv import (
    parse_arxiv_atom,
    parse_arxiv_snapshot,
    read_arxiv_atom,
    read_arxiv_snapshot,
)
from kg.sources.base import ErrorCallback, ErrorPolicy
from kg.sources.dailypapers import parse_dailypapers, read_dailypapers
from kg.sources.detect import INPUT_FORMATS, detect_format, read_head
from kg.sources.hfapi import parse_hf_api, read_hf_api
from kg.sources.merge import SeenKeys, merge_papers
from kg.sources.records import (
    paper_schema,
    parse_csv,
    parse_json,
    parse_jsonl,
    read_csv,
    read_json,
    read_jsonl_papers,
)

Reader = Callable[..., Iterator[Paper]]

READERS: dict[str, Reader] = {
    "dailypapers": read_dailypapers,
    "jsonl": read_jsonl_papers,
    "json": read_json,
    "csv": read_csv,
    "arxiv-atom": read_arxiv_atom,
    "arxiv-snapshot": read_arxiv_snapshot,
    "hf-api": read_hf_api,
}
assert tuple(READERS) == INPUT_FORMATS

__all__ = [
    "READERS", "INPUT_FORMATS", "read_papers", "iter_records", "expand_paths", "detect_format",
    "merge_papers", "SeenKeys", "get_reader", "paper_schema",
    "parse_dailypapers", "read_dailypapers", "parse_jsonl", "read_jsonl_papers", "parse_json",
    "read_json", "parse_csv", "read_csv", "parse_arxiv_atom", "read_arxiv_atom",
    "parse_arxiv_snapshot", "read_arxiv_snapshot", "parse_hf_api", "read_hf_api",
]


def get_reader(name: str) -> Reader:
    """The ``read_x`` function of an input format name; FormatError lists the valid names."""
    try:
        return READERS[name]
    except KeyError:
        raise FormatError("input format", name, list(READERS)) from None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: a directory stands for its files (sorted; hidden files, README* and
    subdirectories left out). A missing path is an InputError."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and not f.name.lower().startswith("readme"))
            if not files:
                raise InputError(p, "directory holds no input files")
            out.extend(files)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, "no such file or directory")
    return out


def _check_name(path: str | Path) -> None:
    """An InputError if the file name is bytes that are not UTF-8: papers.jsonl could not record it."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes as the file system holds them, e.g. "c\xff.jsonl"
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
        raise InputError(shown, "file name is not UTF-8 text; rename the file") from None


def iter_records(path: str | Path, input_format: str | None = None, skip_bad: bool = False,
                 on_error: ErrorCallback | None = None) -> Iterator[Paper]:
    """The sightings of papers in one file, unmerged, in file order, streaming.

    ``input_format`` overrides detection. With ``skip_bad`` a bad record (or a whole
    unreadable file) is passed to ``on_error`` and reading goes on; without it the
    first one raises :class:`~kg.errors.InputError`.
    """
    reader = get_reader(input_format) if input_format else None
    policy = ErrorPolicy(skip_bad, on_error)
    try:
        _check_name(path)
        if reader is None:
            reader = READERS[detect_format(path)]
        else:
            read_head(path)  # empty, binary and non-UTF-8 files are refused whatever the format
        yield from reader(path, skip_bad=skip_bad, on_error=on_error)
    except InputError as e:
        policy.bad(e)  # reached only for file-level problems, or with skip_bad unset
    except (OSError, RecursionError) as e:
        policy.bad(InputError(path, f"cannot read: {e}"))


def read_papers(paths: str | Path | Iterable[str | Path], input_format: str | None = None,
                skip_bad: bool = False, on_error: ErrorCallback | None = None,
                keys: SeenKeys | None = None) -> Iterator[Paper]:
    """Every paper in ``paths`` (files or directories), duplicates merged, in first-seen order.

    ``keys`` gets what the sightings were merged by (:func:`kg.sources.merge.merge_papers`).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.jsonl").write_text('{"title": "T", "abstract": "A.", "id": "2305.12345"}\\n')
    >>> _ = (d / "b.csv").write_text('title,abstract,upvotes\\nT,A longer one.,3\\n')
    >>> [(p.id, p.upvotes, len(p.sources)) for p in read_papers(d)]
    [('arxiv:2305.12345', 3, 2)]
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = expand_paths(paths)

    def sightings() -> Iterator[Paper]:
        for f in files:
            yield from iter_records(f, input_format, skip_bad, on_error)

    return merge_papers(sightings(), keys)

