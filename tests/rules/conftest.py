"""Build one incident in tmp_path and check it through the whole engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from hindsight.checking import check_paths
from hindsight.config import parse_settings
from hindsight.model import Finding
from tests.conftest import write

META: dict[str, Any] = {
    "id": "2026-11-21-example",
    "title": "Checkout errors",
    "status": "in-review",
    "severity": "SEV2",
    "visibility": "internal",
    "services": ["checkout-api"],
    "commander": "dana",
    "authors": ["lee"],
    "reviewers": ["sam"],
    "approvals": [],
}
TIMELINE = """\
2026-11-21T13:58Z [start] Deploy reached all hosts
2026-11-21T14:03Z [detected] Pager fired
2026-11-21T14:20Z [comms] Status page: investigating
2026-11-21T14:40Z [mitigated] Rolled back
2026-11-21T14:45Z [resolved] Error rate at baseline
"""
BODY = """
# Checkout errors

## Summary

A connection-pool change made checkout fail for 47 minutes.

## Impact

12,400 checkout requests failed (4% of all requests) over 47 minutes.

## Root cause

The pool size was set per host, and the new hosts had a quarter of the memory.

## Resolution

The change was rolled back at 14:40 UTC.

## Action items

| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |

## Lessons learned

Configuration changes need the same canary as code.
"""

Check = Callable[..., list[Finding]]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """``check(body=…, timeline=…, config=…, today=…, **meta)``: the findings of a full check."""

    def _check(
        body: str = BODY,
        timeline: str = TIMELINE,
        config: str = "",
        today: date = date(2026, 11, 21),
        **meta: Any,
    ) -> list[Finding]:
        folder = tmp_path / "incidents" / "2026-11-21-example"
        front = yaml.safe_dump(dict(META, **meta), sort_keys=False, default_flow_style=None)
        write(folder / "postmortem.md", f"---\n{front}---\n{body}")
        write(folder / "timeline.log", timeline)
        return list(check_paths(parse_settings(config, tmp_path), [], today).findings)

    return _check


def codes(findings: list[Finding]) -> list[str]:
    """The rule codes of ``findings``, in order."""
    return [f.code for f in findings]
