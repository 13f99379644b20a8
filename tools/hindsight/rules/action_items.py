"""HS4xx action items: each owned, dated, ticketed, with a known status; overdue ones noticed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from hindsight.config import suggest
from hindsight.load.markdown import TABLE_HEAD, list_items, table_row
from hindsight.model import HANDLE, ActionItem, Category, Finding, Incident, Level, Status
from hindsight.rules._base import CheckContext, Facts, rule

SECTION = "Action items"
STATUSES = ("open", "done", "wontfix")
KINDS = ("prevent", "detect", "mitigate", "process", "training")
#: A ticket: a URL, KEY-123 or #123, bare or as a Markdown link.
TICKET = re.compile(
    r"^(?:\[[^\]]+\]\((?P<url>[^)\s]+)\)|(?P<key>[A-Z][A-Z0-9]+-\d+|#\d+|https?://\S+))$"
)
_LINK_TEXT = re.compile(r"^\[([^\]]+)\]\([^)]*\)$")


def plain_cell(cell: str) -> str:
    """A cell without Markdown decoration: a link's text, no backticks or emphasis."""
    cell = _LINK_TEXT.sub(r"\1", cell.strip())
    return cell.strip("`*_ ").strip()


def item_status(item: ActionItem) -> str:
    """The item's status in lower case; an empty cell means open."""
    return plain_cell(item.status).lower() or "open"


def due_date(item: ActionItem) -> dt.date | None:
    """The due date when the cell holds a valid ISO date."""
    try:
        return dt.date.fromisoformat(plain_cell(item.due))
    except ValueError:
        return None


#: owners that name a group or nobody, whatever their shape: nobody in particular sees it done
GROUPS = frozenset(
    [
        "all",
        "anybody",
        "anyone",
        "everybody",
        "everyone",
        "nobody",
        "none",
        "noone",
        "n/a",
        "na",
        "somebody",
        "someone",
        "team",
        "tbd",
        "tbc",
        "todo",
        "unassigned",
        "unknown",
        "us",
        "we",
    ]
)
_TEAM = re.compile(r"^(?:team-.+|.+-team|.+-squad|.+-group)$")


def names_a_group(owner: str, ctx: CheckContext) -> bool:
    """True for an owner such as ``everyone``, ``TBD`` or ``sre-team``, unless ``people`` in
    hindsight.yml lists it as a person."""
    lower = owner.lower()
    return (lower in GROUPS or bool(_TEAM.match(lower))) and owner not in ctx.settings.people


def owner_handle(item: ActionItem) -> str:
    """The owner as a handle: ``@lee`` and ``lee`` are the same person."""
    return plain_cell(item.owner).lstrip("@")


@rule("HS401", "action-items-missing", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_items_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an Action items section without a table of at least one action (a list is HS408).

    ## Why is this bad?
    A postmortem that changes nothing will be written again. Even a small incident
    leaves something to prevent, detect sooner or mitigate faster. The table is what the
    site and `hindsight stats` read: an action in a paragraph is never tracked.

    ## Example
    ```markdown
    ## Action items

    We will look into better alerting.
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx above 1% for 5 minutes | lee | 2026-12-15 | PLAT-123 | open |
    ```
    """
    section = incident.section(SECTION)
    if section is None or incident.action_items or list_items(section.text, section.text_line):
        return
    yield action_items_missing.finding(
        incident,
        section.line,
        "no action items: add a table with the columns Action | Owner | Due | "
        "Ticket | Status and one row per action",
    )


@rule("HS402", "action-owner", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_owner(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item whose owner is not one person's handle.

    ## Why is this bad?
    An action owned by a team, by "TBD" or by nobody is owned by nobody; it is the usual
    reason actions are still open a year later. Name the one person who will see it done.

    A single word is no better when it names a group or nobody: `everyone`, `team`,
    `sre-team`, `TBD`, `none` (unless `people` in hindsight.yml lists it as a person).

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | Platform team | 2026-12-15 | PLAT-123 | open |
    | Review the alert thresholds | everyone | 2026-12-15 | PLAT-124 | open |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | open |
    | Review the alert thresholds | sam | 2026-12-15 | PLAT-124 | open |
    ```
    """
    for item in incident.action_items:
        owner = owner_handle(item)
        if not owner:
            yield action_owner.finding(
                incident,
                item.line,
                "action item has no owner; put one person's handle in the Owner column",
                column=item.at.get("owner"),
            )
        elif not HANDLE.match(owner):
            yield action_owner.finding(
                incident,
                item.line,
                f"owner '{item.owner.strip()}' is not a handle; name one person, like 'lee'",
                column=item.at.get("owner"),
            )
        elif names_a_group(owner, ctx):
            yield action_owner.finding(
                incident,
                item.line,
                f"owner '{item.owner.strip()}' names a group or nobody, not one person; name "
                "the one person who will see it done, like 'lee'",
                column=item.at.get("owner"),
            )


@rule("HS403", "action-due", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_due(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item without a due date written as YYYY-MM-DD.

    ## Why is this bad?
    "Next sprint" and "Q1" cannot be sorted, compared with today or shown as overdue;
    an action without a date slides forever.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | next sprint | PLAT-123 | open |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | open |
    ```
    """
    for item in incident.action_items:
        if due_date(item) is None:
            written = f"'{item.due.strip()}' is not a" if item.due.strip() else "no"
            yield action_due.finding(
                incident,
                item.line,
                f"{written} due date; write it as YYYY-MM-DD",
                column=item.at.get("due"),
            )


@rule("HS404", "action-ticket", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_ticket(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item without a ticket: a URL, `KEY-123` or `#123`.

    ## Why is this bad?
    Work is planned and done in the tracker, not in postmortems. An action without a
    ticket is not on anyone's board, and its status here is never updated.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | will create | open |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | open |
    ```
    """
    for item in incident.action_items:
        ticket = item.ticket.strip().strip("`")
        if not TICKET.match(ticket):
            written = f"'{ticket}' is not a ticket" if ticket else "no ticket"
            yield action_ticket.finding(
                incident,
                item.line,
                f"{written}; link one: a URL, KEY-123 or #123",
                column=item.at.get("ticket"),
            )


@rule("HS405", "action-status", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_status(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item whose status is not open, done or wontfix (empty means open).

    ## Why is this bad?
    The archive's list of open actions, and the closure figures, count these three
    words; "in progress" or "✔" is counted as nothing.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | finished |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | done |
    ```
    """
    for item in incident.action_items:
        status = item_status(item)
        if status not in STATUSES:
            yield action_status.finding(
                incident,
                item.line,
                f"status '{item.status.strip()}' is not one of {', '.join(STATUSES)}"
                f"{suggest(status, list(STATUSES))}",
                column=item.at.get("status"),
            )


@rule("HS406", "action-kind", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_kind(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item whose Kind is not prevent, detect, mitigate, process or training.

    ## Why is this bad?
    The Kind column is optional, but when it is there the figures group actions by it;
    an unknown kind falls out of every group.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status | Kind |
    | --- | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | open | alerting |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status | Kind |
    | --- | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-12-15 | PLAT-123 | open | detect |
    ```
    """
    for item in incident.action_items:
        kind = plain_cell(item.kind).lower()
        if kind and kind not in KINDS:
            yield action_kind.finding(
                incident,
                item.line,
                f"kind '{item.kind.strip()}' is not one of "
                f"{', '.join(KINDS)}{suggest(kind, list(KINDS))}",
                column=item.at.get("kind"),
            )


@rule("HS408", "action-items-list", Category.ACTION_ITEMS, applies_from=Status.IN_REVIEW)
def action_items_list(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags action items written as a bullet, numbered or checkbox list instead of the table.

    ## Why is this bad?
    Most postmortems list their actions, but a list has no place for the one person who
    owns each action, the date it is due or its ticket, so the archive's list of open
    actions and its figures never see them. Keep each item's words; give it a row.
    `hindsight import` makes the table from a list by itself.

    ## Example
    ```markdown
    ## Action items

    - Alert on checkout 5xx above 1% for 5 minutes
    - [x] Roll back deploy 4812
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx above 1% for 5 minutes | lee | 2026-12-15 | PLAT-123 | open |
    | Roll back deploy 4812 | dana | 2026-11-21 | PLAT-124 | done |
    ```
    """
    section = incident.section(SECTION)
    if section is None or incident.action_items:
        return
    items = list_items(section.text, section.text_line)
    if not items:
        return
    lines = (
        f"line {items[0].line}" if len(items) == 1 else f"lines {items[0].line}-{items[-1].line}"
    )
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    write = (
        "give each item a row in the table and delete the list, "
        if incident.action_columns
        else f"replace the list with '{TABLE_HEAD[0]}', then '{TABLE_HEAD[1]}', then one row "
        "per item, "
    )
    yield action_items_list.finding(
        incident,
        items[0].line,
        f"action items are a list ({count}, {lines}); the archive tracks owners and due dates "
        f"in a table: {write}like '{table_row(items[0])[0]}', and fill in "
        "each owner (a handle), due date (YYYY-MM-DD) and ticket",
    )


#: an action that asks people to try harder, at its start (after an optional "Label:" and
#: "we will", "engineers should"...) or anywhere for the unmistakable phrases
_WHO = r"(?:we|everyone|everybody|engineers?|developers?|the team|people|reviewers?|on-?call|all|staff)"
_OPENING = (
    r"^(?:[\w ()/-]{1,40}:\s*)?(?:" + _WHO + r"\s+(?:will|should|must|need to|have to)\s+)?"
    r"(?:always\s+|please\s+)?"
)
_VAGUE = re.compile(
    "|".join(
        (
            (
                r"\bbe\s+(?:more\s+|extra\s+|very\s+|much\s+more\s+)?"
                r"(?:careful|cautious|vigilant|mindful|attentive|diligent)\b"
            ),
            r"\bmore\s+(?:careful(?:ly)?|cautious(?:ly)?|vigilant(?:ly)?|attentive(?:ly)?)\b",
            r"\bpay(?:ing)?\s+(?:more\s+|closer\s+|extra\s+|better\s+|careful\s+)?attention\b",
            r"\b(?:take|taking)\s+(?:more|extra|greater)\s+care\b",
            r"\b(?:try|trying)\s+harder\b",
            r"\bthink\s+twice\b",
            _OPENING + r"avoid\s+(?:making\s+)?(?:mistakes|errors|typos)\b",
            _OPENING + r"(?:double|triple)[- ]?check",
            _OPENING + r"(?:remind|remember\s+to|don'?t\s+forget|do\s+not\s+forget)\b",
        )
    ),
    re.IGNORECASE,
)
#: an action that names a mechanism changes the system, whatever else it says: a verb that
#: builds one at its start, a tool named anywhere, or "a/an … check" (not people's double-check)
_MECHANISM = re.compile(
    _OPENING + r"(?:add|automate|alert|page|lint|script|test|validate|enforce|block)\b"
    r"|\b(?:CI|automat(?:ed|ic|ically|ion)|lint(?:ers?|ing)?|scripts?|bots?|pager|paging|tests?)\b"
    r"|\b(?:a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:check|alert|alarm|test|monitor|guard|gate|hook|job|reminder|rule)\b",
    re.IGNORECASE,
)


@rule("HS409", "action-vague", Category.ACTION_ITEMS, Level.WARNING, applies_from=Status.IN_REVIEW)
def action_vague(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an action item that asks people to try harder, like "be more careful".

    The phrases: be (more) careful, cautious or vigilant; pay (more) attention; take more
    care; try harder; avoid mistakes, double-check, remind people or remember to, at the
    action's start. An action that names a mechanism is not flagged, whatever its words:
    one that starts with add, automate, alert, page, lint, test, validate, enforce or
    block, or names CI, a linter, a script, a bot, a pager, tests, or "a … check".

    ## Why is this bad?
    People were trying already. An exhortation changes nothing that can be seen, so it
    cannot be verified or closed, and the same mistake happens again under the same
    pressure. An action changes the system: a check that catches the mistake, a guard
    that makes it impossible, an alert that notices it sooner. A warning, not an error:
    the rule reads words, and the reviewers judge.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Be more careful when reviewing config changes | lee | 2026-12-15 | PLAT-123 | open |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Validate pool size against host memory in CI for config changes | lee | 2026-12-15 | PLAT-123 | open |
    ```
    """
    for item in incident.action_items:
        text = plain_cell(item.action).replace("**", "")
        found = _VAGUE.search(text)
        if found is None or _MECHANISM.search(text):
            continue
        said = " ".join(found.group(0).split())
        yield action_vague.finding(
            incident,
            item.line,
            f"action item asks people to try harder ('{said.strip()}'), which cannot be verified "
            "or closed; change the system instead: a check, a test, an alert or a guard that "
            "catches the mistake or makes it impossible",
            column=item.at.get("action"),
        )


def open_items(incident: Incident) -> list[list[int | str | None]]:
    """``[line, due date, column of the due date]`` of each open action item with an ISO due date."""
    return [
        [item.line, due.isoformat(), item.at.get("due")]
        for item in incident.action_items
        if (due := due_date(item)) is not None and item_status(item) == "open"
    ]


@rule(
    "HS407",
    "action-overdue",
    Category.ACTION_ITEMS,
    Level.WARNING,
    applies_from=Status.IN_REVIEW,
    facts=open_items,
)
def action_overdue(facts: Facts, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an open action item whose due date has passed.

    ## Why is this bad?
    Overdue actions are how the same incident happens twice. This is a warning, not an
    error: update the date with the reason, or close the item as done or wontfix.

    ## Example
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-01-15 | PLAT-123 | open |
    ```

    ## Use instead
    ```markdown
    ## Action items

    | Action | Owner | Due | Ticket | Status |
    | --- | --- | --- | --- | --- |
    | Alert on checkout 5xx | lee | 2026-01-15 | PLAT-123 | done |
    ```
    """
    for line, day, column in facts.data:
        due = dt.date.fromisoformat(day)
        if due < ctx.today:
            days = (ctx.today - due).days
            yield action_overdue.finding(
                facts,
                line,
                f"open action item is {days} day{'s' if days != 1 else ''} past its due "
                f"date {due.isoformat()}; close it (done, wontfix) or set a new date",
                column=column,
            )


RULES = (
    action_items_missing,
    action_owner,
    action_due,
    action_ticket,
    action_status,
    action_kind,
    action_overdue,
    action_items_list,
    action_vague,
)
