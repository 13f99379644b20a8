"""HS6xx timeline: order, milestones, events before the start and update cadence (HS601–HS604
come from the loader)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import timedelta

from hindsight.config import suggest
from hindsight.humane import duration
from hindsight.load.timeline import format_time
from hindsight.model import Category, Finding, Incident, Level, Milestone, Status
from hindsight.rules._base import CheckContext, rule

_SEQUENCE = (Milestone.START, Milestone.DETECTED, Milestone.MITIGATED, Milestone.RESOLVED)
_REQUIRED = (Milestone.START, Milestone.DETECTED, Milestone.RESOLVED)
_URGENT = ("SEV1", "SEV2")


@rule("HS605", "timeline-order", Category.TIMELINE)
def timeline_order(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an event that is earlier than the event above it.

    ## Why is this bad?
    Readers take the timeline top to bottom; an event out of place tells a different
    story. `hindsight log --at` always inserts an event in its place.

    ## Example
    ```text
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T13:58Z [start] Deploy reached all hosts
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    ```
    """
    for before, event in zip(incident.timeline, incident.timeline[1:]):
        if event.time < before.time:
            yield timeline_order.finding(
                incident,
                event.line,
                f"event at {format_time(event.time)} is earlier than the one on "
                f"line {before.line} ({format_time(before.time)}); move it up",
                path=incident.timeline_path,
            )


@rule("HS606", "milestone-repeated", Category.TIMELINE)
def milestone_repeated(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a milestone such as `[detected]` logged more than once.

    ## Why is this bad?
    Time to detect, mitigate and resolve are computed from the milestones; two of the
    same make the figures ambiguous. Tags (`[comms]`, `[decision]`, `[action]`) may repeat.

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T14:09Z [detected] Support reports errors
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T14:09Z Support reports errors
    ```
    """
    seen: dict[Milestone, int] = {}
    for event in incident.timeline:
        if event.milestone is None or not event.milestone.once:
            continue
        if event.milestone in seen:
            yield milestone_repeated.finding(
                incident,
                event.line,
                f"[{event.milestone.value}] is already on line "
                f"{seen[event.milestone]}; keep the first and remove the bracket here",
                path=incident.timeline_path,
            )
        else:
            seen[event.milestone] = event.line


@rule("HS607", "milestone-missing", Category.TIMELINE, applies_from=Status.DRAFT)
def milestone_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a postmortem past `investigating` whose timeline lacks start, detected or resolved.

    ## Why is this bad?
    Without them there is no time to detect, no duration, and no figures over time for
    the archive: the incident cannot be compared with any other.

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T16:58Z [resolved] Error rate at baseline for 30 minutes
    ```
    """
    present = {e.milestone for e in incident.timeline}
    for milestone in _REQUIRED:
        if milestone not in present:
            yield milestone_missing.finding(
                incident,
                None,
                f"no [{milestone.value}] event; add one with "
                f'hindsight log --incident {incident.id} --at TIME --milestone {milestone.value} "…"',
                path=incident.timeline_path,
            )


@rule("HS608", "milestone-sequence", Category.TIMELINE)
def milestone_sequence(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags milestones out of their natural order: start ≤ detected ≤ mitigated ≤ resolved.

    ## Why is this bad?
    A detection before the start, or a resolution before mitigation, gives negative or
    meaningless figures, and usually means a time zone was wrong.

    ## Example
    ```text
    2026-11-21T14:03Z [start] Deploy reached all hosts
    2026-11-21T14:05Z [resolved] Error rate at baseline
    2026-11-21T14:10Z [mitigated] Rolled back
    ```

    ## Use instead
    ```text
    2026-11-21T14:03Z [start] Deploy reached all hosts
    2026-11-21T14:05Z [mitigated] Rolled back
    2026-11-21T14:10Z [resolved] Error rate at baseline
    ```
    """
    present = [(m, e) for m in _SEQUENCE if (e := incident.milestone(m)) is not None]
    for (first, earlier), (then, later) in itertools.pairwise(present):
        if later.time < earlier.time:
            yield milestone_sequence.finding(
                incident,
                later.line,
                f"[{then.value}] at {format_time(later.time)} is before "
                f"[{first.value}] on line {earlier.line}; check the times and their zones",
                path=incident.timeline_path,
            )


@rule("HS609", "comms-gap", Category.TIMELINE, Level.WARNING, applies_from=Status.DRAFT)
def comms_gap(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags, for SEV1 and SEV2, a stretch without a `[comms]` update longer than the cadence.

    ## Why is this bad?
    During a major incident, silence is read as "nobody is on it". Support, customers and
    the company need updates at a known rhythm (`comms.cadence_minutes`, default 30).

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T16:58Z [resolved] Error rate at baseline
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T14:20Z [comms] Status page: investigating
    2026-11-21T14:50Z [comms] Status page: fix in progress
    2026-11-21T15:20Z [comms] Status page: recovering
    2026-11-21T15:50Z [comms] Status page: monitoring
    2026-11-21T16:20Z [comms] Status page: monitoring
    2026-11-21T16:45Z [comms] Status page: monitoring
    2026-11-21T16:58Z [resolved] Error rate at baseline
    ```
    """
    if incident.severity not in _URGENT:
        return
    detected = incident.milestone(Milestone.DETECTED) or incident.milestone(Milestone.START)
    resolved = incident.milestone(Milestone.RESOLVED)
    if detected is None or resolved is None:
        return
    cadence = timedelta(minutes=ctx.settings.comms_cadence_minutes)
    marks = [
        e
        for e in incident.timeline
        if e.milestone is Milestone.COMMS and detected.time <= e.time <= resolved.time
    ]
    previous = detected
    for event in [*marks, resolved]:
        if event.time - previous.time > cadence:
            minutes = int((event.time - previous.time).total_seconds() // 60)
            yield comms_gap.finding(
                incident,
                event.line,
                f"{minutes} minutes without a [comms] update before this event "
                f"(from line {previous.line}); post one at least every {ctx.settings.comms_cadence_minutes} "
                "minutes (comms.cadence_minutes in hindsight.yml)",
                path=incident.timeline_path,
            )
        previous = event


_BRACKET = re.compile(r"\[([A-Za-z][A-Za-z _-]*)\]")
_NAMES = [m.value for m in Milestone]


@rule("HS610", "milestone-unknown", Category.TIMELINE, Level.WARNING)
def milestone_unknown(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an event that starts with a bracketed word that is not a milestone or tag.

    ## Why is this bad?
    Only `[start]`, `[detected]`, `[acknowledged]`, `[escalated]`, `[mitigated]`,
    `[resolved]` and the tags `[comms]`, `[decision]` and `[action]` count. Anything
    else in brackets is read as plain text, so a typo such as `[resovled]` silently
    leaves the time to resolve out of every figure. (A milestone's name written as text,
    `\\[mitigated]`, as `hindsight log "[mitigated] …"` stores it, is not flagged.)

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T16:58Z [resovled] Error rate at baseline
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T16:58Z [resolved] Error rate at baseline
    ```
    """
    for event in incident.timeline:
        found = None if event.milestone else _BRACKET.match(event.text)
        if found is None or found.group(1).lower() in _NAMES:
            continue  # a milestone's name here was written as text: \[mitigated] in the file
        word = found.group(1)
        yield milestone_unknown.finding(
            incident,
            event.line,
            f"[{word}] is not a milestone, so this event counts as plain text"
            f"{suggest(word.lower(), _NAMES)}; the milestones are "
            f"{', '.join(_NAMES)} (write the word without brackets if it is text)",
            path=incident.timeline_path,
        )


#: how long before ``[start]`` an event is still taken as what led up to the incident
LEAD_UP = timedelta(hours=12)


@rule("HS611", "event-before-start", Category.TIMELINE, Level.WARNING)
def event_before_start(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an event more than 12 hours before the timeline's `[start]`.

    ## Why is this bad?
    An event a day before the start is almost always a time read on the wrong day: a
    clock time taken as yesterday's, or a date copied from another line. It sits at the
    top of the timeline, where readers begin, and tells them the incident began a day
    earlier than it did. What led up to the incident within 12 hours of its start (the
    deploy that caused it, a canary) is not flagged; a cause older than that belongs in
    the Root cause section.

    ## Example
    ```text
    2026-11-20T14:25Z Support reports failed checkouts
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    ```

    ## Use instead
    ```text
    2026-11-21T13:41Z Deploy began its canary at 5% of traffic
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    2026-11-21T14:25Z Support reports failed checkouts
    ```
    """
    start = incident.milestone(Milestone.START)
    if start is None:
        return
    for event in incident.timeline:
        if start.time - event.time > LEAD_UP:
            yield event_before_start.finding(
                incident,
                event.line,
                f"event at {format_time(event.time)} is {duration(start.time - event.time)} before "
                f"[start] on line {start.line} ({format_time(start.time)}); if its day or zone "
                "is wrong, correct the time; if it led up to the incident, say so in the Root "
                "cause section instead",
                path=incident.timeline_path,
            )


RULES = (
    timeline_order,
    milestone_repeated,
    milestone_missing,
    milestone_sequence,
    comms_gap,
    milestone_unknown,
    event_before_start,
)
