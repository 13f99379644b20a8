"""``hindsight actions sync``: action items become tickets, and closed tickets close action items.

One pass makes a plan, item by item, that a dry run prints and ``--apply`` carries out:

- **open**: an open action item of an ``in-review`` or ``approved`` postmortem with an empty
  Ticket cell gets an issue (its action as the title, a body from the archive's template that
  names the incident, owner, due date and severity and links its page); the ticket is written
  into that cell, and only that cell changes;
- **link**: such an item whose issue was opened by an earlier run that stopped before writing
  it back (found by the marker every body carries) gets that issue, so no run opens a duplicate;
- **mark done**: an open item whose ticket was closed as completed is marked ``done``;
- **report**: an item marked done whose ticket is still open, and one whose ticket was closed
  as not planned, are reported for a human to decide; nothing is changed for them.

Every call to the tracker happens before any file is written: an error while talking to
it names the item and leaves every file as it was (issues already opened are linked by
their marker on the next run). A request that opens an issue is never sent twice blindly:
when an answer leaves it unsure whether the issue was made (a 5xx, a lost connection),
the marker is looked for first. The states read are kept in ``tickets.json`` at the archive's root, for the site's
action-items page and ``hindsight overdue``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from hindsight.config import CONFIG_NAME, Settings
from hindsight.errors import ConfigError, HindsightError
from hindsight.model import ActionItem, Incident, Status
from hindsight.tracker.model import Created, State

__all__ = ["STATE_FILE", "Plan", "Step", "carry_out", "load_states", "make_plan", "tracker_for"]

#: where the states read at the last sync are kept, beside hindsight.yml
STATE_FILE = "tickets.json"
#: statuses whose action items get a ticket: the actions are settled from review on
OPENED_FROM = (Status.IN_REVIEW, Status.APPROVED)


class Tracker(Protocol):
    name: str
    labels: tuple[str, ...]

    def describe(self) -> str: ...
    def credentials_missing(self) -> str | None: ...
    def ref(self, ticket: str) -> str | None: ...
    def marked(self, markers: set[str]) -> dict[str, Created]: ...
    def create(
        self, title: str, body: str, assignee: str | None, due: str | None, what: str, marker: str
    ) -> tuple[Created, str | None]: ...
    def state(self, ref: str, what: str) -> State: ...


class Step(NamedTuple):
    """What the sync does for one action item."""

    verb: str  # open, link, mark done, report, skip, nothing
    incident: Incident
    item: ActionItem
    detail: str
    #: the ticket to write into the Ticket cell (link), or the marker to open one with (open)
    ticket: str = ""
    marker: str = ""

    @property
    def where(self) -> str:
        return f"{self.incident.postmortem_path}:{self.item.line}"

    @property
    def action(self) -> str:
        from hindsight.rules.action_items import plain_cell

        text = " ".join(plain_cell(self.item.action).split())
        return text if len(text) <= 60 else text[:57] + "…"


class Plan(NamedTuple):
    steps: list[Step]
    states: dict[str, dict[str, Any]]
    waiting: int  # open items without a ticket whose postmortem is not in review yet


def tracker_for(settings: Settings) -> Tracker:
    """The tracker ``hindsight.yml`` sets up; a ConfigError says what is missing."""
    kind = settings.tracker_kind
    if kind is None:
        raise ConfigError(
            f"{CONFIG_NAME} sets up no tracker: add a 'tracker:' group, for example\n"
            "  tracker:\n    kind: github\n    repo: OWNER/NAME\n"
            "(see the guide's 'Action items in a tracker' page)"
        )
    if kind == "github":
        if not settings.tracker_repo:
            raise ConfigError(
                f"{CONFIG_NAME}: tracker.kind is github: add tracker.repo: OWNER/NAME"
            )
        from hindsight.tracker.github import GitHub

        return GitHub(settings.tracker_repo, settings.tracker_labels)
    missing = [
        k
        for k, v in (("url", settings.tracker_jira_url), ("project", settings.tracker_project))
        if not v
    ]
    if missing:
        raise ConfigError(
            f"{CONFIG_NAME}: tracker.kind is jira: add "
            + " and ".join(f"tracker.{k}" for k in missing)
            + " (like url: https://example.atlassian.net and project: OPS)"
        )
    url = str(settings.tracker_jira_url)
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if url.startswith("http://") and host not in ("127.0.0.1", "localhost", "[::1]"):
        raise ConfigError(
            f"{CONFIG_NAME}: tracker.url is plain http, which would send the Jira credentials "
            "unencrypted: use https://"
        )
    from hindsight.tracker.jira import Jira

    return Jira(
        str(settings.tracker_jira_url),
        str(settings.tracker_project),
        settings.tracker_issue_type,
        settings.tracker_labels,
    )


def marker(incident: Incident, item: ActionItem) -> str:
    """The text every issue body carries, to find the issue opened for this item again."""
    from hindsight.rules.action_items import plain_cell

    action = " ".join(plain_cell(item.action).split()).lower()
    digest = hashlib.sha256(f"{incident.id}\n{action}".encode()).hexdigest()[:12]
    return f"hindsight-action:{incident.id}:{digest}"


def make_plan(
    incidents: Iterable[Incident],
    tracker: Tracker,
    *,
    open_new: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> Plan:
    """Read every item's ticket state and decide what to do with each item."""
    from hindsight.rules.action_items import item_status, plain_cell
    from hindsight.tracker.http import TrackerError

    to_open: list[Step] = []
    to_read: list[tuple[Incident, ActionItem, str, str]] = []
    steps: list[Step] = []
    waiting = 0
    for incident in incidents:
        for item in incident.action_items:
            if not plain_cell(item.action):
                continue
            status, ticket = item_status(item), plain_cell(item.ticket)
            if ticket:
                ref = tracker.ref(ticket)
                if ref is not None:
                    to_read.append((incident, item, ref, ticket))
                continue
            if status != "open" or not open_new:
                continue
            if incident.status not in OPENED_FROM:
                waiting += 1
            elif incident.restricted:
                steps.append(
                    Step(
                        "skip",
                        incident,
                        item,
                        "restricted incident: open its ticket by hand, where its readers can see it",
                    )
                )
            elif "ticket" not in incident.action_columns:
                steps.append(
                    Step(
                        "skip", incident, item, "the table has no Ticket column: add one to link it"
                    )
                )
            else:
                to_open.append(Step("open", incident, item, "", marker=marker(incident, item)))
    if to_open:
        progress(f"Looking for issues opened by an earlier run ({tracker.describe()})…")
        found = tracker.marked({s.marker for s in to_open})
        for step in to_open:
            earlier = found.get(step.marker)
            if earlier is not None:
                steps.append(
                    step._replace(
                        verb="link",
                        ticket=earlier.cell,
                        detail=f"{earlier.cell} was opened for it by an earlier run",
                    )
                )
            else:
                steps.append(step._replace(detail=f"new issue: {_owner_due(step.item)}"))
    states: dict[str, dict[str, Any]] = {}
    read: dict[str, State | None] = {}
    if to_read:
        progress(f"Reading {len(to_read)} ticket state(s) from {tracker.describe()}…")
    for incident, item, ref, ticket in to_read:
        if ref not in read:
            what = f"{incident.postmortem_path}:{item.line}: read {ticket}"
            try:
                read[ref] = tracker.state(ref, what)
            except TrackerError as exc:
                if exc.status not in (404, 410):
                    raise
                read[ref] = None
        state = read[ref]
        if state is None:
            steps.append(
                Step(
                    "report",
                    incident,
                    item,
                    f"{ticket} is not in {tracker.describe()} (or the token cannot see it): "
                    "correct the Ticket cell",
                )
            )
            continue
        states[ticket] = {
            "state": "closed" if state.closed else "open",
            "completed": state.completed,
            "reason": state.reason,
            "url": state.url,
        }
        steps.append(_read_back(incident, item, ticket, state))
    steps.sort(key=lambda s: (s.incident.id, s.item.line))
    return Plan(steps, states, waiting)


def _owner_due(item: ActionItem) -> str:
    from hindsight.rules.action_items import owner_handle, plain_cell

    owner = owner_handle(item)
    due = plain_cell(item.due)
    return f"owner {('@' + owner) if owner else 'none'}, due {due or 'not set'}"


def _read_back(incident: Incident, item: ActionItem, ticket: str, state: State) -> Step:
    from hindsight.rules.action_items import item_status

    status = item_status(item)
    if state.completed and status == "open":
        if "status" not in incident.action_columns:
            return Step(
                "report",
                incident,
                item,
                f"{ticket} is closed as done: add a Status column to mark it",
            )
        return Step("mark done", incident, item, f"{ticket} was closed as completed")
    if state.closed and not state.completed and status == "open":
        return Step(
            "report",
            incident,
            item,
            f"{ticket} was closed as {state.reason.replace('_', ' ')}: set the item's Status to "
            "wontfix, or reopen the ticket",
        )
    if not state.closed and status == "done":
        return Step("report", incident, item, f"marked done, but {ticket} is still open: close it")
    shown = "closed" if state.closed else "open"
    return Step("nothing", incident, item, f"{ticket} is {shown}, the item is {status}")


def carry_out(
    plan: Plan,
    tracker: Tracker,
    settings: Settings,
    now: str,
    say: Callable[[str], None],
    *,
    partial: bool = False,
) -> dict[str, int]:
    """Open the planned issues, then write tickets, statuses and states; counts of what was done."""
    from hindsight import templating

    env = templating.environment(settings.root)
    site = site_url(settings.root)
    # every body first: a mistake in the template stops the sync before it opens anything
    texts = {id(s): issue_text(s, settings, env, site) for s in plan.steps if s.verb == "open"}
    cells: list[tuple[Step, str, str]] = []  # (step, column, new text)
    opened: list[str] = []
    for step in plan.steps:
        if step.verb == "open":
            title, body = texts[id(step)]
            assignee = assignee_for(step.item, settings)
            due = _valid_due(step.item)
            what = f'{step.where}: open an issue for "{step.action}"'
            try:
                created, note = tracker.create(title, body, assignee, due, what, step.marker)
            except HindsightError as exc:
                raise HindsightError(_stopped(str(exc), opened)) from None
            opened.append(created.cell)
            say(f"{step.where}: opened {created.cell}")
            if note:
                say(f"{step.where}: note: {note}")
            cells.append((step, "ticket", created.cell))
        elif step.verb == "link":
            cells.append((step, "ticket", step.ticket))
        elif step.verb == "mark done":
            cells.append((step, "status", "done"))
    _write_cells(settings.root, cells)
    states = plan.states
    if partial:  # a sync of some incidents keeps what the last one read of the others
        states = {**(load_states(settings.root).get("tickets") or {}), **states}
    changed_states = _write_states(settings.root, tracker.describe(), states, now)
    return {
        "opened": len(opened),
        "linked": sum(1 for s in plan.steps if s.verb == "link"),
        "done": sum(1 for s in plan.steps if s.verb == "mark done"),
        "states": int(changed_states),
    }


def _stopped(message: str, opened: Sequence[str]) -> str:
    if not opened:
        return f"{message}\nNo file was changed."
    return (
        f"{message}\nNo file was changed. Issues opened before the error ({', '.join(opened)}) carry "
        "a marker: the next run links them instead of opening them again."
    )


def _valid_due(item: ActionItem) -> str | None:
    from hindsight.rules.action_items import due_date

    due = due_date(item)
    return due.isoformat() if due else None


def assignee_for(item: ActionItem, settings: Settings) -> str | None:
    """The tracker account of the item's owner: ``tracker.accounts``, else (GitHub) a known handle."""
    from hindsight.rules.action_items import owner_handle

    handle = owner_handle(item)
    if not handle:
        return None
    if handle in settings.tracker_accounts:
        return settings.tracker_accounts[handle]
    if settings.tracker_kind == "github" and handle in settings.people:
        return handle
    return None


def site_url(root: Path) -> str | None:
    """``site_url`` of the archive's mkdocs.yml, read as a line (the file may hold Python tags)."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r"^site_url:\s*['\"]?(https?://[^\s'\"#]+)", text, re.MULTILINE)
    return match.group(1).rstrip("/") + "/" if match else None


def issue_text(step: Step, settings: Settings, env: Any, site: str | None) -> tuple[str, str]:
    """The issue's title and body: the archive's template, then the marker."""
    from hindsight import templating
    from hindsight.rules.action_items import owner_handle, plain_cell

    incident, item = step.incident, step.item
    owner = owner_handle(item)
    page = f"{site}incidents/{incident.id}/" if site else None
    context = {
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "severity": incident.severity or "",
            "status": str(incident.meta.get("status") or ""),
            "url": page,
            "path": incident.postmortem_path,
        },
        "item": {
            "action": plain_cell(item.action),
            "owner": owner,
            "owner_name": settings.people.get(owner, "") if owner else "",
            "due": _valid_due(item) or plain_cell(item.due),
            "kind": plain_cell(item.kind).lower(),
            "line": item.line,
        },
        "tracker": settings.tracker_kind,
    }
    body = templating.render(env, settings.tracker_template, context).rstrip()
    tag = step.marker if settings.tracker_kind == "jira" else f"<!-- {step.marker} -->"
    title = " ".join(plain_cell(item.action).split())
    return title[:250], f"{body}\n\n{tag}\n"


def _write_cells(root: Path, cells: list[tuple[Step, str, str]]) -> None:
    """Write each new cell into its postmortem: one file at a time, atomically, only those cells.

    Every file is edited in memory first, so that a row changed since it was read stops the
    sync before any file is written.
    """
    from hindsight import atomic

    by_file: dict[Path, list[tuple[Step, str, str]]] = {}
    for step, column, value in cells:
        path = root / step.incident.postmortem_path
        by_file.setdefault(path, []).append((step, column, value))
    edits = []
    for path, changes in by_file.items():
        try:
            original = path.read_bytes()
        except OSError as exc:
            raise HindsightError(f"{path}: cannot read: {exc.strerror}") from None
        lines = original.decode("utf-8").split("\n")
        for step, column, value in changes:
            index = step.item.line - 1
            lines[index] = set_cell(lines[index], step.incident.action_columns[column], value, step)
        edits.append((path, original, "\n".join(lines).encode("utf-8")))
    for path, original, _ in edits:  # all still as read, before the first is replaced
        if path.read_bytes() != original:
            raise HindsightError(
                f"{path} changed while the sync ran; no file was changed: run it again (the "
                "next run links the issues already opened)"
            )
    for path, original, data in edits:
        try:
            atomic.replace(path, data, expected=original)
        except atomic.ChangedError:
            raise HindsightError(
                f"{path} changed while the sync ran; run it again (the next run links the issues "
                "already opened)"
            ) from None


def set_cell(line: str, column: int, value: str, step: Step) -> str:
    """``line`` with cell ``column`` holding ``value``; the other cells stay byte for byte."""
    from hindsight.load.markdown import cell_spans

    eol = "\r" if line.endswith("\r") else ""
    row = line[: len(line) - len(eol)]
    spans = cell_spans(row)
    action = step.incident.action_columns.get("action")
    shown = [row[a:b].strip().replace("\\|", "|") for a, b in spans]
    if column >= len(spans) or action is None or shown[action : action + 1] != [step.item.action]:
        raise HindsightError(f"{step.where}: the row changed since it was read; run the sync again")
    start, end = spans[column]
    room = end - start - 2
    text = value.replace("|", "\\|")
    cell = f" {text.ljust(room)} " if len(text) <= room else f" {text} "
    return f"{row[:start]}{cell}{row[end:]}{eol}"


def state_word(state: object) -> str | None:
    """How a state ``tickets.json`` recorded reads: open, closed (as done) or not planned;
    None when it is not a recorded state."""
    if not isinstance(state, dict):
        return None
    if state.get("state") != "closed":
        return "open"
    return "closed" if state.get("completed") else "not planned"


def load_states(root: Path) -> dict[str, Any]:
    """What ``tickets.json`` recorded at the last sync (empty when there was none or it is unreadable)."""
    try:
        data = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("tickets"), dict) else {}


def _write_states(root: Path, tracker: str, states: dict[str, dict[str, Any]], now: str) -> bool:
    """Record the states read, when they differ from the file's; True when it was written."""
    from hindsight import atomic

    path = root / STATE_FILE
    before = load_states(root)
    if before.get("tickets") == states and before.get("tracker") == tracker:
        return False
    if not states and not before:
        return False
    data = {"tracker": tracker, "synced": now, "tickets": dict(sorted(states.items()))}
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    atomic.replace(path, text.encode("utf-8"))
    return True
