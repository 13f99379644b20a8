"""Parse ``timeline.log``: one event a line, ``TIME [milestone] text`` (SPEC §2.3).

A text that starts with a backslash has it taken off when read: ``TIME \\[mitigated] Rolled
back`` is a plain event whose text is ``[mitigated] Rolled back``. :func:`format_event` writes
that backslash before a text that would otherwise read as a milestone (or that starts with a
backslash itself), so that no text ever becomes a milestone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hindsight.model import Finding, Level, Milestone, TimelineEvent
from hindsight.problems import problem

_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"(?:\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?(?=\s|$)"
)
_MILESTONE = re.compile(r"\[(?P<name>[A-Za-z-]+)\]\s*")
_MILESTONES = {m.value: m for m in Milestone}


def parse_zone(zone: str) -> timezone:
    """``Z``, ``UTC``, ``+01:00``, ``+0100`` or ``+01`` as a fixed-offset timezone."""
    if zone in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_time(text: str) -> tuple[datetime | None, str | None, int]:
    """The aware datetime at the start of ``text``, an error message, and where the time ends."""
    match = _TIME.match(text)
    if match is None:
        return None, "does not start with a time like 2026-11-21T14:03Z", 0
    if match["zone"] is None:
        return None, "time has no zone; add Z for UTC or an offset like +01:00", match.end()
    clock = match["clock"].replace(",", ".")
    if len(clock.split(":")[0]) == 1:
        clock = "0" + clock
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{clock}")
        zone = parse_zone(match["zone"])
    except ValueError:
        return None, f"'{match.group(0)}' is not a real time", match.end()
    return naive.replace(tzinfo=zone), None, match.end()


def parse_line(line: str) -> tuple[datetime | None, Milestone | None, str, str | None]:
    """One non-comment line as (time, milestone, text, error message)."""
    time, error, end = parse_time(line)
    if time is None:
        return None, None, line, error
    rest = line[end:].strip()
    milestone = None
    match = _MILESTONE.match(rest)
    if match and match["name"].lower() in _MILESTONES:
        milestone = _MILESTONES[match["name"].lower()]
        rest = rest[match.end() :]
    return time, milestone, rest.removeprefix("\\"), None


def reads_as_milestone(text: str) -> Milestone | None:
    """The milestone a text would become if it were written after the time as it is."""
    match = _MILESTONE.match(text)
    return _MILESTONES.get(match["name"].lower()) if match else None


def parse(
    text: str, path: str, incident: str | None = None
) -> tuple[list[TimelineEvent], list[Finding]]:
    """Every event of ``text``; unreadable lines become problems and are skipped."""
    events: list[TimelineEvent] = []
    problems: list[Finding] = []
    lines = text.split("\n")
    partial = bool(text) and not text.endswith("\n")
    if not partial:
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        time, milestone, rest, error = parse_line(line)
        if time is None:
            is_last = partial and number == len(lines)
            code = "HS603" if is_last else ("HS602" if "no zone" in (error or "") else "HS601")
            message = (
                "last line is cut off (no newline at the end) and unreadable: "
                f"{error}; finish or remove it"
                if is_last
                else f"event {error}"
            )
            problems.append(problem(code, path, number, message, column=1, incident=incident))
            continue
        if partial and number == len(lines):
            problems.append(
                problem(
                    "HS603",
                    path,
                    number,
                    "last line has no newline at the end, as when a write was cut short (a full "
                    "disk); check that the event is whole, then end the line",
                    column=len(raw) + 1,
                    incident=incident,
                    level=Level.WARNING,
                )
            )
        events.append(TimelineEvent(number, time, milestone, rest))
    return events, problems


def format_time(moment: datetime) -> str:
    """The canonical form: UTC, ISO 8601, minutes unless seconds are not zero."""
    utc = moment.astimezone(timezone.utc).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ" if utc.second else "%Y-%m-%dT%H:%MZ")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def format_event(moment: datetime, text: str, milestone: Milestone | None = None) -> str:
    """One canonical line, ending in a newline; no newline in ``text`` can make a second event,
    and no ``[milestone]`` at the start of ``text`` can make a milestone (it is escaped)."""
    flat = (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )
    flat = flat.strip().replace("\n", "\\n").replace("\t", " ")
    flat = _CONTROL.sub(_escape, flat)
    if flat.startswith("\\") or (milestone is None and reads_as_milestone(flat)):
        flat = "\\" + flat
    marker = f"[{milestone.value}] " if milestone else ""
    return f"{format_time(moment)} {marker}{flat}\n"
