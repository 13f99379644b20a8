"""Reporters turn a Report into text: an explicit registry, one function per format."""

from __future__ import annotations

import json
from typing import Callable

from hindsight.engine import Report
from hindsight.model import Finding


def _place(f: Finding) -> str:
    return f"{f.path}:{f.line or 1}:{f.column or 1}"


def text(report: Report, color: bool = False) -> str:
    """``path:line:col: CODE message [category]`` per finding, then a summary line."""
    lines = []
    for f in report.findings:
        code = f.code
        if color:
            code = f"\x1b[{31 if f.level.value == 'error' else 33}m{code}\x1b[0m"
        lines.append(f"{_place(f)}: {code} {f.message} [{f.category.value}]")
    noun = "incident" if report.incidents_checked == 1 else "incidents"
    lines.append(f"{report.incidents_checked} {noun} checked: {report.errors} error(s), "
                 f"{report.warnings} warning(s)")
    return "\n".join(lines) + "\n"


def as_json(report: Report, color: bool = False) -> str:
    """The JSON document of SPEC §4.1."""
    document = {
        "version": 1,
        "incidents_checked": report.incidents_checked,
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": [
            {"path": f.path, "line": f.line, "column": f.column, "rule": f.code,
             "category": f.category.value, "severity": f.level.value, "incident": f.incident,
             "message": f.message}
            for f in report.findings
        ],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[[Report, bool], str]] = {"text": text, "json": as_json}
