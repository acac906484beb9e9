"""The output directory of a build: one build at a time, and an atomic swap into place.

:func:`build_lock` keeps two builds out of one output directory; a build writes
everything into a staging directory and :func:`swap_into_place` moves it in, the
store by switching a symlink in one ``os.replace``.
"""

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from kg.errors import StoreError
from kg.store.embedded import STORE_NAME

LOCK_NAME = ".kg.lock"
STORE_PREFIX = ".store-"  # the data directories the store symlink points to


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

def swap_into_place(staging: Path, output_dir: Path, last: str = "build.json") -> None:
    """Move a finished staging directory's contents into ``output_dir``.

    The store directory gets a unique name and ``output_dir/store`` becomes a
    symlink to it, replaced in one ``os.replace``; files are replaced one by one,
    ``last`` (build.json) last, so each name always points to a complete file.
    """
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    link = output_dir / STORE_NAME
    old_target = _store_target(link)
    if (staging / STORE_NAME).is_dir():
        data_dir = output_dir / f"{STORE_PREFIX}{stamp}"
        os.replace(staging / STORE_NAME, data_dir)
        if link.is_dir() and not link.is_symlink():  # a store from a copy: keep it until replaced
            os.replace(link, output_dir / f"{STORE_PREFIX}old-{stamp}")
            old_target = output_dir / f"{STORE_PREFIX}old-{stamp}"
        tmp_link = output_dir / f".{STORE_NAME}.{stamp}.tmp"
        os.symlink(data_dir.name, tmp_link)
        os.replace(tmp_link, link)
    for path in sorted(staging.rglob("*"), key=lambda p: (p.name == last, len(p.parts), str(p))):
        rel = path.relative_to(staging)
        if path.is_dir():
            (output_dir / rel).mkdir(parents=True, exist_ok=True)
        else:
            os.replace(path, output_dir / rel)
    if old_target is not None and old_target.resolve() != link.resolve():
        shutil.rmtree(old_target, ignore_errors=True)


def _store_target(link: Path) -> Path | None:
    if link.is_symlink():
        return link.parent / os.readlink(link)
    return None


def clean_leftovers(output_dir: Path, staging_prefix: str = ".staging-") -> None:
    """Remove what dead builds left behind (called with the build lock held)."""
    current = _store_target(output_dir / STORE_NAME)
    for p in output_dir.iterdir():
        if p.name.startswith(staging_prefix) or (p.name.startswith(f".{STORE_NAME}.") and p.name.endswith(".tmp")):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        elif p.name.startswith(STORE_PREFIX) and (current is None or p.name != current.name):
            shutil.rmtree(p, ignore_errors=True)
