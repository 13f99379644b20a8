"""Line edits of the front matter: only the changed lines move, byte for byte."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hindsight.edit import EditError, FrontMatterEdit
from tests.conftest import write

HEAD = """\
---
id: 2026-11-21-x   # the folder name
title: "Quoted: title"
status: 'in-review'  # moved by hindsight status
reviewers: [sam, kim]
{approvals}
tags:
  - db
---
Body keeps # its text
"""


def _edit(
    tmp_path: Path, approvals: str, *, crlf: bool = False, bom: bool = False
) -> FrontMatterEdit:
    text = HEAD.replace("{approvals}", approvals)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    write(tmp_path / "postmortem.md", data)
    return FrontMatterEdit(tmp_path / "postmortem.md", "postmortem.md")


def _approve(edit: FrontMatterEdit) -> bytes:
    edit.append_item("approvals", {"by": "sam", "date": "2026-11-25"})
    edit.verify(
        lambda before: dict(
            before,
            approvals=[*(before.get("approvals") or []), {"by": "sam", "date": date(2026, 11, 25)}],
        )
    )
    return edit.data()


@pytest.mark.parametrize(
    ("approvals", "expected"),
    [
        ("approvals: []", "approvals:\n  - by: sam\n    date: 2026-11-25"),
        ("approvals:", "approvals:\n  - by: sam\n    date: 2026-11-25"),
        ("approvals:   # none yet", "approvals: # none yet\n  - by: sam\n    date: 2026-11-25"),
        (
            "approvals: [{by: kim, date: 2026-11-24}]",
            "approvals: [{by: kim, date: 2026-11-24}, {by: sam, date: 2026-11-25}]",
        ),
        (
            "approvals:\n- by: kim\n  date: 2026-11-24  # first",
            "approvals:\n- by: kim\n  date: 2026-11-24  # first\n- by: sam\n  date: 2026-11-25",
        ),
        (
            "approvals:\n    - by: kim\n      # a comment inside\n      date: 2026-11-24\n\n",
            "approvals:\n    - by: kim\n      # a comment inside\n      date: 2026-11-24\n    - by: sam\n      date: 2026-11-25\n\n",
        ),
        (
            "approvals:\n  - {by: kim, date: 2026-11-24}",
            "approvals:\n  - {by: kim, date: 2026-11-24}\n  - {by: sam, date: 2026-11-25}",
        ),
    ],
)
def test_approval_touches_only_its_lines(tmp_path: Path, approvals: str, expected: str) -> None:
    data = _approve(_edit(tmp_path, approvals))
    assert data.decode() == HEAD.replace("{approvals}", expected)


def test_missing_key_goes_before_the_closing_line(tmp_path: Path) -> None:
    data = _approve(_edit(tmp_path, "owner: x")).decode()
    assert data.endswith(
        "  - db\napprovals:\n  - by: sam\n    date: 2026-11-25\n---\nBody keeps # its text\n"
    )


def test_crlf_and_bom_survive(tmp_path: Path) -> None:
    edit = _edit(tmp_path, "approvals:\n  - by: kim\n    date: 2026-11-24", crlf=True, bom=True)
    data = _approve(edit)
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"    date: 2026-11-24\r\n  - by: sam\r\n    date: 2026-11-25\r\ntags:" in data


def test_status_keeps_quotes_and_comment(tmp_path: Path) -> None:
    edit = _edit(tmp_path, "approvals: []")
    edit.set_scalar("status", "approved")
    edit.verify(lambda before: dict(before, status="approved"))
    assert edit.data().decode() == HEAD.replace("{approvals}", "approvals: []").replace(
        "'in-review'", "'approved'"
    )


def test_multi_line_values_are_refused(tmp_path: Path) -> None:
    edit = _edit(tmp_path, "approvals: [\n  {by: kim, date: 2026-11-24}]")
    with pytest.raises(EditError, match="block list"):
        edit.append_item("approvals", {"by": "sam", "date": "2026-11-25"})
    with pytest.raises(EditError, match="not a one-line value"):
        _edit(tmp_path, "approvals: []").set_scalar("tags", "x")


def test_broken_front_matter_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "postmortem.md", "---\ntitle: [unclosed\n---\n")
    with pytest.raises(
        EditError, match="(?s)postmortem.md:3: YAML syntax.*fix the front matter first"
    ):
        FrontMatterEdit(tmp_path / "postmortem.md", "postmortem.md")


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    edit = _edit(tmp_path, "approvals: []")
    edit.set_scalar("status", "approved")
    (tmp_path / "postmortem.md").write_text("someone else's edit\n")
    with pytest.raises(EditError, match="changed while this command ran"):
        edit.write()
    assert (tmp_path / "postmortem.md").read_text() == "someone else's edit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["postmortem.md"]  # no temporary file left


def test_write_replaces_the_file(tmp_path: Path) -> None:
    edit = _edit(tmp_path, "approvals: []")
    edit.set_scalar("status", "approved")
    edit.write()
    assert "status: 'approved'" in (tmp_path / "postmortem.md").read_text()
