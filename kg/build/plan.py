"""What a build has to do, decided from the previous state and the papers just read.

:func:`plan` is pure: it reads no file and writes none, so every rule of an
incremental build (what counts as new or changed, when an extraction is reused,
which id a paper keeps across builds) is tested on hand-made records.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from kg.build.state import State, text_hash
from kg.keys import title_key
from kg.records import Paper, PaperEntities


@dataclass(frozen=True)
class Plan:
    """The corpus after a build and what has to be done to get there.

    ``new``, ``updated`` and ``unchanged`` partition the ids of the papers read
    (after the same-title rule); ``kept`` are the papers of earlier builds not read
    this time. ``extractions`` are the earlier extractions still valid, and
    ``to_extract`` the papers that have none, in id order.
    """

    papers: dict[str, Paper]  # the whole corpus, in id order
    extractions: dict[str, PaperEntities]
    new: tuple[str, ...]
    updated: tuple[str, ...]  # same paper, new title or abstract (or a new id): replaced
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]
    renamed: dict[str, str]  # title id -> the arXiv id the paper has in the corpus
    to_extract: tuple[Paper, ...]


def plan(before: State, read: Mapping[str, Paper], fingerprint: str) -> Plan:
    """The plan of a build that read ``read`` (papers by id) over ``before``.

    Parameters
    ----------
    before
        The previous build's state; ``before.info["extractor"]`` is the fingerprint
        its extractions were made with.
    read
        The papers of this build's inputs, by id, as the readers merged them.
    fingerprint
        The current extractor's fingerprint: when it differs from the previous one,
        no extraction is reused.

    Examples
    --------
    >>> old = Paper(id="title:x", title="X", abstract="About x.")
    >>> p = plan(State(papers={old.id: old}), {"arxiv:1": Paper(id="arxiv:1", title="X",
    ...          abstract="About x.", arxiv_id="1")}, "fp")
    >>> p.renamed, p.updated, list(p.papers)
    ({'title:x': 'arxiv:1'}, ('arxiv:1',), ['arxiv:1'])
    """
    papers = dict(before.papers)
    reuse = before.info.get("extractor") == fingerprint
    extractions = dict(before.extractions) if reuse else {}
    read, renamed, moved = _same_ids_as_before(read, before.papers)
    for old_id, _ in moved:  # the paper comes back under its arXiv id
        papers.pop(old_id, None)
        extractions.pop(old_id, None)
    moved_to = {new_id for _, new_id in moved}

    new: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for pid, paper in read.items():
        old = before.papers.get(pid)
        if old is None:  # new, unless it is an earlier paper under its new arXiv id
            (updated if pid in moved_to else new).append(pid)
        elif text_hash(old, fingerprint) != text_hash(paper, fingerprint):
            updated.append(pid)
            extractions.pop(pid, None)
        else:
            unchanged.append(pid)
        papers[pid] = paper
    papers = {k: papers[k] for k in sorted(papers)}
    return Plan(papers=papers, extractions=extractions, new=tuple(new), updated=tuple(updated),
                unchanged=tuple(unchanged), kept=tuple(k for k in papers if k not in read),
                renamed=renamed,
                to_extract=tuple(p for p in papers.values() if p.id not in extractions))


def _same_ids_as_before(read: Mapping[str, Paper], before: Mapping[str, Paper]
                        ) -> tuple[dict[str, Paper], dict[str, str], list[tuple[str, str]]]:
    """The identity rule of the readers across builds: the same title is the same paper.

    A paper built earlier by title alone and now read with its arXiv id takes the arXiv
    id (the old record goes); one read by title alone keeps the arXiv id it was built with.
    Returns the papers under their ids, the renames (title id -> arXiv id, either way)
    and the renames of the first kind alone, as (earlier id, new id) pairs: their
    earlier record goes.
    """
    renamed: dict[str, str] = {}
    moved: list[tuple[str, str]] = []
    by_title = {title_key(p.title): pid for pid, p in before.items()}
    out: dict[str, Paper] = {}
    for pid, paper in read.items():
        old_id = by_title.get(title_key(paper.title))
        if old_id and old_id != pid:
            if pid.startswith("arxiv:") and old_id.startswith("title:"):
                renamed[old_id] = pid
                moved.append((old_id, pid))
            elif pid.startswith("title:") and old_id.startswith("arxiv:"):
                renamed[pid] = old_id
                paper = replace(paper, id=old_id, arxiv_id=before[old_id].arxiv_id)
                pid = old_id
        out[pid] = paper
    return out, renamed, moved
