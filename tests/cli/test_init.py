"""``hindsight init`` creates a ready archive, and never writes over one."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import write


def test_creates_a_ready_archive(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The new archive has its settings, site, templates, workflow and incidents folder."""
    result = run("init", str(tmp_path / "arch"), "--no-git")
    assert result.code == 0, result.err
    root = tmp_path / "arch"
    for rel in (
        "mkdocs.yml",
        "hindsight.yml",
        "docs/index.md",
        "requirements.txt",
        ".github/workflows/check.yml",
        ".github/workflows/publish.yml",
        ".github/workflows/weekly.yml",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/CODEOWNERS",
        ".github/ISSUE_TEMPLATE/declare-incident.yml",
        ".pre-commit-config.yaml",
        "templates/comms/internal.md.j2",
        "templates/incident/postmortem.md.j2",
        "templates/incident/timeline.log.j2",
        "incidents/.gitkeep",
    ):
        assert (root / rel).is_file(), rel
    assert "Created a Hindsight archive" in result.out


def test_runs_git_init(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Outside a repository, init makes the archive a git repository."""
    assert run("init", str(tmp_path / "arch")).code == 0
    assert (tmp_path / "arch" / ".git").is_dir()


def test_refuses_to_overwrite(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """If any file it would create exists, init writes nothing and exits 2."""
    mine = write(tmp_path / "arch" / "mkdocs.yml", "site_name: mine\n")
    result = run("init", str(tmp_path / "arch"), "--no-git")
    assert result.code == 2
    assert "already has mkdocs.yml; nothing was written" in result.err
    assert mine.read_text() == "site_name: mine\n"
    assert not (tmp_path / "arch" / "hindsight.yml").exists()


def test_packaged_templates_match_this_repository() -> None:
    """This repository's templates/ are the defaults init ships (no silent drift)."""
    repo = Path(__file__).parents[2]
    packaged = repo / "tools" / "hindsight" / "defaults" / "templates"
    for source in packaged.rglob("*.j2"):
        rel = source.relative_to(packaged)
        assert (repo / "templates" / rel).read_text() == source.read_text(), rel


def test_packaged_guide_matches_this_repository() -> None:
    """The guide init gives an archive is this repository's docs/guide/."""
    repo = Path(__file__).parents[2]
    packaged = repo / "tools" / "hindsight" / "defaults" / "archive" / "docs" / "guide"
    pages = sorted(p.name for p in packaged.glob("*.md"))
    assert pages == sorted(p.name for p in (repo / "docs" / "guide").glob("*.md"))
    for name in pages:
        assert (repo / "docs" / "guide" / name).read_text() == (packaged / name).read_text(), name


def test_packaged_theme_matches_this_repository() -> None:
    """The theme init gives an archive is this repository's: the palette Hindsight's stylesheet
    makes meet WCAG 2.1 AA (tests/site/test_accessibility.py checks this repository's)."""
    repo = Path(__file__).parents[2]
    packaged = repo / "tools" / "hindsight" / "defaults" / "archive" / "mkdocs.yml"
    theme = yaml.safe_load(packaged.read_text())["theme"]
    assert theme == yaml.safe_load((repo / "mkdocs.yml").read_text())["theme"]
    schemes = [(p["scheme"], p["primary"], p["accent"]) for p in theme["palette"]]
    assert schemes == [("default", "custom", "custom"), ("slate", "custom", "custom")]
