"""Incident folders on disk: finding them cheaply and naming them relative to the archive."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hindsight.config import Settings

_STATUS_LINE = re.compile(rb"^status:\s*['\"]?([A-Za-z-]+)", re.MULTILINE)


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute when outside it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(settings: Settings) -> list[Path]:
    """Every incident folder, sorted by name; hidden folders are not incidents."""
    base = settings.incidents_path
    try:
        with os.scandir(base) as entries:
            names = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith((".", "_")))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [base / name for name in names]


def with_status(settings: Settings, status: str) -> list[Path]:
    """Incident folders whose front matter seems to say ``status: <status>`` (a fast hint).

    Reads the first kilobyte of each ``postmortem.md`` with plain system calls and no YAML:
    ``hindsight log`` scans the whole archive at every start. Callers confirm each hit.
    """
    wanted = status.encode("ascii")
    found = []
    try:
        with os.scandir(settings.incidents_path) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")) or not entry.is_dir():
                    continue
                match = _STATUS_LINE.search(_head(entry.path + "/postmortem.md"))
                if match and match.group(1).lower() == wanted:
                    found.append(entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [settings.incidents_path / name for name in sorted(found)]


def _head(path: str) -> bytes:
    """The first kilobyte of ``path`` (the first 8 if its front matter is longer); b"" if unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY)
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
