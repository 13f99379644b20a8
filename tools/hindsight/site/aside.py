"""The folders a build writes beside ``site_dir`` (``.site.hindsight-*``), and those that
builds stopped midway (killed, a power cut) left behind.

A build holds an advisory lock on its folder from the moment it makes it until the site is
in place, and on the old site while it moves it away (``….old``); the kernel lets go of a
lock when its process dies, however it dies. So the next build removes a folder of that name
when it can take the folder's lock and the folder is older than a minute (a build that has
just made its folder and not yet locked it is left alone): never one that a running build,
here or on another machine sharing the folder, is writing.
"""

from __future__ import annotations

import os
import shutil
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: nothing is locked, so nothing is removed
    fcntl = None  # type: ignore[assignment]

#: a folder younger than this is never removed (its build may not have locked it yet)
GRACE_SECONDS = 60


def hold(path: str) -> int | None:
    """Lock the folder ``path`` for this process; the descriptor to :func:`release` (None when
    folders cannot be locked here)."""
    if fcntl is None:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    """Let go of what :func:`hold` locked."""
    if fd is not None:
        os.close(fd)


def remove_stale(parent: str, prefix: str, now: float | None = None) -> list[str]:
    """Remove the folders of ``parent`` named ``prefix…`` that no running build holds and that
    are older than :data:`GRACE_SECONDS`; return their names."""
    if fcntl is None:
        return []
    now = time.time() if now is None else now
    removed = []
    try:
        entries = sorted(os.scandir(parent), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        try:
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < GRACE_SECONDS:
                continue
            fd = hold(entry.path)
        except OSError:
            continue  # gone meanwhile, or not ours to open: left alone
        if fd is None:
            continue  # a running build's
        try:
            shutil.rmtree(entry.path, ignore_errors=True)
        finally:
            release(fd)
        if not os.path.lexists(entry.path):
            removed.append(entry.name)
    return removed
