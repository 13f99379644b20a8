"""What changed since a git ref, for ``hindsight check --changed-since``: folders and history.

The git commands walk the working tree, the larger part of the cost in a large archive, so
:func:`start` sets them going and :meth:`Pending.result` reads them when the check needs
them: the imports and the cache's opening happen meanwhile. Nothing here reads an incident
that did not change.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hindsight.errors import HindsightError
from hindsight.paths import is_incident_name

if TYPE_CHECKING:  # the rules package is imported when the check runs, not to start git
    from hindsight.config import Settings
    from hindsight.rules._base import History


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


class Pending:
    """The git commands of one ``--changed-since``, running; :meth:`result` waits for them."""

    def __init__(self, settings: Settings, base: str) -> None:
        root = settings.root
        self.settings, self.prefix = settings, settings.incidents_dir.strip("/") + "/"
        # only where a change matters: the incidents, the settings and the templates (git
        # need not look at every file of the repository, its docs and tools included)
        where = (self.prefix, "hindsight.yml", "templates/")
        self._diff = _start(
            root, "diff", "--name-only", "--relative", "--no-renames", base, "--", *where
        )
        self._untracked = _start(root, "ls-files", "--others", "--exclude-standard", "--", *where)
        self._log = _start(
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
            "--text",  # an attachment in UTF-16 or with a NUL byte is diffed too
            "--relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            f"{base}..HEAD",
            "--",
            self.prefix,
            "docs/",
            binary=True,
        )

    def result(self) -> Changes:
        """The changed folders and the history, once git has said them."""
        history = _history(self._log, self.prefix, self.settings.root)
        names = _output(self._diff).splitlines() + _output(self._untracked).splitlines()
        return Changes(_changed_folders(self.settings, names, self.prefix), history)


def start(settings: Settings, ref: str) -> Pending:
    """Set going the git commands that say what changed since ``ref`` (from where the branch left it)."""
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
    return Pending(settings, _git(root, "merge-base", ref, "HEAD").strip())


def changed(settings: Settings, ref: str) -> Changes:
    """The incidents changed since ``ref`` (from where the branch left it) and what its commits added."""
    return start(settings, ref).result()


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
    """The lines ``git log -p --unified=0`` says were added to incidents' files (attachments
    too) and pages under docs/ and that may hold a secret, with their ignore comments; and
    those files as they are now."""
    from hindsight.leaks import may_hold
    from hindsight.load.markdown import ignores
    from hindsight.readers import read
    from hindsight.rules._base import Added, History

    added: list[Added] = []
    commit = path = incident = ""
    first, old_left, new_left, lines = 0, 0, 0, []
    assert log.stdout is not None
    for raw in log.stdout:
        if old_left or new_left:  # inside a hunk: its header said how many lines go and come
            if raw.startswith(b"+"):
                new_left -= 1
                lines.append(raw[1:].rstrip(b"\r\n").replace(b"\0", b"").decode("utf-8", "replace"))
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
                    if may_hold(text)
                )
            continue
        if raw.startswith(b"\0"):
            commit, path = raw[1:].strip().decode("ascii", "replace"), ""
        elif raw.startswith(b"+++ "):
            name = raw[4:].rstrip(b"\r\n").rstrip(b"\t").decode("utf-8", "replace")
            name = name[2:] if name.startswith("b/") else ""
            parts = name[len(prefix) :].split("/") if name.startswith(prefix) else []
            # an incident's files, its attachments too, and the hand-written pages
            path = name if len(parts) >= 2 and is_incident_name(parts[0]) else ""
            path = name if name.startswith("docs/") and name.endswith(".md") else path
            incident = parts[0] if path and parts else ""
        elif raw.startswith(b"@@"):
            hunk = _HUNK.match(raw)
            if hunk is not None:
                old_left = int(hunk[1] if hunk[1] is not None else 1)
                first, new_left = int(hunk[2]), int(hunk[3] if hunk[3] is not None else 1)
                lines = []
    _output(log)
    current: dict[str, str | None] = {}
    for path in {a.path for a in added}:
        current[path] = read(str(root / path))  # as HS807 and the site read it
    return History(tuple(added), current)
