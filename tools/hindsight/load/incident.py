"""Load an incident folder into an Incident plus the problems met on the way; never raises."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, NamedTuple

from hindsight.config import Settings
from hindsight.load import markdown, timeline
from hindsight.load.frontmatter import Document, decode, split
from hindsight.model import Finding, Incident, LoadedIncident, TimelineEvent
from hindsight.paths import relative
from hindsight.problems import problem

#: keys whose value is always text: a plain `no` or `1.10` here is kept as written, never a bool
TEXT_KEYS = ("id", "title", "status", "severity", "visibility", "commander")
_YAML_BOOL_WORDS = {"y", "yes", "n", "no", "on", "off"}


def _typed_meta(doc: Document, path: str, incident: str, problems: list[Finding]) -> dict[str, Any]:
    """Front matter values, with text keys kept as written when YAML read them as something else."""
    meta = dict(doc.meta)
    for key in TEXT_KEYS:
        pos = doc.meta.value_pos.get(key)
        value = meta.get(key)
        if (
            pos is None
            or not pos.plain
            or pos.raw is None
            or isinstance(value, str)
            or value is None
        ):
            continue
        if isinstance(value, bool) and pos.raw.lower() in _YAML_BOOL_WORDS:
            problems.append(
                problem(
                    "HS111",
                    path,
                    pos.line,
                    f"'{key}: {pos.raw}' is read by YAML as {str(value).lower()}; "
                    f'quote it: {key}: "{pos.raw}"',
                    column=pos.column,
                    incident=incident,
                )
            )
        meta[key] = pos.raw
    return meta


class Sources(NamedTuple):
    """The bytes of an incident's two files, or why they could not be read."""

    postmortem: bytes | OSError
    timeline: bytes | OSError


def key(sources: Sources) -> str | None:
    """The digest of an incident's two files; None when one could not be read (never kept)."""
    digest = hashlib.blake2b(digest_size=16)
    for data in sources:
        if isinstance(data, FileNotFoundError):
            digest.update(b"absent\0")
        elif isinstance(data, OSError):
            return None
        else:
            digest.update(b"%d\0" % len(data))
            digest.update(data)
    return digest.hexdigest()


def _read(path: Path) -> bytes | OSError:
    try:
        return path.read_bytes()
    except OSError as exc:
        return exc


def read_sources(folder: Path) -> Sources:
    """Read ``folder``'s postmortem.md and timeline.log; never raises."""
    return Sources(_read(folder / "postmortem.md"), _read(folder / "timeline.log"))


def _read_timeline(
    data: bytes | OSError, rel: str, incident: str, problems: list[Finding]
) -> tuple[tuple[TimelineEvent, ...], str]:
    label = f"{rel}/timeline.log"
    if isinstance(data, FileNotFoundError):
        problems.append(
            problem(
                "HS604",
                label,
                None,
                "no timeline.log; create it with 'hindsight log --incident " + incident + " TEXT'",
                incident=incident,
            )
        )
        return (), ""
    if isinstance(data, OSError):
        problems.append(
            problem(
                "HS604",
                label,
                None,
                f"cannot read timeline.log: {data.strerror}",
                incident=incident,
            )
        )
        return (), ""
    text = decode(data, label, incident, problems)
    events, found = timeline.parse(text, label, incident)
    problems.extend(found)
    return tuple(events), text


def load_incident(
    folder: Path,
    settings: Settings,
    postmortem: bytes | None = None,
    sources: Sources | None = None,
) -> LoadedIncident:
    """Read ``folder`` (``incidents/<id>``): front matter, body, action items and timeline.

    ``sources`` are the files' bytes when they were read already; ``postmortem`` stands in
    for the bytes of postmortem.md (an edit not yet written).
    """
    rel = relative(folder, settings.root)
    incident_id = folder.name
    problems: list[Finding] = []
    label = f"{rel}/postmortem.md"
    if sources is None:
        sources = Sources(
            _read(folder / "postmortem.md") if postmortem is None else postmortem,
            _read(folder / "timeline.log"),
        )
    data = sources.postmortem if postmortem is None else postmortem
    if isinstance(data, FileNotFoundError):
        problems.append(
            problem(
                "HS201",
                label,
                None,
                "no postmortem.md in this incident folder; scaffold one with 'hindsight new'",
                incident=incident_id,
            )
        )
        return LoadedIncident(rel, None, tuple(problems))
    if isinstance(data, OSError):
        problems.append(
            problem(
                "HS201",
                label,
                None,
                f"cannot read postmortem.md: {data.strerror}",
                incident=incident_id,
            )
        )
        return LoadedIncident(rel, None, tuple(problems))
    doc = split(data, label, incident_id)
    problems.extend(doc.problems)
    if doc.binary:  # said once (HS109); every other rule would only repeat that nothing is there
        return LoadedIncident(rel, None, tuple(problems))
    meta = _typed_meta(doc, label, incident_id, problems)
    sections = markdown.sections(doc.body, doc.body_line, settings.sections)
    actions = next((s for s in sections if s.key == "Action items"), None)
    items, columns = markdown.action_items(actions) if actions else ([], None)
    unreadable = set(doc.meta.duplicates) | (set() if doc.readable else {"visibility"})
    events, timeline_text = _read_timeline(sources.timeline, rel, incident_id, problems)
    incident = Incident(
        id=incident_id,
        folder=rel,
        meta=meta,
        key_lines={k: p.line for k, p in doc.meta.key_pos.items()},
        body=doc.body,
        body_line=doc.body_line,
        sections=tuple(sections),
        action_items=tuple(items),
        timeline=events,
        ignores=markdown.ignores(doc.body, doc.body_line),
        unreadable_keys=frozenset(unreadable),
        head=doc.head,
        timeline_text=timeline_text,
        action_columns=columns or {},
    )
    return LoadedIncident(rel, incident, tuple(problems))
