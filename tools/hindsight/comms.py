"""``hindsight comms``: status updates and the final summary, rendered from the archive's templates.

The templates in ``templates/comms/`` belong to the organisation. They receive plain data
(strings, numbers, lists and dicts built here), never an object with methods, and they run
in Jinja's sandbox; what people typed in the incident is only ever a value in that data.

Before a message leaves, :func:`review` reads it the way its audience will: no secret in
any message; no blame in what the company or customers read; and nothing internal (people,
service ids, host names, addresses) in what customers read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from hindsight.config import Settings
from hindsight.humane import duration, moment
from hindsight.load.markdown import strip_comments
from hindsight.model import DECLARED, Incident, Milestone, TimelineEvent
from hindsight.rules.structure import filled

if TYPE_CHECKING:
    from hindsight.leaks import Secret

AUDIENCES = ("internal", "external", "summary")

#: what the ``[comms]`` event says was sent, by audience
LOG_LABELS = {
    "internal": "Internal update",
    "external": "Customer update",
    "summary": "Incident summary",
}

#: section keys of the default settings the templates use by name
SECTION_NAMES = {
    "summary": "Summary",
    "impact": "Impact",
    "root_cause": "Root cause",
    "resolution": "Resolution",
    "lessons": "Lessons learned",
}

_BLANK_RUN = re.compile(r"\n{3,}")
#: host names that only exist inside a company: ``db-07.prod``, ``api.internal``, ``x.svc.cluster.local``
_INTERNAL_HOST = re.compile(
    r"(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:internal|local|localdomain|lan|corp|intra|intranet|priv|private|svc|cluster|prod|production|"
    r"stg|staging)(?![\w-])",
    re.IGNORECASE,
)
#: a machine name: letters, then a number, as in ``web-12`` or ``db07`` (not ``ipv6`` or ``http2``)
_MACHINE = re.compile(r"(?<![\w.-])[a-z]{2,}(?:-\d{1,4}|\d{2,4})(?:[.-][a-z0-9-]+)*(?![\w-])")
_MARKUP = re.compile(r"^[#>*_\s-]+|[*_`]+")


class Update(NamedTuple):
    """A rendered message, what to log if it is sent, and why it should not be sent as it is."""

    audience: str
    text: str
    log_text: str
    problems: tuple[str, ...]
    missing: tuple[str, ...]


def _when(value: datetime | None) -> dict[str, str] | None:
    if value is None:
        return None
    utc = value.astimezone(timezone.utc)
    return {
        "iso": utc.isoformat().replace("+00:00", "Z"),
        "time": utc.strftime("%H:%M"),
        "date": f"{utc.day} {utc:%B %Y}",
        "day": utc.date().isoformat(),
        "datetime": moment(utc),
    }


#: how a milestone reads before an event's text in a message (``[action]`` needs no word)
LABELS = {
    Milestone.START: "Started",
    Milestone.DETECTED: "Detected",
    Milestone.ACKNOWLEDGED: "Acknowledged",
    Milestone.ESCALATED: "Escalated",
    Milestone.MITIGATED: "Mitigated",
    Milestone.RESOLVED: "Resolved",
    Milestone.COMMS: "Update",
    Milestone.DECISION: "Decided",
    Milestone.ACTION: "",
}


def _event(event: TimelineEvent) -> dict[str, Any]:
    return {
        "time": _when(event.time),
        "milestone": event.milestone.value if event.milestone else None,
        "label": LABELS[event.milestone] if event.milestone else "",
        "text": event.text,
        "line": event.line,
    }


def _done(event: TimelineEvent) -> bool:
    """An event that says what was done: not the start, detection, a comms update or the
    declaration (``hindsight new``'s first line)."""
    if event.milestone in (Milestone.COMMS, Milestone.START, Milestone.DETECTED):
        return False
    return not (event.milestone is None and event.text.startswith(DECLARED))


def _section_text(incident: Incident, key: str) -> str:
    section = incident.section(key)
    if section is None or not filled(section):
        return ""  # nothing written yet: comments, sub-headings or an empty table header only
    return _BLANK_RUN.sub("\n\n", strip_comments(section.text)).strip()


def _person(handle: str | None, settings: Settings) -> dict[str, str] | None:
    """``{handle, name, display}``: ``display`` is ``Dana Whitfield (@dana)``, or ``@dana``
    when ``people`` gives no other name."""
    if not handle:
        return None
    name = settings.people.get(handle, handle)
    shown = f"@{handle}" if name.strip().lstrip("@") == handle else f"{name} (@{handle})"
    return {"handle": handle, "name": name, "display": shown}


def state_of(incident: Incident) -> str:
    """``investigating``, ``mitigated`` or ``resolved``: how far the timeline has got."""
    if incident.milestone(Milestone.RESOLVED):
        return "resolved"
    if incident.milestone(Milestone.MITIGATED):
        return "mitigated"
    return "investigating"


def public_services(incident: Incident, settings: Settings) -> list[str]:
    """The names customers know the affected services by (``comms.public_names``), each once."""
    names = [
        settings.comms_public_names[s]
        for s in incident.services
        if s in settings.comms_public_names
    ]
    return list(dict.fromkeys(names))


def _joined(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def context(
    incident: Incident, settings: Settings, now: datetime, message: str | None = None
) -> dict[str, Any]:
    """Everything a comms template may use, as plain data."""
    marks = {m: incident.milestone(m) for m in Milestone if m.once}
    start = marks[Milestone.START] or marks[Milestone.DETECTED]
    state = state_of(incident)
    comms = [e for e in incident.timeline if e.milestone is Milestone.COMMS]
    cadence = settings.comms_cadence_minutes
    public = public_services(incident, settings)
    commander = incident.meta.get("commander")
    items = [
        {
            "action": i.action,
            "owner": _person(i.owner.lstrip("@"), settings),
            "due": i.due,
            "ticket": i.ticket,
            "status": (i.status or "open").lower(),
            "kind": i.kind,
        }
        for i in incident.action_items
    ]
    end = marks[Milestone.RESOLVED].time if marks[Milestone.RESOLVED] else now
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity or "",
        "severity_description": settings.severities.get(incident.severity or "", ""),
        "status": incident.status.value if incident.status else "",
        "state": state,
        "services": list(incident.services),
        "public_services": public,
        "affected": _joined(public) or "some of our services",
        "commander": _person(commander if isinstance(commander, str) else None, settings),
        "authors": [_person(a, settings) for a in incident.listed("authors")],
        "customer_facing": incident.meta.get("customer_facing") is True,
        "data_loss": incident.meta.get("data_loss") is True,
        "now": _when(now),
        "started": _when(start.time if start else None),
        "detected": _when(marks[Milestone.DETECTED].time if marks[Milestone.DETECTED] else None),
        "mitigated": _when(marks[Milestone.MITIGATED].time if marks[Milestone.MITIGATED] else None),
        "resolved": _when(marks[Milestone.RESOLVED].time if marks[Milestone.RESOLVED] else None),
        "elapsed": duration(end - start.time) if start else "",
        "time_to_detect": duration(incident.time_to_detect) if incident.time_to_detect else "",
        "time_to_mitigate": duration(incident.time_to_mitigate)
        if incident.time_to_mitigate
        else "",
        "duration": duration(incident.duration) if incident.duration else "",
        "progress": [_event(e) for e in incident.timeline if _done(e)],
        "events": [_event(e) for e in incident.timeline],
        "last_update": _event(comms[-1]) if comms else None,
        "cadence_minutes": cadence,
        "next_update": None if state == "resolved" else _when(now + timedelta(minutes=cadence)),
        "sections": {key: _section_text(incident, key) for key in settings.sections},
        **{name: _section_text(incident, key) for name, key in SECTION_NAMES.items()},
        "action_items": items,
        "open_action_items": [i for i in items if i["status"] == "open"],
        "message": (message or "").strip(),
    }


#: what each audience's message needs from the postmortem, by context key
_NEEDS = {
    "internal": ("impact",),
    "external": (),
    "summary": ("summary", "impact", "root_cause", "resolution", "action_items"),
}


def missing(data: dict[str, Any], audience: str) -> tuple[str, ...]:
    """What the message had to leave out because the incident does not say it yet."""
    gaps = []
    if not data["started"]:
        gaps.append("the start time (log it: hindsight log --milestone start ...)")
    if audience == "summary" and data["state"] != "resolved":
        gaps.append(
            "the resolution time: the incident is not resolved yet (hindsight log --milestone resolved ...)"
        )
    for key in _NEEDS[audience]:
        if not data[key]:
            name = SECTION_NAMES.get(key, "Action items")
            gaps.append(f"the {name} section of postmortem.md, which is empty")
    return tuple(gaps)


def review(
    text: str,
    audience: str,
    incident: Incident,
    settings: Settings,
    secrets: Sequence[Secret] = (),
) -> tuple[str, ...]:
    """Why ``text`` should not go to ``audience`` as it is; empty when it may.

    ``secrets`` are those :func:`render_update` found and redacted in the text before.
    """
    from hindsight import leaks
    from hindsight.rules import blame
    from hindsight.rules.security import find_addresses, find_denied

    problems: list[str] = []
    for found in secrets:
        problems.append(
            f"line {found.line}, column {found.column}: {found.describe()}, printed above as "
            f"{leaks.redaction(found.kind)}; take it out of the postmortem, timeline or --message "
            "it came from, and revoke it"
        )
    for _offset, name in find_denied(text, settings.security_deny):
        problems.append(
            f"'{name}' is listed under security.deny in hindsight.yml; say who or what it is instead"
        )
    if audience == "internal":
        return tuple(problems)
    names = blame.people_names(settings, incident)
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        for hit in blame.find(paragraph, names, settings.blame_phrases, settings.blame_allow):
            problems.append(blame.message(paragraph, hit))
    if audience == "summary":
        return tuple(problems)
    public = {n.casefold() for n in public_services(incident, settings)}
    internal = [s for s in incident.services if s.casefold() not in public]
    for label, words, flags in (
        ("a person's name", names, 0),
        ("an internal service name", internal, re.IGNORECASE),
    ):
        for word in sorted(set(words), key=len, reverse=True):
            if re.search(rf"(?<![\w@.-])@?{re.escape(word)}(?![\w-])", text, flags):
                problems.append(f"{label}, '{word}': customers should not see it")
    for pattern in (_INTERNAL_HOST, _MACHINE):
        for match in pattern.finditer(text):
            problems.append(f"a host name, '{match.group()}': customers should not see it")
    for number, line in enumerate(text.split("\n"), 1):
        for column, kind, value in find_addresses(line, settings.security_allow):
            problems.append(
                f"line {number}, column {column}: an {kind}, '{value}': customers should not see it"
            )
    return tuple(dict.fromkeys(problems))


def headline(text: str, limit: int = 140) -> str:
    """The message's first line as plain text, for the ``[comms]`` event."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    plain = " ".join(_MARKUP.sub("", first).split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def render_update(
    incident: Incident, settings: Settings, audience: str, now: datetime, message: str | None = None
) -> Update:
    """The message for ``audience`` from ``templates/comms/<audience>.md.j2``."""
    from hindsight import leaks
    from hindsight.templating import environment, render

    data = context(incident, settings, now, message)
    text = render(environment(settings.root), f"comms/{audience}.md.j2", data)
    text = _BLANK_RUN.sub("\n\n", text).strip() + "\n"
    secrets = leaks.scan(text)  # never printed, never logged: redacted, and a reason not to send
    text = leaks.redact(text, secrets)
    return Update(
        audience,
        text,
        f"{LOG_LABELS[audience]}: {headline(text)}",
        review(text, audience, incident, settings, secrets),
        missing(data, audience),
    )
