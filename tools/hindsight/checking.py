"""``hindsight check``: choose the incidents to check, load them, run the engine."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from hindsight.cache import Cache, key
from hindsight.config import CONFIG_NAME, Settings
from hindsight.engine import (
    Outcome,
    Report,
    archive_findings,
    history_findings,
    incident_findings,
    judge,
    levels_for,
    outcome,
    report,
)
from hindsight.errors import HindsightError
from hindsight.load.incident import load_incident, read_sources
from hindsight.model import Finding
from hindsight.paths import discover, is_incident_name, listing
from hindsight.rules import ALL_RULES, Archive, CheckContext
from hindsight.rules._base import Added, History
from hindsight.rules.repo import INCIDENT_FILES


def select(settings: Settings, paths: Iterable[Path]) -> list[Path]:
    """Incident folders named by ``paths`` (a folder, or any file inside one), or all of them.

    ``hindsight.yml``, ``templates/`` or the incidents folder itself mean every incident, so
    that a pre-commit hook given the changed files checks what a settings change affects.
    """
    chosen: list[Path] = []
    root = settings.root.resolve()
    base = settings.incidents_path.resolve()
    everything = {root, base, root / CONFIG_NAME, root / "templates"}
    for given in paths:
        target = given.resolve()
        if not target.exists():
            raise HindsightError(f"{given}: no such file or folder")
        if (
            target in everything
            or (root / "templates") in target.parents
            or (target.parent == base and not target.is_dir())
        ):
            return discover(settings)
        folder = next((p for p in (target, *target.parents) if p.parent == base), None)
        if folder is None:
            raise HindsightError(
                f"{given} is not an incident folder or a file in one under {settings.incidents_dir}/"
            )
        chosen.append(settings.incidents_path / folder.name)
    return sorted(set(chosen)) if chosen else discover(settings)


def _start(root: Path, *args: str, binary: bool = False) -> subprocess.Popen[Any]:
    try:
        return subprocess.Popen(
            ["git", "-C", str(root), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=not binary,
        )
    except FileNotFoundError:
        raise HindsightError("--changed-since needs git, which is not installed") from None


def _output(process: subprocess.Popen[Any]) -> Any:
    out, err = process.communicate()
    if process.returncode != 0:
        if isinstance(err, bytes):
            err = err.decode("utf-8", "replace")
        detail = (err.strip().splitlines() or ["git failed"])[-1]
        args = list(process.args[3:])  # type: ignore[index]
        while args[:1] == ["-c"]:  # a setting for this run only, not the command
            del args[:2]
        raise HindsightError(f"git {' '.join(a for a in args[:2])}: {detail}")
    return out


def _git(root: Path, *args: str) -> str:
    return _output(_start(root, *args))


class Changes(NamedTuple):
    """What changed since ``--changed-since``'s ref."""

    #: incident folders changed (committed, staged, unstaged or untracked); None when
    #: ``hindsight.yml`` or the templates changed: then every incident may check differently
    folders: list[Path] | None
    #: what the branch's commits added, for the history rules
    history: History


def changed(settings: Settings, ref: str) -> Changes:
    """The incidents changed since ``ref`` (from where the branch left it) and what its commits added."""
    root = settings.root
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except HindsightError as exc:
        if "not a git repository" in str(exc).lower():
            raise HindsightError(
                f"--changed-since needs a git repository; {root} is not one"
            ) from None
        raise HindsightError(
            f"--changed-since: '{ref}' is not a commit, branch or tag in this repository; "
            "in CI, fetch it first (git fetch origin main)"
        ) from None
    base = _git(root, "merge-base", ref, "HEAD").strip()
    prefix = settings.incidents_dir.strip("/") + "/"
    # Both walk the working tree, the larger part of the cost in a large archive: at once,
    # and the history beside them.
    diff = _start(root, "diff", "--name-only", "--relative", "--no-renames", base, "--")
    untracked = _start(root, "ls-files", "--others", "--exclude-standard")
    log = _start(
        root,
        "-c",
        "core.quotePath=off",
        "log",
        "--reverse",
        "--format=%x00%H",
        "-p",
        "--unified=0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        f"{base}..HEAD",
        "--",
        prefix,
        binary=True,
    )
    history = _history(log, prefix, root)
    names = _output(diff).splitlines() + _output(untracked).splitlines()
    return Changes(_changed_folders(settings, names, prefix), history)


def _changed_folders(settings: Settings, names: list[str], prefix: str) -> list[Path] | None:
    """The incident folders holding the changed files ``names``; None if the settings or templates changed."""
    folders = set()
    for name in names:
        if name == "hindsight.yml" or name.startswith("templates/"):
            return None
        if name.startswith(prefix):
            first = name[len(prefix) :].split("/", 1)[0]
            if is_incident_name(first) and (settings.incidents_path / first).is_dir():
                folders.add(first)
    return [settings.incidents_path / name for name in sorted(folders)]


_HUNK = re.compile(rb"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _history(log: subprocess.Popen[bytes], prefix: str, root: Path) -> History:
    """The lines ``git log -p --unified=0`` says were added to postmortems and timelines and
    that may hold a secret, with their ignore comments; and those files as they are now."""
    from hindsight.load.markdown import ignores
    from hindsight.rules.security import may_hold_secret

    added: list[Added] = []
    commit = path = incident = ""
    first, old_left, new_left, lines = 0, 0, 0, []
    assert log.stdout is not None
    for raw in log.stdout:
        if old_left or new_left:  # inside a hunk: its header said how many lines go and come
            if raw.startswith(b"+"):
                new_left -= 1
                lines.append(raw[1:].rstrip(b"\r\n").decode("utf-8", "replace"))
            elif raw.startswith(b"-"):
                old_left -= 1
            elif not raw.startswith(b"\\"):  # "\ No newline at end of file" counts for neither
                old_left, new_left = max(old_left - 1, 0), max(new_left - 1, 0)
            if not (old_left or new_left) and path and lines:
                silenced = ignores("\n".join(lines), first) if path.endswith(".md") else {}
                added.extend(
                    Added(
                        commit,
                        incident,
                        path,
                        first + i,
                        text,
                        silenced.get(first + i, frozenset()),
                    )
                    for i, text in enumerate(lines)
                    if may_hold_secret(text)
                )
            continue
        if raw.startswith(b"\0"):
            commit, path = raw[1:].strip().decode("ascii", "replace"), ""
        elif raw.startswith(b"+++ "):
            name = raw[4:].rstrip(b"\r\n").rstrip(b"\t").decode("utf-8", "replace")
            name = name[2:] if name.startswith("b/") else ""
            parts = name[len(prefix) :].split("/") if name.startswith(prefix) else []
            path = name if len(parts) == 2 and parts[1] in INCIDENT_FILES else ""
            incident = parts[0] if path else ""
        elif raw.startswith(b"@@"):
            hunk = _HUNK.match(raw)
            if hunk is not None:
                old_left = int(hunk[1] if hunk[1] is not None else 1)
                first, new_left = int(hunk[2]), int(hunk[3] if hunk[3] is not None else 1)
                lines = []
    _output(log)
    current: dict[str, str | None] = {}
    for path in {a.path for a in added}:
        try:
            current[path] = (root / path).read_bytes().decode("utf-8", "replace")
        except OSError:
            current[path] = None
    return History(tuple(added), current)


#: below this many incidents, starting worker processes may cost more than it saves (two cores,
#: generated archive: the two break even near 80 incidents; at 150 the pool is 25% faster)
PARALLEL_FROM = 160
_BATCH = 64
_WORKER_STATE: tuple[Settings, CheckContext, dict[str, str]] | None = None

Checked = tuple[
    str, str | None, Outcome
]  # folder name, files' digest (None: not to be kept), outcome


def _check(
    folders: list[Path], settings: Settings, ctx: CheckContext, levels: dict[str, str]
) -> Iterator[Checked]:
    """Load and check ``folders``, one at a time, each outcome given as soon as it is known."""
    for folder in folders:
        sources = read_sources(folder)
        yield (
            folder.name,
            key(sources),
            outcome(load_incident(folder, settings, sources=sources), ctx, ALL_RULES, levels),
        )


def _check_batch(folders: list[Path]) -> list[Checked]:
    """``_check`` in a worker process, forked with the state it needs."""
    assert _WORKER_STATE is not None
    return list(_check(folders, *_WORKER_STATE))


def _workers(count: int) -> int:
    import multiprocessing

    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("HINDSIGHT_JOBS")
    available = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    return max(1, int(wanted)) if wanted and wanted.isdigit() else available


def _context(
    settings: Settings, today: date
) -> tuple[tuple[tuple[str, str], ...], CheckContext, dict[str, str]]:
    """The archive's entries, the rules' context (with every incident id) and the rule levels."""
    entries = listing(settings)
    ids = frozenset(name for name, kind in entries if kind != "file" and is_incident_name(name))
    ctx = CheckContext(settings, today, ids)
    return entries, ctx, levels_for(ctx, ALL_RULES)


def _fresh(
    folders: list[Path], settings: Settings, ctx: CheckContext, levels: dict[str, str]
) -> Iterator[Checked]:
    """Check ``folders``: in this process, or by a pool of forked processes for many."""
    global _WORKER_STATE
    workers = _workers(len(folders))
    if workers == 1:
        yield from _check(folders, settings, ctx, levels)
        return
    import multiprocessing

    _WORKER_STATE = (settings, ctx, levels)
    batches = [folders[i : i + _BATCH] for i in range(0, len(folders), _BATCH)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(_check_batch, batches):
                yield from part
    finally:
        _WORKER_STATE = None


def check_folders(
    settings: Settings,
    folders: list[Path],
    today: date,
    cache: Cache | None = None,
    history: History | None = None,
) -> Report:
    """Check ``folders`` in depth, and the ids of the whole archive, as of ``today``.

    With a ``cache``, an incident whose files did not change since it was kept is not checked
    again: only its judged rules are (today, the ids), and the cache is updated in memory (the
    caller saves it). Large archives are checked by a pool of forked processes, one per core
    (``HINDSIGHT_JOBS`` sets how many). The findings are the same either way.
    """
    entries, ctx, levels = _context(settings, today)
    findings = archive_findings(
        Archive(entries, tuple(f.name for f in folders)), ctx, ALL_RULES, levels
    )
    if history is not None:
        findings.extend(history_findings(history, ctx, ALL_RULES, levels))
    stale = folders
    if cache is not None:
        stale = []
        for folder in folders:
            kept = cache.get(folder.name, key(read_sources(folder)))
            if kept is None:
                stale.append(folder)
            else:
                findings.extend(judge(kept, ctx, levels))
    for name, digest, done in _fresh(stale, settings, ctx, levels):
        if cache is not None:
            cache.put(name, digest, done)
        findings.extend(judge(done, ctx, levels))
    if cache is not None:
        cache.retain({name for name, kind in entries if kind == "dir"})
    return report(findings, len(folders))


def check_paths(settings: Settings, paths: Iterable[Path], today: date) -> Report:
    """Check the incidents named by ``paths`` (all when empty) as of ``today``."""
    return check_folders(settings, select(settings, paths), today)


def check_candidate(
    settings: Settings, folder: Path, postmortem: bytes, today: date
) -> list[Finding]:
    """The findings ``folder`` would have if its postmortem.md held ``postmortem``."""
    _entries, ctx, levels = _context(settings, today)
    loaded = load_incident(folder, settings, postmortem)
    return sorted(incident_findings(loaded, ctx, ALL_RULES, levels), key=Finding.sort_key)
