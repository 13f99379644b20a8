"""Reporters turn a Report into text: an explicit registry, one function per format."""

from __future__ import annotations

import json
from collections.abc import Callable

from hindsight.engine import Report
from hindsight.model import Finding
from hindsight.terminal import one_line, visible

#: what a status is called after "to fix before"
_BEFORE = {"draft": "the draft", "in-review": "review", "approved": "approval"}


def _summary(report: Report) -> str:
    noun = "incident" if report.incidents_checked == 1 else "incidents"
    counts = f"{report.errors} error(s), {report.warnings} warning(s)"
    if report.checked_as is None:
        return f"{report.incidents_checked} {noun} checked: {counts}"
    status = report.checked_as.value
    errors = f"{report.errors} error{'' if report.errors == 1 else 's'}"
    return (
        f"{report.incidents_checked} {noun} checked as {status}: {errors} to fix before "
        f"{_BEFORE.get(status, status)}, {report.warnings} warning(s); no file was changed"
    )


def _place(f: Finding) -> str:
    return f"{f.path}:{f.line or 1}:{f.column or 1}"


def text(report: Report, color: bool = False) -> str:
    """``path:line:col: CODE message [category]`` per finding, then a summary line.

    What came from the files is made visible (:mod:`hindsight.terminal`) before the colours
    are added, so that only the colours are escape sequences; a line break in a path or a
    message is escaped too, so that a file named ``ok\n1 incident checked: 0 error(s)``
    cannot print a line that looks like the reporter's.
    """
    lines = []
    for f in report.findings:
        code = f.code
        if color:
            code = f"\x1b[{31 if f.level.value == 'error' else 33}m{code}\x1b[0m"
        lines.append(f"{one_line(_place(f))}: {code} {one_line(f.message)} [{f.category.value}]")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report, color: bool = False) -> str:
    """The JSON document of SPEC §4.1."""
    document = {
        "version": 1,
        "incidents_checked": report.incidents_checked,
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "rule": f.code,
                "category": f.category.value,
                "severity": f.level.value,
                "incident": f.incident,
                "message": f.message,
            }
            for f in report.findings
        ],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    # GitHub's log shows terminal colours: the other controls are made visible too
    return visible(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, color: bool = False) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding."""
    lines = []
    for f in report.findings:
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f'{f.code} [{f.category.value}]')}")
        lines.append(f"::{f.level.value} {','.join(props)}::{_escape_data(f.message)}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def sarif(report: Report, color: bool = False) -> str:
    """SARIF 2.1.0 for code scanning: every rule with its docs, then one result per finding."""
    from hindsight import __version__
    from hindsight.rules import ALL_RULES

    index = {r.code: i for i, r in enumerate(ALL_RULES)}
    rules = []
    for r in ALL_RULES:
        summary, _, _rest = r.doc.partition("\n")
        rules.append(
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": r.doc},
                "help": {"text": r.doc, "markdown": r.doc},
                "defaultConfiguration": {"level": r.level.value},
                "properties": {
                    "category": r.category.value,
                    "appliesFrom": r.applies_from.value,
                    "tags": ["postmortem", r.category.value],
                },
            }
        )
    results = []
    for f in report.findings:
        location: dict[str, object] = {
            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}
        }
        if f.line:
            location["region"] = {
                "startLine": f.line,
                **({"startColumn": f.column} if f.column else {}),
            }
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": f.level.value,
            "message": {"text": f.message},
            "locations": [{"physicalLocation": location}],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hindsight",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[[Report, bool], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
