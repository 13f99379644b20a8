"""Find the timeline of a postmortem written elsewhere and read its events.

Shapes met in the wild: bullet lists (``- 20:09 UTC: …``, ``* [08:47] …``), tables
(``| 2019-11-29 12:00 | … |``, or separate Day / Date / Time columns), one heading per
time (``### 13:35`` then paragraphs), plain lines (``07-27-2023 2:14 pm - …``), and day
headings or ``**Date: …**`` lines above times. The zone is declared once (in the
heading, a sentence, a table header) or on each entry. Entries without a date take the
last date seen, and move to the next day when the clock runs backwards by hours
(an incident that spans midnight). An entry whose time cannot be read is kept, with its
text, to be written as a comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from hindsight.importing.when import Stamp, Zone, find_date, find_zone, read_stamp, to_utc
from hindsight.load.markdown import content_lines, headings

_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CELL = re.compile(r"(?<!\\)\|")
_ZONE_HINT = re.compile(r"\b(?:times?|zone|clock)\b", re.IGNORECASE)
_MIDNIGHT = timedelta(hours=6)
NO_TIME = "no time of day"  # an entry with a date only


class Event(NamedTuple):
    """One entry of the source timeline: its UTC time, or None when it could not be read."""

    line: int  # in the source file, 1-based
    moment: datetime | None
    text: str
    original: str
    why: str = ""  # why the time could not be read


class Timeline(NamedTuple):
    """What was found: events in source order, the zone and where it came from, notes."""

    found: str  # where the timeline was found, empty when there is none
    events: tuple[Event, ...]
    zone: str
    prose: tuple[str, ...]  # lines of the timeline section that are not events
    guesses: tuple[str, ...]
    lines: range  # source line indexes (0-based, of the body) the timeline covers


class _Entry:
    def __init__(
        self, line: int, stamp: Stamp, original: str, day: date | None, explicit: bool
    ) -> None:
        self.line, self.stamp, self.original, self.day, self.explicit = (
            line,
            stamp,
            original,
            day,
            explicit,
        )
        self.parts = [stamp.rest] if stamp.rest else []


def _region(lines: Sequence[str]) -> tuple[str, int, int, int, str] | None:
    """(how found, first line, end line, heading level, heading text) of the timeline."""
    marks = headings(lines)
    for n, (index, level, title, start) in enumerate(marks):
        if "timeline" not in title.casefold():
            continue
        end = len(lines)
        for other_index, other_level, other_title, _ in marks[n + 1 :]:
            if other_level <= level and not read_stamp(other_title).found:
                end = other_index
                break
        return f"the '{title.strip()}' section", start, end, level, title
    timed = [i for i, line, content in content_lines(lines) if content and _timed_line(line)]
    if len(timed) >= 3:
        first, last = timed[0], timed[-1]
        following = next(
            (i for i in range(last + 1, len(lines)) if not lines[i].strip()), len(lines)
        )
        return "lines that start with a time (no Timeline heading)", first, following, 0, ""
    return None


def _timed_line(line: str) -> bool:
    if not (
        _LIST.match(line)
        or (line[:1].isdigit() or line.startswith(("**", "[")))
        or line.startswith("|")
    ):
        return False
    text = _LIST.sub("", line).strip().strip("|").strip()
    return read_stamp(text).time is not None


def extract(
    body: str,
    first_line: int,
    *,
    day: date | None,
    zone_option: Zone | None,
    year: int | None = None,
) -> Timeline:
    """The timeline of ``body`` (whose first line is file line ``first_line``)."""
    lines = body.split("\n")
    region = _region(lines)
    if region is None:
        return Timeline("", (), "", (), (), range(0))
    found, start, end, _level, title = region
    reader = _Reader(lines, first_line, title, day, year)
    reader.read(start, end)
    zone, zone_from, entries = reader.zone, reader.zone_from, reader.entries
    guesses: list[str] = list(reader.guesses)
    if zone is None:
        declared = _declared_zone(lines)
        if declared is not None:
            zone, zone_from = declared
    if zone is None:
        if zone_option is not None:
            zone, zone_from = zone_option, "--zone"
        elif any(e.stamp.time and e.stamp.zone is None for e in entries):
            guesses.append(
                "no time zone is stated; times were read as UTC (use --zone to say otherwise)"
            )
    events = _resolve(entries, zone, guesses)
    label = f"{zone.name} (from {zone_from})" if zone else ("per entry" if entries else "")
    return Timeline(
        found,
        tuple(events),
        label,
        tuple(_zone_notes(reader.prose, zone)),
        tuple(dict.fromkeys(guesses)),
        range(start, end),
    )


class _Reader:
    """Reads a timeline region line by line: headings, tables, entry lines and prose.

    What one line leaves for the next: the entry being read (``current``, which the lines
    under it continue), the day and year in force, the table's columns, the paragraph so
    far (where a zone or a day may be declared) and whether a blank line came before.
    """

    def __init__(
        self, lines: list[str], first_line: int, title: str, day: date | None, year: int | None
    ) -> None:
        self.lines, self.first_line = lines, first_line
        self.zone = find_zone(title)
        self.zone_from = f"the heading '{title.strip()}'" if self.zone else ""
        self.zone_said = False  # the zone came from a sentence, which a table header overrides
        self.guesses: list[str] = []
        year = day.year if day else year
        self.context = find_date(title, year) or day
        self.year = self.context.year if self.context else year
        self.entries: list[_Entry] = []
        self.prose: list[str] = []
        self.current: _Entry | None = None
        self.in_heading_entry = False
        self.blank_before = False
        self.table_columns: tuple[list[int], list[int]] | None = None
        self.pinned = False  # a sentence above the entries said which day they are on
        self.paragraph = ""
        self.marks = {i: text for i, _level, text, _ in headings(lines)}
        self.content = {i: ok for i, _line, ok in content_lines(lines)}

    def read(self, start: int, end: int) -> None:
        """Read lines ``start`` to ``end`` (0-based, end excluded)."""
        underline = False
        for i in range(start, end):
            line = self.lines[i]
            if underline:  # the ===/--- under a setext heading
                underline = False
            elif i in self.marks:
                self.heading(i, self.marks[i])
                underline = (
                    i + 1 < end
                    and bool(self.lines[i + 1].strip())
                    and set(self.lines[i + 1].strip()) <= {"=", "-"}
                )
            elif not self.content.get(i, True):  # in a code block or an HTML comment
                if self.current is None or not self.in_heading_entry:
                    self.prose.append(line)
            elif not line.strip():
                self.blank_before, self.paragraph, self.table_columns = True, "", None
                self.prose.append("")
            elif not self.table_row(i, end, line.strip()):
                self.text_line(i, line)
        self.close()

    def close(self) -> None:
        """The entry being read is complete."""
        if self.current is not None:
            self.entries.append(self.current)
        self.current = None

    def heading(self, i: int, text: str) -> None:
        """A heading: an entry of its own (``### 13:35``), a new day, or a sub-title."""
        self.close()
        stamp = read_stamp(text, year=self.year)
        if stamp.time or stamp.unreadable:
            self.context, explicit = _day_of(stamp, self.context, self.year)
            self.current = _Entry(self.first_line + i, stamp, text, self.context, explicit)
            self.in_heading_entry = True
            self.paragraph = ""
            return
        new_day = stamp.day or find_date(text, self.year)
        if new_day:
            self.context, self.year = new_day, new_day.year
        self.in_heading_entry = False
        if text.strip():
            self.prose.append(self.lines[i])

    def table_row(self, i: int, end: int, stripped: str) -> bool:
        """A table's header, rule or row; False when the line is not one (read it as text)."""
        if not (stripped.startswith("|") or (self.table_columns is not None and "|" in stripped)):
            return False
        cells = [c.strip() for c in _CELL.split(stripped.strip("|"))]
        if _TABLE_RULE.match(stripped):
            return True
        if i + 1 < end and _TABLE_RULE.match(self.lines[i + 1].strip()):
            self.close()
            self.table_columns = _columns(cells)
            header = " ".join(cells)
            table_zone = find_zone(header)
            if table_zone and (not self.zone or self.zone_said):
                if self.zone and self.zone.name != table_zone.name:
                    self.guesses.append(
                        f"the source says {self.zone_from} ({self.zone.name}) but the table "
                        f"header '{header}' names {table_zone.name}: the table's times were read "
                        f"as {table_zone.name}, and the sentence replaced by a note"
                    )
                self.zone, self.zone_from = table_zone, f"the table header '{header}'"
                self.zone_said = False
            year_hint = re.search(r"\((\d{4})\)", header)
            if year_hint:
                self.year = int(year_hint.group(1))
            return True
        if self.table_columns is None:
            return False
        when_cols, text_cols = self.table_columns
        stamp = read_stamp(" ".join(cells[c] for c in when_cols if c < len(cells)), year=self.year)
        if not (stamp.time or stamp.unreadable or stamp.day):
            self.prose.append(self.lines[i])
            return True
        self.close()
        self.context, explicit = _day_of(stamp, self.context, self.year)
        text = " — ".join(cells[c] for c in text_cols if c < len(cells) and cells[c])
        entry = _Entry(
            self.first_line + i, stamp._replace(rest=text), self.lines[i], self.context, explicit
        )
        if not stamp.time and not stamp.unreadable:
            entry.stamp = entry.stamp._replace(unreadable=NO_TIME)
        self.entries.append(entry)
        return True

    def text_line(self, i: int, line: str) -> None:
        """A list item or plain line: an entry, a day, the entry's next line, or prose."""
        stripped = line.strip()
        list_item = _LIST.match(line)
        indented = line.startswith(("  ", "\t")) and not list_item
        nested = bool(list_item and list_item.group(1))
        stamp = read_stamp(_LIST.sub("", line, count=1) if list_item else line, year=self.year)
        if (
            stamp.time
            or stamp.unreadable
            or (list_item and not nested and (stamp.day or stamp.month_day))
        ):
            self.close()
            entry_day, explicit = _day_of(stamp, self.context, self.year)
            if not (self.pinned and explicit):
                self.context = entry_day
            if not stamp.time and not stamp.unreadable:
                stamp = stamp._replace(unreadable=NO_TIME)
            self.current = _Entry(self.first_line + i, stamp, line, entry_day, explicit)
            self.in_heading_entry = self.blank_before = False
            self.paragraph = ""
            return
        if (stamp.day or stamp.month_day) and len(stamp.rest) < 20:
            self.close()
            self.context, _explicit = _day_of(stamp, self.context, self.year)
            self.year = self.context.year if self.context else self.year
            self.in_heading_entry = False
            return
        if self.current is not None and (
            self.in_heading_entry or nested or indented or not self.blank_before and not list_item
        ):
            self.current.parts.append(
                _LIST.sub("", line, count=1).strip() if list_item else stripped
            )
            self.blank_before = False
            return
        self.close()
        self.blank_before = False
        self.paragraph = f"{self.paragraph} {stripped}".strip()
        hinted = _ZONE_HINT.search(self.paragraph)
        declared = find_zone(self.paragraph) if hinted else None
        if declared and not self.zone:
            self.zone, self.zone_from = declared, f"'{self.paragraph[:60]}'"
            self.zone_said = True
        dated = find_date(self.paragraph, self.year) if hinted and not self.entries else None
        if dated:
            self.context, self.year, self.pinned = dated, dated.year, True
        self.prose.append(line)


_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")


def _zone_notes(prose: Sequence[str], applied: Zone | None) -> list[str]:
    """The timeline section's prose, each sentence that states a zone other than UTC replaced.

    The events go to timeline.log in UTC, and the site shows them under "Time (UTC)": "All
    times are PST." above them would be wrong. The sentence becomes a note saying so, and
    stays in a comment after it.
    """
    out = []
    for line in prose:
        if not _ZONE_HINT.search(line) or line.lstrip().startswith("|") or line.startswith("    "):
            out.append(line)
            continue
        parts, replaced = [], []
        for sentence in _SENTENCE.findall(line):
            said = find_zone(sentence) if _ZONE_HINT.search(sentence) else None
            if said is None or said.minutes == 0 and said.rule is None:
                parts.append(sentence)
                continue
            lead = sentence[: len(sentence) - len(sentence.lstrip())]
            shown = said.name.title() if len(said.name) > 4 and said.name.isalpha() else said.name
            if applied is not None and applied.name == said.name:
                how = f"converted from {shown} by hindsight import"
            else:
                how = f"as the source's {'entries say' if applied is None else 'table says'}"
            parts.append(f"{lead}Times in the timeline are UTC ({how}).")
            replaced.append(sentence.strip())
        if not replaced:
            out.append(line)
            continue
        was = "; ".join(replaced).replace("--", "- -")
        out.append(f"{''.join(parts).rstrip()} <!-- hindsight import: was '{was}' -->")
    return out


def _declared_zone(lines: Sequence[str]) -> tuple[Zone, str] | None:
    """A zone declared anywhere in the document: "All times PDT.", "Times are in UTC"."""
    for i, line, content in content_lines(lines):
        if content and re.search(r"\btimes\b|\btime zone\b|\btimezone\b", line, re.IGNORECASE):
            found = find_zone(line)
            if found is not None:
                return found, f"'{line.strip()[:60]}'"
    return None


def _columns(header: list[str]) -> tuple[list[int], list[int]]:
    """(columns that say when, columns that say what) of a timeline table."""
    when = [
        n
        for n, cell in enumerate(header)
        if re.search(r"\b(?:date|time|day|when)\b", cell, re.IGNORECASE)
    ]
    if not when:
        when = [0]
    what = [n for n in range(len(header)) if n not in when]
    return when, what


def _day_of(stamp: Stamp, context: date | None, year: int | None) -> tuple[date | None, bool]:
    if stamp.day:
        return stamp.day, True
    if stamp.month_day:
        base = year or (context.year if context else None)
        if base:
            try:
                return date(base, *stamp.month_day), True
            except ValueError:
                return context, False
    return context, False


def _resolve(entries: list[_Entry], zone: Zone | None, guesses: list[str]) -> list[Event]:
    from hindsight.importing.when import zone as named_zone

    utc = named_zone("UTC")
    assert utc is not None
    events: list[Event] = []
    previous: tuple[date, tuple[int, int, int]] | None = None
    shift = timedelta(0)
    twelve: list[str] = []
    approximate: list[str] = []
    for entry in entries:
        text = _clean(" ".join(p for p in entry.parts if p))
        stamp = entry.stamp
        original = entry.original.strip()
        if stamp.unreadable or stamp.time is None or entry.day is None:
            # the comment shows the source line as written, then what followed it
            more = _clean(" ".join(p for p in entry.parts[1 if stamp.rest else 0 :] if p))
            why = (
                "a date without a time of day"
                if stamp.unreadable == NO_TIME
                else f"'{stamp.unreadable}' is not a time"
                if stamp.unreadable or stamp.time is None
                else "no date is given for it or above it"
            )
            events.append(Event(entry.line, None, more, original, why))
            continue
        day = entry.day
        if entry.explicit:
            shift = timedelta(0)
        elif previous is not None and previous[0] == day:
            before = datetime.combine(day, datetime.min.time()).replace(
                hour=previous[1][0], minute=previous[1][1]
            )
            now = datetime.combine(day, datetime.min.time()).replace(
                hour=stamp.time[0], minute=stamp.time[1]
            )
            if before - now > _MIDNIGHT:
                shift += timedelta(days=1)
                guesses.append(
                    f"line {entry.line}: the clock goes back from {before:%H:%M} to {now:%H:%M}; "
                    "read as the next day"
                )
        previous = (day, stamp.time)
        where = stamp.zone or zone or utc
        local_day = day + shift
        moment = to_utc(local_day, stamp.time, where)
        local = datetime.combine(local_day, datetime.min.time()).replace(
            hour=stamp.time[0], minute=stamp.time[1]
        )
        note = where.note(local)
        if note and not any(g.startswith(f"'{where.name}' on ") for g in guesses):
            guesses.append(note + " (and so for the entries after it)")
        twelve.extend(g.split("'")[1] for g in stamp.guesses if "AM/PM" in g)
        guesses.extend(g for g in stamp.guesses if "AM/PM" not in g)
        if stamp.approximate:
            approximate.append(stamp.approximate)
            text = f"(approximate time: {stamp.approximate}) {text or '(no text)'}"
        events.append(Event(entry.line, moment, text or "(no text)", original))
    if approximate:
        shown = ", ".join(approximate[:3]) + (
            f" and {len(approximate) - 3} more" if len(approximate) > 3 else ""
        )
        guesses.append(
            f"{len(approximate)} time(s) are approximate ({shown}); timeline.log holds exact "
            "times only, so each such event starts with '(approximate time: …)' as written"
        )
    if twelve:
        shown = ", ".join(twelve[:3]) + (f" and {len(twelve) - 3} more" if len(twelve) > 3 else "")
        guesses.append(
            f"{len(twelve)} time(s) have a 24-hour clock with AM/PM ({shown}); read as 24-hour times"
        )
    return events


def _clean(text: str) -> str:
    text = " ".join(text.split())
    if text.endswith("**") and text.count("**") % 2:
        text = text[:-2].rstrip()
    text = re.sub(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$", r"\1", text)
    return re.sub(r"<img\b[^>]*>", "", text).strip()
