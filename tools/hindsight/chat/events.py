"""Choose the chat messages that become timeline events, and suggest milestones.

By default a message becomes an event when it is pinned (a pin reaction, Slack's own pin,
or a pin typed into a transcript line); with ``take_all`` every message does. Either way
only messages within the window count; the first alert in it is always taken, since it is
when the incident was detected, and so is every status-page post, a ``[comms]`` update.
Names become the archive's people where they can (see :func:`hindsight.chat.full_name`);
secrets are redacted before any text leaves this module.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from hindsight.chat import Chat, Message, person
from hindsight.model import Milestone

MAX_TEXT = 4000

#: words that suggest a milestone; the first plain match of each is suggested. [start] and
#: [mitigated] come from anyone's words, [resolved] from the commander's alone: it is their call
_WORDS = (
    (
        Milestone.START,
        re.compile(
            r"\b(?:errors?|impact|outage|incident|failures?|5xx|timeouts?|degradation|latency)"
            r"\b[^.!?\n]{0,40}?\b(?:started|began|beginning|starting)\b",
            re.IGNORECASE,
        ),
        False,
    ),
    (
        Milestone.MITIGATED,
        re.compile(
            r"\b(rolled back|roll-?back (?:is )?(?:done|complete)|mitigated)\b", re.IGNORECASE
        ),
        False,
    ),
    (Milestone.RESOLVED, re.compile(r"\b(resolved|all clear)\b", re.IGNORECASE), True),
)
_HEDGE = re.compile(
    r"(?:\b(?:not|no|never|if|once|until|when|before|yet|should|could|would|will|can|may|might|"
    r"going to|about to|let's|need to|try|trying)\b|n't\b)[^.!?]{0,30}$",
    re.IGNORECASE,
)
#: a message that puts the start at another time (``started at 13:58``, ``began 10 min ago``):
#: its own time is not the start, so it suggests nothing
_ELSEWHEN = re.compile(
    r"\b\d{1,2}:\d{2}\b|\bago\b|\bsince\b|\byesterday\b|\blast (?:night|week)\b|\bearlier\b",
    re.IGNORECASE,
)
#: a post to the status page, said in the channel: a [comms] update, whatever state it gives
_STATUS_POST = re.compile(
    r"\bstatus[ -]?page\b[^.!?\n]{0,40}?\b(?:posted|updated|published|sent|is up|went out|live)\b"
    r"|\b(?:posted|updated|published|sent|put up)\b[^.!?\n]{0,40}?\bstatus[ -]?page\b"
    r"|^\W*status[ -]?page(?: update)?\s*[:\u2013\u2014-]\s*\S",
    re.IGNORECASE,
)


def status_post(message: Message) -> bool:
    """True for a status page's post: by its bot, or a person saying it was posted."""
    if message.kind == "status":
        return True
    if message.kind == "alert" or "status" not in message.text.lower():
        return False
    if message.text.rstrip().endswith("?"):
        return False
    match = _STATUS_POST.search(message.text)
    return match is not None and not _HEDGE.search(message.text[: match.start()])


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
    outside: int  #: messages that would be taken but lie before the window, or after now
    cut: list[str]  #: where a message was cut to MAX_TEXT characters
    after: int = 0  #: messages that would be taken but lie after the window's end


class Window(NamedTuple):
    """The span messages are taken from; ``until`` None is open. A message later than ``now``
    is never taken: it is a transcript read in the wrong zone."""

    since: datetime
    until: datetime | None
    now: datetime | None = None

    def holds(self, moment: datetime) -> bool:
        return (
            moment >= self.since
            and (self.until is None or moment <= self.until)
            and (self.now is None or moment <= self.now)
        )

    def ends_before(self, moment: datetime) -> bool:
        """True when ``moment`` is after the window's end (another incident's, or later news)."""
        return self.until is not None and moment > self.until


def plan(
    chat: Chat,
    people: Mapping[str, str],
    window: Window,
    take_all: bool,
    commander: str | None,
    logged: Mapping[Milestone, datetime],
) -> Plan:
    """The events ``chat`` gives, with suggestions for milestones not yet ``logged`` (each
    milestone logged once, with its time)."""
    chosen, outside, after = _select(chat, window, take_all)
    unknown: dict[str, str] = {}
    handles, names = _names(chosen, people)
    texts = []
    for message, handle, name in zip(chosen, handles, names):
        if handle is None and message.kind not in ("alert", "status"):
            unknown.setdefault(name, message.ids[0] if message.ids else name)
        texts.append(f"{name}{' (in thread)' if message.kind == 'reply' else ''}: {message.text}")
    texts, secrets = _redact(texts, [m.where for m in chosen])
    cut = [m.where for m, t in zip(chosen, texts) if len(t) > MAX_TEXT]
    events = [
        Event(m.time, None, t if len(t) <= MAX_TEXT else t[: MAX_TEXT - 20] + " … (cut)", m.where)
        for m, t in zip(chosen, texts)
    ]
    suggestions = _suggest(chosen, handles, names, commander, logged)
    return Plan(events, suggestions, secrets, unknown, outside, cut, after)


def resolution(
    chat: Chat,
    people: Mapping[str, str],
    window: Window,
    take_all: bool,
    commander: str | None,
    logged: Mapping[Milestone, datetime],
) -> datetime | None:
    """When the chat says the incident was resolved: the time of the ``[resolved]`` that
    :func:`plan` suggests within ``window``, or None. :func:`plan` suggests the same one
    within any window that holds it, so a window ending after it is the same on every run."""
    chosen = _select(chat, window, take_all)[0]
    handles, names = _names(chosen, people)
    for s in _suggest(chosen, handles, names, commander, logged):
        if s.milestone is Milestone.RESOLVED:
            return chosen[s.index].time
    return None


def _select(chat: Chat, window: Window, take_all: bool) -> tuple[list[Message], int, int]:
    """The messages to take; how many would be taken but lie outside ``window`` (before it,
    or later than now), and how many after its end."""
    chosen, outside, after, alert_seen = [], 0, 0, False
    for message in chat.messages:
        first_alert = message.kind == "alert" and not alert_seen
        if not (take_all or message.pinned or first_alert or status_post(message)):
            continue
        if not window.holds(message.time):
            if window.ends_before(message.time):
                after += 1
            else:
                outside += 1
            continue
        alert_seen = alert_seen or message.kind == "alert"
        chosen.append(message)
    return chosen, outside, after


def _names(chosen: list[Message], people: Mapping[str, str]) -> tuple[list[str | None], list[str]]:
    """Each message's author: the archive handle (or None), and the name to show."""
    handles: list[str | None] = []
    names = []
    for message in chosen:
        handle = person((*message.ids, message.author), people)
        handles.append(handle)
        names.append(message.author if handle is None else people.get(handle) or handle)
    return handles, names


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
    names: list[str],
    commander: str | None,
    logged: Mapping[Milestone, datetime],
) -> list[Suggestion]:
    """Milestones the messages suggest: the first alert, status-page posts, and plain words.

    Words in a question, or after a hedge ("not", "if", "should"), suggest nothing, nor do
    an alert's or a status page's. A [start] comes before the detection (logged or the
    first alert) and names no other time; nothing is suggested against the order of the
    milestones already logged.
    """
    suggestions, taken = [], set(logged)
    alert = next((i for i, m in enumerate(chosen) if m.kind == "alert"), None)
    detected = logged.get(Milestone.DETECTED)
    if alert is not None and Milestone.DETECTED not in taken:
        suggestions.append(Suggestion(Milestone.DETECTED, alert, "the first alert"))
        taken.add(Milestone.DETECTED)
        detected = chosen[alert].time
    for index, (message, handle, name) in enumerate(zip(chosen, handles, names)):
        if status_post(message):
            suggestions.append(Suggestion(Milestone.COMMS, index, "a status-page post"))
            continue
        if message.kind == "alert" or message.text.rstrip().endswith("?"):
            continue
        is_commander = commander is not None and (
            handle == commander
            or (handle is None and commander.lower() in {i.lower() for i in message.ids})
        )
        for milestone, words, commander_only in _WORDS:
            if milestone in taken or (commander_only and not is_commander):
                continue
            match = words.search(message.text)
            if match is None or _HEDGE.search(message.text[: match.start()]):
                continue
            if milestone is Milestone.START and (
                _ELSEWHEN.search(message.text) or (detected and message.time > detected)
            ):
                continue
            if not _in_order(milestone, message.time, logged):
                continue
            who = "the commander" if is_commander else name
            suggestions.append(Suggestion(milestone, index, f"{who} wrote '{match[0]}'"))
            taken.add(milestone)
    return sorted(suggestions, key=lambda s: s.index)


_ORDER = (Milestone.START, Milestone.DETECTED, Milestone.MITIGATED, Milestone.RESOLVED)


def _in_order(milestone: Milestone, moment: datetime, logged: Mapping[Milestone, datetime]) -> bool:
    """True when ``milestone`` at ``moment`` is not before an earlier one, nor after a later one."""
    rank = _ORDER.index(milestone)
    before = [logged[m] for m in _ORDER[:rank] if m in logged]
    after = [logged[m] for m in _ORDER[rank + 1 :] if m in logged]
    return all(t <= moment for t in before) and all(moment <= t for t in after)
