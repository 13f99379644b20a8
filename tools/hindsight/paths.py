"""Incident folders on disk: finding them cheaply and naming them relative to the archive."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from hindsight.config import Settings

_STATUS_LINE = re.compile(rb"^status:\s*['\"]?([A-Za-z-]+)", re.MULTILINE)


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute when outside it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def is_incident_name(name: str) -> bool:
    """Whether a folder of that name can be an incident: hidden and ``_private`` ones cannot."""
    return bool(name) and not name.startswith((".", "_"))


def _incident_entries(base: Path) -> Iterator[os.DirEntry[str]]:
    """Directory entries of the incident folders in ``base``, in no order (none if it is missing).

    A symbolic link is never an incident: following it could read, check or publish
    anything on the machine (the checker reports it, HS904).
    """
    for entry in _entries(base):
        if is_incident_name(entry.name) and entry.is_dir(follow_symlinks=False):
            yield entry


def _entries(base: Path) -> Iterator[os.DirEntry[str]]:
    """Every entry directly in ``base``, in no order (none if it is missing)."""
    try:
        with os.scandir(base) as entries:
            yield from entries
    except (FileNotFoundError, NotADirectoryError):
        return


def incident_folders(settings: Settings) -> Iterator[tuple[str, str]]:
    """``(name, path)`` of every incident folder, in no order: :func:`discover` without the
    cost of a Path each, for a pass over a large archive."""
    for entry in _incident_entries(settings.incidents_path):
        yield entry.name, entry.path


def discover(settings: Settings) -> list[Path]:
    """Every incident folder, sorted by name."""
    base = settings.incidents_path
    return [base / name for name in sorted(e.name for e in _incident_entries(base))]


def with_status(settings: Settings, status: str) -> list[Path]:
    """Incident folders whose front matter seems to say ``status: <status>`` (a fast hint).

    Reads the first kilobyte of each ``postmortem.md`` with plain system calls and no YAML:
    ``hindsight log`` scans the whole archive at every start. Callers confirm each hit.
    """
    wanted = status.encode("ascii")
    found = []
    for entry in _incident_entries(settings.incidents_path):
        match = _STATUS_LINE.search(head(entry.path + "/postmortem.md") or b"")
        if match and match.group(1).lower() == wanted:
            found.append(entry.name)
    return [settings.incidents_path / name for name in sorted(found)]


def head(path: str, missing: bytes | None = b"") -> bytes | None:
    """The first kilobyte of ``path`` (the first 8 if its front matter is longer); b"" if unreadable.

    ``missing`` is what a path that does not exist gives.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return missing
    except OSError:
        return b""
    try:
        head = os.read(fd, 1024)
        if b"\n---" not in head[3:] and b"\nstatus:" not in head:
            head += os.read(fd, 7168)
        return head
    except OSError:
        return b""
    finally:
        os.close(fd)


def listing(settings: Settings) -> tuple[tuple[str, str], ...]:
    """Every entry directly under the incidents folder as (name, 'dir' | 'file' | 'link'), sorted."""
    found = []
    for entry in _entries(settings.incidents_path):
        kind = "link" if entry.is_symlink() else "dir" if entry.is_dir() else "file"
        found.append((entry.name, kind))
    return tuple(sorted(found))
