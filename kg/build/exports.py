"""The exports of a build: the RDF formats written by pyoxigraph from the build's N-Quads in a
child process (``python -m kg.build.exports``), the Turtle copied from the live build's where it
can (:mod:`kg.export.turtle`), while this process writes the other formats (tables, graphs, HTML)
from the corpus, or, in an add, a forked child has been writing those beside the rdf and store
stages (:func:`other_exports_aside`); ``void.ttl`` last. :func:`check_exports` checks the
exports a build is asked for before it starts.
"""

import contextlib
import gc
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kg.build.pause import pause
from kg.build.stages import VOID, Quads
from kg.build.state import EXTRACTIONS, PAPERS, SUMMARY
from kg.errors import FormatError, KGError
from kg.fileio import progress
from kg.resolve.paused import gc_paused
from kg.settings import Settings
from kg.store.generation import STORE_NAME


def check_exports(exports: Sequence[tuple[str, str]]) -> None:
    """Raise a :class:`KGError` naming the first bad ``(name, format)`` of ``exports``.

    A name is a plain file or directory name in the output directory, neither hidden
    (the lock, the staging and store directories are) nor one the build writes
    itself; a format is a name or alias of :mod:`kg.export.registry`.

    >>> check_exports([("graph.ttl", "turtle"), ("g.json", "jsonld")])
    >>> check_exports([("graph.x", "ttl2")])
    Traceback (most recent call last):
    ...
    kg.errors.FormatError: unknown export format 'ttl2'; expected one of: csv, gexf, ...
    """
    from kg.export.registry import format_names, get_format

    reserved = {PAPERS, EXTRACTIONS, SUMMARY, STORE_NAME, VOID}
    seen: set[str] = set()
    for entry in exports:
        if not (isinstance(entry, tuple | list) and len(entry) == 2
                and all(isinstance(x, str) for x in entry)):
            raise KGError(f"bad export {entry!r} in settings.exports: expected a "
                          "(file name, format name) pair")
        name, fmt = entry
        if (name in ("", ".", "..") or name != Path(name).name or name.startswith(".")
                or name in reserved):
            raise KGError(f"bad export name {name!r} in settings.exports: expected a plain file "
                          f"name, not a hidden one nor one of {', '.join(sorted(reserved))}")
        if name in seen:
            raise KGError(f"export name {name!r} appears twice in settings.exports")
        seen.add(name)
        try:
            found = get_format(fmt)
        except FormatError:
            raise FormatError("export format", fmt, format_names()) from None
        if found.directory and name.endswith(".gz"):
            raise KGError(f"bad export name {name!r} in settings.exports: {found.name} writes a "
                          "directory of files, which cannot be gzip-compressed")


def export_all(corpus: Any, quads: Quads, staging: Path, settings: Settings, show: bool,
               aside: Any = None) -> list[str]:
    """Write ``settings.exports`` and ``void.ttl`` into ``staging``; the names written.

    RDF formats are written by pyoxigraph from the N-Quads the store was loaded from
    (the same quads; parsing them is several times faster than reading the on-disk
    store back), in a second process while this one writes the other formats from the
    corpus (:func:`rdf_exports_started`); the N-Quads export is that file itself.
    With ``aside`` (a :class:`kg.build.fork.Child` of :func:`other_exports_aside` or of
    :func:`kg.build.aside.exports_aside`) those other formats are being written by that child
    already: this waits for it instead, after writing those of them it claims first
    (:class:`Claims`, when the child has them).
    """
    from kg.export.registry import get_format, write_output
    from kg.rdf.void import void_description

    exports = list(settings.exports)
    rdf = [(name, fmt) for name, fmt in exports if name != quads.export and get_format(fmt).rdf]
    with rdf_exports_started(quads, [(get_format(fmt).name, staging / name) for name, fmt in rdf]):
        if aside is not None:
            if aside.claims is not None:  # those the child has not taken yet
                write_other_exports(corpus, staging, settings, show, claims=aside.claims)
            aside.wait()
            if aside.claims is not None:
                aside.claims.remove()
            pause("export")
        else:
            write_other_exports(corpus, staging, settings, show)
    written = [name + ("/" if (staging / name).is_dir() else "") for name, _ in exports]
    if quads.export is None:
        quads.path.unlink()
    void = void_description(quads.counts, settings, {"data_dump": None})
    write_output(void.serialize(format="turtle"), staging / VOID)
    written.append(VOID)
    return written


def other_exports(settings: Settings) -> list[tuple[str, Any]]:
    """The exports of ``settings.exports`` that are not RDF: (name, its registry format)."""
    from kg.export.registry import get_format

    formats = [(name, get_format(fmt)) for name, fmt in settings.exports]
    return [(name, fmt) for name, fmt in formats if not fmt.rdf]


def write_other_exports(corpus: Any, staging: Path, settings: Settings, show: bool,
                        point: str = "export", claims: "Claims | None" = None,
                        last_first: bool = False) -> None:
    """Write the exports of ``settings.exports`` that are not RDF (tables, graphs, HTML) from
    the corpus into ``staging``; pause at ``point`` (:mod:`kg.build.pause`) after the first.

    With ``claims``, only those this process claims, in order (from the last with
    ``last_first``), until one the other process has: see :class:`Claims`."""
    from kg.export.registry import write_export

    others = other_exports(settings)
    paused = False
    for name, fmt in progress(others[::-1] if last_first else others, "export", enabled=show,
                              unit="file"):
        if claims is not None and not claims.take(name):
            break
        with gc_paused():  # each export holds its graph or pages to its end
            write_export(corpus, fmt.name, staging / name, settings)
        gc.collect()  # what cycles it left, found in one walk (the corpus is frozen)
        if not paused:
            pause(point)
            paused = True
    if not paused:
        pause(point)


class Claims:
    """Which of an add's non-RDF exports the build's process writes and which its child does
    (:mod:`kg.build.aside`): each is written by the process that claims it first, by creating
    a file of its name in ``folder`` (``O_EXCL``: one of them succeeds). The child takes them
    from the last, the build from the first once its store is loaded, each until it meets one
    the other has: the one who gets there first takes the rest, whichever is busier.

    ``held`` are those this process holds already (claimed for it before it was forked).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held: set[str] = set()
        folder.mkdir()

    def take(self, name: str) -> bool:
        """Whether ``name`` is this process's to write (claimed now, or held)."""
        if name in self.held:
            return True
        try:
            os.close(os.open(self.folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def remove(self) -> None:
        """The claims' folder gone (once both processes are done)."""
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def other_exports_aside(corpus: Any, staging: Path, settings: Settings,
                        lock: Path | None = None) -> Iterator[Any]:
    """The non-RDF exports of ``settings.exports`` written from ``corpus`` into ``staging`` by
    a forked child while the block runs (:mod:`kg.build.fork`); the child
    (a :class:`kg.build.fork.Child`, for :func:`export_all`), or None when there are none.
    The child shows no progress bar; it pauses at ``export:child``."""
    from kg.build.fork import forked

    names = [name for name, _ in other_exports(settings)]
    if not names:
        yield None
        return
    with forked(lambda: write_other_exports(corpus, staging, settings, False, "export:child"),
                "the exports " + ", ".join(names), lock) as child:
        yield child


@contextlib.contextmanager
def rdf_exports_started(source: Path | Quads, jobs: list[tuple[str, Path]]) -> Iterator[None]:
    """Write each ``(format name, path)`` of ``jobs`` from the N-Quads ``source`` (a file, or a
    build's :class:`Quads`: its Turtle then copied from the live build's where it can, see
    :mod:`kg.export.turtle`) in a child process (``python -m kg.build.exports``) while the block
    runs; wait for it at the end.

    pyoxigraph's serialisers hold the GIL for every quad they are handed, so a thread
    would not help. The child exits when this process dies, and it is killed when the
    block fails; its error, if any, is raised as a :class:`StoreError`.
    """
    import subprocess
    import sys
    import tempfile

    from kg.errors import StoreError

    if not jobs:
        yield
        return
    path, live = (source.path, source.live) if isinstance(source, Quads) else (source, None)
    argv = [sys.executable, "-m", "kg.build.exports", str(os.getpid()), str(path), str(live or "-")]
    for fmt, path in jobs:
        argv += [fmt, str(path)]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err)
        try:
            yield
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if code != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(lines[-1] if lines else f"the RDF exports failed (exit code {code})")


def _write_rdf_exports(argv: list[str]) -> int:
    """The child of :func:`rdf_exports_started`:
    ``PARENT_PID SOURCE LIVE FORMAT PATH [FORMAT PATH ...]`` (``LIVE``: the live build's
    N-Quads, or ``-``). The first Turtle export goes run by run (:mod:`kg.export.turtle`)."""
    import sys

    from kg.build.fork import watch_parent
    from kg.errors import KGError
    from kg.export.registry import get_format, write_store_export
    from kg.export.turtle import write_turtle_export

    watch_parent(int(argv[0]))
    source, live, jobs = Path(argv[1]), None if argv[2] == "-" else Path(argv[2]), argv[3:]
    turtle = True
    try:
        for fmt, path in zip(jobs[::2], jobs[1::2], strict=True):
            if fmt == "turtle" and turtle:
                turtle = False
                if write_turtle_export(source, Path(path), live):
                    continue
            write_store_export(source, get_format(fmt), path)
    except KGError as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_write_rdf_exports(sys.argv[1:]))
