"""The live build's records stand for the input files it read, when a build reads them again.

A build given the live build's input files first (the same names, sizes and bytes in the
same order, read in the same format with the same settings and code: its ``inputs_key``)
and more files after them reads only the files after them. The papers of the first ones
are the live build's own records (its state files, which the build loads anyway), in the
order it read them, as long as no sighting of the new files shares a key with a sighting
the live build read in a way that joins them (:class:`kg.sources.merge.SeenKeys`) nor a paper an id: merging all
the files would then give the same papers, in the same order. Otherwise every file is read.

The live build records what this takes in :data:`READ_NAME` of its generation (not
published at the top): the ids it read, in order, and the keys of its sightings. It does
so only when its read reported nothing and every paper it read is in its state as read
(none renamed nor removed).
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.fileio import atomic_write
from kg.records import Paper

if TYPE_CHECKING:
    from kg.sources.merge import SeenKeys

READ_NAME = ".read.json"  # in the generation directory, next to its papers.jsonl
_FORMAT = 2
_LISTS = ("ids", "titles", "arxiv", "loose", "bare")  # the order of SeenKeys' fields after ids


@dataclass(frozen=True)
class Prior:
    """What a build read: its files' ``inputs_key``, the ids of the papers (in read order)
    and the keys of the sightings."""

    inputs_key: str
    ids: tuple[str, ...]
    keys: "SeenKeys"


def write_prior(path: Path, prior: Prior) -> None:
    """:data:`READ_NAME` of a build, written atomically (sorted keys: the same bytes each time)."""
    k = prior.keys
    record = {"format": _FORMAT, "inputs_key": prior.inputs_key, "ids": list(prior.ids),
              "titles": sorted(k.titles), "arxiv": sorted(k.arxiv), "loose": sorted(k.loose),
              "bare": sorted(k.bare)}
    with atomic_write(path) as f:
        json.dump(record, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def read_prior(path: Path, inputs_key: str) -> Prior | None:
    """The record at ``path`` when it belongs to the files of ``inputs_key``; None when it is
    missing, damaged or another build's."""
    from kg.sources.merge import SeenKeys

    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(d, dict) and d.get("format") == _FORMAT and d.get("inputs_key") == inputs_key
            and all(isinstance(d.get(k), list) and all(isinstance(x, str) for x in d[k])
                    for k in _LISTS)):
        return None
    return Prior(inputs_key, tuple(d["ids"]), SeenKeys(*(set(d[k]) for k in _LISTS[1:])))


def prior_of(live_root: Path | None, live_info: Mapping[str, Any] | None,
             keys: Sequence[str] | None) -> tuple[int, Prior] | None:
    """How many of this build's files (``keys``: :func:`kg.build.state.leading_keys`) the
    live build read, all and only them, and its record; None when they are not the first
    files of this build, or there are no files after them, or it recorded nothing."""
    if live_root is None or live_info is None or keys is None:
        return None
    live_key = live_info.get("inputs_key")
    if not isinstance(live_key, str) or live_key not in keys[1:-1]:
        return None
    prior = read_prior(live_root / READ_NAME, live_key)
    return (keys.index(live_key), prior) if prior is not None else None


def combine(prior: Prior, papers: Mapping[str, Paper], more: Mapping[str, Paper],
            more_keys: "SeenKeys") -> dict[str, Paper] | None:
    """The papers read from all the files: ``prior``'s, which are ``papers`` (the live build's
    state), then ``more`` (merged from the files after them, whose sightings had
    ``more_keys``); None when the two meet, so that every file has to be read."""
    if prior.keys.meets(more_keys):
        return None
    read: dict[str, Paper] = {}
    for pid in prior.ids:
        paper = papers.get(pid)
        if paper is None:
            return None
        read[pid] = paper
    if any(pid in read for pid in more):
        return None
    read.update(more)
    return read


def as_read(read: Mapping[str, Paper], corpus: Mapping[str, Paper]) -> bool:
    """Whether every paper read is the corpus's record of it (the same object): no rename
    nor removal made the state differ from what was read."""
    return all(corpus.get(pid) is paper for pid, paper in read.items())


Reader = Callable[[Sequence[str | Path], Callable[[Exception], None], "SeenKeys"],
                  tuple[dict[str, Paper], int]]


def read_all(inputs: Sequence[str | Path], found: tuple[int, Prior] | None,
             papers: Mapping[str, Paper] | None, report: Callable[[Exception], None],
             read: Reader) -> tuple[dict[str, Paper], int, "SeenKeys"]:
    """The papers of ``inputs``, how many bad records were skipped and the keys of the
    sightings; ``read(files, report, keys)`` parses files (:func:`kg.build.stages.read_inputs`).

    With ``found`` (:func:`prior_of`) and the live build's ``papers``, the files after the
    ones it read are parsed first, and alone when :func:`combine` takes them; else every
    file is, and what the first try reported is dropped (it is reported again).
    """
    from kg.sources import expand_paths
    from kg.sources.merge import SeenKeys

    if found is not None and papers is not None:
        n, prior = found
        errors: list[Exception] = []
        seen = SeenKeys()
        more, skipped = read(expand_paths(inputs)[n:], errors.append, seen)
        combined = combine(prior, papers, more, seen)
        if combined is not None:
            for error in errors:
                report(error)
            return combined, skipped, prior.keys | seen
    seen = SeenKeys()
    everything, skipped = read(inputs, report, seen)
    return everything, skipped, seen
