"""Which postmortems say plainly that they are internal (HS810 and the site read the others)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from hindsight.config import load_settings
from hindsight.mentions import plainly_internal, read_ahead, restricted
from hindsight.scaffold import init_archive
from tests.conftest import write

#: the definition, as two patterns over the whole head: the fast path must agree with it
_KEY = re.compile(rb"^[\"']?visibility[\"']?[ \t]*:", re.MULTILINE)
_INTERNAL = re.compile(rb"^visibility:[ \t]*[\"']?internal[\"']?[ \t]*(?:#.*)?\r?$", re.MULTILINE)


def _reference(data: bytes) -> bool:
    head = data.split(b"\n---", 1)[0]
    return len(_KEY.findall(head)) == 1 and bool(_INTERNAL.search(head))


LINES = [
    b"visibility: internal",
    b"visibility:internal  # the default",
    b'visibility: "internal"',
    b"visibility: internal\r",
    b"visibility: restricted",
    b"visibility: Internal",
    b"visibility: internal, really",
    b' "visibility": internal',
    b"'visibility' : internal",
    b"  visibility: internal",
    b"notes: visibility: internal",
    b"title: visibility matters",
    b"visibility:",
]


def test_the_fast_reading_agrees_with_the_definition() -> None:
    seen = set()
    for first, second in itertools.product(LINES, [None, *LINES]):
        for body in (b"\n---\nvisibility: internal\n", b"\n", b""):
            lines = [b"---", b"id: 2026-11-21-a", first] + ([second] if second else [])
            data = b"\n".join(lines) + body
            assert plainly_internal(data) == _reference(data), data
            seen.add(_reference(data))
    assert seen == {True, False}


def test_what_is_read_ahead_is_what_would_be_read(tmp_path: Path) -> None:
    """A pull request's check reads the heads in a thread while the rules are imported; the
    rule gets the same restricted incidents, once (a second reading is a fresh one)."""
    root = tmp_path / "archive"
    init_archive(root, git=False)
    for name, visibility in (
        ("2026-11-01-vault-of-keys", "restricted"),
        ("2026-11-02-b", "internal"),
    ):
        write(
            root / "incidents" / name / "postmortem.md",
            f"---\nid: {name}\ntitle: The vault of keys was open\nvisibility: {visibility}\n---\n",
        )
    settings = load_settings(root)
    read_ahead(settings)
    ahead = restricted(settings)
    assert sorted(ahead.by_key) == ["2026-11-01-vault-of-keys", "the vault of keys was open"]
    write(root / "incidents" / "2026-11-03-c" / "postmortem.md", "---\nvisibility: secret\n---\n")
    assert "2026-11-03-c" in restricted(settings).by_key
