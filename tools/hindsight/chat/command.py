"""``hindsight log --from-chat``: read a chat, choose its events, report, and merge them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple

from hindsight.chat import Chat, Reading, read
from hindsight.chat.events import Plan, Window, plan, resolution
from hindsight.chat.merge import merge
from hindsight.clock import AFTER_RESOLVED, TimeError
from hindsight.config import Settings
from hindsight.load.frontmatter import split
from hindsight.load.timeline import (
    format_event,
    format_time,
    parse,
    parse_time,
    parse_zone,
)
from hindsight.model import Milestone, TimelineEvent
from hindsight.paths import relative


class Options(NamedTuple):
    """What the command line asked for."""

    source: Path
    take_all: bool = False
    since: str | None = None
    until: str | None = None
    day: str | None = None
    zone: str | None = None
    milestones: bool = False
    dry_run: bool = False


class Outcome(NamedTuple):
    """What to print, and the exit code: 0, or 1 when part of the source was skipped."""

    out: list[str]
    err: list[str]
    code: int


def run(
    settings: Settings,
    folder: Path,
    options: Options,
    local: tzinfo,
    current: datetime,
    confirm: Callable[[str], bool] | None = None,
) -> Outcome:
    """Import the chat at ``options.source`` into ``folder``'s timeline."""
    timeline = folder / "timeline.log"
    existing = _read(timeline)
    present = _milestones(existing)
    zone = _zone(options.zone) if options.zone else local
    day = _day(options.day, folder)
    how = Reading(
        settings.chat_pins,
        settings.chat_alert_bots,
        day,
        zone,
        str(options.source),
        settings.people,
    )
    chat = read(options.source, how)
    logged = {e.milestone: e.time for e in reversed(present) if e.milestone and e.milestone.once}
    commander = _commander(folder)
    window, end = _window(options, present, day, zone, current)
    if window.until is None:
        found = resolution(chat, settings.people, window, options.take_all, commander, logged)
        window, end = _end(window, found, day, zone)
    chosen = plan(chat, settings.people, window, options.take_all, commander, logged)
    chosen = _without_present(chosen, existing)
    apply = options.milestones
    if chosen.suggestions and not apply and not options.dry_run and confirm is not None:
        shown = "\n".join(_suggestion_lines(chosen))
        apply = confirm(f"{shown}\nApply these milestones?")
    events = chosen.events
    if apply:
        events = list(events)
        for s in chosen.suggestions:
            events[s.index] = events[s.index]._replace(milestone=s.milestone)
    merged = merge(timeline, events, dry_run=options.dry_run)
    rel = relative(timeline, settings.root)
    return _report(
        chat, chosen, merged.added, merged.already, rel, window, end, options, apply, zone
    )


def _milestones(text: str) -> list[TimelineEvent]:
    """The timeline's events that carry a milestone: all the window and suggestions need.

    Only lines holding a bracket are parsed; a long timeline is read in full by the merge.
    """
    marked = [line for line in text.split("\n") if "[" in line]
    return parse("\n".join(marked) + "\n", "timeline.log")[0]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _zone(name: str) -> tzinfo:
    """``UTC``, ``+01:00`` or a zone name like ``Europe/Berlin``."""
    text = name.strip()
    if text.upper() in ("Z", "UTC", "GMT") or text[:1] in "+-":
        try:
            return parse_zone(text.upper())
        except (ValueError, IndexError):
            pass
    else:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise TimeError(
        f"--zone {name!r} is not a time zone; write UTC, an offset like +01:00, "
        "or a zone name like Europe/Berlin"
    )


def _day(text: str | None, folder: Path) -> date:
    """``--date``, else the day the incident's id names, for times without a date."""
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise TimeError(f"--date {text!r} is not a date; write YYYY-MM-DD") from None
    try:
        return date.fromisoformat(folder.name[:10])
    except ValueError:
        raise TimeError(
            f"the incident {folder.name} names no day; give --date YYYY-MM-DD for the "
            "transcript's times"
        ) from None


def _window(
    options: Options, present: list[TimelineEvent], day: date, zone: tzinfo, current: datetime
) -> tuple[Window, str]:
    """From --since, else the start of the incident's day (in UTC or the chat's zone, the
    earlier; or its logged [start], when that is earlier still), to --until, else an hour
    after its logged [resolved]; else with no end yet (see :func:`_end`); and why it ends.

    The same for every run: neither the clock nor the milestones an import applies move it
    (an applied [start] lies within it, an applied [resolved] is the one the chat gave). A
    message later than now is never taken all the same: it is a transcript read in the
    wrong zone.
    """
    midnight = min(
        datetime.combine(day, time.min, tzinfo=timezone.utc),
        datetime.combine(day, time.min, tzinfo=zone),
    )
    start = next((e.time for e in present if e.milestone is Milestone.START), None)
    since = (
        _moment("--since", options.since, day, zone)
        if options.since
        else min(midnight, start)
        if start
        else midnight
    )
    if options.until:
        until = _moment("--until", options.until, day, zone)
        return Window(since, until, current), "set by --until"
    resolved = next((e.time for e in present if e.milestone is Milestone.RESOLVED), None)
    if resolved is None:
        return Window(since, None, current), ""
    return Window(since, resolved + AFTER_RESOLVED, current), "an hour after the logged [resolved]"


def _end(window: Window, resolved: datetime | None, day: date, zone: tzinfo) -> tuple[Window, str]:
    """The end of a window that neither --until nor a logged [resolved] closes: an hour after
    the [resolved] the chat gives, else the end of the day after the incident's day (in UTC
    or the chat's zone, the later). A channel holds later incidents too; their messages,
    pinned or status-page posts, are not this incident's.
    """
    if resolved is not None:
        return window._replace(
            until=resolved + AFTER_RESOLVED
        ), "an hour after the chat's [resolved]"
    after = day + timedelta(days=2)
    end = max(
        datetime.combine(after, time.min, tzinfo=timezone.utc),
        datetime.combine(after, time.min, tzinfo=zone),
    )
    return window._replace(until=end), "the end of the day after the incident's day"


def _moment(flag: str, text: str, day: date, zone: tzinfo) -> datetime:
    moment, _, end = parse_time(text.strip())
    if moment is not None and not text.strip()[end:].strip():
        return moment
    try:
        clock = datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise TimeError(
            f"{flag} {text!r}: write a time with a zone (2026-11-21T14:03Z) or a clock "
            f"time (14:03, on {day.isoformat()} in the chat's zone)"
        ) from None
    return datetime.combine(day, clock, tzinfo=zone)


def _commander(folder: Path) -> str | None:
    try:
        value = split((folder / "postmortem.md").read_bytes(), "postmortem.md").meta.get(
            "commander"
        )
    except OSError:
        return None
    return value if isinstance(value, str) else None


def _without_present(chosen: Plan, text: str) -> Plan:
    """Suggestions only for events still to add: a line already there is edited by hand.

    A search of the file's text for the canonical line, with or without a marker: cheaper
    than parsing a long timeline a second time (the merge parses it, and skips the event).
    """
    keep = []
    for s in chosen.suggestions:
        event = chosen.events[s.index]
        when, _, words = format_event(event.time, event.text).partition(" ")
        pattern = re.escape(when) + r" (?:\[[a-z]+\] )?" + re.escape(words)
        if not re.search(pattern, text):
            keep.append(s)
    return chosen._replace(suggestions=keep)


def _suggestion_lines(chosen: Plan) -> list[str]:
    lines = []
    for s in chosen.suggestions:
        event = chosen.events[s.index]
        lines.append(
            f"  [{s.milestone.value}] {format_time(event.time)} {event.text[:70]}  ({s.why})"
        )
    return lines


def _report(
    chat: Chat,
    chosen: Plan,
    added: list[str],
    already: int,
    rel: str,
    window: Window,
    end: str,
    options: Options,
    applied: bool,
    zone: tzinfo,
) -> Outcome:
    out: list[str] = []
    span = f"from {format_time(window.since)} " + (
        f"to {format_time(window.until)}" if window.until else "on"
    )
    what = "every message" if options.take_all else "pinned messages"
    verb = "Would add" if options.dry_run else "Added"
    out.append(
        f"{verb} {len(added)} event(s) to {rel} from the {chat.source} {options.source} "
        f"({what} {span}"
        + (f", times read in {zone}" if chat.source != "Slack export" else "")
        + ")"
        + (f"; {already} already there, skipped" if already else "")
        + (":" if added else "")
    )
    out += [f"  {line}" for line in added]
    out += list(chat.notes)
    if chosen.outside:
        out.append(
            f"{chosen.outside} message(s) that would be taken lie outside the span "
            f"({span}, and not later than now); "
            "widen it with --since / --until"
            + ("" if chat.source == "Slack export" else f", or check --zone (read in {zone})")
        )
    if chosen.after and window.until is not None:
        out.append(
            f"{chosen.after} message(s) that would be taken come after the span's end "
            f"({format_time(window.until)}, {end}) and were left out: later news, or another "
            "incident's in the same channel; if they are this incident's, take them with "
            "--until TIME"
        )
    if not options.take_all and not chosen.events and not chosen.outside and not chosen.after:
        out.append(
            "Nothing is pinned. Pin messages in the channel (a :pushpin: reaction; in a "
            "transcript, :pushpin: or \U0001f4cc in the message), or take every message with --all"
        )
    if chosen.suggestions:
        head = (
            "Milestones applied:" if applied else "Suggested milestones (apply with --milestones):"
        )
        out += [head, *_suggestion_lines(chosen)]
    if chosen.secrets:
        out.append("Secrets redacted (revoke them: the chat export still holds them):")
        out += [f"  {line}" for line in chosen.secrets]
    if chosen.cut:
        out.append(
            f"Cut to 4000 characters (put the rest in postmortem.md): {', '.join(chosen.cut)}"
        )
    if chosen.unknown:
        out.append("Not in hindsight.yml people; add them (handle: Display Name) so names match:")
        out += [
            f"  {name}" + (f" ({handle})" if handle != name else "")
            for name, handle in sorted(chosen.unknown.items())
        ]
    if added and not options.dry_run:
        out.append(
            f"Check the wording, then open the pull request: hindsight check {Path(rel).parent.as_posix()}"
        )
    err = [f"hindsight: warning: {p.where}: {p.message}" for p in chat.problems]
    if err:
        err.append(
            f"hindsight: {len(chat.problems)} part(s) of the chat were skipped; the rest was read"
        )
    return Outcome(out, err, 1 if chat.problems else 0)
