"""Shared fixtures: an archive in tmp_path, a frozen clock, the CLI, golden files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from hindsight.cli import main
from hindsight.scaffold import init_archive

NOW = "2026-11-21T14:05Z"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-goldens``: rewrite golden files from the current output."""
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden files")


@dataclass
class Result:
    """What one CLI run returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _check_cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``hindsight check`` keeps its cache in the test's tmp_path, never in this repository."""
    monkeypatch.setenv("HINDSIGHT_CACHE_DIR", str(tmp_path / "check-cache"))


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> str:
    """Freeze Hindsight's clock at 2026-11-21 14:05 UTC."""
    monkeypatch.setenv("HINDSIGHT_NOW", NOW)
    return NOW


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: str) -> Path:
    """A fresh archive made by ``hindsight init``, as the current folder."""
    root = tmp_path / "archive"
    init_archive(root, git=False)
    monkeypatch.chdir(root)
    monkeypatch.setenv("TZ", "UTC")
    return root


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``hindsight ARGS`` in-process; return its exit code and output."""

    def _run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with ``tests/golden/NAME``; ``--update-goldens`` rewrites it."""
    update = request.config.getoption("--update-goldens")

    def _check(name: str, actual: str) -> None:
        path = Path(__file__).parent / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
        assert path.exists(), f"no golden file {name}; run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8"), f"output differs from golden/{name}"

    return _check


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` as a test author, whatever the machine's git configuration; fail loudly."""
    import subprocess

    subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def write(path: Path, text: str | bytes) -> Path:
    """Write ``text`` to ``path``, creating folders; bytes are written as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


HEAVY = ("jinja2", "markdown", "mkdocs", "material")


def heavy_imports(cwd: Path, *argv: str) -> tuple[int, list[str]]:
    """Run ``hindsight ARGV`` in a fresh interpreter: its exit code and which of HEAVY it
    imported (the commands used mid-incident must start fast)."""
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\nfrom hindsight.cli import main\n"
        f"rc = main({list(argv)!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(json.dumps([rc, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    rc, heavy = json.loads(out.strip().splitlines()[-1])
    return rc, heavy
