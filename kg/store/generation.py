"""The generations of a build's output directory, and how readers and builds share them.

A build writes everything it makes into one directory, a *generation*, and then
switches the symlink ``OUT/store`` to the store inside it; that one ``rename`` is the
moment the build takes effect::

    OUT/store -> .gen-<id>/store   the live generation: store/, papers.jsonl,
                                   extractions.jsonl, build.json, void.ttl, the exports
    OUT/papers.jsonl, ...          hard links to the live generation's files, for people
                                   and other tools (replaced one by one, build.json last)

A reader (``kg query``, ``kg export``) resolves the symlink once, takes a shared
``flock`` on the generation it found (:func:`reading`) and reads everything from
that directory, so it answers from one build even while another build swaps.
A build deletes an old generation only under an exclusive ``flock`` and after
renaming it to ``.gone-<id>`` (:func:`kg.build.swap.retire`): a generation a reader holds stays
until a later build finds it free. A reader that waited for the lock while its
generation was being retired sees that the name no longer leads to the directory
it locked, and resolves the symlink again.

Output directories of older builds, where ``OUT/store`` points to ``.store-<stamp>``
(a store alone, the state files at the top) or is a directory itself, are read the
same way, with the state files of ``OUT``.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError

STORE_NAME = "store"
GENERATION_PREFIX = ".gen-"
RETIRED_PREFIX = ".gone-"  # a generation being deleted: never read again
LEGACY_STORE_PREFIX = ".store-"  # older builds: the store alone, its state files at the top
_ATTEMPTS = 100  # resolutions a reader tries while builds keep retiring what it found


@dataclass(frozen=True)
class Generation:
    """One build's outputs as a reader sees them."""

    root: Path  # where its state files (papers.jsonl, build.json...) are
    store: Path  # its pyoxigraph store, symlinks resolved
    held: Path  # the directory whose lock keeps it from being deleted

    @property
    def id(self) -> str | None:
        """The generation id (``build.json``'s ``generation``); None for older layouts."""
        name = self.root.name
        return name[len(GENERATION_PREFIX):] if name.startswith(GENERATION_PREFIX) else None


def generation_dir(output_dir: str | Path, gen_id: str) -> Path:
    """The directory of generation ``gen_id`` in ``output_dir``."""
    return Path(output_dir) / f"{GENERATION_PREFIX}{gen_id}"


def resolve(output_dir: str | Path) -> Generation | None:
    """The live generation of ``output_dir``, read off its ``store`` symlink once (no lock).

    ``output_dir`` may also be a store directory itself (``--store path/to/store``);
    None when there is no store.
    """
    output_dir = Path(output_dir)
    link = output_dir / STORE_NAME
    if link.is_symlink():
        target = output_dir / os.readlink(link)  # once: the link may change any time after
        parent = target.parent
        if (target.name == STORE_NAME and parent.name.startswith(GENERATION_PREFIX)
                and parent.parent == output_dir):
            return Generation(root=parent, store=target, held=parent)
        return Generation(root=output_dir, store=target, held=target)
    if link.is_dir():
        return Generation(root=output_dir, store=link, held=link)
    if (output_dir / "CURRENT").exists():  # a store itself
        return Generation(root=output_dir, store=output_dir, held=output_dir)
    return None


@contextlib.contextmanager
def reading(output_dir: str | Path) -> Iterator[Generation]:
    """Hold the live generation of ``output_dir`` for reading: no build deletes it meanwhile.

    The shared lock lives as long as the open file: a process forked inside the
    ``with`` holds it too, and it goes when the last holder exits, even if killed.
    """
    for _ in range(_ATTEMPTS):
        gen = resolve(output_dir)
        if gen is None:
            raise StoreError(f"no store at {Path(output_dir) / STORE_NAME}; run `kg build` first "
                             "(or pass --store DIR)")
        try:
            fd = os.open(gen.held, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # retired between the readlink and the open: resolve again
        except OSError as e:
            raise StoreError(f"cannot open store {gen.held}: {e.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build retires this very one
            if _same_directory(fd, gen.held):
                yield gen
                return
        finally:
            os.close(fd)
    raise StoreError(f"the store of {output_dir} keeps changing under this reader; "
                     "try again when the builds writing it have finished")


def _same_directory(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
