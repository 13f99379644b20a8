"""Chat exports read into messages, for ``hindsight log --from-chat``.

A reader turns one source (a Slack export, or a plain transcript: Zoom, IRC or dated
lines) into :class:`Message` records and :class:`Problem` notes; it never raises on bad
input, so one malformed day file costs only that file. :mod:`hindsight.chat.events`
then chooses the messages, and :mod:`hindsight.chat.merge` writes them.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import NamedTuple

from hindsight.errors import HindsightError


class Message(NamedTuple):
    """One chat message, as the chat showed it; ``time`` is aware."""

    time: datetime  #: aware, UTC
    author: str  #: the name the chat shows
    text: str  #: plain text: mentions resolved, links as Markdown, emoji codes kept
    where: str  #: ``file:line`` or ``file $[index]``, for messages about it
    kind: str = "message"  #: message | reply | bot | alert
    pinned: bool = False
    ids: tuple[str, ...] = ()  #: chat handle, names and e-mail, to find the person


class Problem(NamedTuple):
    """A part of the source that could not be read, and was skipped."""

    where: str
    message: str


class Chat(NamedTuple):
    """Everything read from one source."""

    source: str  #: ``Slack export``, ``Zoom chat``, ``IRC log``, ``dated transcript``
    messages: list[Message]
    problems: list[Problem]
    skipped: int  #: joins, bot noise, private messages and empty messages, never taken
    notes: tuple[str, ...] = ()  #: what the writer should know about the source as a whole


class Reading(NamedTuple):
    """How to read a source: the pins, the alert bots, and the day and zone of bare times."""

    pins: tuple[str, ...]
    alert_bots: tuple[str, ...]
    day: date
    zone: tzinfo
    label: str  #: how to name the source path in messages (relative to the archive)


def read(path: Path, how: Reading) -> Chat:
    """The messages of the export or transcript at ``path``."""
    if not path.exists():
        raise HindsightError(f"{how.label}: no such file or folder")
    if path.is_dir() or path.suffix.lower() == ".json":
        from hindsight.chat.slack import read_slack

        return read_slack(path, how)
    from hindsight.chat.transcript import read_transcript

    return read_transcript(path, how)
