"""``hindsight import``: turn postmortems written elsewhere into incident folders.

Each source file is only read. What the importer could map, what it had to guess and what
is still missing for the chosen status is said in a report, with the ``hindsight check``
findings of the new incident. An incident that exists is never overwritten.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from hindsight.config import Settings
from hindsight.errors import HindsightError
from hindsight.importing.actions import Converted, lists_to_table
from hindsight.importing.document import (
    Found,
    Mapped,
    NotText,
    Source,
    clean_title,
    comment_text,
    date_of,
    people_and_services,
    read_source,
    rebuild,
    severity_of,
    title_of,
    year_hint,
)
from hindsight.importing.links import (
    LinkNote,
    Links,
    fix_links,
    site_markdown,
    source_address,
    toc_slugger,
)
from hindsight.importing.timeline import Event, Timeline, extract
from hindsight.importing.when import Zone, find_date
from hindsight.model import Finding, Level, Milestone, Status

#: what to do when the folder an import would make exists (import has no --slug: the title
#: and the day in the document name the folder)
_ALREADY = (
    "If it is this document, it was imported already; if not, give the document another "
    "title, or rename the folder that is there (git mv)"
)
#: a date at the end of a title's slug ("dns-outage-on-2023-01-25"): the id starts with it already
_TRAILING_DATE = re.compile(
    r"(?:-(?:on|for|of|from))?-(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?:-\d{1,2}(?:st|nd|rd|th)?)?-\d{4})$"
)
_DETECT = re.compile(
    r"\b(?:alerts?|alerted|alarms?|paged|pager|pages|notic(?:ed|es|e)|reports?|reported|detected|"
    r"discover(?:s|ed)|aware|spotted|observed|e-?mails?|flagged|raised|first noticed)\b",
    re.IGNORECASE,
)
_MITIGATE = re.compile(
    r"\b(?:roll(?:ed|s|ing)?[ -]?back|rollback|revert(?:ed|s)?|mitigat\w*|workaround|"
    r"restor(?:ed|es)|disabled|blocked|failed over|hotfix|patched|"
    r"fix(?:ed)? (?:is |was )?(?:deployed|released|applied|merged))\b",
    re.IGNORECASE,
)
_RESOLVE = re.compile(
    r"\b(?:resolved|fully (?:recovered|restored|operational|functional)|back (?:online|to normal)|"
    r"(?:all )?(?:systems? )?(?:verified )?operational|outage ends|all clear|recovered|"
    r"working (?:normally|again|as expected)|(?:running|up) again|back up|returned to normal|"
    r"confirmed (?:to be )?(?:functional|working|resolved))\b",
    re.IGNORECASE,
)
#: milestones ``hindsight check`` needs from ``draft``
DRAFT_MILESTONES = (Milestone.START, Milestone.DETECTED, Milestone.RESOLVED)


class Imported(NamedTuple):
    """The report of one file: where it went, what was mapped, guessed and is missing."""

    source: str
    incident: str | None = None
    error: str | None = None
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, value, where it came from)
    guesses: tuple[str, ...] = ()
    sections: tuple[Mapped, ...] = ()
    timeline: Timeline | None = None
    milestones: tuple[tuple[str, int], ...] = ()  # (milestone, source line)
    missing: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    links: tuple[LinkNote, ...] = ()  # links changed so that the site builds

    def as_json(self) -> dict[str, Any]:
        """The report as the JSON of ``hindsight import --format json``."""
        timeline = self.timeline
        return {
            "source": self.source,
            "incident": self.incident,
            "error": self.error,
            "fields": [{"field": f, "value": v, "from": w} for f, v, w in self.fields],
            "guesses": list(self.guesses),
            "sections": [
                {"line": m.line, "heading": m.original, "section": m.key, "how": m.how}
                for m in self.sections
            ],
            "timeline": None
            if timeline is None or not timeline.found
            else {
                "found": timeline.found,
                "zone": timeline.zone,
                "events": sum(e.moment is not None for e in timeline.events),
                "kept_as_comments": [
                    {"line": e.line, "text": e.original, "why": e.why}
                    for e in timeline.events
                    if e.moment is None
                ],
            },
            "milestones": {name: line for name, line in self.milestones},
            "missing": list(self.missing),
            "links": [
                {"line": n.line, "action": n.action, "message": n.message} for n in self.links
            ],
            "findings": [
                {
                    "path": f.path,
                    "line": f.line,
                    "rule": f.code,
                    "severity": f.level.value,
                    "message": f.message,
                }
                for f in self.findings
            ],
        }


def guess_milestones(events: list[Event]) -> dict[Milestone, Event]:
    """Start, detection, mitigation and resolution, read from the wording of time-ordered events."""
    chosen: dict[Milestone, Event] = {}
    if not events:
        return chosen
    detected = next((n for n, e in enumerate(events) if _DETECT.search(e.text)), None)
    if detected is not None:
        chosen[Milestone.DETECTED] = events[detected]
    if detected != 0:
        chosen[Milestone.START] = events[0]
    after = detected if detected is not None else 0
    mitigated = next(
        (n for n in range(after + 1, len(events)) if _MITIGATE.search(events[n].text)), None
    )
    if mitigated is not None:
        chosen[Milestone.MITIGATED] = events[mitigated]
    floor = max(after, mitigated or 0)
    resolved = next(
        (n for n in range(len(events) - 1, floor, -1) if _RESOLVE.search(events[n].text)), None
    )
    if resolved is not None:
        chosen[Milestone.RESOLVED] = events[resolved]
    return chosen


def timeline_text(
    incident_id: str, source: str, today: date, timeline: Timeline, marks: dict[Milestone, Event]
) -> str:
    """``timeline.log``: events in time order, each unreadable entry a comment after the one before it."""
    from hindsight.load.timeline import format_event

    out = [
        f"# Timeline of {incident_id}, imported from {source} on {today}. One event a line: TIME [milestone] text"
    ]
    if timeline.zone:
        out.append(f"# Times were converted to UTC; the source's zone: {timeline.zone}.")
    if marks:
        out.append(
            "# The milestones were guessed from the wording by hindsight import: check them."
        )
    by_event = {id(e): m for m, e in marks.items()}
    attached: dict[int, list[Event]] = {}
    readable: list[Event] = []
    for event in timeline.events:
        if event.moment is None:
            attached.setdefault(id(readable[-1]) if readable else 0, []).append(event)
        else:
            readable.append(event)
    out += [_comment(e) for e in attached.get(0, [])]
    for event in sorted(readable, key=lambda e: e.moment):  # type: ignore[arg-type, return-value]
        assert event.moment is not None
        out.append(format_event(event.moment, event.text, by_event.get(id(event))).rstrip("\n"))
        out += [_comment(e) for e in attached.get(id(event), [])]
    return "\n".join(out) + "\n"


def _comment(event: Event) -> str:
    text = " ".join(f"{event.original} {event.text}".split())
    return f"# time not read ({event.why}; source line {event.line}): {text}"


def _front_matter(values: dict[str, Any], notes: dict[str, str]) -> str:
    from hindsight.templating import yaml_value

    lines = ["---", "# yaml-language-server: $schema=../../docs/schema/incident.schema.json"]
    for key, value in values.items():
        note = f"  # {notes[key]}" if key in notes else ""
        lines.append(f"{key}: {yaml_value(value)}{note}")
    return "\n".join(lines + ["---", ""])


class Read(NamedTuple):
    """A source as read, with its title, timeline and incident id: all known before writing."""

    source: Source
    title: Found
    title_index: int | None
    timeline: Timeline
    readable: list[Event]
    started: Found
    incident_id: str
    guesses: tuple[str, ...]


def read_file(path: Path, *, day: date | None, zone: Zone | None, today: date) -> Read:
    """Read ``path`` and choose its incident's id.

    Raises OSError when it cannot be read and NotText when it is binary.
    """
    from hindsight.scaffold import slugify

    source = read_source(path)
    guesses = list(source.problems)
    title, title_index = title_of(source)
    year = year_hint(source)
    in_title = find_date(title.value, year)
    title = Found(clean_title(title.value), title.source)
    preliminary = (
        Found(day, "--date")
        if day
        else Found(in_title, "the title")
        if in_title
        else date_of(source, None, None)
    )
    timeline = extract(
        source.body,
        source.body_line,
        day=preliminary.value if preliminary else None,
        zone_option=zone,
        year=year,
    )
    guesses += timeline.guesses
    readable = sorted((e for e in timeline.events if e.moment is not None), key=lambda e: e.moment)  # type: ignore[arg-type, return-value]
    first = readable[0].moment.date() if readable else None  # type: ignore[union-attr]
    started = date_of(source, day, first) or Found(today, "today (the document gives no date)")
    if started.source != "--date":
        guesses.append(f"the date {started.value} comes from {started.source}")
    slug = _TRAILING_DATE.sub("", re.sub(r"^\d{4}-\d{2}-\d{2}-?", "", slugify(title.value)))
    slug = slug or "incident"
    incident_id = f"{started.value.isoformat()}-{slug}"
    return Read(
        source, title, title_index, timeline, readable, started, incident_id, tuple(guesses)
    )


def import_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    day: date | None,
    zone: Zone | None,
    today: date,
    **options: Any,
) -> Iterator[Imported]:
    """Import each of ``paths``; links between them point to each other's new incident pages.

    Every file is read first, so that each knows the ids the others will have. An id that two
    files would take, or that the archive has already, is not linked to.
    """
    reads: dict[Path, Read | OSError | NotText] = {}
    for path in paths:
        try:
            reads[path] = read_file(path, day=day, zone=zone, today=today)
        except (OSError, NotText) as exc:
            reads[path] = exc
    ids = Counter(r.incident_id for r in reads.values() if isinstance(r, Read))
    together = {
        _resolved(path): r.incident_id
        for path, r in reads.items()
        if isinstance(r, Read)
        and ids[r.incident_id] == 1
        and not (settings.incidents_path / r.incident_id).exists()
    }
    for path in paths:
        yield import_file(
            settings,
            path,
            day=day,
            zone=zone,
            today=today,
            read=reads[path],
            together=together,
            **options,
        )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def import_file(
    settings: Settings,
    path: Path,
    *,
    day: date | None,
    zone: Zone | None,
    status: Status,
    severity: str | None,
    restricted: bool,
    today: date,
    label: str | None = None,
    read: Read | OSError | NotText | None = None,
    together: Mapping[Path, str] | None = None,
) -> Imported:
    """Import one file into a new incident folder; the report says how it went.

    ``together`` maps the resolved paths of files imported in the same run to their ids.
    """
    from hindsight.scaffold import write_incident

    shown = label or str(path)
    if read is None:
        try:
            read = read_file(path, day=day, zone=zone, today=today)
        except (OSError, NotText) as exc:
            read = exc
    if isinstance(read, OSError):
        return Imported(shown, error=f"cannot read: {read.strerror or read}")
    if isinstance(read, NotText):
        return Imported(shown, error=f"{read}; nothing was imported")
    source, title, title_index, timeline, readable, started, incident_id, _ = read
    guesses = list(read.guesses)
    roles, services, not_handles = people_and_services(source)
    guesses += [
        f"'{name}' is not a handle, so it is not in the front matter" for name in not_handles
    ]
    marks = guess_milestones(readable)
    stated = None if severity else severity_of(source, list(settings.severities))
    if stated is not None:
        severity = stated[0]
    meta: dict[str, Any] = {
        "id": incident_id,
        "title": title.value,
        "status": status.value,
        "severity": severity,
        "visibility": "restricted" if restricted else "internal",
        "services": services,
        "tags": _tags(source.meta),
        "commander": (roles["commander"] or [None])[0],
        "authors": roles["authors"],
        "reviewers": [],
        "approvals": [],
        "customer_facing": False,
        "data_loss": False,
        "related": [],
    }
    notes = (
        {"severity": f"not in the source; set one of {', '.join(settings.severities)}"}
        if not severity
        else {"severity": f"read from {comment_text(stated[1])}; check it"}
        if stated
        else {}
    )
    notes["customer_facing"] = "not read from the source; check it"
    notes["data_loss"] = "not read from the source; check it"
    body, sections, body_notes = rebuild(
        source,
        title.value,
        title_index,
        settings.sections,
        timeline.lines,
        timeline.prose,
        len(readable),
    )
    guesses += body_notes
    guesses += [p for p in [site_markdown(settings.root / "mkdocs.yml")[2]] if p]
    body, actions = lists_to_table(body, settings.sections)
    body, links = fix_links(
        body,
        source.body.split("\n"),
        source.body_line,
        Links(
            path,
            together or {},
            source_address(source.meta),
            toc_slugger(settings.root / "mkdocs.yml"),
        ),
    )
    head = (
        _front_matter(meta, notes) + f"<!-- Imported from {comment_text(shown)} on {today} by "
        "hindsight import; the source file was not changed. -->\n\n"
    )
    if actions is not None:
        guesses.append(_actions_note(actions, head.count("\n") + actions.line))
    files = {
        "postmortem.md": head + body,
        "timeline.log": timeline_text(
            incident_id, comment_text(Path(shown).name), today, timeline, marks
        ),
    }
    guesses += _redact_secrets(files)
    try:
        folder = write_incident(settings, incident_id, files, _ALREADY)
    except HindsightError as exc:
        return Imported(shown, incident_id, error=str(exc))
    findings = _check(settings, folder, today)
    fields = (
        ("title", title.value, title.source),
        ("date", started.value.isoformat(), started.source),
        *((("severity", stated[0], stated[1]),) if stated else ()),
        *((("services", ", ".join(services), "a 'Services:' line"),) if services else ()),
        *(
            (("commander", roles["commander"][0], "a 'Commander:' line"),)
            if roles["commander"]
            else ()
        ),
        *((("authors", ", ".join(roles["authors"]), "the source"),) if roles["authors"] else ()),
    )
    missing = _missing(status, severity, marks, sections, settings)
    return Imported(
        shown,
        incident_id,
        None,
        fields,
        tuple(dict.fromkeys(guesses)),
        tuple(sections),
        timeline,
        tuple((m.value, e.line) for m, e in marks.items()),
        tuple(missing),
        tuple(findings),
        tuple(links),
    )


def _redact_secrets(files: dict[str, str]) -> list[str]:
    """Redact every secret in the new incident's files, in place; a note for each."""
    from hindsight import leaks

    notes = []
    for name, text in files.items():
        found = leaks.scan(text)
        if found:
            files[name] = leaks.redact(text, found)
        notes += [
            f"{name} line {s.line}: {s.describe()} from the source was written as "
            f"{leaks.redaction(s.kind)}; revoke it, since the source still holds it"
            for s in found
        ]
    return notes


def _actions_note(actions: Converted, line: int) -> str:
    """``the 3 action items, a list in the source, became a table; …: fill them in``."""
    items = "action item" if actions.items == 1 else f"{actions.items} action items"
    gaps = [
        f"no {what} for {count}"
        for what, count in (("owner", actions.no_owner), ("due date", actions.no_due))
        if count
    ]
    said = f"; the source gives {' and '.join(gaps)}: fill them in before review" if gaps else ""
    return f"the {items}, a list in the source, became a table (postmortem.md line {line}){said}"


def _tags(meta: dict[str, Any]) -> list[str]:
    from hindsight.scaffold import slugify

    raw = meta.get("tags") or meta.get("categories") or []
    values = (
        [raw]
        if isinstance(raw, str)
        else [v for v in raw if isinstance(v, str)]
        if isinstance(raw, list)
        else []
    )
    return list(dict.fromkeys(slugify(v) for v in values if v.strip()))


def _missing(
    status: Status,
    severity: str | None,
    marks: dict[Milestone, Event],
    sections: tuple[Mapped, ...] | list[Mapped],
    settings: Settings,
) -> list[str]:
    gaps = []
    if not severity:
        gaps.append("the severity (--severity, or set it in the front matter)")
    if status.rank >= Status.DRAFT.rank:
        gaps += [f"the [{m.value}] milestone" for m in DRAFT_MILESTONES if m not in marks]
    found = {m.key for m in sections if m.key}
    if status.rank >= Status.IN_REVIEW.rank:
        gaps += [f"the {key} section" for key in settings.sections if key not in found]
        gaps.append("reviewers")
    return gaps


def _check(settings: Settings, folder: Path, today: date) -> list[Finding]:
    from hindsight.checking import check_folders

    report = check_folders(settings, [folder], today)
    prefix = f"{settings.incidents_dir}/{folder.name}/"
    return [f for f in report.findings if f.path.startswith(prefix)]


def report_text(result: Imported) -> str:
    """One file's report for people."""
    if result.error:
        return f"{result.source}: not imported: {result.error}\n"
    out = [f"{result.source} → {result.incident}/"]
    for name, value, where in result.fields:
        out.append(f"  {name + ':':<11} {value}  (from {where})")
    mapped = [
        f"{m.key} ← '{m.original}'" if m.how == "renamed" else f"{m.key}"
        for m in result.sections
        if m.key
    ]
    kept = [f"'{m.original}'" for m in result.sections if not m.key]
    out.append(f"  sections:   {', '.join(mapped) or 'none recognised'}")
    if kept:
        out.append(f"  kept as is: {', '.join(kept)}")
    timeline = result.timeline
    if timeline is None or not timeline.found:
        out.append("  timeline:   none found; write timeline.log by hand (hindsight log --at ...)")
    else:
        unread = [e for e in timeline.events if e.moment is None]
        count = len(timeline.events) - len(unread)
        out.append(
            f"  timeline:   {count} event{'s' if count != 1 else ''} from {timeline.found}"
            + (f"; zone {timeline.zone}" if timeline.zone else "")
        )
        for event in unread:
            out.append(
                f"    kept as a comment (line {event.line}, {event.why}): {' '.join(event.original.split())[:80]}"
            )
    if result.milestones:
        out.append(
            "  milestones: "
            + ", ".join(f"[{m}] line {line}" for m, line in result.milestones)
            + " (guessed)"
        )
    out += [f"  guessed:    {g}" for g in result.guesses]
    if result.missing:
        out.append(f"  missing:    {'; '.join(result.missing)}")
    if result.links:
        count = len(result.links)
        out.append(f"  links:      {count} that would not work in the archive; what was done:")
        out += [f"    {result.source}:{n.line}: {n.message}" for n in result.links]
    errors = sum(f.level is Level.ERROR for f in result.findings)
    out.append(f"  check:      {errors} error(s), {len(result.findings) - errors} warning(s)")
    out += [f"    {f.path}:{f.line or 1}: {f.code} {f.message}" for f in result.findings]
    return "\n".join(out) + "\n"


def parse_zone(text: str) -> Zone:
    """``--zone``: a zone name (UTC, PST, CET, IST) or offset (UTC+2)."""
    from hindsight.importing.when import zone

    found = zone(text)
    if found is None:
        raise HindsightError(
            f"--zone {text!r}: not a zone Hindsight knows; write UTC, an offset like UTC+2, "
            "or a name like PST, EST, CET or IST"
        )
    return found
