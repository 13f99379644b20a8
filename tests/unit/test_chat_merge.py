"""``chat.merge``: many events into a timeline, in order, once, keeping every line."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from hindsight.chat.events import Event
from hindsight.chat.merge import merge
from hindsight.model import Milestone
from tests.conftest import write


def at(clock: str) -> datetime:
    """2026-11-21 at HH:MM UTC."""
    hour, minute = (int(p) for p in clock.split(":"))
    return datetime(2026, 11, 21, hour, minute, tzinfo=timezone.utc)


def test_events_are_placed_after_the_last_event_not_later(tmp_path: Path) -> None:
    """Comments stay at the top, equal times keep file order, and a last line without newline is not glued."""
    path = write(
        tmp_path / "timeline.log",
        "# head\n2026-11-21T14:00Z a\n2026-11-21T14:10Z b\n# note\n2026-11-21T14:20Z c",
    )
    result = merge(
        path,
        [
            Event(at("14:25"), None, "late", "x:4"),
            Event(at("13:00"), Milestone.START, "first", "x:1"),
            Event(at("14:10"), None, "same minute", "x:2"),
            Event(at("14:10"), None, "b", "x:3"),  # already there
        ],
    )
    assert result.already == 1
    assert path.read_text() == (
        "# head\n2026-11-21T13:00Z [start] first\n2026-11-21T14:00Z a\n2026-11-21T14:10Z b\n"
        "2026-11-21T14:10Z same minute\n# note\n2026-11-21T14:20Z c\n2026-11-21T14:25Z late\n"
    )


def test_a_hand_edited_timeline_out_of_order_keeps_its_order(tmp_path: Path) -> None:
    """Out of order lines are left as they are; the new event goes after the last one not later."""
    path = write(tmp_path / "timeline.log", "2026-11-21T14:30Z b\n2026-11-21T14:00Z a\n")
    merge(path, [Event(at("14:15"), None, "new", "x:1")])
    assert path.read_text() == "2026-11-21T14:30Z b\n2026-11-21T14:00Z a\n2026-11-21T14:15Z new\n"


def test_later_events_are_appended_and_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    """All later: one append; --dry-run reports the same lines and leaves the bytes alone."""
    path = write(tmp_path / "timeline.log", "2026-11-21T14:00Z a\n")
    events = [Event(at("14:05"), None, "b", "x:1"), Event(at("14:06"), None, "c\nd", "x:2")]
    dry = merge(path, events, dry_run=True)
    assert path.read_text() == "2026-11-21T14:00Z a\n"
    assert (
        merge(path, events).added == dry.added == ["2026-11-21T14:05Z b", "2026-11-21T14:06Z c\\nd"]
    )
    assert path.read_text().endswith("2026-11-21T14:06Z c\\nd\n")
    assert merge(path, events).added == []
