"""Installed from a git URL, Hindsight gives a new archive a requirements.txt that installs it.

The project is committed to a git repository in tmp_path and pip-installs it by a
``git+file://`` URL into a fresh venv, as a team installs a commit that is not released. The
venv sees this test's own site-packages (a ``.pth`` file) for the dependencies and for the
build backend, so that nothing is downloaded (``--no-deps --no-build-isolation``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import git

REPO = Path(__file__).parents[1]
pytestmark = pytest.mark.slow


def _source(tmp_path: Path) -> tuple[Path, str]:
    """This project's files, committed to a new git repository: (its folder, the commit)."""
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "tools", src / "tools", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "release candidate")
    commit = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return src, commit


def _venv(folder: Path) -> Path:
    """A new venv whose own site-packages comes first, then this test's; its bin folder."""
    venv.EnvBuilder(with_pip=False).create(folder)
    bin_dir = folder / ("Scripts" if os.name == "nt" else "bin")
    inner = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "_outer.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _pip_install(bin_dir: Path, *args: str, cwd: Path) -> None:
    _run(
        bin_dir,
        "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        *args,
        cwd=cwd,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_archive_made_from_a_git_install_installs_the_same_commit_and_builds(
    tmp_path: Path,
) -> None:
    src, commit = _source(tmp_path)
    url = f"git+{src.as_uri()}@{commit}"
    first = _venv(tmp_path / "venv-git")
    _pip_install(first, f"hindsight-postmortems @ {url}", cwd=tmp_path)

    done = _run(first, "hindsight", "init", "incident-archive", cwd=tmp_path)
    archive = tmp_path / "incident-archive"
    requirement = f"hindsight-postmortems @ {url}"
    assert f"CI installs {requirement} (requirements.txt)." in done.stdout
    lines = (archive / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [requirement]
    assert f"{src} is a repository on this machine, which CI cannot clone" in done.stderr
    assert "git+https://HOST/OWNER/REPO@" + commit in done.stderr

    # what every workflow of the archive does: install from requirements.txt, then build
    second = _venv(tmp_path / "venv-ci")
    _pip_install(second, "-r", "requirements.txt", cwd=archive)
    installed = _run(
        second, "python", "-c", "import hindsight; print(hindsight.__file__)", cwd=archive
    )
    assert Path(installed.stdout.strip()).is_relative_to(tmp_path / "venv-ci")
    _run(second, "python", "-m", "mkdocs", "build", "--strict", cwd=archive)
    assert (archive / "site" / "index.html").is_file()
    _run(second, "hindsight", "check", cwd=archive)
