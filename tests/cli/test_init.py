"""``hindsight init`` creates a ready archive, and never writes over one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from hindsight.requirement import installed
from tests.conftest import git, write

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git_out(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


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
        ".gitignore",
        "README.md",
    ):
        assert (root / rel).is_file(), rel
    assert "Created a Hindsight archive" in result.out


def test_requirements_pin_the_hindsight_that_ran_init(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """requirements.txt, which every workflow installs, names this install, not a guess."""
    result = run("init", str(tmp_path / "arch"), "--no-git")
    pin = installed()
    lines = (tmp_path / "arch" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [pin.requirement]
    assert pin.requirement.startswith("hindsight-postmortems")
    assert f"CI installs {pin.requirement} (requirements.txt)." in result.out
    if pin.warning:  # an editable install of this checkout: CI could not reach it
        assert f"hindsight: warning: requirements.txt: {pin.warning}" in result.err


@needs_git
def test_runs_git_init_on_main(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Outside a repository, init makes the archive a git repository on main, the branch its
    workflows run on, whatever git's own default branch."""
    config = write(tmp_path / "gitconfig", "[init]\n\tdefaultBranch = master\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert run("init", str(tmp_path / "arch")).code == 0
    assert (tmp_path / "arch" / ".git").is_dir()
    assert _git_out(tmp_path / "arch", "symbolic-ref", "--short", "HEAD") == "main"
    for name in ("check.yml", "publish.yml"):
        workflow = (tmp_path / "arch" / ".github" / "workflows" / name).read_text()
        assert "branches: [main]" in workflow, name


@needs_git
def test_warns_inside_a_repository_on_another_branch(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """In an existing repository, init leaves git alone and says why publish would not run."""
    git(tmp_path, "init", "-q")
    git(tmp_path, "symbolic-ref", "HEAD", "refs/heads/master")
    result = run("init", str(tmp_path / "arch"))
    assert result.code == 0
    assert not (tmp_path / "arch" / ".git").exists()
    assert (
        "hindsight: warning: the workflows run on pushes to main, and this repository is on "
        "master: rename it (git branch -m main)"
    ) in result.err


@needs_git
def test_what_a_build_leaves_is_not_committed(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """site/, a stopped build's folder beside it, the check cache and a venv stay out of git."""
    from hindsight.site.plugin import HindsightPlugin

    root = tmp_path / "arch"
    assert run("init", str(root)).code == 0
    write(root / "site" / "index.html", "<p>built</p>")
    building = HindsightPlugin()
    building._build_aside(SimpleNamespace(site_dir=str(root / "site")))  # type: ignore[arg-type]
    write(Path(building.building) / "index.html", "<p>half built</p>")
    write(root / ".hindsight-cache" / "check.sqlite", "cache")
    write(root / ".venv" / "bin" / "python", "")
    write(root / "tools" / "__pycache__" / "x.cpython-311.pyc", "")
    git(root, "add", "-A")
    tracked = _git_out(root, "ls-files").splitlines()
    assert {"README.md", ".gitignore", "requirements.txt", "mkdocs.yml"} <= set(tracked)
    assert [p for p in tracked if re.match(r"(site|\.site|\.hindsight|\.venv|tools)", p)] == []


def test_the_readme_says_how_to_set_up_pages(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """publish.yml fails until Pages' source is GitHub Actions: the archive's README and the
    guide both say so, and the README's links lead somewhere."""
    root = tmp_path / "arch"
    assert run("init", str(root), "--no-git").code == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    step = "**Settings → Pages**, set **Source: GitHub Actions**"
    assert step in readme
    assert "hindsight init --upgrade" in readme and "git push -u origin main" in readme
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        assert (root / target).exists(), target
    assert "#publishing" in readme
    guide = (root / "docs" / "guide" / "running.md").read_text(encoding="utf-8")
    assert "## Publishing" in guide and step in guide
    assert "pip install hindsight-postmortems" in guide


def test_upgrade_rewrites_only_the_line_that_installs_hindsight(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An archive made before the distribution had its name says hindsight==0.1.0: --upgrade
    replaces that line with this install, keeping the BOM, the CRLF and the other lines."""
    path = write(
        archive / "requirements.txt", b"\xef\xbb\xbf# CI\r\nhindsight==0.1.0\r\nrequests\r\n"
    )
    result = run("init", "--upgrade")
    assert result.code == 0, result.err
    new = installed().requirement
    assert path.read_bytes() == f"\ufeff# CI\r\n{new}\r\nrequests\r\n".encode()
    assert result.out == f"{path}:2: hindsight==0.1.0 -> {new}\n"
    again = run("init", "--upgrade", str(archive))
    assert again.out == f"{path}:2: already {new}; nothing to change\n"


def test_upgrade_refuses_an_archive_without_requirements(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    (archive / "requirements.txt").unlink()
    result = run("init", "--upgrade")
    assert result.code == 2
    assert "requirements.txt does not exist; run 'hindsight init --upgrade' in an archive" in (
        result.err
    )
    assert not (archive / "requirements.txt").exists()


def test_init_needs_a_directory(tmp_path: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.code == 2
    assert "give the DIRECTORY to create the archive in" in result.err
    assert list(tmp_path.iterdir()) == []


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
