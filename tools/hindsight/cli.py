"""The ``hindsight`` command line: thin commands over importable functions.

Each command imports what it needs when it runs, so ``hindsight log`` at 3 a.m. starts
without Jinja, Markdown or MkDocs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hindsight import __version__
from hindsight.clock import AT_FORMS
from hindsight.errors import HindsightError
from hindsight.terminal import VisibleStream, echo

if TYPE_CHECKING:
    from hindsight.config import Settings
    from hindsight.requirement import Pin

_MILESTONES = (
    "start",
    "detected",
    "acknowledged",
    "escalated",
    "mitigated",
    "resolved",
    "comms",
    "decision",
    "action",
)


class Archive:
    """The archive the command works on: its root and settings, found when first needed."""

    def __init__(self, root: Path | None) -> None:
        self._root = root
        self._settings: Settings | None = None

    @property
    def root(self) -> Path:
        """The archive at ``--repo``, or found from the current folder up."""
        from hindsight.config import find_root

        root = self._root.resolve() if self._root else find_root(Path.cwd())
        if root is None or not root.is_dir():
            raise HindsightError(
                "not inside a Hindsight archive (no hindsight.yml or incidents/ here or above); "
                "cd into one, pass --repo DIR, or create one with 'hindsight init DIR'"
            )
        return root

    @property
    def settings(self) -> Settings:
        """Settings of the archive at ``--repo``, or found from the current folder up."""
        if self._settings is None:
            from hindsight.config import load_settings

            self._settings = load_settings(self.root)
        return self._settings


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    help="The archive's root folder (default: found from the current folder up).",
)
@click.version_option(__version__, prog_name="hindsight")
@click.pass_context
def cli(ctx: click.Context, repo: Path | None) -> None:
    """Hindsight: declare, log, write, check and publish postmortems in git."""
    ctx.obj = Archive(repo)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-git", is_flag=True, help="Do not run 'git init' in the new archive.")
@click.option(
    "--upgrade",
    is_flag=True,
    help="In the archive DIRECTORY (default: the one here), rewrite only the line of "
    "requirements.txt that installs Hindsight, to install this one.",
)
@click.pass_obj
def init(archive: Archive, directory: Path | None, no_git: bool, upgrade: bool) -> None:
    """Create a new archive repository in DIRECTORY.

    requirements.txt, which every workflow installs from, pins the Hindsight that runs this
    command: its version from the package index, or the git URL and commit it was installed
    from. After installing another version, 'hindsight init --upgrade' pins that one.
    """
    from hindsight import requirement, scaffold

    pin = requirement.installed()
    if upgrade:
        _upgrade(directory or archive.root, pin)
        return
    if directory is None:
        raise click.UsageError("give the DIRECTORY to create the archive in (or --upgrade)")
    created = scaffold.init_archive(directory, git=not no_git, requirement=pin.requirement)
    echo(f"Created a Hindsight archive in {directory} ({len(created)} files).")
    echo(f"CI installs {pin.requirement} ({requirement.FILE}).")
    if pin.warning:
        echo(f"hindsight: warning: {requirement.FILE}: {pin.warning}", err=True)
    current = scaffold.branch(directory) if not no_git else None
    if current is not None and current != scaffold.BRANCH:
        echo(
            f"hindsight: warning: the workflows run on pushes to {scaffold.BRANCH}, and this "
            f"repository is on {current}: rename it (git branch -m {scaffold.BRANCH}), or change "
            "'branches:' in .github/workflows/check.yml and publish.yml",
            err=True,
        )
    echo(f'Next: cd {directory} && hindsight new "What is broken" --severity SEV2', err=True)
    echo(
        "To publish the site: push to GitHub, then Settings → Pages → Source: GitHub Actions "
        f"(see {directory / 'README.md'})",
        err=True,
    )


def _upgrade(root: Path, pin: Pin) -> None:
    """``init --upgrade``: pin ``pin`` in the archive's requirements.txt, say what changed."""
    from hindsight import requirement

    change = requirement.upgrade(root, pin)
    where = f"{root / requirement.FILE}:{change.line}"
    if change.before is None:
        echo(f"{where}: added {change.after}")
    elif change.before == change.after:
        echo(f"{where}: already {change.after}; nothing to change")
    else:
        echo(f"{where}: {change.before} -> {change.after}")
    if pin.warning:
        echo(f"hindsight: warning: {requirement.FILE}: {pin.warning}", err=True)


@cli.command()
@click.argument("title")
@click.option(
    "--severity", help="Severity from hindsight.yml, like SEV2 (asked for in a terminal)."
)
@click.option(
    "--service",
    "services",
    multiple=True,
    help="An affected service; repeat or separate with commas.",
)
@click.option("--commander", help="The incident commander's handle.")
@click.option(
    "--date", "day", help="The day the incident started, YYYY-MM-DD (UTC; default today)."
)
@click.option(
    "--status",
    type=click.Choice(["investigating", "draft"]),
    default="investigating",
    show_default=True,
    help="'draft' to write up an incident that is already over.",
)
@click.option("--restricted", is_flag=True, help="Never publish this incident on the site.")
@click.option("--slug", help="The folder name after the date (default: from the title).")
@click.pass_obj
def new(
    archive: Archive,
    title: str,
    severity: str | None,
    services: tuple[str, ...],
    commander: str | None,
    day: str | None,
    status: str,
    restricted: bool,
    slug: str | None,
) -> None:
    """Declare an incident: scaffold incidents/<date>-<slug>/ and print its path."""
    from hindsight import clock
    from hindsight.scaffold import declaration, is_live, new_incident

    settings = archive.settings
    decl = declaration(
        settings,
        title,
        severity,
        services,
        commander,
        day,
        status,
        restricted,
        slug,
        today=clock.today(),
        ask=_interactive(),
    )
    current = clock.now()
    folder = new_incident(settings, decl, current)
    echo(f"{settings.incidents_dir}/{folder.name}/")
    if is_live(decl, current):
        echo('Log events as they happen: hindsight log "what happened"', err=True)
    else:
        echo(
            "Log its events with their date and time (local time unless a zone follows it): "
            f"hindsight log --incident {folder.name} --at '{decl.date.isoformat()} HH:MM' "
            '"what happened"',
            err=True,
        )


@cli.command()
@click.argument("text", nargs=-1)
@click.option(
    "--incident",
    "-i",
    "incident_id",
    metavar="ID",
    envvar="HINDSIGHT_INCIDENT",
    help="The incident (default: $HINDSIGHT_INCIDENT, else the one under investigation).",
)
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help=f"When it happened (default: now): {AT_FORMS}. A clock time is the most recent past "
    "one within the incident (its [start], or its id's day, to an hour after its [resolved]; "
    "with none, to the end of the day after its last event), else give the date; a time in "
    "the future is refused.",
)
@click.option(
    "--milestone",
    "-m",
    type=click.Choice(_MILESTONES, case_sensitive=False),
    help="Mark the event as a milestone or tag.",
)
@click.option(
    "--from-chat",
    "chat",
    metavar="PATH",
    type=click.Path(path_type=Path),
    help="Add the pinned messages of a chat instead of TEXT: a Slack export folder (or one "
    "channel's), a Zoom chat, an IRC log or 'YYYY-MM-DD HH:MM Name: text' lines.",
)
@click.option(
    "--all", "take_all", is_flag=True, help="With --from-chat: every message, not only pinned ones."
)
@click.option(
    "--since",
    metavar="TIME",
    help="With --from-chat: from this time (default: the start of the incident's day).",
)
@click.option(
    "--until",
    metavar="TIME",
    help="With --from-chat: until this time (default: an hour after the incident's [resolved], "
    "logged or in the chat; else the end of the day after its day).",
)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="With --from-chat: the day of a transcript's first time (default: the incident's day).",
)
@click.option(
    "--zone",
    metavar="ZONE",
    help="With --from-chat: the zone of a transcript's times, like Europe/Berlin or +01:00 (default: local).",
)
@click.option(
    "--milestones", is_flag=True, help="With --from-chat: apply the suggested milestones."
)
@click.option(
    "--dry-run", is_flag=True, help="With --from-chat: print what would be added; write nothing."
)
@click.pass_obj
def log(
    archive: Archive,
    text: tuple[str, ...],
    incident_id: str | None,
    at: str | None,
    milestone: str | None,
    chat: Path | None,
    **chat_options: Any,
) -> int | None:
    """Add an event to the incident's timeline.log (TEXT may be several words), or the
    pinned messages of a chat export with --from-chat."""
    from hindsight import clock, logbook
    from hindsight.model import Milestone

    _check_log_usage(text, at, milestone, chat, chat_options)
    settings = archive.settings
    folder = logbook.find_incident(settings, incident_id)
    if chat is not None:
        return _log_chat(settings, folder, chat, chat_options)
    current, zone = clock.now(), clock.local_zone()
    moment = current
    if at:
        moment = clock.resolve_at(at, current, zone, logbook.span_start(folder, current))
    mark = Milestone(milestone.lower()) if milestone else None
    logged = logbook.record(folder / "timeline.log", moment, " ".join(text), mark, settings.root)
    for line in logbook.summary(logged, current, settings, zone):
        echo(line)
    return None


def _check_log_usage(
    text: tuple[str, ...],
    at: str | None,
    milestone: str | None,
    chat: Path | None,
    options: dict[str, Any],
) -> None:
    """TEXT or --from-chat, not both; the chat options only with --from-chat."""
    if chat is None:
        flags = {"take_all": "--all", "day": "--date"}
        given = [flags.get(k, "--" + k.replace("_", "-")) for k, v in options.items() if v]
        if given:
            raise click.UsageError(
                f"{' and '.join(given)} only work(s) with --from-chat PATH, which imports a chat"
            )
        if not text:
            raise click.UsageError(
                'say what happened: hindsight log "Rolled back deploy 4812" (or --from-chat PATH)'
            )
    elif text or at or milestone:
        raise click.UsageError(
            "--from-chat takes the events' times and text from the chat; leave out TEXT, --at "
            "and --milestone (use --milestones to apply the suggested ones)"
        )


def _log_chat(settings: Settings, folder: Path, chat: Path, options: dict[str, Any]) -> int:
    from hindsight import clock
    from hindsight.chat.command import Options, run
    from hindsight.terminal import visible

    asked = _interactive() and not options["milestones"]
    confirm = (lambda q: click.confirm(visible(q), default=False)) if asked else None
    outcome = run(
        settings, folder, Options(chat, **options), clock.local_zone(), clock.now(), confirm
    )
    if outcome.out:
        echo("\n".join(outcome.out))
    if outcome.err:
        echo("\n".join(outcome.err), err=True)
    return outcome.code


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Check only incidents changed since this git ref (plus archive-wide id checks), and "
    "look for secrets its commits added and removed; they are checked afresh, never from the "
    "cache (a pull request's CI).",
)
@click.option("--today", metavar="YYYY-MM-DD", help="Check as of this date (default: today, UTC).")
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Check every incident afresh; neither read nor write .hindsight-cache/.",
)
@click.option(
    "--as",
    "checked_as",
    type=click.Choice(["investigating", "draft", "in-review", "approved"]),
    help="Check as if the incidents were at this later status (nothing is written).",
)
@click.pass_obj
def check(
    archive: Archive,
    paths: tuple[Path, ...],
    fmt: str,
    changed_since: str | None,
    today: str | None,
    no_cache: bool,
    checked_as: str | None,
) -> int:
    """Check incidents (all, or the folders in PATHS); exit 1 on errors.

    Unchanged incidents are not checked again: their findings are kept in .hindsight-cache/
    ($HINDSIGHT_CACHE_DIR), with what depends on today and the other incidents judged anew.
    --as in-review shows what review will demand of a draft, at error level.
    """
    from hindsight import changes, clock

    day = clock.parse_day(today) if today else clock.today()
    if changed_since is not None and paths:
        raise click.UsageError("give PATHS or --changed-since, not both")
    # git walks the working tree while the rules are imported and the cache is opened
    pending = None if changed_since is None else changes.start(archive.settings, changed_since)
    if pending is not None:  # and the heads HS810 reads to learn the restricted incidents
        from hindsight.mentions import read_ahead

        read_ahead(archive.settings)
    from hindsight.cache import Cache
    from hindsight.checking import check_folders, select
    from hindsight.model import Status
    from hindsight.reporters import REPORTERS

    as_status = Status(checked_as) if checked_as else None
    # the incidents a pull request changes are checked afresh: nothing it could have put in
    # the cache (a row swapped in) may silence their findings
    fresh = no_cache or as_status is not None or changed_since is not None
    cache = None if fresh else Cache.open(archive.settings)
    history = None
    if pending is not None:
        folders, history = pending.result()
        if folders is None:
            echo("hindsight.yml or templates/ changed: checking every incident", err=True)
            folders = select(archive.settings, [])
    else:
        folders = select(archive.settings, paths)
    report = check_folders(archive.settings, folders, day, cache, history, as_status)
    color = fmt == "text" and sys.stdout.isatty()
    echo(REPORTERS[fmt](report, color), nl=False, colour=color)
    if cache is not None:
        try:
            cache.save()
        except OSError as exc:
            echo(
                f"hindsight: could not keep results in {cache.folder}: {exc.strerror or exc}; "
                "the check itself is complete (--no-cache skips the cache)",
                err=True,
            )
    return report.exit_code


def _incident_folder(archive: Archive, incident_id: str) -> Path:
    from hindsight.logbook import find_incident

    return find_incident(archive.settings, incident_id)


@cli.command()
@click.argument("incident_id", metavar="ID")
@click.option("--by", "by", required=True, metavar="HANDLE", help="The reviewer signing off.")
@click.option(
    "--date", "day", metavar="YYYY-MM-DD", help="The day of the sign-off (default: today, UTC)."
)
@click.pass_obj
def approve(archive: Archive, incident_id: str, by: str, day: str | None) -> None:
    """Record a reviewer's sign-off in the incident's front matter."""
    from hindsight import clock
    from hindsight.signoff import approve as sign

    outcome = sign(
        archive.settings,
        _incident_folder(archive, incident_id),
        by,
        clock.parse_day(day) if day else clock.today(),
    )
    for line in outcome.messages:
        echo(line)


@cli.command()
@click.argument("incident_id", metavar="ID")
@click.argument(
    "status",
    metavar="STATUS",
    type=click.Choice(["investigating", "draft", "in-review", "approved"]),
)
@click.option("--today", metavar="YYYY-MM-DD", help="Check as of this date (default: today, UTC).")
@click.pass_obj
def status(archive: Archive, incident_id: str, status: str, today: str | None) -> int:
    """Move the incident to STATUS once that status's checks pass."""
    from hindsight import clock
    from hindsight.engine import report
    from hindsight.model import Status
    from hindsight.reporters import text
    from hindsight.signoff import move

    outcome = move(
        archive.settings,
        _incident_folder(archive, incident_id),
        Status(status),
        clock.parse_day(today) if today else clock.today(),
    )
    if outcome.findings:
        color = sys.stdout.isatty()
        echo(text(report(outcome.findings, 1), color), nl=False, colour=color)
        echo(outcome.messages[0], err=True)
        return 1
    for line in outcome.messages:
        echo(line)
    return 0


@cli.command()
@click.argument("incident_id", metavar="[ID]", required=False, envvar="HINDSIGHT_INCIDENT")
@click.option(
    "--audience",
    "-a",
    type=click.Choice(["internal", "external", "summary"]),
    required=True,
    help="internal: the company's update; external: the status page; summary: the outcome.",
)
@click.option(
    "--message",
    "-m",
    metavar="TEXT",
    help="A sentence to include as written, like what customers should do meanwhile.",
)
@click.option("--log", "log_it", is_flag=True, help="Also add a [comms] event to the timeline.")
@click.pass_obj
def comms(
    archive: Archive, incident_id: str | None, audience: str, message: str | None, log_it: bool
) -> int:
    """Write a status update or the summary from templates/comms/ (default: $HINDSIGHT_INCIDENT,
    else the incident under investigation).

    Prints the message to paste. A customer update that names people, internal services or
    hosts, or any message with a secret or blameful wording, is printed with the reasons
    on stderr and exit code 1, and is not logged.
    """
    from hindsight import clock, logbook
    from hindsight.comms import render_update
    from hindsight.load.incident import load_incident
    from hindsight.model import Milestone

    settings = archive.settings
    folder = logbook.find_incident(settings, incident_id, "'hindsight comms ID -a …'")
    loaded = load_incident(folder, settings)
    if loaded.incident is None:
        first = loaded.problems[0]
        raise HindsightError(f"{first.path}:{first.line or 1}: {first.message}")
    current = clock.now()
    update = render_update(loaded.incident, settings, audience, current, message)
    echo(update.text, nl=False)
    for gap in update.missing:
        echo(f"hindsight: not in the message yet: {gap}", err=True)
    if update.problems:
        for problem in update.problems:
            echo(f"hindsight: do not send as it is: {problem}", err=True)
        echo(
            "hindsight: fix the message (or the template, or comms.public_names in hindsight.yml)"
            + (", then log it again" if log_it else "")
            + "; nothing was logged",
            err=True,
        )
        return 1
    if log_it:
        logged = logbook.record(
            folder / "timeline.log", current, update.log_text, Milestone.COMMS, settings.root
        )
        echo(
            f"hindsight: logged in {settings.incidents_dir}/{folder.name}/timeline.log: {logged.line}",
            err=True,
        )
    return 0


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="The day the incident started, when the documents do not say.",
)
@click.option(
    "--zone", metavar="ZONE", help="The time zone of times that state none (UTC, PST, CET, UTC+2)."
)
@click.option(
    "--status",
    type=click.Choice(["investigating", "draft", "in-review"]),
    default="draft",
    show_default=True,
    help="The status to give the imported incidents.",
)
@click.option("--severity", help="The severity to give them (otherwise left for you to set).")
@click.option(
    "--restricted", is_flag=True, help="Never publish the imported incidents on the site."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--today", metavar="YYYY-MM-DD", help="Check as of this date (default: today, UTC).")
@click.pass_obj
def import_(
    archive: Archive,
    files: tuple[Path, ...],
    day: str | None,
    zone: str | None,
    status: str,
    severity: str | None,
    restricted: bool,
    fmt: str,
    today: str | None,
) -> int:
    """Turn postmortems written elsewhere (Markdown) into incident folders; never changes FILES.

    Prints, for each file, what was mapped, what was guessed, what is missing for the status,
    the links changed so that the site builds (a file not imported, a renamed heading) and
    the check findings. Files that link to each other should be imported together. Exit 2 if
    a file could not be imported; the others still are.
    """
    import json

    from hindsight import clock
    from hindsight.importing import import_files, parse_zone, report_text
    from hindsight.model import Status
    from hindsight.scaffold import severity_name

    settings = archive.settings
    options = {
        "day": clock.parse_day(day) if day else None,
        "zone": parse_zone(zone) if zone else None,
        "status": Status(status),
        "severity": severity_name(settings, severity) if severity else None,
        "restricted": restricted,
        "today": clock.parse_day(today) if today else clock.today(),
    }
    results = []
    for result in import_files(settings, files, **options):  # type: ignore[arg-type]
        results.append(result)
        if fmt == "text":
            echo(report_text(result))
    if fmt == "json":
        echo(
            json.dumps(
                {"version": 1, "files": [r.as_json() for r in results]},
                indent=2,
                ensure_ascii=False,
            )
        )
    failed = [r for r in results if r.error]
    if fmt == "text":
        echo(f"{len(results) - len(failed)} of {len(results)} file(s) imported", err=True)
    return 2 if failed else 0


def _load_all(archive: Archive) -> list:  # type: ignore[type-arg]
    from hindsight.figures import load_all

    incidents, skipped = load_all(archive.settings)
    for line in skipped:
        echo(f"hindsight: {line}", err=True)
    return incidents


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Count overdue items as of this date (default: today, UTC).",
)
@click.pass_obj
def stats(archive: Archive, fmt: str, today: str | None) -> None:
    """Incidents by severity, service and month; response times; action items; overdue reviews."""
    import json

    from hindsight import clock
    from hindsight.figures import stats as compute
    from hindsight.figures import stats_csv, stats_text

    figures = compute(
        _load_all(archive), archive.settings, clock.parse_day(today) if today else clock.today()
    )
    if fmt == "json":
        echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        echo(stats_text(figures) if fmt == "text" else stats_csv(figures), nl=False)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown suits a GitHub job summary or a chat message.",
)
@click.option("--today", metavar="YYYY-MM-DD", help="Count as of this date (default: today, UTC).")
@click.pass_obj
def overdue(archive: Archive, fmt: str, today: str | None) -> None:
    """Open action items past their due date, and postmortems past their review date."""
    import json

    from hindsight import clock
    from hindsight.figures import overdue as compute
    from hindsight.figures import overdue_markdown, overdue_text

    settings = archive.settings
    report = compute(
        _load_all(archive), settings, clock.parse_day(today) if today else clock.today()
    )
    if fmt == "json":
        echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        echo((overdue_markdown if fmt == "markdown" else overdue_text)(report, settings), nl=False)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--what",
    type=click.Choice(["incidents", "action-items"]),
    default="incidents",
    show_default=True,
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Mark overdue items as of this date (default: today, UTC).",
)
@click.option(
    "--visibility",
    type=click.Choice(["all", "public"]),
    default="all",
    show_default=True,
    help="public: leave out restricted incidents and their action items, as the site does.",
)
@click.pass_obj
def export(archive: Archive, fmt: str, what: str, today: str | None, visibility: str) -> None:
    """A catalogue of the incidents or of their action items, for dashboards and other tools."""
    from hindsight import clock
    from hindsight.figures import export as render

    incidents = _load_all(archive)
    if visibility == "public":
        incidents = [i for i in incidents if not i.restricted]
    echo(
        render(incidents, what, fmt, clock.parse_day(today) if today else clock.today()),
        nl=False,
    )


@cli.group()
def actions() -> None:
    """Action items in the archive's tracker (GitHub Issues or Jira)."""


@actions.command("sync")
@click.option(
    "--apply", "apply_it", is_flag=True, help="Carry out the plan (default: only print it)."
)
@click.option(
    "--no-open",
    is_flag=True,
    help="Only read ticket states back (mark done, report); open no issue. The weekly job's way.",
)
@click.option(
    "--incident",
    "ids",
    multiple=True,
    metavar="ID",
    help="Only this incident's action items (repeat for more).",
)
@click.pass_obj
def actions_sync(archive: Archive, apply_it: bool, no_open: bool, ids: tuple[str, ...]) -> None:
    """Open a ticket for each action item without one, and mark items done when their ticket is.

    Reads the tracker set up under 'tracker:' in hindsight.yml, with credentials from the
    environment only: GITHUB_TOKEN (and GITHUB_API_URL on GitHub Enterprise), or JIRA_USER
    and JIRA_API_TOKEN. Without --apply, nothing is changed: the plan is printed item by item.
    """
    from hindsight import clock
    from hindsight.tracker import carry_out, make_plan, tracker_for

    settings = archive.settings
    tracker = tracker_for(settings)
    incidents = _load_all(archive)
    if ids:
        chosen = {_incident_folder(archive, wanted).name for wanted in ids}
        incidents = [i for i in incidents if Path(i.folder).name in chosen]
    missing = tracker.credentials_missing()
    if missing and (apply_it or tracker.name == "Jira"):
        raise HindsightError(f"cannot sync with {tracker.describe()}: {missing}")

    def say(line: str) -> None:
        echo(line, err=True)

    plan = make_plan(incidents, tracker, open_new=not no_open, progress=say)
    shown = [s for s in plan.steps if s.verb != "nothing"]
    for step in shown:
        echo(f'{step.where}: {step.verb}: "{step.action}": {step.detail}')
    counts = {verb: sum(1 for s in plan.steps if s.verb == verb) for verb in _SYNC_VERBS}
    summary = ", ".join(f"{n} {verb}" for verb, n in counts.items() if n) or "nothing to do"
    if plan.waiting:
        summary += f"; {plan.waiting} item(s) wait for their postmortem to reach in-review"
    echo(f"Plan: {summary}.")
    if not apply_it:
        echo("Dry run: nothing was changed. Run again with --apply to carry it out.")
        return
    done = carry_out(
        plan, tracker, settings, clock.now().strftime("%Y-%m-%dT%H:%MZ"), say, partial=bool(ids)
    )
    echo(
        f"Done: {done['opened']} opened, {done['linked']} linked, {done['done']} marked done"
        + (", tickets.json updated" if done["states"] else "")
        + "."
    )


_SYNC_VERBS = ("open", "link", "mark done", "report", "skip", "nothing")


@cli.command()
@click.pass_obj
def schema(archive: Archive) -> None:
    """Print the JSON Schema of the front matter, with this archive's severities.

    Editors validate postmortems against docs/schema/incident.schema.json; after changing
    the severities in hindsight.yml, refresh it with: hindsight schema > docs/schema/incident.schema.json
    """
    from hindsight.jsonschema import schema_text

    echo(schema_text(archive.settings), nl=False)


@cli.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every rule, or print one rule's documentation (by code or name)."""
    from hindsight.rules import ALL_RULES

    if code is None:
        for r in ALL_RULES:
            echo(f"{r.code}  {r.name:28s} {r.category.value:13s} {r.level.value:8s} {r.when}")
        return
    wanted = code.upper()
    found = next((r for r in ALL_RULES if wanted in (r.code, r.name.upper())), None)
    if found is None:
        from hindsight.config import suggest

        raise HindsightError(
            f"no rule '{code}'{suggest(code, [r.code for r in ALL_RULES] + [r.name for r in ALL_RULES])}"
        )
    echo(
        f"{found.code} {found.name} [{found.category.value}, {found.level.value}, {found.when}]"
        f"\n\n{found.doc}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 findings, 2 usage, config or I/O)."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hindsight",
            standalone_mode=False,
        )
    except click.ClickException as exc:
        exc.show(VisibleStream(sys.stderr))  # a usage error quotes what was typed
        return exc.exit_code
    except click.exceptions.Abort:
        echo("Aborted.", err=True)
        return 130
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        echo(f"hindsight: error: {where}{exc.strerror or exc}", err=True)
        return 2
    except Exception as exc:
        if os.environ.get("HINDSIGHT_DEBUG"):
            raise
        echo(
            f"hindsight: internal error: {type(exc).__name__}: {exc}\n"
            "Please report it; set HINDSIGHT_DEBUG=1 to see the traceback.",
            err=True,
        )
        return 2
    return result if isinstance(result, int) else 0
