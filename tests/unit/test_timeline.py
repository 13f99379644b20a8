"""timeline.log lines are parsed with their zones, and written back in one canonical form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hindsight.load.timeline import format_event, format_time, parse
from hindsight.model import Milestone

UTC = timezone.utc


def test_parses_events_milestones_and_comments() -> None:
    """Comments and blank lines are skipped; milestones are read from brackets."""
    text = (
        "# header\n\n"
        "2026-11-21T13:58Z [start] Deploy reached all hosts\n"
        "2026-11-21T14:03:05+01:00 [Detected] Pager fired\n"
        "2026-11-21 14:20 UTC [comms] Status page updated\n"
        "2026-11-21T14:21Z [note] brackets that are not a milestone stay text\n"
    )
    events, problems = parse(text, "t.log")
    assert problems == []
    assert [(e.line, e.milestone, e.text) for e in events] == [
        (3, Milestone.START, "Deploy reached all hosts"),
        (4, Milestone.DETECTED, "Pager fired"),
        (5, Milestone.COMMS, "Status page updated"),
        (6, None, "[note] brackets that are not a milestone stay text"),
    ]
    assert events[1].time == datetime(2026, 11, 21, 13, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("2026-11-21T14:03 [detected] no zone", "HS602"),
        ("14:03 pager", "HS601"),
        ("2026-02-30T10:00Z impossible day", "HS601"),
        ("yesterday afternoon", "HS601"),
    ],
)
def test_unreadable_lines_are_problems_at_their_line(line: str, code: str) -> None:
    """A line without a readable, zoned time is a problem; the others are kept."""
    events, problems = parse(f"2026-11-21T13:00Z [start] ok\n{line}\n", "t.log")
    assert len(events) == 1
    assert [(p.code, p.line, p.path) for p in problems] == [(code, 2, "t.log")]


def test_a_cut_off_last_line_is_reported_and_earlier_lines_kept() -> None:
    """A torn last line (no newline, unreadable) is reported; every earlier event stays."""
    events, problems = parse("2026-11-21T13:00Z [start] ok\n2026-11-2", "t.log")
    assert len(events) == 1 and [(p.code, p.line) for p in problems] == [("HS603", 2)]


def test_a_readable_last_line_without_newline_is_kept_and_said() -> None:
    """A file without a final newline loses nothing, but its last event may have been cut
    short by a full disk: a warning says so (HS603)."""
    events, problems = parse("2026-11-21T13:00Z [start] ok", "t.log")
    assert len(events) == 1
    assert [(p.code, p.level.value, p.line) for p in problems] == [("HS603", "warning", 1)]
    assert parse("2026-11-21T13:00Z [start] ok\n", "t.log")[1] == []


def test_format_is_utc_with_minutes_or_seconds() -> None:
    """The canonical time is UTC; seconds only when they are not zero."""
    paris = timezone(timedelta(hours=1))
    assert format_time(datetime(2026, 11, 21, 15, 3, tzinfo=paris)) == "2026-11-21T14:03Z"
    assert format_time(datetime(2026, 11, 21, 14, 3, 7, 999, tzinfo=UTC)) == "2026-11-21T14:03:07Z"


def test_a_newline_in_text_cannot_forge_a_second_event() -> None:
    """Text with newlines and control characters stays one escaped record (RELIABILITY 46)."""
    moment = datetime(2026, 11, 21, 14, 3, tzinfo=UTC)
    forged = "Rolled back\n2026-11-21T15:00Z [resolved] all clear\r\x1b[31m\u202e"
    line = format_event(moment, forged, Milestone.ACTION)
    assert line.count("\n") == 1 and line.endswith("\n")
    events, problems = parse(line, "t.log")
    assert problems == [] and len(events) == 1
    assert events[0].milestone is Milestone.ACTION
    assert (
        events[0].text == "Rolled back\\n2026-11-21T15:00Z [resolved] all clear\\n\\x1b[31m\\u202e"
    )


@pytest.mark.parametrize(
    ("text", "milestone", "stored"),
    [
        ("[mitigated] Rolled back deploy 991", None, "\\[mitigated] Rolled back deploy 991"),
        ("[Resolved]", None, "\\[Resolved]"),
        (
            "\\[mitigated] typed with its backslash",
            None,
            "\\\\[mitigated] typed with its backslash",
        ),
        ("[mitigated] after a tag", Milestone.COMMS, "[comms] [mitigated] after a tag"),
        ("\\o/ fixed", Milestone.ACTION, "[action] \\\\o/ fixed"),
        ("[note] not a milestone", None, "[note] not a milestone"),
    ],
)
def test_text_that_looks_like_a_milestone_is_stored_as_text(
    text: str, milestone: Milestone | None, stored: str
) -> None:
    """Issue 29: a text never becomes a milestone; it reads back exactly as it was given."""
    line = format_event(datetime(2026, 12, 7, 23, 30, tzinfo=UTC), text, milestone)
    assert line == f"2026-12-07T23:30Z {stored}\n"
    events, problems = parse(line, "t.log")
    assert problems == []
    assert [(e.milestone, e.text) for e in events] == [(milestone, text)]
