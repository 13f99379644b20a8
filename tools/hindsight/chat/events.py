"""Choose the chat messages that become timeline events, and suggest milestones.

By default a message becomes an event when it is pinned (a pin reaction, Slack's own pin,
or a pin typed into a transcript line); with ``take_all`` every message does. Either way
only messages within the window count, and the first alert in it is always taken, since
it is when the incident was detected. Names become the archive's people where they can;
secrets are redacted before any text leaves this module.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from hindsight.chat import Chat, Message
from hindsight.model import Milestone

MAX_TEXT = 4000

#: words from the commander that suggest a milestone; the first match of each is suggested
_WORDS = (
    (
        Milestone.MITIGATED,
        re.compile(
            r"\b(rolled back|roll-?back (?:is )?(?:done|complete)|mitigated)\b", re.IGNORECASE
        ),
    ),
    (Milestone.RESOLVED, re.compile(r"\b(resolved|all clear)\b", re.IGNORECASE)),
)
_HEDGE = re.compile(
    r"(?:\b(?:not|no|never|if|once|until|when|before|yet)\b|n't\b)[^.!?]{0,30}$", re.IGNORECASE
)


class Event(NamedTuple):
    """A timeline event to add: its time, milestone and text, and the message it came from."""

    time: datetime
    milestone: Milestone | None
    text: str
    where: str


class Suggestion(NamedTuple):
    """A milestone the chat suggests for ``events[index]``, and why."""

    milestone: Milestone
    index: int
    why: str


class Plan(NamedTuple):
    """What an import would add, and everything the writer should hear about."""

    events: list[Event]
    suggestions: list[Suggestion]
    secrets: list[str]  #: ``where: a Slack token (46 characters) -> REDACTED(slack-token)``
    unknown: dict[str, str]  #: name shown -> chat handle, for people not in hindsight.yml
    outside: int  #: messages that would be taken but lie outside the window
    cut: list[str]  #: where a message was cut to MAX_TEXT characters


class Window(NamedTuple):
    """The span messages are taken from; ``until`` None is open."""

    since: datetime
    until: datetime | None

    def holds(self, moment: datetime) -> bool:
        return moment >= self.since and (self.until is None or moment <= self.until)


def plan(
    chat: Chat,
    people: Mapping[str, str],
    window: Window,
    take_all: bool,
    commander: str | None,
    logged: frozenset[Milestone],
) -> Plan:
    """The events ``chat`` gives, with suggestions for milestones not yet ``logged``."""
    chosen, outside, alert_seen = [], 0, False
    for message in chat.messages:
        first_alert = message.kind == "alert" and not alert_seen
        if not (take_all or message.pinned or first_alert):
            continue
        if not window.holds(message.time):
            outside += 1
            continue
        alert_seen = alert_seen or message.kind == "alert"
        chosen.append(message)
    lookup = _people_index(people)
    unknown: dict[str, str] = {}
    handles, texts = [], []
    for message in chosen:
        handle = _person(message, lookup)
        if handle is None:
            name = message.author
            if message.kind != "alert":
                unknown.setdefault(name, message.ids[0] if message.ids else name)
        else:
            name = people.get(handle) or handle
        handles.append(handle)
        texts.append(f"{name}{' (in thread)' if message.kind == 'reply' else ''}: {message.text}")
    texts, secrets = _redact(texts, [m.where for m in chosen])
    cut = [m.where for m, t in zip(chosen, texts) if len(t) > MAX_TEXT]
    events = [
        Event(m.time, None, t if len(t) <= MAX_TEXT else t[: MAX_TEXT - 20] + " … (cut)", m.where)
        for m, t in zip(chosen, texts)
    ]
    suggestions = _suggest(chosen, handles, commander, logged)
    return Plan(events, suggestions, secrets, unknown, outside, cut)


def _people_index(people: Mapping[str, str]) -> dict[str, str]:
    """Handle, and display name, lower-cased -> handle."""
    index = {name.lower(): handle for handle, name in people.items() if name}
    index.update({handle.lower(): handle for handle in people})
    return index


def _person(message: Message, lookup: dict[str, str]) -> str | None:
    """The archive handle of the message's author: by handle, display name or e-mail."""
    for value in (*message.ids, message.author):
        key = value.lower().lstrip("@")
        if "@" in key:
            key = key.split("@", 1)[0]
        if key in lookup:
            return lookup[key]
    return None


def _redact(texts: list[str], places: list[str]) -> tuple[list[str], list[str]]:
    """The texts with every secret's value replaced, and a line per secret (never the value).

    One scan of all texts joined by blank lines: the scanner's cost is mostly per call.
    """
    from hindsight import leaks

    joined = "\n\n".join(texts)
    found = leaks.scan(joined)
    if not found:
        return texts, []
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 2
    by_text: dict[int, list[leaks.Secret]] = {}
    for secret in found:
        by_text.setdefault(bisect_right(starts, secret.start) - 1, []).append(secret)
    out, report = list(texts), []
    for index, secrets in sorted(by_text.items()):
        shifted = [
            s._replace(
                start=s.start - starts[index], end=min(s.end - starts[index], len(texts[index]))
            )
            for s in secrets
        ]
        out[index] = leaks.redact(texts[index], shifted)
        report += [f"{places[index]}: {s.describe()} -> {leaks.redaction(s.kind)}" for s in shifted]
    return out, report


def _suggest(
    chosen: list[Message],
    handles: list[str | None],
    commander: str | None,
    logged: frozenset[Milestone],
) -> list[Suggestion]:
    suggestions, taken = [], set(logged)
    alert = next((i for i, m in enumerate(chosen) if m.kind == "alert"), None)
    if alert is not None and Milestone.DETECTED not in taken:
        suggestions.append(Suggestion(Milestone.DETECTED, alert, "the first alert"))
        taken.add(Milestone.DETECTED)
    if commander is None:
        return suggestions
    for index, (message, handle) in enumerate(zip(chosen, handles)):
        is_commander = handle == commander or (
            handle is None and commander.lower() in {i.lower() for i in message.ids}
        )
        if not is_commander or message.text.rstrip().endswith("?"):
            continue
        for milestone, words in _WORDS:
            match = words.search(message.text)
            if milestone in taken or match is None or _HEDGE.search(message.text[: match.start()]):
                continue
            suggestions.append(Suggestion(milestone, index, f"the commander wrote '{match[0]}'"))
            taken.add(milestone)
    return sorted(suggestions, key=lambda s: s.index)
