"""Read a plain chat transcript: Zoom's saved chat, an IRC log, or dated lines.

The form is recognised from the first message line; a line in no form continues the message
above it (chats keep line breaks), unless it starts like a time, when it is reported.
Times without a date take the reading's day, and roll to the next day when the clock goes
back by more than 12 hours (23:58 then 00:03); they are read in the reading's zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from hindsight.chat import Chat, Message, Problem, Reading, is_status_bot
from hindsight.errors import HindsightError

#: a pin typed into a message, for chats without reactions
_PIN_EMOJI = {"pushpin": "\U0001f4cc", "round_pushpin": "\U0001f4cd"}
_NOISE = re.compile(r"has (joined|left|quit)|is now known as|joined the meeting", re.IGNORECASE)


class Form(NamedTuple):
    """One transcript form: how a message line reads, and how a broken one starts."""

    name: str
    line: re.Pattern[str]
    looks: re.Pattern[str]


FORMS = (
    Form(
        "Zoom chat",
        re.compile(
            r"^(?P<clock>\d{1,2}:\d{2}:\d{2})\s+From\s+(?P<who>.+?)\s+to\s+(?P<to>.+?)\s*:(?:\s(?P<text>.*))?$",
            re.IGNORECASE,
        ),
        re.compile(r"^\S*\d:\S*\s+From\s", re.IGNORECASE),
    ),
    Form(
        "Zoom chat",
        re.compile(r"^(?P<clock>\d{1,2}:\d{2}:\d{2})\t(?P<who>[^\t]+?):\t(?P<text>.*)$"),
        re.compile(r"^[^\t]*\d[^\t]*\t[^\t]+:\t"),
    ),
    Form(
        "IRC log",
        re.compile(
            r"^\[(?P<clock>[^\]]*)\]\s+(?:<[@+%~&]?(?P<who>[^>]+)>|(?P<noise>\*\*\*|-!-|\*))\s?(?P<text>.*)$"
        ),
        re.compile(r"^\[\d"),
    ),
    Form(
        "dated transcript",
        re.compile(
            r"^(?P<day>\d{4}-\d{2}-\d{2})[ T](?P<clock>\d{1,2}:\d{2}(?::\d{2})?)"
            r"(?:\s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2}))?\s+(?P<who>[^:\n]{1,80}?):\s(?P<text>.*)$"
        ),
        re.compile(r"^\d{4}-\d{2}-\d{2}[ T]"),
    ),
)


def read_transcript(path: Path, how: Reading) -> Chat:
    """The messages of a transcript file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HindsightError(
            f"{how.label}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    form = _recognise(lines, how.label)
    reader = _Reader(form, how)
    for number, line in enumerate(lines, start=1):
        reader.feed(number, line)
    messages = [m for m in reader.finish() if m is not None]
    return Chat(form.name, sorted(messages, key=lambda m: m.time), reader.problems, reader.skipped)


def _recognise(lines: list[str], label: str) -> Form:
    shown = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()][:20]
    for _, line in shown:
        for form in FORMS:
            if form.line.match(line):
                return form
    first = f"{label}:{shown[0][0]}: {shown[0][1][:60]!r}" if shown else f"{label} is empty"
    raise HindsightError(
        f"unknown chat format ({first}). Known: a Slack export folder; Zoom's saved chat "
        "('14:03:05 From Dana to Everyone: text', or 'time<TAB>Name:<TAB>text'); an IRC log "
        "('[14:03] <dana> text'); dated lines ('2026-11-21 14:03 Dana: text')"
    )


class _Reader:
    """Reads lines of one form into messages, rolling the day and noting problems."""

    def __init__(self, form: Form, how: Reading) -> None:
        self.form, self.how = form, how
        self.day: date = how.day
        self.last: datetime | None = None
        self.pending: list[tuple[datetime, str, str, int, str]] = []  # time, who, where, kind, text
        self.problems: list[Problem] = []
        self.skipped = 0
        self.open = False  # whether a following unmatched line continues a message

    def feed(self, number: int, line: str) -> None:
        where = f"{self.how.label}:{number}"
        match = self.form.line.match(line)
        if match is None:
            if self.form.looks.match(line):
                self._problem(where, f"not a message line of a {self.form.name}: {line[:60]!r}")
            elif self.open and line.strip():
                moment, who, at, kind, text = self.pending[-1]
                self.pending[-1] = (moment, who, at, kind, f"{text}\n{line.strip()}".strip())
            elif line.strip():
                self._problem(where, f"not a message line of a {self.form.name}: {line[:60]!r}")
            return
        self.open = False
        moment = self._time(match, where)
        if moment is None:
            return
        groups = match.groupdict()
        if groups.get("noise") or (groups.get("to") and "everyone" not in groups["to"].lower()):
            self.skipped += 1  # joins and private messages are never taken
            return
        text = groups.get("text") or ""
        if self.form.name == "IRC log" and _NOISE.search(text) and not groups.get("who"):
            self.skipped += 1
            return
        self.pending.append((moment, groups["who"].strip(), where, 0, text))
        self.open = True

    def _problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, f"{message}; skipped"))
        self.open = False

    def _time(self, match: re.Match[str], where: str) -> datetime | None:
        clock = match["clock"]
        try:
            parts = [int(p) for p in clock.split(":")]
            at = time(*parts)
            day = date.fromisoformat(match["day"]) if match.groupdict().get("day") else None
        except (ValueError, TypeError):
            self._problem(
                where, f"cannot read the time {clock!r} (or its date); write HH:MM or HH:MM:SS"
            )
            return None
        zone = self.how.zone
        if match.groupdict().get("zone"):
            from hindsight.load.timeline import parse_zone

            zone = parse_zone(match["zone"])
        if day is None:
            moment = datetime.combine(self.day, at, tzinfo=zone)
            if self.last is not None and moment < self.last - timedelta(hours=12):
                self.day += timedelta(days=1)
                moment = datetime.combine(self.day, at, tzinfo=zone)
        else:
            moment = datetime.combine(day, at, tzinfo=zone)
        self.last = moment
        return moment.astimezone(timezone.utc)

    def finish(self) -> list[Message | None]:
        return [self._message(*p) for p in self.pending]

    def _message(self, moment: datetime, who: str, where: str, _: int, text: str) -> Message | None:
        pinned = False
        for name in self.how.pins:
            for marker in (f":{name}:", _PIN_EMOJI.get(name)):
                if marker and marker in text:
                    pinned, text = True, text.replace(marker, " ")
        text = "\n".join(" ".join(part.split()) for part in text.split("\n")).strip()
        if not text:
            self.skipped += 1
            return None
        kind = "alert" if any(bot in who.lower() for bot in self.how.alert_bots) else "message"
        kind = "status" if is_status_bot(who) else kind
        return Message(moment, who, text, where, kind, pinned, (who,))
