"""Usage, configuration and I/O problems exit 2 with one clear message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write


def test_outside_an_archive(tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Commands that need an archive say how to find or make one."""
    monkeypatch.chdir(tmp_path)
    result = run("log", "x")
    assert result.code == 2
    assert "not inside a Hindsight archive" in result.err and "hindsight init DIR" in result.err


def test_a_broken_config_names_file_and_line(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Every problem in hindsight.yml is listed with its line; nothing else runs."""
    write(archive / "hindsight.yml", "comms:\n  cadense_minutes: 10\nseverities: 3\n")
    result = run("new", "Title", "--severity", "SEV1")
    assert result.code == 2
    assert (
        "hindsight.yml:2: 'comms.cadense_minutes' is not a known key; did you mean 'comms.cadence_minutes'?"
        in result.err
    )
    assert "hindsight.yml:3: 'severities' must map each severity" in result.err
    assert "Traceback" not in result.err


def test_repo_option_points_at_the_archive(
    archive: Path, tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """--repo works from anywhere."""
    monkeypatch.chdir(tmp_path)
    result = run("--repo", str(archive), "new", "From elsewhere", "--severity", "SEV4")
    assert result.code == 0 and (archive / "incidents/2026-11-21-from-elsewhere").is_dir()


def test_unknown_command_and_version(run) -> None:  # type: ignore[no-untyped-def]
    """Click's usage errors exit 2; --version exits 0."""
    assert run("frobnicate").code == 2
    result = run("--version")
    assert result.code == 0 and "hindsight, version" in result.out


def test_a_frozen_clock_that_cannot_be_read(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A bad $HINDSIGHT_NOW is an error naming the variable, not a traceback."""
    run("new", "Checkout down", "--severity", "SEV2")
    monkeypatch.setenv("HINDSIGHT_NOW", "yesterday")
    result = run("log", "x")
    assert result.code == 2 and "internal error" not in result.err
    assert "hindsight: error: $HINDSIGHT_NOW='yesterday'" in result.err
