"""Add many events to ``timeline.log`` at once: in time order, each at most once, nothing lost.

Under the same advisory lock ``hindsight log`` takes, the file is read, events already in
it (same time, same text) are dropped, and the rest go after the last event not later than
each. When all of them come after the last event, they are appended with one write on the
``O_APPEND`` descriptor; otherwise the whole file is written beside the old one and renamed
over it, so every existing line stays, byte for byte, and a reader never sees half a file.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from hindsight.atomic import replace
from hindsight.chat.events import Event
from hindsight.load.timeline import format_event, parse, parse_line
from hindsight.logbook import open_locked, read_all
from hindsight.model import TimelineEvent


class Merged(NamedTuple):
    """The lines added (or that would be), and how many events were there already."""

    added: list[str]
    already: int


def merge(path: Path, events: list[Event], *, dry_run: bool = False) -> Merged:
    """Add ``events`` to the timeline at ``path``; with ``dry_run`` only say what would be added."""
    if dry_run and not path.exists():
        return Merged([line for _, line in _new_lines([], events)[0]], 0)
    fd = os.open(path, os.O_RDONLY) if dry_run else open_locked(path)
    try:
        existing = read_all(fd).decode("utf-8", errors="replace")
        present, _ = parse(existing, str(path))
        new, already = _new_lines(present, events)
        if new and not dry_run:
            _write(fd, path, existing, present, new)
    finally:
        os.close(fd)
    return Merged([line for _, line in new], already)


def _new_lines(
    present: list[TimelineEvent], events: list[Event]
) -> tuple[list[tuple[TimelineEvent, str]], int]:
    """Each event not yet in the timeline, parsed back as stored, in time order."""
    seen = {(e.time, e.text) for e in present}
    new, already = [], 0
    for event in sorted(events, key=lambda e: e.time):
        line = format_event(event.time, event.text, event.milestone).rstrip("\n")
        moment = event.time.replace(microsecond=0)
        text = parse_line(line)[2]  # as the timeline will read it back, without the time
        if (moment, text) in seen:
            already += 1
            continue
        seen.add((moment, text))
        new.append((TimelineEvent(0, moment, event.milestone, text), line))
    return new, already


def _write(
    fd: int,
    path: Path,
    existing: str,
    present: list[TimelineEvent],
    new: list[tuple[TimelineEvent, str]],
) -> None:
    lines = existing.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    last = max((e.time for e in present), default=None)
    if last is None or new[0][0].time >= last:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        data = (separator + "\n".join(line for _, line in new) + "\n").encode("utf-8")
        if os.write(fd, data) != len(data):
            raise OSError(28, "short write (is the disk full?)", str(path))
        os.fsync(fd)
        return
    times = [e.time for e in present]
    ordered = all(a <= b for a, b in pairwise(times))
    after: dict[int, list[str]] = {}  # 0-based line index -> new lines to put after it (-1: first)
    for event, line in new:
        after.setdefault(_after(present, times, ordered, event), []).append(line)
    out = list(after.get(-1, ()))
    for index, old in enumerate(lines):
        out.append(old)
        out += after.get(index, ())
    replace(path, ("\n".join(out) + "\n").encode("utf-8"))


def _after(
    present: list[TimelineEvent], times: list[datetime], ordered: bool, event: TimelineEvent
) -> int:
    """The 0-based index of the line the event goes after: the last event not later than it.

    Before the first event (after the comments above it) when every event is later.
    """
    if ordered:
        k = bisect_right(times, event.time)
    else:  # hand-edited out of order: the last one not later, wherever it is
        earlier = [i for i, t in enumerate(times) if t <= event.time]
        k = earlier[-1] + 1 if earlier else 0
    if k == 0:
        return present[0].line - 2 if present else -1
    return present[k - 1].line - 1
