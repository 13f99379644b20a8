"""HS9xx repo: the incidents folder as a whole: unique ids, folder names, links, stray files."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

from hindsight.config import suggest
from hindsight.model import Category, Finding, Incident, Level
from hindsight.paths import is_incident_name
from hindsight.rules._base import Archive, CheckContext, Facts, rule

FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
INCIDENT_FILES = ("postmortem.md", "timeline.log")
ATTACHMENTS = "attachments"
TOP_LEVEL_FILES = ("README.md", "index.md")


def _path(ctx: CheckContext, *parts: str) -> str:
    return "/".join((ctx.settings.incidents_dir, *parts))


def _folders(archive: Archive) -> list[str]:
    return [name for name, kind in archive.entries if kind == "dir" and is_incident_name(name)]


@rule("HS901", "duplicate-id", Category.REPO, archive=True)
def duplicate_id(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags incident folders whose names differ only in letter case.

    ## Why is this bad?
    On macOS and Windows the two folders are one, so a clone silently mixes two
    incidents; links and related ids are ambiguous everywhere. Checked across the whole
    archive, even with `--changed-since`.

    ## Example
    ```tree
    2026-11-21-Example/postmortem.md
    ```

    ## Use instead
    ```tree
    2026-11-21-example-two/postmortem.md
    ```
    """
    seen: dict[str, str] = {}
    for name in sorted(_folders(archive)):
        key = name.casefold()
        if key in seen:
            yield duplicate_id.at(
                _path(ctx, name),
                f"incident '{name}' has the same id as '{seen[key]}' "
                "when letter case is ignored; rename one of them",
                name,
            )
        else:
            seen[key] = name


@rule("HS902", "folder-name", Category.REPO, archive=True)
def folder_name(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an incident folder not named `YYYY-MM-DD-slug` (a real date, lowercase slug).

    ## Why is this bad?
    The folder name is the incident's id: it orders the archive, dates the incident and
    appears in every link. Capitals, spaces or a wrong date break sorting and links.

    ## Example
    ```tree
    Checkout Errors/postmortem.md
    ```

    ## Use instead
    ```tree
    2026-11-20-checkout-errors/postmortem.md
    ```
    """
    for name in archive.checked:
        match = FOLDER.match(name)
        problem = None
        if not match:
            problem = "is not named YYYY-MM-DD-slug (lowercase letters, digits and hyphens)"
        else:
            try:
                dt.date.fromisoformat(match.group(1))
            except ValueError:
                problem = f"starts with {match.group(1)}, which is not a date"
        if problem:
            yield folder_name.at(
                _path(ctx, name),
                f"incident folder '{name}' {problem}; rename it, e.g. "
                f"{ctx.today:%Y-%m-%d}-checkout-errors",
                name,
            )


def _related(incident: Incident) -> list[Any]:
    """``[line, ids]``: the `related` ids and the line they are written on."""
    return [incident.key_lines.get("related"), list(incident.listed("related"))]


@rule("HS903", "related-missing", Category.REPO, facts=_related)
def related_missing(facts: Facts, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a `related` id that is not an incident in the archive.

    ## Why is this bad?
    Related incidents are how readers see a pattern: the third outage from the same
    cause. A misspelt id is a broken link on the site and a pattern nobody sees.

    ## Example
    ```tree
    2026-10-02-checkout-latency/postmortem.md
    ```
    ```yaml
    related: [2026-10-02-checkout-latncy]
    ```

    ## Use instead
    ```tree
    2026-10-02-checkout-latency/postmortem.md
    ```
    ```yaml
    related: [2026-10-02-checkout-latency]
    ```
    """
    line, listed = facts.data
    if not ctx.ids:
        return
    for related in listed:
        if related not in ctx.ids:
            hint = suggest(related, sorted(ctx.ids))
            yield related_missing.finding(
                facts, line, f"related incident '{related}' is not in the archive{hint}"
            )


def _links(folder: str) -> Iterator[str]:
    """Paths under ``folder`` (relative, with ``/``) that are symbolic links; none is followed.

    The directory listing says which entries are links, so this costs one listing per
    folder and no call per file: it runs on every incident of the archive.
    """
    stack = [(folder, "")]
    while stack:
        top, prefix = stack.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                yield prefix + entry.name
            elif entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{prefix}{entry.name}/"))


@rule("HS904", "symlink", Category.REPO, archive=True)
def symlink(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a symbolic link anywhere under the incidents folder.

    ## Why is this bad?
    The site publishes what a link points to, wherever it is: a link in `attachments/`
    can publish a file from outside the archive, or a restricted incident. Copy the file
    instead.

    ## Example
    ```tree
    2026-11-21-example/attachments/graph.png -> /etc/hostname
    ```

    ## Use instead
    ```tree
    2026-11-21-example/attachments/graph.png
    ```
    """
    base = str(ctx.settings.incidents_path)
    for name, kind in archive.entries:
        if kind == "link":
            yield symlink.at(
                _path(ctx, name),
                f"'{name}' is a symbolic link; replace it with the real folder "
                "or file (the site would publish whatever it points to)",
            )
    for name in archive.checked:
        for link in _links(os.path.join(base, name)):
            yield symlink.at(
                _path(ctx, name, link),
                f"'{link}' is a symbolic link; copy the file in "
                "instead (the site would publish whatever it points to)",
                name,
            )


@rule("HS905", "stray-file", Category.REPO, Level.WARNING, archive=True)
def stray_file(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags files where Hindsight does not look: beside the incident folders, or beside postmortem.md.

    An incident folder holds `postmortem.md`, `timeline.log` and an `attachments/`
    folder; hidden files are ignored.

    ## Why is this bad?
    A stray file is never published, checked or linked, so what is in it is lost to
    readers; often it is a draft saved in the wrong place or a misspelt `postmortem.md`.

    ## Example
    ```tree
    2026-11-21-example/graph.png
    ```

    ## Use instead
    ```tree
    2026-11-21-example/attachments/graph.png
    ```
    """
    for name, kind in archive.entries:
        if kind == "file" and not name.startswith(".") and name not in TOP_LEVEL_FILES:
            yield stray_file.at(
                _path(ctx, name),
                f"'{name}' is not in an incident folder; move it into one, or delete it",
            )
    base = ctx.settings.incidents_path
    for name in archive.checked:
        try:
            with os.scandir(base / name) as entries:
                found = [
                    (e.name, e.is_dir(follow_symlinks=False)) for e in entries if not e.is_symlink()
                ]
        except OSError:
            continue
        for entry, is_dir in sorted(found):
            if (
                entry.startswith(".")
                or entry in INCIDENT_FILES
                or (entry == ATTACHMENTS and is_dir)
            ):
                continue  # a postmortem.md that is a folder is reported when it cannot be read
            hint = suggest(entry, list(INCIDENT_FILES))
            where = "into attachments/" if not is_dir and not hint else "where it belongs"
            yield stray_file.at(
                _path(ctx, name, entry),
                f"'{entry}' is not part of an incident{hint}; move it {where}, or delete it",
                name,
            )


RULES = (duplicate_id, folder_name, related_missing, symlink, stray_file)
