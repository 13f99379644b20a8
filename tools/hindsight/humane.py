"""Times and durations written for people, the same way on the site, in comms and in messages.

(The status line ``hindsight log`` prints mid-incident is terser: ``logbook.elapsed``.)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

UNKNOWN = "–"


def duration(delta: timedelta | None) -> str:
    """``1 h 34 min``, ``2 d 3 h``, ``< 1 min``; an en dash when unknown or negative."""
    if delta is None:
        return UNKNOWN
    minutes = int(delta.total_seconds() // 60)
    if minutes < 0:
        return UNKNOWN
    if minutes < 1:
        return "< 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins and not days else "",
    ]
    return " ".join(p for p in parts if p)


def plural(count: int, word: str) -> str:
    """``1 incident``, ``3 incidents``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def moment(value: datetime | None) -> str:
    """A time in UTC: ``2026-11-03 13:58 UTC``; an en dash when unknown."""
    if value is None:
        return UNKNOWN
    return value.astimezone(timezone.utc).isoformat(" ", "minutes")[:16] + " UTC"
