"""HS7xx review: who leads, who reviews, and sign-offs that mean something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

from hindsight.model import Category, Finding, Incident, Level, Milestone, Status
from hindsight.rules._base import CheckContext, Facts, rule

URGENT = ("SEV1", "SEV2")


class Approval(NamedTuple):
    """A readable sign-off from the front matter."""

    by: str
    date: dt.date | None


def approvals(incident: Incident) -> list[Approval]:
    """Sign-offs with a handle; the date is None when it is not a date (the schema rule says so)."""
    value = incident.meta.get("approvals")
    found = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("by"), str):
            day = item.get("date")
            found.append(Approval(item["by"], day if type(day) is dt.date else None))
    return found


def _line(incident: Incident) -> int | None:
    return incident.key_lines.get("approvals") or incident.key_lines.get("reviewers")


@rule("HS701", "approval-missing", Category.REVIEW, applies_from=Status.APPROVED)
def approval_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an approved postmortem that a listed reviewer has not signed off with a date.

    ## Why is this bad?
    `approved` tells the company the postmortem was reviewed and its actions agreed. A
    status changed by hand, without every reviewer's dated sign-off, says so falsely.
    Record sign-offs with `hindsight approve ID --by HANDLE`.

    ## Example
    ```yaml
    status: approved
    reviewers: [sam]
    approvals: []
    ```

    ## Use instead
    ```yaml
    status: approved
    reviewers: [sam]
    approvals: [{by: sam, date: 2026-11-25}]
    ```
    """
    signed = {a.by for a in approvals(incident) if a.date is not None}
    for reviewer in incident.listed("reviewers"):
        if reviewer not in signed:
            yield approval_missing.finding(
                incident,
                _line(incident),
                f"approved without a dated sign-off from reviewer '{reviewer}'; "
                f"run: hindsight approve {incident.id} --by {reviewer}",
            )


@rule("HS702", "approval-by-author", Category.REVIEW)
def approval_by_author(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a sign-off by one of the postmortem's authors.

    ## Why is this bad?
    A review is a second pair of eyes. Authors cannot see what they left out; their
    sign-off does not count, and a reviewer who is also an author is not a reviewer.

    ## Example
    ```yaml
    authors: [lee]
    reviewers: [lee]
    approvals: [{by: lee, date: 2026-11-25}]
    ```

    ## Use instead
    ```yaml
    authors: [lee]
    reviewers: [sam]
    approvals: [{by: sam, date: 2026-11-25}]
    ```
    """
    authors = set(incident.listed("authors"))
    for approval in approvals(incident):
        if approval.by in authors:
            yield approval_by_author.finding(
                incident,
                _line(incident),
                f"'{approval.by}' is an author and cannot sign the postmortem off; "
                "ask a reviewer who did not write it",
            )


def _dated_approvals(incident: Incident) -> dict[str, Any]:
    """The sign-offs with a date, the day the incident was resolved (UTC) and where both are written."""
    resolved = incident.milestone(Milestone.RESOLVED)
    return {
        "line": _line(incident),
        "approvals": [
            [a.by, a.date.isoformat()] for a in approvals(incident) if a.date is not None
        ],
        "resolved": resolved
        and [resolved.time.astimezone(dt.timezone.utc).date().isoformat(), resolved.line],
    }


@rule("HS703", "approval-date", Category.REVIEW, facts=_dated_approvals)
def approval_date(facts: Facts, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a sign-off dated before the incident was resolved, or after today.

    ## Why is this bad?
    A postmortem cannot be signed off before the incident is over, and a date in the
    future is a typo: both make the review history untrustworthy.

    ## Example
    ```yaml
    approvals: [{by: sam, date: 2026-11-20}]
    ```

    ## Use instead
    ```yaml
    approvals: [{by: sam, date: 2026-11-21}]
    ```
    """
    line, resolved = facts.data["line"], facts.data["resolved"]
    for by, day in facts.data["approvals"]:
        signed = dt.date.fromisoformat(day)
        if resolved and signed < dt.date.fromisoformat(resolved[0]):
            yield approval_date.finding(
                facts,
                line,
                f"sign-off by '{by}' on {signed} is before the incident was resolved "
                f"({resolved[0]}, timeline line {resolved[1]}); check the date",
            )
        elif signed > ctx.today:
            yield approval_date.finding(
                facts,
                line,
                f"sign-off by '{by}' is dated {signed}, after today ({ctx.today}); check the date",
            )


@rule("HS704", "reviewer-missing", Category.REVIEW, applies_from=Status.IN_REVIEW)
def reviewer_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a postmortem in review or approved that names no reviewer.

    ## Why is this bad?
    Nobody is asked to review a postmortem that names no reviewer, and nobody's sign-off
    can then be checked. Name at least one person who did not write it.

    ## Example
    ```yaml
    status: in-review
    reviewers: []
    ```

    ## Use instead
    ```yaml
    status: in-review
    reviewers: [sam]
    ```
    """
    if not incident.listed("reviewers"):
        yield reviewer_missing.finding(
            incident,
            incident.key_lines.get("reviewers") or incident.key_lines.get("status"),
            "no reviewer named; list who must sign it off: reviewers: [handle]",
        )


@rule("HS705", "commander-missing", Category.REVIEW, applies_from=Status.DRAFT)
def commander_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a SEV1 or SEV2 incident that names no incident commander.

    ## Why is this bad?
    Major incidents need one person coordinating. The commander is also who readers ask
    about decisions taken during the incident, and who reviewers expect to hear from.

    ## Example
    ```yaml
    severity: SEV1
    commander: null
    ```

    ## Use instead
    ```yaml
    severity: SEV1
    commander: dana
    ```
    """
    if incident.severity in URGENT and not incident.meta.get("commander"):
        yield commander_missing.finding(
            incident,
            incident.key_lines.get("commander") or incident.key_lines.get("severity"),
            f"a {incident.severity} incident needs a commander; name them: commander: handle",
        )


@rule("HS706", "approval-not-reviewer", Category.REVIEW, Level.WARNING)
def approval_not_reviewer(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a sign-off by someone who is not a listed reviewer.

    ## Why is this bad?
    It does not count towards approval, and it usually means a reviewer was swapped
    without updating `reviewers`. Add them to the reviewers, or remove the sign-off.

    ## Example
    ```yaml
    reviewers: [sam]
    approvals: [{by: priya, date: 2026-11-21}]
    ```

    ## Use instead
    ```yaml
    reviewers: [sam, priya]
    approvals: [{by: priya, date: 2026-11-21}]
    ```
    """
    reviewers = set(incident.listed("reviewers"))
    authors = set(incident.listed("authors"))
    for approval in approvals(incident):
        if approval.by not in reviewers and approval.by not in authors:
            yield approval_not_reviewer.finding(
                incident,
                _line(incident),
                f"sign-off by '{approval.by}', who is not a reviewer, does not count; "
                "add them to reviewers or remove the sign-off",
            )


RULES = (
    approval_missing,
    approval_by_author,
    approval_date,
    reviewer_missing,
    commander_missing,
    approval_not_reviewer,
)
