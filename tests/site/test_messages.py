"""What the build prints of the files is shown, never obeyed, by a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import write
from tests.site.conftest import Build, BuildFailed, make_incident

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_a_failed_build_names_a_hostile_file_visibly(tmp_path: Path, build: Build) -> None:
    """A page whose file name holds an OSC 52 clipboard write, refused for not being text."""
    make_incident(tmp_path, "2026-11-21-a")
    write(tmp_path / "docs" / "notes\x1b]52;c;Y3VybCBldmls\x07.md", b"\x00\x01binary\x00")
    with pytest.raises(BuildFailed) as failed:
        build()
    said = str(failed.value)
    assert "docs/notes\\u001b]52;c;Y3VybCBldmls\\u0007.md" in said
    assert not RAW.search(said)


def test_what_the_plugin_logs_is_made_visible(caplog: pytest.LogCaptureFixture) -> None:
    from hindsight.site.plugin import log

    with caplog.at_level("INFO"):
        log.warning("skipped: docs/a\x1b]8;;https://evil.example/\x1b\\page.md")
    assert (
        caplog.records[-1]
        .getMessage()
        .endswith("skipped: docs/a\\u001b]8;;https://evil.example/\\u001b\\page.md")
    )
