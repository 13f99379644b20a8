"""``hindsight check``: choose the incidents to check, load them, run the engine."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from hindsight.cache import Cache
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
from hindsight.load.incident import key, load_incident, read_sources
from hindsight.model import Finding, Status
from hindsight.paths import discover, is_incident_name, listing
from hindsight.rules import ALL_RULES, Archive, CheckContext
from hindsight.rules._base import History


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
        if not target.exists() and len(given.parts) == 1 and is_incident_name(given.name):
            target = base / given.name  # an incident's id, as the other commands take it
        if not target.exists():
            raise HindsightError(f"{given}: no such file or folder{_closest(settings, given)}")
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


def _closest(settings: Settings, given: Path) -> str:
    """``; did you mean 'incidents/ID'?`` for the incident whose id is nearest ``given``'s name."""
    from hindsight.config import suggest

    names = [p.name for p in discover(settings)]
    hint = suggest(given.name, names)
    return hint.replace("'", f"'{settings.incidents_dir}/", 1) if hint else ""


#: below this many incidents, starting worker processes may cost more than it saves (two cores,
#: generated archive: the two break even near 80 incidents; at 150 the pool is 25% faster)
PARALLEL_FROM = 160
_BATCH = 64
_WORKER_STATE: tuple[Settings, CheckContext, dict[str, str], Status | None] | None = None

Checked = tuple[
    str, str | None, Outcome
]  # folder name, files' digest (None: not to be kept), outcome


def _check(
    folders: list[Path],
    settings: Settings,
    ctx: CheckContext,
    levels: dict[str, str],
    checked_as: Status | None = None,
) -> Iterator[Checked]:
    """Load and check ``folders``, one at a time, each outcome given as soon as it is known."""
    for folder in folders:
        sources = read_sources(folder)
        loaded = load_incident(folder, settings, sources=sources)
        yield folder.name, key(sources), outcome(loaded, ctx, ALL_RULES, levels, checked_as)


def _check_batch(folders: list[Path]) -> list[Checked]:
    """``_check`` in a worker process, forked with the state it needs."""
    assert _WORKER_STATE is not None
    return list(_check(folders, *_WORKER_STATE))


def _workers(count: int) -> int:
    """How many processes check ``count`` incidents: ``HINDSIGHT_JOBS``, else one per core."""
    if count < PARALLEL_FROM:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("HINDSIGHT_JOBS")
    return max(1, int(wanted)) if wanted and wanted.isdigit() else cores()


#: cgroup v2's CPU limit of this process's group: "max 100000", or "150000 100000" for 1.5 CPUs
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cores() -> int:
    """The processors this process may use: those it may run on, within its group's CPU limit.

    A container given ``--cpus 1`` on a machine of 16 still sees 16 processors; 16 processes
    sharing one CPU would be slower than one, so the limit is read too.
    """
    available = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    try:
        quota, period = CPU_MAX.read_text(encoding="ascii").split()[:2]
        limit = -(-int(quota) // int(period))  # rounded up: 1.5 CPUs are worth two processes
    except (OSError, ValueError):  # no cgroup v2, or "max": no limit
        return available
    return max(1, min(available, limit))


def _context(
    settings: Settings, today: date
) -> tuple[tuple[tuple[str, str], ...], CheckContext, dict[str, str]]:
    """The archive's entries, the rules' context (with every incident id) and the rule levels."""
    entries = listing(settings)
    ids = frozenset(name for name, kind in entries if kind != "file" and is_incident_name(name))
    ctx = CheckContext(settings, today, ids)
    return entries, ctx, levels_for(ctx, ALL_RULES)


def _fresh(
    folders: list[Path],
    settings: Settings,
    ctx: CheckContext,
    levels: dict[str, str],
    checked_as: Status | None = None,
) -> Iterator[Checked]:
    """Check ``folders``: in this process, or by a pool of forked processes for many."""
    global _WORKER_STATE
    workers = _workers(len(folders))
    if workers == 1:
        yield from _check(folders, settings, ctx, levels, checked_as)
        return
    import multiprocessing

    _WORKER_STATE = (settings, ctx, levels, checked_as)
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
    checked_as: Status | None = None,
) -> Report:
    """Check ``folders`` in depth, and the ids of the whole archive, as of ``today``.

    With a ``cache``, an incident whose files did not change since it was kept is not checked
    again: only its judged rules are (today, the ids), and the cache is updated in memory (the
    caller saves it). Large archives are checked by a pool of forked processes, one per core
    (``HINDSIGHT_JOBS`` sets how many). The findings are the same either way. With
    ``checked_as``, every incident is checked as if it were at that status, and the cache is
    neither read nor written; with ``history`` (a pull request's changes) neither, so that
    the incidents it changes are checked afresh, whatever the cache holds.
    """
    entries, ctx, levels = _context(settings, today)
    if checked_as is not None or history is not None:
        cache = None
    digests: dict[str, str | None] = {}  # of the incidents an archive rule read whole
    archive = Archive(entries, tuple(f.name for f in folders), cache, digests)
    findings = archive_findings(archive, ctx, ALL_RULES, levels)
    if history is not None:
        findings.extend(history_findings(history, ctx, ALL_RULES, levels))
    stale = folders
    if cache is not None and cache.usable:
        stale = []
        for folder in folders:
            digest = digests[folder.name] if folder.name in digests else key(read_sources(folder))
            kept = cache.get(folder.name, digest)
            if kept is None:
                stale.append(folder)
            else:
                findings.extend(judge(kept, ctx, levels))
    for name, digest, done in _fresh(stale, settings, ctx, levels, checked_as):
        if cache is not None:
            cache.put(name, digest, done)
        findings.extend(judge(done, ctx, levels))
    existing = {name for name, kind in entries if kind == "dir"}
    if cache is not None and existing <= {folder.name for folder in folders}:
        # a whole check forgets deleted folders; a partial one (a pull request's) reads
        # nothing of the incidents it was not given, the cache's list of them included
        cache.retain(existing)
    return report(findings, len(folders), checked_as)


def check_paths(settings: Settings, paths: Iterable[Path], today: date) -> Report:
    """Check the incidents named by ``paths`` (all when empty) as of ``today``."""
    return check_folders(settings, select(settings, paths), today)


def check_candidate(
    settings: Settings,
    folder: Path,
    postmortem: bytes,
    today: date,
    checked_as: Status | None = None,
) -> list[Finding]:
    """The findings ``folder`` would have if its postmortem.md held ``postmortem``."""
    _entries, ctx, levels = _context(settings, today)
    loaded = load_incident(folder, settings, postmortem)
    found = incident_findings(loaded, ctx, ALL_RULES, levels, checked_as)
    return sorted(found, key=Finding.sort_key)
