"""``hindsight init`` and ``hindsight new``: create files from packaged or archive templates.

Everything is rendered in memory first; only then is anything written, each file opened
with ``x`` so that nothing that exists is ever overwritten.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from hindsight.config import Settings, suggest
from hindsight.errors import HindsightError
from hindsight.load.timeline import format_event
from hindsight.load.yamlsafe import CONTROL
from hindsight.model import DECLARED, HANDLE, Status, Visibility
from hindsight.paths import discover, relative
from hindsight.templating import DEFAULTS, environment, render, template_names

MAX_SLUG = 60
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "œ": "oe",
        "Œ": "OE",
    }
)


def slugify(title: str) -> str:
    """Lowercase ASCII letters, digits and single hyphens; never empty, never a path."""
    text = unicodedata.normalize("NFKD", title.translate(_FOLD))
    text = "".join(c if c.isascii() else " " for c in text if unicodedata.category(c) != "Mn")
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > MAX_SLUG:
        cut = text.rfind("-", 0, MAX_SLUG + 1)
        text = text[: cut if cut > MAX_SLUG // 2 else MAX_SLUG].strip("-")
    return text or "incident"


def handle(value: str) -> str:
    """A person's handle as written, without a leading ``@``; refuses what is not a handle."""
    cleaned = value.strip().lstrip("@")
    if not HANDLE.match(cleaned):
        raise HindsightError(
            f"'{value}' is not a handle; use the person's code-host login, like dana"
        )
    return cleaned


@dataclass
class Declaration:
    """What ``hindsight new`` was told about the incident."""

    title: str
    severity: str
    date: date
    services: list[str] = field(default_factory=list)
    commander: str | None = None
    status: Status = Status.INVESTIGATING
    visibility: Visibility = Visibility.INTERNAL
    slug: str | None = None


def severity_name(settings: Settings, value: str) -> str:
    """The configured severity ``value`` names, matched case-insensitively."""
    for name in settings.severities:
        if name.lower() == value.strip().lower():
            return name
    names = list(settings.severities)
    raise HindsightError(
        f"unknown severity '{value}'; use one of {', '.join(names)}{suggest(value, names)}"
    )


def _ask(prompt: str, default: str | None = None) -> str:
    import click

    return str(click.prompt(prompt, default=default, show_default=default is not None))


def declaration(
    settings: Settings,
    title: str,
    severity: str | None,
    services: tuple[str, ...],
    commander: str | None,
    day: str | None,
    status: str,
    restricted: bool,
    slug: str | None,
    *,
    today: date,
    ask: bool,
) -> Declaration:
    """Validate what ``new`` was given; in a terminal, ask for severity, services, commander."""
    if not title.strip():
        raise HindsightError("the title is empty; say what is broken, like 'Checkout API errors'")
    hidden = CONTROL.search(title)
    if hidden:
        raise HindsightError(
            f"the title contains an invisible character (U+{ord(hidden.group(0)):04X}); "
            "retype it without control or direction characters"
        )
    from hindsight import leaks

    secrets = leaks.scan(title)
    if secrets:
        raise HindsightError(
            f"the title holds {secrets[0].describe()}; nothing was written. Say what is broken "
            "without it, and revoke it"
        )
    if severity is None:
        if not ask:
            raise HindsightError(f"--severity is required; one of {', '.join(settings.severities)}")
        from hindsight.terminal import echo

        for name, text in settings.severities.items():
            echo(f"  {name}: {text}", err=True)
        severity = _ask("Severity")
    if not services and ask:
        services = (_ask("Services affected (comma-separated, empty if unknown)", ""),)
    if commander is None and ask:
        commander = _ask("Incident commander's handle (empty if none yet)", "") or None
    try:
        started = date.fromisoformat(day) if day else today
    except ValueError:
        raise HindsightError(
            f"--date '{day}' is not a date; write YYYY-MM-DD, like {today}"
        ) from None
    names = [s.strip() for group in services for s in group.split(",") if s.strip()]
    return Declaration(
        title=title.strip(),
        severity=severity_name(settings, severity),
        date=started,
        services=list(dict.fromkeys(names)),
        commander=handle(commander) if commander else None,
        status=Status(status),
        visibility=Visibility.RESTRICTED if restricted else Visibility.INTERNAL,
        slug=slug,
    )


def is_live(decl: Declaration, now: datetime) -> bool:
    """True for an incident declared while it goes on: ``investigating``, dated today or
    yesterday (it may have begun before midnight UTC). Its events are logged as they
    happen; those of one written up afterwards need their date."""
    return decl.status is Status.INVESTIGATING and (now.date() - decl.date).days <= 1


def declared_line(decl: Declaration, now: datetime) -> str:
    """The timeline's first line: the declaration, as an event when it happens now.

    An incident declared while it goes on (``investigating``, dated today or yesterday:
    it may have begun before midnight UTC) gets the event ``Incident declared`` at this
    moment. One written up afterwards (``--status draft``, or dated earlier) gets the same
    words as a comment: as an event, today's time would sit after its ``[resolved]``.
    """
    what = f"{decl.title} ({decl.severity}"
    what += f", commander {decl.commander})" if decl.commander else ")"
    if is_live(decl, now):
        return format_event(now, DECLARED + what).rstrip("\n")
    return "# " + format_event(now, f"Written up with hindsight new: {what}").rstrip("\n")


def _render_incident(
    settings: Settings, decl: Declaration, incident_id: str, now: datetime
) -> dict[str, str]:
    env = environment(settings.root)
    context = {
        "id": incident_id,
        "title": decl.title,
        "status": decl.status.value,
        "severity": decl.severity,
        "severity_description": settings.severities.get(decl.severity, ""),
        "visibility": decl.visibility.value,
        "services": decl.services,
        "commander": decl.commander,
        "date": decl.date,
        "now": now,
        "declared_event": declared_line(decl, now),
        "sections": settings.sections,
    }
    files = {}
    for name in template_names(env, "incident"):
        target = name[len("incident/") : -len(".j2")]
        if ".." in Path(target).parts:
            raise HindsightError(
                f"templates/{name}: a template may not write outside the incident folder"
            )
        files[target] = render(env, name, context)
    if "postmortem.md" not in files:
        raise HindsightError("templates/incident/ has no postmortem.md.j2")
    return files


def new_incident(settings: Settings, decl: Declaration, now: datetime) -> Path:
    """Create ``incidents/<date>-<slug>/`` from the templates; return its path."""
    incident_id = f"{decl.date.isoformat()}-{slugify(decl.slug or decl.title)}"
    files = _render_incident(settings, decl, incident_id, now)
    return write_incident(settings, incident_id, files)


def write_incident(
    settings: Settings,
    incident_id: str,
    files: dict[str, str],
    instead: str = "Choose another title, or --slug NAME",
) -> Path:
    """Create the folder ``incident_id`` with ``files``; refuse if it or a same-named one exists.

    ``instead`` says what to do then, in the terms of the command that writes.

    Nothing is ever overwritten: the folder is made with ``mkdir`` (which fails if it
    exists) and each file opened with ``x``; if a write fails, the new folder is removed.
    """
    folder = settings.incidents_path / incident_id
    for existing in discover(settings):
        if existing.name.lower() == incident_id.lower():
            raise HindsightError(
                f"{relative(existing, settings.root)} already exists; nothing was written. "
                + instead
            )
    settings.incidents_path.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
    except FileExistsError:
        raise HindsightError(
            f"{relative(folder, settings.root)} already exists; nothing was written"
        ) from None
    try:
        for name, text in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "x", encoding="utf-8", newline="\n") as handle_:
                handle_.write(text)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise HindsightError(
            f"{relative(folder, settings.root)}: cannot write: {exc.strerror}; nothing was kept"
        ) from None
    return folder


#: files and folders of ``defaults/archive`` that are hidden (dotted) in an archive
_DOTTED = frozenset({"github", "gitignore", "pre-commit-config.yaml"})
#: the branch an archive's workflows run on (``push: branches: [main]``)
BRANCH = "main"


def _skeleton(requirement: str) -> list[tuple[str, bytes]]:
    """(path in the new archive, content) for everything ``init`` creates."""
    from hindsight import requirement as pin

    plan = []
    for source in sorted((DEFAULTS / "archive").rglob("*")):
        if source.is_file():
            rel = source.relative_to(DEFAULTS / "archive").as_posix()
            plan.append(("." + rel if rel.split("/")[0] in _DOTTED else rel, source.read_bytes()))
    for source in sorted((DEFAULTS / "templates").rglob("*")):
        if source.is_file():
            rel = source.relative_to(DEFAULTS / "templates").as_posix()
            plan.append((f"templates/{rel}", source.read_bytes()))
    plan.append((pin.FILE, pin.text(requirement).encode("utf-8")))
    return plan


def init_archive(dest: Path, git: bool = True, requirement: str | None = None) -> list[str]:
    """Create a ready archive repository in ``dest``; refuse if any of its files exist.

    ``requirement`` is the line of ``requirements.txt`` that installs Hindsight in CI
    (default: this version from the package index; the command line gives the install's own,
    :func:`hindsight.requirement.installed`). A new git repository starts on ``main``, the
    branch the workflows run on.
    """
    if requirement is None:
        from hindsight import __version__
        from hindsight.requirement import NAME

        requirement = f"{NAME}=={__version__}"
    plan = _skeleton(requirement)
    clashes = [rel for rel, _ in plan if (dest / rel).exists()]
    if clashes:
        shown = ", ".join(clashes[:5]) + (" …" if len(clashes) > 5 else "")
        raise HindsightError(f"{dest} already has {shown}; nothing was written")
    created = []
    try:
        for rel, data in plan:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as out:
                out.write(data)
            created.append(rel)
        (dest / "incidents").mkdir(exist_ok=True)
        keep = dest / "incidents" / ".gitkeep"
        keep.touch(exist_ok=True)
    except OSError as exc:
        raise HindsightError(f"{dest}: cannot write: {exc.strerror}") from None
    if git and shutil.which("git") and not _inside_git(dest):
        subprocess.run(
            ["git", "-c", f"init.defaultBranch={BRANCH}", "init", "-q", str(dest)], check=False
        )
        # `git init -b` is git 2.28's; before any commit, HEAD can name any branch
        subprocess.run(
            ["git", "-C", str(dest), "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"], check=False
        )
    return created


def branch(folder: Path) -> str | None:
    """The branch checked out in the git repository holding ``folder``, if any."""
    if not shutil.which("git"):
        return None
    result = subprocess.run(
        ["git", "-C", str(folder), "symbolic-ref", "--quiet", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def _inside_git(folder: Path) -> bool:
    result = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0
