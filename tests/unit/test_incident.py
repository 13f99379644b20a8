"""An incident folder loads into the model; bad folders give problems, never exceptions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from hindsight.config import Settings, load_settings
from hindsight.load.incident import load_incident
from hindsight.paths import discover
from tests.conftest import write

REPO = Path(__file__).parents[2]

GOOD = """\
---
id: 2026-11-21-x
title: X
status: draft
severity: SEV2
visibility: internal
services: [api]
---

## Summary

Text.

## Action items

| Action | Owner | Due | Ticket |
| --- | --- | --- | --- |
| Fix | lee | 2026-12-01 | OPS-1 |
"""

TIMELINE = """\
2026-11-21T13:58Z [start] a
2026-11-21T14:03Z [detected] b
2026-11-21T15:10Z [mitigated] c
2026-11-21T16:58Z [resolved] d
"""


def load(tmp_path: Path, postmortem: str | bytes, timeline: str | None = TIMELINE):  # type: ignore[no-untyped-def]
    """Write one incident and load it."""
    folder = tmp_path / "incidents" / "2026-11-21-x"
    write(folder / "postmortem.md", postmortem)
    if timeline is not None:
        write(folder / "timeline.log", timeline)
    return load_incident(folder, Settings(root=tmp_path))


def test_loads_everything_with_lines_and_figures(tmp_path: Path) -> None:
    """Front matter, sections, action items, timeline and derived figures."""
    loaded = load(tmp_path, GOOD)
    assert loaded.problems == ()
    incident = loaded.incident
    assert incident is not None
    assert (
        incident.key_lines["severity"] == 5
        and incident.postmortem_path == "incidents/2026-11-21-x/postmortem.md"
    )
    assert [(s.key, s.line) for s in incident.sections] == [("Summary", 10), ("Action items", 14)]
    assert incident.action_items[0].line == 18 and incident.action_items[0].ticket == "OPS-1"
    assert incident.time_to_detect == timedelta(minutes=5)
    assert incident.time_to_mitigate == timedelta(minutes=72)
    assert incident.duration == timedelta(hours=3)
    assert not incident.restricted


@pytest.mark.parametrize(
    "postmortem",
    [
        GOOD.replace("visibility: internal\n", ""),
        GOOD.replace("visibility: internal\n", "visibility: internal\nvisibility: internal\n"),
        GOOD.replace("visibility: internal\n", "visibility: Internal\n"),
        GOOD.replace("title: X", "title: X: y"),
        GOOD.replace("---\n\n## Summary", "\n## Summary"),
    ],
    ids=["missing", "duplicate", "misspelt", "yaml-error", "unterminated"],
)
def test_visibility_that_cannot_be_read_means_restricted(tmp_path: Path, postmortem: str) -> None:
    """Fail closed: unless the file plainly says internal, the incident is restricted."""
    incident = load(tmp_path, postmortem).incident
    assert incident is not None and incident.restricted


def test_text_keys_keep_what_was_written(tmp_path: Path) -> None:
    """`title: no` is flagged and kept as 'no'; `title: 1.10` is kept as '1.10'."""
    loaded = load(
        tmp_path, GOOD.replace("title: X", "title: no").replace("severity: SEV2", "severity: 1.10")
    )
    assert loaded.incident is not None
    assert loaded.incident.meta["title"] == "no" and loaded.incident.meta["severity"] == "1.10"
    assert [(p.code, p.line) for p in loaded.problems] == [("HS111", 3)]
    assert 'quote it: title: "no"' in loaded.problems[0].message


def test_missing_files_are_problems(tmp_path: Path) -> None:
    """No timeline.log is a warning; no postmortem.md leaves no incident, with a problem."""
    loaded = load(tmp_path, GOOD, timeline=None)
    assert [(p.code, p.level.value) for p in loaded.problems] == [("HS604", "warning")]
    folder = tmp_path / "incidents" / "2026-11-22-empty"
    folder.mkdir(parents=True)
    empty = load_incident(folder, Settings(root=tmp_path))
    assert empty.incident is None and [p.code for p in empty.problems] == ["HS201"]


def test_one_broken_incident_does_not_stop_the_others(tmp_path: Path) -> None:
    """Garbage in one folder is a problem for that folder only."""
    write(tmp_path / "incidents/2026-01-01-bad/postmortem.md", b"\xff\xfe\x00garbage")
    write(tmp_path / "incidents/2026-01-02-good/postmortem.md", GOOD)
    write(tmp_path / "incidents/2026-01-02-good/timeline.log", TIMELINE)
    settings = Settings(root=tmp_path)
    results = [load_incident(f, settings) for f in discover(settings)]
    assert [r.folder for r in results] == ["incidents/2026-01-01-bad", "incidents/2026-01-02-good"]
    assert results[0].problems and results[1].problems == ()


def test_the_example_archive_loads_cleanly() -> None:
    """Every example incident reads without a problem; exactly one is restricted."""
    settings = load_settings(REPO)
    loaded = [load_incident(f, settings) for f in discover(settings)]
    assert len(loaded) >= 5
    assert [p for li in loaded for p in li.problems] == []
    statuses = {li.incident.status.value for li in loaded if li.incident and li.incident.status}
    assert statuses == {"investigating", "draft", "in-review", "approved"}
    assert sum(li.incident.restricted for li in loaded if li.incident) == 1
