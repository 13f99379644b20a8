"""The current time, injectable for tests and reproducible docs, and ``--at`` parsing."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from hindsight.errors import HindsightError
from hindsight.load.timeline import parse_time

#: set to an ISO 8601 time with zone to freeze the clock (tests, documentation examples)
NOW_VARIABLE = "HINDSIGHT_NOW"

_RELATIVE = re.compile(
    r"^-\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$", re.IGNORECASE
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UNITS = "h", "m", "s"


class TimeError(HindsightError):
    """A time given on the command line that cannot be read; the message says how to write it."""


def now() -> datetime:
    """The current time, aware, in UTC (or ``$HINDSIGHT_NOW``)."""
    frozen = os.environ.get(NOW_VARIABLE)
    if frozen:
        moment, error, _ = parse_time(frozen.strip())
        if moment is None:
            raise TimeError(f"${NOW_VARIABLE}={frozen!r}: {error}")
        return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def local_zone() -> tzinfo:
    """This machine's local time zone."""
    return datetime.now().astimezone().tzinfo or timezone.utc


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date given on the command line."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TimeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def resolve_at(text: str, current: datetime, zone: tzinfo) -> datetime:
    """The moment ``--at`` names.

    Accepted: ``now``; an ISO 8601 time with a zone (``2026-11-21T14:03Z``,
    ``2026-11-21 14:03 +01:00``); a clock time in ``zone`` (``14:03``, the latest such
    time not in the future); a time ago (``-10m``, ``-1h30m``, ``-45s``).
    """
    value = text.strip()
    if value.lower() == "now":
        return current
    relative = _RELATIVE.match(value)
    if relative and any(relative.groups()):
        h, m, s = (int(g or 0) for g in relative.groups())
        return current - timedelta(hours=h, minutes=m, seconds=s)
    clock = _CLOCK.match(value)
    if clock:
        return _latest_clock_time(clock, current, zone)
    moment, error, end = parse_time(value)
    if moment is not None and not value[end:].strip():
        return moment
    raise TimeError(
        f"--at {text!r}: {error or 'unexpected text after the time'}. Write a time with a zone "
        "(2026-11-21T14:03Z), a clock time (14:03, local time) or a time ago (-10m)"
    )


def _latest_clock_time(match: re.Match[str], current: datetime, zone: tzinfo) -> datetime:
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeError(f"--at {match.group(0)!r} is not a clock time; write HH:MM, like 14:03")
    local_now = current.astimezone(zone)
    candidate = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if candidate > local_now + timedelta(minutes=5):
        # Logging "23:55" just after midnight means yesterday evening.
        candidate = (local_now - timedelta(days=1)).replace(
            hour=hour, minute=minute, second=second, microsecond=0
        )
    return candidate.astimezone(timezone.utc)
