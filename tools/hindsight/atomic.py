"""Replace a file's content all at once: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Write ``data`` to a new file beside ``path``, fsync it, and rename it over ``path``.

    A missing ``path`` is created. With ``expected``, refuse (:class:`ChangedError`) when ``path`` no longer holds exactly
    those bytes just before the rename: someone edited it since it was read.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(temp, path.stat().st_mode & 0o777)
        except FileNotFoundError:  # a new file: the mode a plain open() would give it
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        if expected is not None and path.read_bytes() != expected:
            raise ChangedError(path)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class ChangedError(Exception):
    """The file changed between reading it and writing it back."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} changed while it was being edited")
        self.path = path
