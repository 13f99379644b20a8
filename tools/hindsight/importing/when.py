"""Dates, clock times and time zones as people write them in postmortems.

``2019-11-29 12:00``, ``07-27-2023 2:14 pm``, ``Sep 27 2017 13:06``, ``[08:47]``,
``12:45 PM PST Saturday Oct 30th``, ``13:14 EDT (17:14 UTC)``, ``Jan 14, 10:18 AM``.
A stamp is read from the start of a text; what cannot be read is said, never guessed
silently. Zone names are read as the local time of their region (``PST`` in July is
read as Pacific daylight time, as its writer meant), with the daylight-saving rules of
the United States (since 2007) and the European Union; the report says so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
_ORD = r"(?:st|nd|rd|th)?"


class Zone(NamedTuple):
    """A time zone as written: a fixed offset, or a region with daylight-saving time."""

    name: str
    minutes: int  # standard offset from UTC
    rule: str | None = None  # "us" or "eu": the region's daylight-saving rule
    said_dst: bool | None = (
        None  # the writer's abbreviation named summer (PDT) or winter (PST) time
    )

    def offset(self, local: datetime) -> timedelta:
        """The offset from UTC of the local time ``local`` in this zone."""
        extra = 60 if self.rule and _in_dst(self.rule, local) else 0
        return timedelta(minutes=self.minutes + extra)

    def note(self, local: datetime) -> str | None:
        """What the reader should know: a region's name that disagrees with its season."""
        if self.rule is None or self.said_dst is None:
            return None
        dst = _in_dst(self.rule, local)
        if dst == self.said_dst:
            return None
        region = {"us": "US", "eu": "European"}[self.rule]
        hours = (self.minutes + (60 if dst else 0)) / 60
        return (
            f"'{self.name}' on {local.date()} read as {region} local time, which was "
            f"{'summer' if dst else 'winter'} time then (UTC{hours:+g})"
        )


_ZONES: dict[str, Zone] = {}
for _names, _minutes in (
    (("PST", "PDT", "PT", "PACIFIC"), -480),
    (("MST", "MDT", "MT", "MOUNTAIN"), -420),
    (("CST", "CDT", "CT", "CENTRAL"), -360),
    (("EST", "EDT", "ET", "EASTERN"), -300),
):
    for _i, _name in enumerate(_names):
        _ZONES[_name] = Zone(_name, _minutes, "us", {0: False, 1: True}.get(_i))
for _names, _minutes in ((("WET", "WEST"), 0), (("CET", "CEST"), 60), (("EET", "EEST"), 120)):
    for _i, _name in enumerate(_names):
        _ZONES[_name] = Zone(_name, _minutes, "eu", _i == 1)
_ZONES["BST"] = Zone("BST", 0, "eu", True)
for _name, _minutes in (
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("UCT", 0),
    ("IST", 330),
    ("JST", 540),
    ("KST", 540),
    ("SGT", 480),
    ("HKT", 480),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("BRT", -180),
):
    _ZONES[_name] = Zone(_name, _minutes)

_ZONE_WORD = (
    r"(?:(?:UTC|GMT)\s?[+-−]\s?\d{1,2}(?::?\d{2})?|UTC|GMT|UCT|"
    r"(?i:pacific|eastern|central|mountain)(?:\s+(?i:time|standard time|daylight time))?|"
    r"[A-Z]{2,4}T|PT|ET|CT|MT|Z)"
)
ZONE_RE = re.compile(rf"(?<![A-Za-z0-9+-])(?P<zone>{_ZONE_WORD})(?![A-Za-z0-9])")


def zone(text: str) -> Zone | None:
    """The zone ``text`` names (``UTC``, ``PST``, ``GMT+2``, ``Pacific``), or None."""
    value = text.strip()
    fixed = re.fullmatch(r"(?:UTC|GMT)\s?([+-−])\s?(\d{1,2})(?::?(\d{2}))?", value)
    if fixed:
        sign = -1 if fixed.group(1) in "-−" else 1
        minutes = sign * (int(fixed.group(2)) * 60 + int(fixed.group(3) or 0))
        return Zone(value.replace(" ", ""), minutes) if abs(minutes) <= 14 * 60 else None
    word = value.split()[0].upper() if value else ""
    return _ZONES.get(word)


def find_zone(text: str) -> Zone | None:
    """The first zone named in ``text`` (a heading, a sentence, a table header)."""
    for match in ZONE_RE.finditer(text):
        found = zone(match.group("zone"))
        if found is not None and not (found.name == "Z" and len(text.strip()) > 1):
            return found
    return None


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _in_dst(rule: str, local: datetime) -> bool:
    year = local.year
    if rule == "us":
        start = datetime.combine(_nth_sunday(year, 3, 2), datetime.min.time()).replace(hour=2)
        end = datetime.combine(_nth_sunday(year, 11, 1), datetime.min.time()).replace(hour=2)
    else:
        start = datetime.combine(_last_sunday(year, 3), datetime.min.time()).replace(hour=2)
        end = datetime.combine(_last_sunday(year, 10), datetime.min.time()).replace(hour=3)
    return start <= local.replace(tzinfo=None) < end


class Stamp(NamedTuple):
    """What the start of a text says about when: any of a date, a time and a zone."""

    day: date | None = None
    month_day: tuple[int, int] | None = None  # a date without its year
    time: tuple[int, int, int] | None = None
    zone: Zone | None = None
    unreadable: str | None = None  # a time slot that holds no time: ``2X:XX``, ``[???]``, ``--:--``
    rest: str = ""  # the text after the stamp
    guesses: tuple[str, ...] = ()
    approximate: str = ""  # the stamp as written when it says the time is approximate (``~12:30``)

    @property
    def found(self) -> bool:
        """Whether the text starts with a stamp at all."""
        return any((self.day, self.month_day, self.time, self.unreadable))


_LEAD = re.compile(
    r"(?:\s|[-*+>]\s|\d{1,3}[.)]\s|\*\*|__|[*_`~\[(]|(?i:at|on|around|approx\.?|approximately|ca\.|c\.)\s|(?i:date|time|when)\s*:\s*)+"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:T(?=\d))?")
_NUMERIC = re.compile(r"(\d{1,2})([-/])(\d{1,2})\2(\d{4}|\d{2})(?![\d:])")
_NAMED = re.compile(rf"(?i:{_MONTH})\s+(\d{{1,2}}){_ORD}(?:,?\s+(\d{{4}}))?(?!\d)", re.IGNORECASE)
_DAY_FIRST = re.compile(
    rf"(\d{{1,2}}){_ORD}\s+(?:of\s+)?(?i:{_MONTH})(?:,?\s+(\d{{4}}))?(?!\d)", re.IGNORECASE
)
_WEEKDAY_RE = re.compile(rf"(?i:{_WEEKDAY})(?![a-z])", re.IGNORECASE)
_TIME = re.compile(
    r"~?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([AaPp])\.?\s?[Mm]\.?(?![a-z]))?(?!\d)"
)
_HOUR_ONLY = re.compile(r"~?(\d{1,2})\s*([AaPp])\.?\s?[Mm]\.?(?![a-z])")
_BLURRED = re.compile(
    r"\[?\?{2,}\]?|[\dXx?]{1,2}:[\dXx?]{2}(?=\W|$)|--:--|\d{4}-(?:MM|XX)-(?:DD|XX)"
)
_RANGE_END = re.compile(r"\s*(?:-|–|—|to)\s*~?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?")
#: a time said to be approximate: ``~12:30``, ``around 12:30``, ``approx. 12:30``, ``ca. 12:30``
_APPROXIMATE = re.compile(r"~\s*\d|(?<![a-z])(?i:around|approx\.?|approximately|ca\.|c\.)\s")
_JOIN = re.compile(r"(?:,|\s|(?i:at|on)(?=\s))+")
_SEPARATOR = re.compile(r"(?:\s*(?:\*\*|__|\]|\)))*\s*(?:[-–—:|,.]+(?!\d))?\s*")


def _month_of(text: str) -> int:
    key = text.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def read_stamp(text: str, *, year: int | None = None, month_first: bool = True) -> Stamp:
    """The stamp at the start of ``text`` and the text after it."""
    at = _LEAD.match(text)
    pos = at.end() if at else 0
    day: date | None = None
    month_day: tuple[int, int] | None = None
    clock: tuple[int, int, int] | None = None
    found_zone: Zone | None = None
    secondary: tuple[tuple[int, int, int], Zone] | None = None
    unreadable: str | None = None
    guesses: list[str] = []
    progressed = True
    while progressed and pos < len(text):
        progressed = False
        join = _JOIN.match(text, pos)
        start = join.end() if join else pos
        rest = text[start:]
        for kind, pattern in (
            ("weekday", _WEEKDAY_RE),
            ("iso", _ISO),
            ("numeric", _NUMERIC),
            ("named", _NAMED),
            ("day-first", _DAY_FIRST),
            ("time", _TIME),
            ("hour", _HOUR_ONLY),
            ("blurred", _BLURRED),
            ("zone", ZONE_RE),
        ):
            match = pattern.match(rest)
            if not match:
                continue
            if kind in ("iso", "numeric", "named", "day-first") and (day or month_day):
                break
            if kind in ("time", "hour") and clock:
                end = _RANGE_END.match(rest)
                if end:
                    pos = start + end.end()
                    progressed = True
                break
            value = (
                _date_from(kind, match, year, month_first, guesses)
                if kind in ("iso", "numeric", "named", "day-first")
                else None
            )
            if kind in ("iso", "numeric", "named", "day-first"):
                if value is None:
                    break
                if isinstance(value, date):
                    day = value
                else:
                    month_day = value
            elif kind == "time":
                hour, minute = int(match.group(1)), int(match.group(2))
                hour = _twelve(hour, match.group(4), guesses, match.group(0))
                if hour is None or minute > 59:
                    unreadable = match.group(0)
                else:
                    clock = (hour, minute, int(match.group(3) or 0))
            elif kind == "hour":
                hour = _twelve(int(match.group(1)), match.group(2), guesses, match.group(0))
                if hour is None:
                    break
                clock = (hour, 0, 0)
            elif kind == "blurred":
                if clock or unreadable:
                    break
                unreadable = match.group(0)
            elif kind == "zone":
                named = zone(match.group("zone"))
                if named is None or found_zone is not None or not (clock or unreadable):
                    break
                found_zone = named
            pos = start + match.end()
            progressed = True
            if kind in ("time", "hour"):
                end = _RANGE_END.match(text, pos)
                if end:
                    pos = end.end()
            break
        if not progressed and clock:
            # "13:14 EDT (17:14 UTC)": a second time in brackets, in another zone
            other = re.match(
                r"\s*\((?P<t>\d{1,2}:\d{2})\s*(?P<z>[A-Z]{1,4}|UTC[+-]\d{1,2})\)", text[pos:]
            )
            if other:
                named = zone(other.group("z"))
                if named is not None:
                    h, m = map(int, other.group("t").split(":"))
                    secondary = ((h, m, 0), named)
                    pos += other.end()
                    progressed = True
    if secondary is not None and (found_zone is None or found_zone.rule is not None):
        clock, found_zone = secondary
    if not (day or month_day or clock or unreadable):
        return Stamp(rest=text)
    sep = _SEPARATOR.match(text, pos)
    rest = text[sep.end() if sep else pos :].strip()
    if rest.endswith("**") and rest.count("**") % 2:
        rest = rest[:-2].rstrip()
    approximate = ""
    if clock is not None and _APPROXIMATE.search(text[:pos]):
        approximate = " ".join(text[:pos].strip(" *_`[(|").split()).rstrip(" :-–—,")
    return Stamp(day, month_day, clock, found_zone, unreadable, rest, tuple(guesses), approximate)


def _twelve(hour: int, ampm: str | None, guesses: list[str], raw: str) -> int | None:
    if ampm is None:
        return hour if hour <= 23 else None
    if hour > 12:
        guesses.append(f"'{raw.strip()}' has a 24-hour time with AM/PM; read as {hour:02d}h")
        return hour if hour <= 23 else None
    if hour == 0:
        return 0
    pm = ampm.lower() == "p"
    return (hour % 12) + (12 if pm else 0)


def _date_from(
    kind: str, match: re.Match[str], year: int | None, month_first: bool, guesses: list[str]
) -> date | tuple[int, int] | None:
    try:
        if kind == "iso":
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if kind == "numeric":
            a, b, y = int(match.group(1)), int(match.group(3)), int(match.group(4))
            y = y + 2000 if y < 100 else y
            if a > 12:
                return date(y, b, a)
            if b > 12 or month_first:
                if b <= 12 and a != b:
                    guesses.append(f"'{match.group(0)}' read month first ({date(y, a, b)})")
                return date(y, a, b)
            return date(y, b, a)
        if kind == "named":
            month = _month_of(match.group(0).split()[0])
            d, y = int(match.group(1)), match.group(2)
        else:
            month = _month_of(re.search(_MONTH, match.group(0), re.IGNORECASE).group(0))  # type: ignore[union-attr]
            d, y = int(match.group(1)), match.group(2)
        if y:
            return date(int(y), month, d)
        if year is not None:
            return date(year, month, d)
        date(2000, month, d)  # a valid day of that month
        return (month, d)
    except ValueError:
        return None


def to_utc(day: date, clock: tuple[int, int, int], where: Zone) -> datetime:
    """The UTC moment of a local date and clock time in zone ``where``."""
    local = datetime(day.year, day.month, day.day, *clock)
    return (local - where.offset(local)).replace(tzinfo=timezone.utc)


def find_date(text: str, year: int | None = None) -> date | None:
    """The first full date written anywhere in ``text``."""
    for pattern, kind in (
        (_ISO, "iso"),
        (_NAMED, "named"),
        (_DAY_FIRST, "day-first"),
        (_NUMERIC, "numeric"),
    ):
        for match in pattern.finditer(text):
            if kind == "iso" and match.start() > 0 and text[match.start() - 1].isalnum():
                continue
            value = _date_from(kind, match, year, True, [])
            if isinstance(value, date):
                return value
    return None
