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


def _git(root: Path, *args: str) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise HindsightError("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise HindsightError(f"git {' '.join(args[:2])}: {detail}")
    return done.stdout


def changed(settings: Settings, ref: str) -> list[Path] | None:
    """Incident folders changed since ``ref`` (committed, staged, unstaged or untracked).

    None when ``hindsight.yml`` or the templates changed: then every incident may check
    differently, and all are checked.
    """
    root = settings.root
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except HindsightError as exc:
        if "not a git repository" in str(exc).lower():
            raise HindsightError(f"--changed-since needs a git repository; {root} is not one") from None
        raise HindsightError(f"--changed-since: '{ref}' is not a commit, branch or tag in this repository; "
                             "in CI, fetch it first (git fetch origin main)") from None
    base = _git(root, "merge-base", ref, "HEAD").strip()
    names = _git(root, "diff", "--name-only", "--relative", "--no-renames", base, "--").splitlines()
    names += _git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    prefix = settings.incidents_dir.strip("/") + "/"
    folders = set()
    for name in names:
        if name == "hindsight.yml" or name.startswith("templates/"):
            return None
        if name.startswith(prefix):
            first = name[len(prefix):].split("/", 1)[0]
            if is_incident_name(first) and (settings.incidents_path / first).is_dir():
                folders.add(first)
    return [settings.incidents_path / name for name in sorted(folders)]


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
