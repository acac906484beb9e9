"""The output directory of a build: one build at a time, and an atomic swap into place.

:func:`build_lock` keeps two builds out of one output directory. A build writes
everything into a staging directory, which :func:`swap_into_place` turns into a
new generation (:mod:`kg.store.generation`) and makes live by switching the
``store`` symlink in one ``os.replace``; the files at the top of the output directory
then become hard links to the new generation's, ``build.json`` last. Old generations
are deleted only when no reader holds them (:func:`retire`).
"""

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from kg.build.pause import pause
from kg.errors import StoreError
from kg.store.generation import (
    GENERATION_PREFIX,
    LEGACY_STORE_PREFIX,
    RETIRED_PREFIX,
    STORE_NAME,
    Generation,
    generation_dir,
    resolve,
)

LOCK_NAME = ".kg.lock"
PUBLISHING_PREFIX = ".kg-publish-"  # a hard link on its way to its name at the top
# links that cannot be hard links (another file system under a name, or none at all): copies
_NO_HARD_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


# ---------------------------------------------------------------- locking

@contextlib.contextmanager
def build_lock(output_dir: str | Path) -> Iterator[Path]:
    """Hold the build lock of ``output_dir`` (non-blocking ``flock`` on ``.kg.lock``).

    Raises :class:`StoreError` naming the holder's pid and start time when another
    build has it; the lock goes when the holder exits, even if it is killed.
    """
    output_dir = Path(output_dir)
    path = output_dir / LOCK_NAME
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"cannot use {output_dir} as an output directory: {e.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid, since = (holder + ["?", "?"])[:2]
            raise StoreError(f"store {output_dir / STORE_NAME} is locked by build pid {pid} since {since}; "
                             "wait for it to finish or use another output directory") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- swapping a build into place

def new_generation_id() -> str:
    """A fresh generation id: when, which process, and a random part (``build.json`` records it)."""
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"


def swap_into_place(staging: Path, output_dir: Path, gen_id: str | None = None,
                    last: str = "build.json") -> None:
    """Make the finished ``staging`` directory the live generation ``gen_id`` of ``output_dir``.

    The staging directory is renamed to the generation's name, the ``store`` symlink
    is switched to its store in one ``os.replace`` (from then on readers get the new
    build), the files at the top are replaced by hard links to the generation's,
    ``last`` (build.json) last, and the previous generation is retired.
    """
    gen_id = gen_id or new_generation_id()
    link = output_dir / STORE_NAME
    previous = resolve(output_dir)
    gen = generation_dir(output_dir, gen_id)
    os.replace(staging, gen)
    pause("swap:staged")
    if link.is_dir() and not link.is_symlink():  # a store from a copy: moved aside, retired below
        aside = output_dir / f"{LEGACY_STORE_PREFIX}old-{gen_id}"
        os.replace(link, aside)
        previous = Generation(root=output_dir, store=aside, held=aside)
    tmp_link = output_dir / f".{STORE_NAME}.{gen_id}.tmp"
    os.symlink(f"{gen.name}/{STORE_NAME}", tmp_link)
    os.replace(tmp_link, link)
    pause("swap:switched")
    publish(gen, output_dir, last, pause_point="swap:publishing")
    if previous is not None and _retirable(previous.held, output_dir) and previous.held != gen:
        retire(previous.held)


def publish(gen: Path, output_dir: Path, last: str = "build.json", pause_point: str | None = None) -> None:
    """Make the files at the top of ``output_dir`` hard links to generation ``gen``'s files.

    Each name is replaced in one ``os.replace``, ``last`` last; names already linked
    to the generation are left alone, so publishing again changes nothing.
    ``pause_point`` names the kill tests' pause after the first (:mod:`kg.build.pause`).
    """
    from kg.build.reread import READ_NAME
    from kg.build.stages import STORE_FILES
    from kg.export.turtle import TURTLE_NAME
    from kg.rdf.reuse import PARTS_NAME  # the generation's own: what the next build copies from

    own = (STORE_NAME, PARTS_NAME, TURTLE_NAME, READ_NAME, STORE_FILES)
    files = [p for p in gen.rglob("*") if p.relative_to(gen).parts[0] not in own]
    first = True
    for path in sorted(files, key=lambda p: (p.name == last, len(p.parts), str(p))):
        target = output_dir / path.relative_to(gen)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        with contextlib.suppress(OSError):
            if os.path.samefile(path, target):
                continue
        tmp = target.with_name(f"{PUBLISHING_PREFIX}{target.name}")
        tmp.unlink(missing_ok=True)
        try:
            os.link(path, tmp)
        except OSError as e:
            if e.errno not in _NO_HARD_LINKS:
                raise
            shutil.copy2(path, tmp)
        os.replace(tmp, target)
        if first and pause_point:
            pause(pause_point)
        first = False


def retire(directory: Path) -> bool:
    """Delete an old generation (or an older layout's store) unless a reader holds it.

    True when it is gone; False when a reader holds it: it then stays, and a later
    build's :func:`clean_leftovers` tries again.
    """
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        name = directory.name
        for prefix in (GENERATION_PREFIX, LEGACY_STORE_PREFIX):
            name = name.removeprefix(prefix)
        gone = directory.with_name(f"{RETIRED_PREFIX}{name}")
        os.replace(directory, gone)  # a reader waiting for the lock now finds no such directory
        pause("swap:retiring")
        shutil.rmtree(gone, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def _retirable(path: Path, output_dir: Path) -> bool:
    return (path.parent == output_dir and path.is_dir() and not path.is_symlink()
            and path.name.startswith((GENERATION_PREFIX, LEGACY_STORE_PREFIX)))


def clean_leftovers(output_dir: Path, staging_prefix: str = ".staging-") -> None:
    """Remove what dead builds left behind and old generations no reader holds.

    Called with the build lock held. A build killed while it replaced the files at
    the top leaves some from the previous build: they are linked to the live
    generation again.
    """
    live = resolve(output_dir)
    for p in sorted(output_dir.iterdir()):
        if p.name.startswith((staging_prefix, RETIRED_PREFIX)) or (
                p.name.startswith(f".{STORE_NAME}.") and p.name.endswith(".tmp")):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        elif _retirable(p, output_dir) and (live is None or p != live.held):
            retire(p)
    for folder, dirs, names in os.walk(output_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith(PUBLISHING_PREFIX):
                (Path(folder) / name).unlink(missing_ok=True)
    if live is not None and live.root != output_dir:
        publish(live.root, output_dir)
