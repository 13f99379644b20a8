"""``hindsight approve`` and ``hindsight status`` on a real archive: refusals, checks, edits."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import write
from tests.rules.conftest import BODY, META, TIMELINE

ID = "2026-11-21-example"


def _incident(archive: Path, **meta: object) -> Path:
    folder = archive / "incidents" / ID
    front = yaml.safe_dump(dict(META, id=ID, **meta), sort_keys=False, default_flow_style=None)
    write(
        folder / "postmortem.md", f"---\n# Written by hand; keep this comment\n{front}---\n{BODY}"
    )
    write(folder / "timeline.log", TIMELINE)
    return folder / "postmortem.md"


def test_reviewer_signs_off_then_status_moves_to_approved(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    path = _incident(archive)
    result = run("approve", ID, "--by", "@sam", "--date", "2026-11-24")
    assert result.code == 0, result.err
    assert "signed off by sam on 2026-11-24" in result.out
    assert "next: hindsight status 2026-11-21-example approved" in result.out
    text = path.read_text()
    assert "# Written by hand; keep this comment" in text
    assert "approvals:\n  - by: sam\n    date: 2026-11-24\n" in text
    result = run("status", ID, "approved", "--today", "2026-11-25")
    assert result.code == 0, result.out + result.err
    assert "status in-review → approved" in result.out
    assert "status: approved\n" in path.read_text()
    assert run("check", "--today", "2026-11-25").code == 0


def test_a_full_disk_leaves_the_postmortem_as_it_was(archive: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """RELIABILITY case 50: the edit fails as the new file is flushed; the old one stays whole."""
    import errno
    import os

    from hindsight import atomic

    path = _incident(archive)
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    result = run("approve", ID, "--by", "sam", "--date", "2026-11-24")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err == (
        f"hindsight: error: incidents/{ID}/postmortem.md: cannot write: "
        f"{os.strerror(errno.ENOSPC)}; the file is as it was\n"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "postmortem.md",
        "timeline.log",
    ]  # no temp file


def test_authors_and_non_reviewers_cannot_sign_off(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    path = _incident(archive)
    before = path.read_bytes()
    result = run("approve", ID, "--by", "lee")
    assert result.code == 2 and "lee is an author" in result.err
    result = run("approve", ID, "--by", "kim")
    assert (
        result.code == 2
        and "kim is not a reviewer of 2026-11-21-example (reviewers: sam)" in result.err
    )
    result = run("approve", ID, "--by", "not a handle")
    assert result.code == 2 and "is not a handle" in result.err
    assert path.read_bytes() == before


def test_a_draft_cannot_be_signed_off(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, status="draft")
    result = run("approve", ID, "--by", "sam")
    assert result.code == 2 and "hindsight status 2026-11-21-example in-review" in result.err


def test_signing_off_twice_changes_nothing(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    path = _incident(archive, approvals=[{"by": "sam", "date": "2026-11-22"}])
    before = path.read_bytes()
    result = run("approve", ID, "--by", "sam")
    assert result.code == 0 and "already signed off" in result.out
    assert path.read_bytes() == before


def test_status_refuses_with_the_findings_of_the_new_status(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    path = _incident(archive)
    before = path.read_bytes()
    result = run("status", ID, "approved", "--today", "2026-11-25")
    assert result.code == 1
    assert "HS701" in result.out and "cannot move to approved" in result.err
    assert path.read_bytes() == before
    result = run("status", ID, "draft")
    assert result.code == 0
    assert path.read_bytes() == before.replace(b"status: in-review", b"status: draft")


def test_unknown_incident_and_status(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    result = run("status", "2026-11-21-exampel", "draft")
    assert result.code == 2 and "did you mean" in result.err.lower()
    unknown = run("status", ID, "done")
    assert unknown.code == 2
    assert "Invalid value for 'STATUS': 'done' is not one of 'investigating'," in unknown.err
