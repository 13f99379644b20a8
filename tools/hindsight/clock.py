"""The current time, injectable for tests and reproducible docs, and ``--at`` parsing.

Light to import (the command line takes :data:`AT_FORMS` from it for ``log --help``).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

from hindsight.errors import HindsightError

#: set to an ISO 8601 time with zone to freeze the clock (tests, documentation examples)
NOW_VARIABLE = "HINDSIGHT_NOW"

_RELATIVE = re.compile(
    r"^-\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$", re.IGNORECASE
)
#: a clock time, or a date and a clock time, each with or without a zone
_AT = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})(?:T|\s+))?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
#: the forms ``--at`` takes, in the words of ``log --help`` and of every refusal
AT_FORMS = (
    "now, a time ago (-10m, -1h30m), a clock time (14:03) or a date and time "
    "(2026-11-21 14:03); a time with no zone after it (Z, UTC, +01:00) is local time"
)
_UNITS = "h", "m", "s"
#: how long after its [resolved] an incident still holds events (the last updates: a status
#: page's "resolved", replies to the all-clear), for a clock time and for a chat's span
AFTER_RESOLVED = timedelta(hours=1)


class TimeError(HindsightError):
    """A time given on the command line that cannot be read; the message says how to write it."""


class Since(NamedTuple):
    """Where the incident's span begins, and how to say so: ``the incident's start (…)``;
    where it ends for a clock time (None: it does not), and how to say so."""

    moment: datetime
    what: str
    until: datetime | None = None
    ended: str = ""


def now() -> datetime:
    """The current time, aware, in UTC (or ``$HINDSIGHT_NOW``)."""
    frozen = os.environ.get(NOW_VARIABLE)
    if frozen:
        from hindsight.load.timeline import parse_time

        moment, error, _ = parse_time(frozen.strip())
        if moment is None:
            raise TimeError(f"${NOW_VARIABLE}={frozen!r}: {error}")
        return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


class _MachineZone(tzinfo):
    """The machine's local time, with its own rules: summer time included, for any date.

    ``datetime.now().astimezone().tzinfo`` is today's fixed offset, so that
    ``--at '2026-06-01 14:03'`` written in winter in Berlin would be an hour off.
    """

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return _system(dt).utcoffset()

    def dst(self, dt: datetime | None) -> timedelta | None:
        return _system(dt).dst()

    def tzname(self, dt: datetime | None) -> str | None:
        return _system(dt).tzname()

    def fromutc(self, dt: datetime) -> datetime:
        moment = dt.replace(tzinfo=timezone.utc).timestamp()
        return datetime.fromtimestamp(moment).replace(tzinfo=self)  # fold set where it repeats

    def __repr__(self) -> str:
        return "local time"


def _system(dt: datetime | None) -> datetime:
    """``dt``'s wall time read in the machine's zone (now when None), with its offset."""
    return (datetime.now() if dt is None else dt.replace(tzinfo=None)).astimezone()


def local_zone() -> tzinfo:
    """This machine's local time zone, with its summer time."""
    return _MachineZone()


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date given on the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TimeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def resolve_at(text: str, current: datetime, zone: tzinfo, since: Since | None = None) -> datetime:
    """The moment ``--at`` names: one of :data:`AT_FORMS`.

    ``now``; a time ago (``-10m``, ``-1h30m``, ``-45s``); a clock time (``14:03``,
    ``14:03:05``), in ``zone`` unless a zone follows it (``14:03 UTC``, ``14:03Z``,
    ``14:03 +01:00``): the most recent past such time, but only when it is within
    ``since``, the incident's span (at or after its start, not after its end). Otherwise,
    or when it would be in the future, the time is refused with the readings and the date
    to add: an event silently moved to yesterday, or to today weeks after an old incident,
    shifts every figure. A date and time (``2026-11-21 14:03``,
    ``2026-11-21T14:03Z``) is that moment, in ``zone`` when no zone follows it, as a clock
    time is: it is refused only when it is in the future.
    """
    value = text.strip()
    if value.lower() == "now":
        return current
    relative = _RELATIVE.match(value)
    if relative and any(relative.groups()):
        h, m, s = (int(g or 0) for g in relative.groups())
        return current - timedelta(hours=h, minutes=m, seconds=s)
    found = _AT.match(value)
    if found is None:
        raise TimeError(f"--at {text!r} is not a time; write {AT_FORMS}")
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeError(
            f"--at {text!r}: {found['hour']}:{found['minute']} is not a clock time; write "
            f"{AT_FORMS}"
        )
    at = time(hour, minute, second)
    if found["zone"]:
        from hindsight.load.timeline import parse_zone

        zone = parse_zone(found["zone"].upper())
    if found["date"] is None:
        return _clock_time(value, at, current, zone, since)
    try:
        day = date.fromisoformat(found["date"])
    except ValueError:
        raise TimeError(
            f"--at {text!r}: {found['date']} is not a real date; write {AT_FORMS}"
        ) from None
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment > current:
        raise TimeError(
            f"--at {text!r} (it is now {_local(current, zone)}) is {_hours(moment - current)} "
            "in the future; log an event once it has happened"
        )
    return moment.astimezone(timezone.utc)


def _clock_time(
    typed: str, at: time, current: datetime, zone: tzinfo, since: Since | None
) -> datetime:
    """The most recent past reading of a clock time, when it lies in the incident's span.

    A time even a minute ahead of the clock is refused rather than taken as now: SPEC
    (section 2.3) records what happened, in time order, and says nothing of events to come.
    A reading after the span's end is refused with the first reading within it, dated.
    """
    local_now = current.astimezone(zone)
    today = datetime.combine(local_now.date(), at, tzinfo=zone)
    yesterday = datetime.combine(local_now.date() - timedelta(days=1), at, tzinfo=zone)
    latest = today if today <= current else yesterday
    if since is None or since.moment <= latest <= (since.until or latest):
        return latest.astimezone(timezone.utc)
    if latest >= since.moment:  # after the end: a past incident, written up later
        first = datetime.combine(since.moment.astimezone(zone).date(), at, tzinfo=zone)
        if first < since.moment:
            first += timedelta(days=1)
        reading = _reading(typed, "today" if latest is today else "yesterday", latest, current)
        dated = (
            f"give the date: --at '{_local(first, zone)}'"
            if since.until is None or first <= since.until
            else f"no {typed} lies within it; to log one all the same, give the date: "
            f"--at '{_local(latest, zone)}'"
        )
        raise TimeError(
            f"--at {typed!r} (it is now {_local(current, zone)}): {reading}, after "
            f"{since.ended}; {dated}"
        )
    first, second = (
        _reading(typed, "today", today, current),
        _reading(typed, "yesterday", yesterday, current),
    )
    if today <= current:  # both readings are past, both before the span: say so once
        first += f", before {since.what}"
    else:
        second += f", before {since.what}"
    raise TimeError(
        f"--at {typed!r} (it is now {_local(current, zone)}): {first}; {second}; "
        f"give the date: --at '{_local(latest, zone)}'"
    )


def _reading(typed: str, day: str, moment: datetime, current: datetime) -> str:
    """``13:58 today is 20 min in the future``, ``13:58 yesterday is 23 h 40 min ago``."""
    if moment > current:
        return f"{typed} {day} is {_hours(moment - current)} in the future"
    return f"{typed} {day} is {_hours(current - moment)} ago"


def _hours(delta: timedelta) -> str:
    """``23 h 40 min``, ``20 min``, ``less than a minute``: hours, not days, for a day's span."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    return " ".join(
        p for p in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if p
    )


def _local(moment: datetime, zone: tzinfo) -> str:
    """``2026-12-03 13:58 UTC`` or ``2026-12-03 14:58 +01:00``: a time ``--at`` accepts back."""
    local = moment.astimezone(zone)
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    offset = local.strftime("%z")
    if not offset or offset in ("+0000", "-0000"):
        return f"{shown} UTC"
    return f"{shown} {offset[:3]}:{offset[3:]}"
