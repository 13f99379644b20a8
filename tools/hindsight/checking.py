"""``hindsight check``: choose the incidents to check, load them, run the engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from hindsight.config import Settings
from hindsight.engine import Report, run
from hindsight.errors import HindsightError
from hindsight.load.incident import load_incident
from hindsight.model import LoadedIncident
from hindsight.paths import discover, is_incident_name, listing
from hindsight.rules import Archive, CheckContext


def select(settings: Settings, paths: Iterable[Path]) -> list[Path]:
    """Incident folders named by ``paths`` (a folder, a file inside one), or all of them."""
    chosen: list[Path] = []
    base = settings.incidents_path.resolve()
    for given in paths:
        target = given.resolve()
        if target == base or target == settings.root.resolve():
            return discover(settings)
        if not target.exists():
            raise HindsightError(f"{given}: no such file or folder")
        if target.is_file():
            target = target.parent
        if target.parent != base:
            raise HindsightError(f"{given} is not an incident folder under {settings.incidents_dir}/")
        chosen.append(settings.incidents_path / target.name)
    return sorted(set(chosen)) if chosen else discover(settings)


def _load(settings: Settings, folders: list[Path]) -> Iterator[LoadedIncident]:
    for folder in folders:
        yield load_incident(folder, settings)


def check_folders(settings: Settings, folders: list[Path], today: date) -> Report:
    """Check ``folders`` in depth, and the ids of the whole archive, as of ``today``."""
    entries = listing(settings)
    ids = frozenset(name for name, kind in entries if kind != "file" and is_incident_name(name))
    archive = Archive(entries, tuple(f.name for f in folders))
    return run(_load(settings, folders), CheckContext(settings, today, ids), archive=archive)


def check_paths(settings: Settings, paths: Iterable[Path], today: date) -> Report:
    """Check the incidents named by ``paths`` (all when empty) as of ``today``."""
    return check_folders(settings, select(settings, paths), today)
