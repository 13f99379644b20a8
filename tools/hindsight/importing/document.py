"""A postmortem written elsewhere: its front matter, title, date, people and sections.

The source is only read. Headings are mapped to the archive's sections by the names and
aliases in ``hindsight.yml`` and by the synonyms real postmortems use; a heading that maps
to nothing is kept as it is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from hindsight.importing.when import find_date
from hindsight.load.frontmatter import not_text
from hindsight.load.markdown import content_lines, headings, match_section, normalise_heading
from hindsight.model import HANDLE

#: headings of real postmortems, by the default section they stand for (prefixes match too)
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "Summary": (
        "summary",
        "issue summary",
        "incident summary",
        "executive summary",
        "overview",
        "tl;dr",
        "tldr",
        "what happened",
    ),
    "Impact": (
        "impact",
        "incident impact",
        "impact analysis",
        "customer impact",
        "user impact",
        "who was affected",
    ),
    "Root cause": (
        "root cause",
        "root causes",
        "contributing factors",
        "causes",
        "cause",
        "leadup",
        "fault",
        "analysis",
        "how did this happen",
        "why it failed",
        "the technical problem",
        "why the event happened",
        "what went wrong technically",
    ),
    "Resolution": (
        "resolution",
        "resolution and recovery",
        "recovery",
        "mitigation",
        "response",
        "action taken",
        "actions taken",
        "how we responded",
        "the fix",
    ),
    "Action items": (
        "action items",
        "follow-ups",
        "follow ups",
        "followups",
        "corrective actions",
        "corrective and preventative measures",
        "corrective and preventative measure",
        "corrective and preventive measures",
        "preventive measures",
        "future measures",
        "future actions",
        "next steps",
        "moving forward",
        "call to action",
        "planned actions",
        "remediation",
        "improvements",
        "how to fix it",
    ),
    "Lessons learned": (
        "lessons learned",
        "lessons learnt",
        "lessons",
        "learnings",
        "takeaways",
        "key takeaways",
        "insights",
        "what can we learn",
        "postmortem",
        "post-mortem",
        "retrospective",
        "what went well",
        "what went wrong",
        "what went poorly",
        "where we got lucky",
    ),
}
#: people-line labels: "Incident commander: @dana", "Authors: lee, sam"
_PEOPLE = re.compile(
    r"^\W*(?P<label>incident commander|commander|ic|authors?|written by|owners?)\W*:\W*(?P<value>.+)$",
    re.IGNORECASE,
)
_SERVICES = re.compile(
    r"^\W*(?:affected )?(?P<label>services?(?: affected)?|systems?(?: affected)?|components?)"
    r"\W*:\W*(?P<value>.+)$",
    re.IGNORECASE,
)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})(?:[-_](\d{2}))?(?:[-_](\d{2}))?(?!\d)")


class Source(NamedTuple):
    """The document as read: its own metadata and its Markdown body."""

    path: Path
    meta: dict[str, Any]
    meta_kind: str  # "YAML", "TOML" or ""
    body: str
    body_line: int
    problems: tuple[str, ...]


class NotText(ValueError):
    """The file to import is binary (a NUL byte, mostly undecodable bytes), not a document."""


def read_source(path: Path) -> Source:
    """Read ``path``; undecodable bytes are replaced and said; a binary file raises NotText."""
    data = path.read_bytes()
    binary = not_text(data)
    if binary is not None:
        raise NotText(f"line {binary[0]}: {binary[1]}")
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(f"line {line}: bytes that are not UTF-8 were replaced with U+FFFD")
        text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = re.match(r"(---|\+\+\+)[ \t]*\n(.*?)\n(?:\1|\.\.\.)[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        return Source(path, {}, "", text, 1, tuple(problems))
    kind = "YAML" if match.group(1) == "---" else "TOML"
    meta, problem = (_yaml if kind == "YAML" else _toml)(match.group(2))
    if problem:
        problems.append(f"the {kind} front matter could not be read ({problem}); it was ignored")
    return Source(
        path, meta, kind, text[match.end() :], text[: match.end()].count("\n") + 1, tuple(problems)
    )


def _yaml(text: str) -> tuple[dict[str, Any], str | None]:
    """The mapping, read by the same reader as postmortems: no aliases, no tags, no limitless nesting."""
    from hindsight.load.yamlsafe import read_yaml

    parsed = read_yaml(text, "")
    if isinstance(parsed.value, dict):
        return parsed.value, None
    if parsed.problems:
        return {}, parsed.problems[0].message
    return {}, "it is not a mapping"


def _toml(text: str) -> tuple[dict[str, Any], str | None]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        return {}, str(exc)
    except RecursionError:  # arrays in arrays, thousands deep
        return {}, "it is nested too deeply"


class Found(NamedTuple):
    """A value read from the document, and where it came from (for the report)."""

    value: Any
    source: str


def title_of(source: Source) -> tuple[Found, int | None]:
    """The title, and the body line index of the heading it came from (to drop it)."""
    value = source.meta.get("title")
    if isinstance(value, str) and value.strip():
        return Found(" ".join(value.split()), f"{source.meta_kind} front matter"), None
    marks = headings(source.body.split("\n"))
    for index, level, text, _ in marks:
        if level == 1 and text.strip():
            return Found(_plain(text), "the first level-1 heading"), index
    if marks and marks[0][2].strip():
        index, _level, text, _ = marks[0]
        return Found(_plain(text), "the first heading"), index
    stem = re.sub(
        r"[-_]+", " ", re.sub(r"^(?:\d{4}-\d{2}-\d{2}|\d+)[-_]", "", source.path.stem)
    ).strip()
    return Found(stem[:1].upper() + stem[1:] or "Imported postmortem", "the file name"), None


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: what sources put before the title itself: a date (a range too), a number, a report's code
_TITLE_NOISE = re.compile(
    rf"^(?:(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:\s*(?:/|-|–|to)\s*\d{{1,2}}(?![-/.\d]))?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|#\d+|\d+[.)]|(?:PM|INC|IR|Incident|Postmortem|Post-mortem)[ #-]?\d[\w-]*)[\s:|–—-]+)+",
    re.IGNORECASE,
)


def clean_title(title: str) -> str:
    """The title without the date, number or report code a source puts before it.

    "2025-07-30/31: Hex outage" and "PM2019-009 - Cluster reverted" become "Hex outage" and
    "Cluster reverted"; a title that is nothing else is kept as it is.
    """
    cleaned = _TITLE_NOISE.sub("", title).strip()
    return cleaned[:1].upper() + cleaned[1:] if cleaned else title


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*_`]", "", text).split())


def date_of(source: Source, option: date | None, timeline_first: date | None) -> Found | None:
    """The day the incident started: ``--date``, the timeline's first event, the front matter, the file name, the text.

    The timeline comes before the front matter, whose date is often the day a blog post was published.
    """
    if option:
        return Found(option, "--date")
    if timeline_first:
        return Found(timeline_first, "the first event of the timeline")
    value = source.meta.get("date")
    if isinstance(value, date):
        return Found(
            value if type(value) is date else value.date(), f"{source.meta_kind} front matter"
        )  # type: ignore[attr-defined]
    if isinstance(value, str):
        found = find_date(value)
        if found:
            return Found(found, f"{source.meta_kind} front matter")
    named = _FILE_DATE.findall(source.path.stem)
    full = [n for n in named if n[1] and n[2]]
    if full:
        y, m, d = full[0]
        try:
            return Found(date(int(y), int(m), int(d)), "the file name")
        except ValueError:
            pass
    found = find_date(source.body[:4000])
    if found:
        return Found(found, "the first date in the text")
    return None


def year_hint(source: Source) -> int | None:
    """A year for dates written without one: the front matter's, else the file name's."""
    value = source.meta.get("date")
    if isinstance(value, date):
        return value.year
    for y, _m, _d in _FILE_DATE.findall(source.path.stem):
        if 1990 < int(y) < 2100:
            return int(y)
    return None


def people_and_services(source: Source) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Handles by role (``authors``, ``commander``), services, and names that are not handles."""
    roles: dict[str, list[str]] = {"authors": [], "commander": []}
    services: list[str] = []
    not_handles: list[str] = []

    def add(role: str, values: Sequence[str]) -> None:
        for value in values:
            handle = value.strip().lstrip("@").strip()
            if handle and HANDLE.match(handle) and " " not in handle:
                roles[role].append(handle)
            elif handle:
                not_handles.append(value.strip())

    for key in ("author", "authors"):
        value = source.meta.get(key)
        add(
            "authors",
            [value]
            if isinstance(value, str)
            else [v for v in value or [] if isinstance(v, str)]
            if isinstance(value, list)
            else [],
        )
    lines = source.body.split("\n")
    for _i, line, content in content_lines(lines[:60]):
        if not content:
            continue
        people = _PEOPLE.match(line)
        if people:
            role = (
                "commander"
                if "comm" in people["label"].lower() or people["label"].lower() == "ic"
                else "authors"
            )
            add(role, _split(people["value"]))
            continue
        named = _SERVICES.match(line)
        if named:
            services.extend(s for s in _split(named["value"]) if re.fullmatch(r"[\w.-]{2,40}", s))
    return roles, list(dict.fromkeys(services)), not_handles


def _split(value: str) -> list[str]:
    value = re.sub(r"[*_`]", "", value)
    return [v.strip() for v in re.split(r",|;|\band\b", value) if v.strip()]


class Mapped(NamedTuple):
    """A heading of the source and the archive section it became, if any."""

    line: int  # file line
    original: str
    key: str | None
    how: str  # "as written", "renamed", "kept"


def section_key(title: str, names: Mapping[str, Sequence[str]]) -> tuple[str | None, bool]:
    """(the section ``title`` stands for, whether the archive's own names already say so)."""
    key = match_section(title, names)
    if key is not None:
        return key, True
    heading = normalise_heading(title)
    for default, words in SYNONYMS.items():
        target = default if default in names else None
        if target is None:
            continue
        for word in words:
            if heading == word or (
                heading.startswith(word) and not heading[len(word) : len(word) + 1].isalnum()
            ):
                return target, False
    return None, False


def rebuild(
    source: Source,
    title: str,
    title_index: int | None,
    names: Mapping[str, Sequence[str]],
    timeline: range,
    timeline_prose: Sequence[str],
    events: int,
) -> tuple[str, list[Mapped], list[str]]:
    """The postmortem body: the title, sections renamed where needed, the timeline moved out.

    Returns the body, how each section heading was mapped, and notes for the report.
    """
    lines = source.body.split("\n")
    marks = {m[0]: m for m in headings(lines) if m[0] != title_index}
    levels = [m[1] for m in marks.values()]
    section_level = min((lv for lv in levels if lv >= 2), default=1 if levels else 2)
    shift = 2 - section_level
    dropped: set[int] = set()
    if title_index is not None:
        dropped.update(
            range(title_index, next(m[3] for m in headings(lines) if m[0] == title_index))
        )
    first_heading = min(marks, default=len(lines))
    out: list[str] = [f"# {title}", ""]
    notes: list[str] = []
    mapped: list[Mapped] = []
    seen: set[str] = set()
    keys = {i: section_key(m[2], names) for i, m in marks.items() if m[1] == section_level}
    lead = any(
        lines[i].strip() and not _is_title(lines[i], title)
        for i in range(first_heading)
        if i not in dropped
    )
    if lead and "Summary" in names and all(k != "Summary" for k, _known in keys.values()):
        out += [
            "## Summary",
            "",
            "<!-- hindsight import: the opening paragraphs, which had no heading -->",
            "",
        ]
        notes.append("the opening paragraphs, which had no heading, became the Summary")
        seen.add("Summary")
    skip_until = -1
    for i, line in enumerate(lines):
        if i in dropped or i <= skip_until or (i < first_heading and _is_title(line, title)):
            continue
        if i == timeline.start - 1 and i in marks and normalise_heading(marks[i][2]) != "timeline":
            _index, level, text, after = marks[i]
            skip_until = after - 1
            out += [
                f"{'#' * max(1, min(6, level + shift))} Timeline",
                "",
                f"<!-- hindsight import: was '{comment_text(text)}' -->",
            ]
            continue
        if i in timeline:
            if i == timeline.start:
                out += [_timeline_comment(events), *_kept_prose(timeline_prose), ""]
            continue
        mark = marks.get(i)
        if mark is None:
            out.append(line)
            continue
        _index, level, text, after = mark
        skip_until = after - 1  # a setext heading's underline
        hashes = "#" * max(1, min(6, level + shift))
        key, known = keys.get(i, (None, False))
        if level == section_level and key is not None and key not in seen:
            seen.add(key)
            if known:
                out.append(f"{hashes} {text}")
                mapped.append(Mapped(source.body_line + i, text, key, "as written"))
            else:
                out += [
                    f"{hashes} {key}",
                    "",
                    f"<!-- hindsight import: was '{comment_text(text)}' -->",
                ]
                mapped.append(Mapped(source.body_line + i, text, key, "renamed"))
            continue
        if level == section_level:
            mapped.append(Mapped(source.body_line + i, text, None, "kept"))
        out.append(f"{hashes} {text}")
    for key in (k for k in names if k not in seen):
        out += [
            "",
            f"## {key}",
            "",
            "<!-- hindsight import: not in the source document; write it before review -->",
        ]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
    return body, mapped, notes


def _kept_prose(prose: Sequence[str]) -> list[str]:
    kept = [line for line in prose if not re.match(r"^\s*#{1,6}\s", line)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return ["", *text.split("\n")] if text.strip() else []


def _timeline_comment(events: int) -> str:
    return (
        f"<!-- hindsight import: the {events} events of this timeline are in timeline.log, which the site "
        "shows here; what was not an event is kept below -->"
    )


def comment_text(text: str) -> str:
    """``text`` made safe inside an HTML comment, on one line."""
    return " ".join(text.replace("--", "- -").split())


def _is_title(line: str, title: str) -> bool:
    return _plain(line.lstrip("# ")) == title


#: a severity stated in the text: "declared SEV1", "a Sev-2 incident", "Severity: 2",
#: "severity level 1", "a P1 incident", "Priority: P2"
_SEVERITY = re.compile(
    r"(?<![\w./-])(?:sev(?:erity)?[ -]?(?P<sev>\d)(?![\w-]|\.\w)"
    r"|severity(?: level)?\s*(?:[:=]|\bwas\b|\bis\b|\bof\b)?\s*(?P<level>\d)(?![\w-]|\.\w)"
    r"|(?P<p>p\d)\s+(?:incident|outage|issue|event|bug)\b"
    r"|priority\s*[:=]\s*p?(?P<priority>\d)(?![\w-]|\.\w))",
    re.IGNORECASE,
)
_NOT_SO = re.compile(
    r"(?:\b(?:not|never|no|if|would|could|should|whether|unless|below|above|than|from|other|"
    r"another|previous|unrelated)\b|n't)"
    r"[^.!?]{0,25}$",
    re.IGNORECASE,
)


def severity_of(source: Source, severities: Sequence[str]) -> tuple[str, str] | None:
    """The severity the source states, as one of ``severities``, and where: ``(name, why)``.

    Read from the source's own front matter, else from its text: "declared SEV1",
    "Severity: 2", "a P1 incident" (a priority is read as the severity of the same number).
    A mention after "not", "if", "than", "from" (a downgrade) does not count; and when the
    text states two different ones, none is read: the writer chooses.
    """
    by_number = {}
    for name in severities:
        digits = re.search(r"(\d+)$", name)
        if digits:
            by_number.setdefault(int(digits.group(1)), name)
    value = source.meta.get("severity")
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip()
        named = next((s for s in severities if s.lower() == text.lower()), None)
        number = re.fullmatch(r"(?i)(?:sev|p)?[ -]?(\d)", text)
        found = named or (by_number.get(int(number.group(1))) if number else None)
        if found:
            return found, f"the source's front matter (severity: {text})"
    stated: dict[str, tuple[int, str]] = {}
    for i, line, content in content_lines(source.body.split("\n")):
        if not content:
            continue
        for match in _SEVERITY.finditer(line):
            if _NOT_SO.search(line[: match.start()]):
                continue
            digit = match["sev"] or match["level"] or match["priority"] or match["p"][1:]
            name = by_number.get(int(digit))
            if name is not None:
                stated.setdefault(name, (source.body_line + i, match.group(0)))
    if len(stated) != 1:
        return None
    name, (line, said) = next(iter(stated.items()))
    return name, f"'{' '.join(said.split())}' on line {line}"
