"""Chat exports read into messages, for ``hindsight log --from-chat``.

A reader turns one source (a Slack export, or a plain transcript: Zoom, IRC or dated
lines) into :class:`Message` records and :class:`Problem` notes; it never raises on bad
input, so one malformed day file costs only that file. :mod:`hindsight.chat.events`
then chooses the messages, and :mod:`hindsight.chat.merge` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from hindsight.errors import HindsightError


class Message(NamedTuple):
    """One chat message, as the chat showed it; ``time`` is aware."""

    time: datetime  #: aware, UTC
    author: str  #: the name the chat shows
    text: str  #: plain text: mentions resolved, links as Markdown, emoji codes kept
    where: str  #: ``file:line`` or ``file $[index]``, for messages about it
    kind: str = "message"  #: message | reply | alert | status (a status-page bot's post)
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
    #: the archive's people (handle -> name), to name those a message mentions
    people: Mapping[str, str] = MappingProxyType({})


#: words in a bot's name that make it a status page's: its posts are [comms] updates
STATUS_BOTS = ("statuspage", "status page", "status.io", "instatus", "statuscast", "status-page")


def is_status_bot(name: str) -> bool:
    """True for a bot that posts a status page's updates into the channel."""
    lowered = name.lower()
    return any(word in lowered for word in STATUS_BOTS)


def full_name(names: Mapping[str, str], people: Mapping[str, str]) -> str | None:
    """How a timeline names a chat user (``names``: handle ``name``, ``display``, ``real``,
    ``email``): the name under ``people`` in hindsight.yml when one of them matches a handle
    or a name there, else the chat's full name, its display name, its handle.
    """
    handle = person((names[k] for k in ("name", "display", "real", "email") if k in names), people)
    if handle is not None:
        return people.get(handle) or handle
    for key in ("real", "display", "name"):
        if names.get(key):
            return names[key]
    return None


def person(ids: Iterable[str], people: Mapping[str, str]) -> str | None:
    """The archive handle one of ``ids`` names: a handle, a display name, or an e-mail's local part."""
    lookup = _people_index(people)
    for value in ids:
        key = value.lower().lstrip("@")
        if "@" in key:
            key = key.split("@", 1)[0]
        if key in lookup:
            return lookup[key]
    return None


#: the last people mapping indexed, and its index: a run reads one mapping for every message
_LAST: list[tuple[Mapping[str, str], dict[str, str]]] = []


def _people_index(people: Mapping[str, str]) -> dict[str, str]:
    """Handle, and display name, lower-cased -> handle."""
    if _LAST and _LAST[0][0] is people:
        return _LAST[0][1]
    index = {name.lower(): handle for handle, name in people.items() if name}
    index.update({handle.lower(): handle for handle in people})
    _LAST[:] = [(people, index)]
    return index


def read(path: Path, how: Reading) -> Chat:
    """The messages of the export or transcript at ``path``."""
    if not path.exists():
        raise HindsightError(f"{how.label}: no such file or folder")
    if path.is_dir() or path.suffix.lower() == ".json":
        from hindsight.chat.slack import read_slack

        return read_slack(path, how)
    from hindsight.chat.transcript import read_transcript

    return read_transcript(path, how)
