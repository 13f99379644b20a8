"""A real ``mkdocs build`` of the example archive: strict, and without restricted incidents."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hindsight.config import load_settings
from hindsight.load.incident import load_incident
from hindsight.paths import discover

REPO = Path(__file__).parents[2]


@pytest.mark.slow
def test_example_archive_builds_strictly_and_leaks_nothing(tmp_path: Path) -> None:
    """mkdocs build --strict passes; no built file names a restricted incident."""
    for name in ("mkdocs.yml", "hindsight.yml", "docs", "incidents"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    settings = load_settings(tmp_path)
    incidents = [load_incident(f, settings).incident for f in discover(settings)]
    hidden = [i for i in incidents if i and i.restricted]
    shown = [i for i in incidents if i and not i.restricted]
    assert hidden and shown
    built = "\n".join(p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*")
                      if p.is_file() and p.suffix in (".html", ".json", ".xml"))
    for incident in hidden:
        assert incident.id not in built and incident.title not in built
    for incident in shown:
        assert incident.title in built
