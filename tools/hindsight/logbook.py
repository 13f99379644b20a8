"""``hindsight log``: add one event to an incident's timeline without ever losing a line.

An event at or after the last one is appended with a single ``write`` on an ``O_APPEND``
descriptor, then fsync'd; a write cut short (a full disk) is cut back off, so that the file
is as it was and the command says that nothing was recorded. A backdated event (``--at -10m``) is put in time order by
writing a new file beside the old one and renaming it over it. Writers hold an advisory
lock on the file while they read and write, and re-open it if it was replaced while they
waited, so concurrent appends and insertions never tear or drop a line.
"""

from __future__ import annotations

import errno
import os
import shlex
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple

from hindsight.atomic import replace
from hindsight.clock import AFTER_RESOLVED, Since
from hindsight.config import Settings
from hindsight.errors import HindsightError
from hindsight.load.frontmatter import split
from hindsight.load.timeline import (
    format_event,
    format_time,
    parse,
    parse_line,
    reads_as_milestone,
)
from hindsight.model import Milestone, Status, TimelineEvent
from hindsight.paths import discover, is_incident_name, relative, with_status

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: O_APPEND alone still keeps lines whole
    fcntl = None  # type: ignore[assignment]

MAX_TEXT = 4000


class Logged(NamedTuple):
    """What ``record`` wrote, and the timeline as it now stands."""

    path: Path
    line: str
    moment: datetime
    inserted: bool
    events: tuple[TimelineEvent, ...]
    #: the line that had no newline at its end and was ended before the event (cut short?)
    sealed: int | None = None


def find_incident(settings: Settings, wanted: str | None, how: str = "--incident ID") -> Path:
    """The incident folder named by ``wanted``, or the one under investigation.

    ``how`` is how the command names an incident, for the message when it must.
    """
    if wanted:
        name = Path(wanted.rstrip("/")).name
        direct = settings.incidents_path / name
        if is_incident_name(name) and (direct / "postmortem.md").is_file():
            return direct
        folders = discover(settings)
        for folder in folders:
            if folder.name.lower() == name.lower():
                return folder
        from hindsight.config import suggest

        raise HindsightError(
            f"no incident '{wanted}' in {settings.incidents_dir}/"
            f"{suggest(name, [f.name for f in folders])}"
        )
    hinted = with_status(settings, Status.INVESTIGATING.value)
    investigating = [f for f in hinted if _status(f) == Status.INVESTIGATING.value]
    if len(investigating) == 1:
        return investigating[0]
    if not investigating:
        recent = ", ".join(f.name for f in discover(settings)[-3:][::-1]) or "none yet"
        raise HindsightError(
            f"no incident is under investigation; name one with {how} "
            f"(most recent: {recent}), or declare one with 'hindsight new TITLE'"
        )
    listing = "\n".join(f"  {f.name}" for f in investigating[::-1])
    raise HindsightError(
        f"{len(investigating)} incidents are under investigation; choose one with {how}:\n{listing}"
    )


def span_start(folder: Path, current: datetime) -> Since:
    """The incident's span, for reading a clock time given without a date.

    It begins at its ``[start]`` event when one is logged; otherwise at 00:00 UTC of the
    day its id names, which SPEC (section 2) makes the day the incident started. Not "the
    last 24 hours": the most recent past reading of a clock time always falls within them,
    so that bound would never refuse, and a start logged as ``--at 13:58`` at 13:38 would
    still become yesterday. A folder whose name holds no date falls back to those 24 h.

    It ends an hour after its ``[resolved]`` (the last updates), as ``log --from-chat``'s
    span does; with none, at the end of the day (UTC) after its last event, or after its
    first day: an incident that goes on keeps logging, and a past one written up weeks
    later would otherwise take today's reading of ``--at 14:03`` without a word.
    """
    try:
        text = (folder / "timeline.log").read_text(encoding="utf-8", errors="replace")
    except OSError:  # record() reports the unreadable file
        text = ""
    events = parse(text, "timeline.log")[0]
    start = next((e for e in events if e.milestone is Milestone.START), None)
    if start is not None:
        since = Since(start.time, f"the incident's start ({format_time(start.time)})")
    else:
        try:
            day = date.fromisoformat(folder.name[:10])
        except ValueError:
            return Since(current - timedelta(hours=24), "the last 24 hours")
        since = Since(
            datetime.combine(day, time(), tzinfo=timezone.utc),
            f"the incident's first day ({day.isoformat()}, from its id)",
        )
    resolved = next((e for e in events if e.milestone is Milestone.RESOLVED), None)
    if resolved is not None:
        return since._replace(
            until=resolved.time + AFTER_RESOLVED,
            ended="the incident's span (it ends an hour after its [resolved], "
            f"{format_time(resolved.time)})",
        )
    last = max([since.moment, *(e.time for e in events)])
    end = datetime.combine(last.date() + timedelta(days=2), time(), tzinfo=timezone.utc)
    return since._replace(
        until=end,
        ended="the incident's span (with no [resolved], it ends with the day after its "
        f"{'last event' if last > since.moment else 'first day'}, {last.date().isoformat()})",
    )


def _status(folder: Path) -> object:
    try:
        data = (folder / "postmortem.md").read_bytes()
    except OSError:
        return None
    return split(data, "postmortem.md").meta.get("status")


def open_locked(path: Path) -> int:
    """A read-write append descriptor on ``path``, locked, on the file now at that path."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        if fcntl is None:
            return fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # replaced by an insertion while we waited: take the new file


def read_all(fd: int) -> bytes:
    """Everything in the file open at ``fd``, read from its start (the offset is not moved)."""
    size = os.fstat(fd).st_size
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _insertion_index(events: list[TimelineEvent], moment: datetime, end: int) -> int:
    """Where an event at ``moment`` goes: after the last event not later than it.

    Returns a 0-based index into the file's lines; ``end`` (append) when no event is later.
    """
    not_later = [e.line for e in events if e.time <= moment]
    if not_later:
        return not_later[-1]
    return events[0].line - 1 if events else end


def refuse_secrets(text: str) -> None:
    """Refuse an event that holds a secret: timeline.log is append-only and kept in git history.

    There is no flag to record one anyway; the message says how to record the event without it.
    """
    from hindsight import leaks

    found = leaks.scan(text)
    if not found:
        return
    places = "; ".join(f"{s.describe()} at column {s.column}" for s in found)
    shown = leaks.redact(text, found)
    raise HindsightError(
        f"the event holds {places}; it was not recorded, because timeline.log is kept in git "
        f"history for everyone who can read the repository. Record it without the value, for "
        f"example: {shown!r} or say which secret it was ('the deploy token'), and revoke it"
    )


def record(
    path: Path, moment: datetime, text: str, milestone: Milestone | None, root: Path | None = None
) -> Logged:
    """Add the event to ``path`` in time order; refuse a second once-only milestone."""
    if not text.strip():
        raise HindsightError(
            "the event text is empty; say what happened, like 'Rolled back deploy 4812'"
        )
    if len(text) > MAX_TEXT:
        raise HindsightError(
            f"the event text is {len(text)} characters; keep it under {MAX_TEXT} "
            "and put details in postmortem.md"
        )
    refuse_secrets(text)
    line = format_event(moment, text, milestone)
    fd = open_locked(path)
    try:
        existing = read_all(fd).decode("utf-8", errors="replace")
        events, _ = parse(existing, str(path))
        if milestone is not None and milestone.once:
            earlier = next((e for e in events if e.milestone is milestone), None)
            if earlier is not None:
                label = relative(path, root) if root else path
                raise HindsightError(
                    f"{label}:{earlier.line}: [{milestone.value}] is already logged at "
                    f"{format_time(earlier.time)}; a milestone is logged once (edit that line "
                    "if it was wrong)"
                )
        lines = existing.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        at = _insertion_index(events, moment, len(lines))
        sealed = len(lines) if existing and not existing.endswith("\n") else None
        if at >= len(lines):
            separator = "" if sealed is None else "\n"
            _append(fd, (separator + line).encode("utf-8"), path, root)
            inserted = False
        else:
            lines.insert(at, line.rstrip("\n"))
            try:
                replace(path, ("\n".join(lines) + "\n").encode("utf-8"))
            except OSError as exc:
                raise _not_recorded(path, root, exc) from None
            inserted = True
            sealed = None if sealed is None else sealed + 1
    finally:
        os.close(fd)
    new_events, _ = parse(("\n".join(lines) + "\n") if inserted else existing + line, str(path))
    return Logged(path, line.rstrip("\n"), moment, inserted, tuple(new_events), sealed)


def _append(fd: int, data: bytes, path: Path, root: Path | None) -> None:
    """Append ``data`` whole, or not at all: a short or failed write (a full disk, a file-size
    limit) is cut back to the file's length before it, so that no torn line is left."""
    size = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(errno.ENOSPC, f"only {written} of {len(data)} bytes could be written")
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            label = relative(path, root) if root else path
            raise HindsightError(
                f"{label}: the event could not be written whole ({exc.strerror or exc}) nor "
                "taken back: its last line may be cut short; 'hindsight check' shows it (HS603)"
            ) from None
        raise _not_recorded(path, root, exc) from None


def _not_recorded(path: Path, root: Path | None, exc: OSError) -> HindsightError:
    label = relative(path, root) if root else path
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    advice = "free some space, then log it again" if full else "log it again once it is fixed"
    return HindsightError(
        f"{label}: nothing was recorded: {exc.strerror or exc}; the file is as it was; {advice}"
    )


def elapsed(delta: timedelta) -> str:
    """``1h 05m``, ``12m``, ``40s``: a duration for people."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 24:
        return f"{sign}{hours // 24}d {hours % 24}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m" if minutes else f"{sign}{secs}s"


def recorded_at(moment: datetime, current: datetime, zone: tzinfo) -> str:
    """``Recorded for Sat 2026-11-21 13:58 UTC, 7m ago.``: the full date, so a wrong day shows."""
    local = moment.astimezone(zone)
    shown = local.strftime("%a %Y-%m-%d %H:%M" + (":%S" if local.second else ""))
    offset = local.strftime("%z")
    if offset and offset not in ("+0000", "-0000"):
        in_utc = moment.astimezone(timezone.utc)
        utc = in_utc.strftime("%H:%M" if in_utc.date() == local.date() else "%a %Y-%m-%d %H:%M")
        shown += f" {offset[:3]}:{offset[3:]} ({utc} UTC)"
    else:
        shown += " UTC"
    ago = current - moment
    when = "now" if abs(ago) < timedelta(seconds=1) else f"{elapsed(ago)} ago"
    if ago < timedelta(0):
        when = f"{elapsed(-ago)} from now"
    return f"Recorded for {shown}, {when}."


def summary(
    logged: Logged, current: datetime, settings: Settings, zone: tzinfo = timezone.utc
) -> list[str]:
    """What to tell the responder: where the event went and when, how it was stored, where it
    stands against ``[start]``, the time since detection (or the duration once resolved), and
    whether a comms update is due."""
    rel = relative(logged.path, settings.root)
    where = "inserted in time order into" if logged.inserted else "appended to"
    out = [
        f"{where.capitalize()} {rel}:",
        f"  {logged.line}",
        recorded_at(logged.moment, current, zone),
    ]
    if logged.sealed is not None:
        out.append(
            f"Note: line {logged.sealed} of {rel} had no newline at its end, as when a write was "
            "cut short; it was ended before this event: check that it is whole."
        )
    events = logged.events
    marks = {e.milestone: e for e in events if e.milestone and e.milestone.once}
    out.extend(_stored_as_text(logged, marks))
    start = marks.get(Milestone.START)
    if start is not None and logged.moment < start.time:
        out.append(
            f"Warning: this event is {elapsed(start.time - logged.moment)} before the incident's "
            f"[start] ({format_time(start.time)}). If its date or time is wrong, correct that "
            f"line in {rel}."
        )
    resolved = marks.get(Milestone.RESOLVED)
    if resolved is not None:
        lasted = f", {elapsed(resolved.time - start.time)} after its start" if start else ""
        out.append(f"The incident is resolved ({format_time(resolved.time)}{lasted}).")
        return out
    origin = marks.get(Milestone.DETECTED) or start
    label = "the first event"
    if origin is not None:
        label = "detection" if origin.milestone is Milestone.DETECTED else "start"
        out.append(f"{elapsed(current - origin.time)} since {label} ({format_time(origin.time)}).")
    if not events:
        return out
    comms = [e for e in events if e.milestone is Milestone.COMMS]
    since = comms[-1].time if comms else (origin or events[0]).time
    if current - since > timedelta(minutes=settings.comms_cadence_minutes):
        last = (
            f"the last one was {elapsed(current - since)} ago"
            if comms
            else (f"none in the {elapsed(current - since)} since {label}")
        )
        out.append(
            f"Reminder: a [comms] update is due every {settings.comms_cadence_minutes}m and {last}. "
            'Post one, then: hindsight log --milestone comms "what you said, where"'
        )
    return out


def _stored_as_text(logged: Logged, marks: dict[Milestone | None, TimelineEvent]) -> list[str]:
    """When the text began with a milestone's name in brackets: how it was kept as text."""
    _, milestone, text, _ = parse_line(logged.line)
    named = None if milestone else reads_as_milestone(text)
    if named is None:
        return []
    bracket, words = text.split("]", 1)
    how = (
        f"Stored as text, not as a milestone: the line has \\{bracket}], which the timeline, "
        f"check, the site and comms show as {bracket}]."
    )
    earlier = marks.get(named)
    if named.once and earlier is not None:
        return [
            how,
            (
                f"[{named.value}] is already logged on line {earlier.line} "
                f"({format_time(earlier.time)}); a milestone is logged once (edit that line if "
                "it was wrong)."
            ),
        ]
    return [
        how,
        (
            "If you meant the milestone, delete that line and run: hindsight log "
            f"--at {format_time(logged.moment)} --milestone {named.value} "
            f"{shlex.quote(words.strip() or named.value)}"
        ),
    ]
