"""Writing files so that a failure never leaves one half-written."""

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from tqdm import tqdm

from kg.errors import KGError

T = TypeVar("T")


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and move it into place only on success.

    An exception inside the block leaves any existing ``path`` untouched.
    ``path`` ``-`` writes to standard output.
    """
    if str(path) == "-":
        if "b" in mode:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        return
    path = Path(path)
    if path.is_dir():
        raise KGError(f"cannot write {path}: it is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise KGError(f"cannot write {path}: {e.strerror}") from None
    try:
        # mkstemp makes private files; an output file gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        kw: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def progress(items: Iterable[T], desc: str, enabled: bool = True, total: int | None = None,
             unit: str = "it") -> Iterable[T]:
    """A progress bar on stderr, shown only when stderr is a terminal and ``enabled``."""
    if not enabled or not sys.stderr.isatty():
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False)
    return bar
