"""Pure functions from the incident model to Markdown pages; tested without MkDocs."""

from __future__ import annotations

import html
import re
from typing import Iterable

from hindsight.config import Settings
from hindsight.model import Incident

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def text(value: str) -> str:
    """``value`` as literal text inside Markdown: no markup, no HTML, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(value.split()), quote=False))


def published(incident: Incident, settings: Settings) -> bool:
    """True when the site may show ``incident``: not restricted, and a published status."""
    status = incident.status
    return not incident.restricted and status is not None and status.value in settings.publish


def incident_list(incidents: Iterable[Incident]) -> str:
    """The archive index: every published incident, newest first."""
    rows = sorted(incidents, key=lambda i: i.id, reverse=True)
    lines = ["# Incidents", ""]
    if not rows:
        return "\n".join([*lines, "No incidents are published yet.", ""])
    lines += ["| Date | Incident | Severity | Status | Services |", "| --- | --- | --- | --- | --- |"]
    for incident in rows:
        lines.append(
            f"| {incident.id[:10]} | {text(incident.title)} | {text(incident.severity or '?')} "
            f"| {text(incident.status.value if incident.status else '?')} "
            f"| {text(', '.join(incident.services))} |"
        )
    return "\n".join([*lines, ""])
