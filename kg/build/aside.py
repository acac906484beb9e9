"""What an add does on its second core after resolution: the links, then the non-RDF exports.

Resolution is two steps on one core: the entities (clusters, families), then the links between
papers (the link index, the pair counting, the caps). The paper and entity partitions of the
N-Quads need the entities only; the links come after them in the file, and the exports that
are not RDF (tables, GraphML, HTML, the report) need the links. So in an add, once the
entities are resolved, one forked child (:mod:`kg.build.fork`)

1. finds the links (:meth:`kg.corpus.Corpus.find_links`: the same function on the same
   records as in the build's own process, so the same links),
2. hands them to the build through a file of the staging directory (:data:`LINKS_NAME`,
   pickled; a byte on a pipe says it is complete), and
3. writes the non-RDF exports, from the last: those the build's process has not claimed
   first (:class:`kg.build.exports.Claims`);

while the build writes the paper and entity partitions, takes the links when the N-Quads
reach them (:class:`LinksLater`: reading ``links`` waits for the child), and, its store
loaded, writes the non-RDF exports from the first until it meets one the child has. A child that dies
or fails before step 2 fails the build with its error; after it, at the build's wait for the
exports, as before. A full build keeps its links in its own process: its rdf and store stages
keep two cores busy already.
"""

import contextlib
import os
import pickle
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.build.exports import Claims, other_exports_aside, write_other_exports
from kg.build.fork import Child, forked
from kg.build.pause import pause
from kg.build.stages import live_quads
from kg.corpus import Corpus
from kg.errors import KGError
from kg.records import Link, Paper
from kg.resolve.links import MadeIndex
from kg.settings import Settings

LINKS_NAME = ".links.pickle"  # in the staging directory, while the child hands the links over
CLAIMS_NAME = ".claims"  # in the staging directory, while the exports are written (Claims)
TEXTS_NAME = ".text-index.pickle"  # in the staging directory, from the state child (TextsAhead)


class LinksLater(Corpus):
    """A corpus whose links are being found elsewhere: reading ``links`` waits for them
    (:meth:`later`); assigning them sets them."""

    _links: list[Link]
    _fetch: Callable[[], list[Link]] | None
    waited: float = 0.0  # seconds the first read of ``links`` waited

    @property
    def links(self) -> list[Link]:
        if self._fetch is not None:
            fetch, self._fetch = self._fetch, None
            t0 = time.perf_counter()
            self._links = fetch()
            self.waited = time.perf_counter() - t0
        return self._links

    @links.setter
    def links(self, value: list[Link]) -> None:
        self._links, self._fetch = value, None

    def later(self, fetch: Callable[[], list[Link]]) -> None:
        """The links are what ``fetch()`` returns, called when they are first read."""
        self._fetch = fetch


def adding(live: Any, settings: Settings, scheduler: str | None) -> bool:
    """Whether this build is an add whose links a child finds (:func:`exports_aside`): the
    store is a copy of the live one updated (:func:`kg.build.stages.live_quads`), the links
    are found here rather than on a cluster, and processes can fork."""
    return live_quads(live, settings) is not None and scheduler is None and hasattr(os, "fork")


@contextlib.contextmanager
def exports_aside(corpus: Corpus, staging: Path, settings: Settings, live: Any,
                  lock: Path | None, texts: "TextsAhead | None" = None) -> Iterator[Child | None]:
    """The child writing an add's non-RDF exports while the block runs (None on a full
    build, which writes them itself): for a :class:`LinksLater` corpus the child finds its
    links first (the module's docstring); for another, the child of
    :func:`kg.build.exports.other_exports_aside`. ``texts`` has the links' text index made
    already."""
    if isinstance(corpus, LinksLater):
        with _links_then_exports(corpus, staging, settings, lock, texts) as child:
            yield child
        return
    if live_quads(live, settings) is None:
        yield None
        return
    with other_exports_aside(corpus, staging, settings, lock) as child:
        yield child


@contextlib.contextmanager
def _links_then_exports(corpus: LinksLater, staging: Path, settings: Settings,
                        lock: Path | None, texts: "TextsAhead | None") -> Iterator[Child]:
    from kg.build.exports import other_exports

    names = [name for name, _ in other_exports(settings)]
    claims = Claims(staging / CLAIMS_NAME)
    if names:
        claims.take(names[-1])  # the child's first: it is the child's whoever gets there first
    links = Handover(staging / LINKS_NAME)

    def work() -> None:  # in the child
        corpus.links = corpus.find_links(text_index=texts.take() if texts is not None else None)
        pause("links:child")
        links.give(corpus.links)
        if names:
            claims.held.add(names[-1])
            write_other_exports(corpus, staging, settings, False, "export:child", claims, last_first=True)

    what = "the links" + (" and the exports " + ", ".join(names) if names else "")
    try:
        with forked(work, what, lock) as child:
            links.forked()

            def fetch() -> list[Link]:
                got: tuple[list[Link]] | None = links.take()
                if got is None:  # the child gone without them
                    child.wait()  # raises what the child raised, or the signal that killed it
                    raise KGError(f"{what} failed: its process ended before it gave the links")
                return got[0]

            corpus.later(fetch)
            child.claims = claims
            yield child
    finally:
        links.done()


class Handover:
    """A value one process gives another (forked from it, or the child of a process forked
    from it) through a pickled file (``path``, in the staging directory): a byte on a pipe
    says the file is complete, and the pipe closed without it that it never will be.

    :meth:`give` in the giving child, :meth:`forked` in the process that forked it,
    :meth:`take` in the one that reads it (waiting for it); :meth:`done` at the end.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fds = list(os.pipe())  # read, write; -1 once closed
        weakref.finalize(self, _close, self._fds)  # a build that failed before done()

    def give(self, value: Any) -> None:
        """Write ``value`` and say so (raises what writing it raises, having said nothing)."""
        from kg.fileio import atomic_write

        try:
            with atomic_write(self.path, "wb", encoding=None) as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.write(self._fds[1], b"1")
        finally:
            _close(self._fds, 1)

    def forked(self) -> None:
        """In the process that forked the giver: only the giver writes the pipe."""
        _close(self._fds, 1)

    def take(self) -> tuple[Any] | None:
        """``(value,)`` once given (waiting for it), or None if the giver ended without it;
        the file is gone after."""
        got = os.read(self._fds[0], 1) if self._fds[0] >= 0 else b""
        _close(self._fds)
        if not got:
            return None
        with open(self.path, "rb") as f:
            value = pickle.load(f)
        self.path.unlink()
        return (value,)

    def done(self) -> None:
        """The pipe closed and the file gone, whoever took it (or nobody)."""
        _close(self._fds)
        self.path.unlink(missing_ok=True)


class TextsAhead:
    """The links' text index (:func:`kg.resolve.links.text_index_of`), made by the child that
    writes the state files beside resolution (:func:`kg.build.fork.beside`) before it writes
    them, on the core resolution leaves idle, and handed over (:class:`Handover`,
    :data:`TEXTS_NAME`) to whoever finds the links: the build's process, or the child of
    :func:`exports_aside`. It depends on the papers' texts alone, so it is the index linking
    would make.

    Made in this process where processes cannot fork (:meth:`make` then runs first); a child
    that ended without it leaves the one who links to make it (:meth:`take` gives None).
    """

    def __init__(self, staging: Path, papers: Mapping[str, Paper], settings: Settings) -> None:
        self.papers, self.settings = papers, settings
        self.handover = Handover(staging / TEXTS_NAME)
        self._taken: tuple[MadeIndex] | None = None

    def make(self) -> None:
        """Make the index and hand it over (in the state child). A file that cannot be
        written (a full disk) hands nothing over: the one who links makes the index, and the
        state files, written next, report the disk."""
        from kg.resolve.links import text_index_of
        from kg.resolve.similarity import PaperTexts

        n = len(self.papers)
        made = (n, text_index_of(PaperTexts(self.papers), n, self.settings))
        with contextlib.suppress(OSError, KGError):  # (atomic_write says a full disk as a KGError)
            self.handover.give(made)

    def forked(self) -> None:
        """In the build's process, once the child is forked."""
        self.handover.forked()

    def take(self) -> MadeIndex | None:
        """The index the child made (waiting for it), or None if it ended without it."""
        if self._taken is None:
            self._taken = self.handover.take()
        return self._taken[0] if self._taken is not None else None

    def done(self) -> None:
        """At the build's end, whoever took the index (or nobody)."""
        self.handover.done()


def _close(fds: list[int], *which: int) -> None:
    """Close the descriptors ``fds[i]`` (``which``, or all) still open, marking them closed."""
    for i in which or range(len(fds)):
        if fds[i] >= 0:
            with contextlib.suppress(OSError):
                os.close(fds[i])
            fds[i] = -1
