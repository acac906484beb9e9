"""Writing files so that a failure never leaves one half-written."""

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from tqdm import tqdm

from kg.errors import KGError

T = TypeVar("T")

# a write that fails for want of room or permission on the device, not because of kg:
# a full disk, a quota, a read-only file system, a file-size limit (RLIMIT_FSIZE), I/O
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})


def write_failure(error: OSError, what: str | Path) -> KGError | None:
    """The one-line error of a failed write to ``what`` (a file, or "standard output").

    None if ``error`` is not one of :data:`NO_ROOM`: that is a bug, and keeps its traceback.

    >>> write_failure(OSError(errno.ENOSPC, "No space left on device"), "out/graph.ttl")
    KGError('cannot write out/graph.ttl: No space left on device')
    """
    if error.errno not in NO_ROOM:
        return None
    return KGError(f"cannot write {what}: {error.strerror or os.strerror(error.errno or 0)}")


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and move it into place only on success.

    An exception inside the block leaves any existing ``path`` untouched; a full
    disk (or quota, read-only file system, file-size limit) is a :class:`KGError`
    naming ``path``. ``path`` ``-`` writes to standard output.
    """
    if str(path) == "-":
        out = sys.stdout.buffer if "b" in mode else sys.stdout
        try:
            yield out
            out.flush()  # a full device fails here, not at exit where it cannot be reported
        except OSError as e:
            failure = write_failure(e, "standard output")
            if failure is None:
                raise
            raise failure from None
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
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        failure = write_failure(e, path) if isinstance(e, OSError) else None
        if failure is None:
            raise
        raise failure from None


def progress(items: Iterable[T], desc: str, enabled: bool = True, total: int | None = None,
             unit: str = "it") -> Iterable[T]:
    """A progress bar on stderr, shown only when stderr is a terminal and ``enabled``."""
    if not enabled or not sys.stderr.isatty():
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False)
    return bar
