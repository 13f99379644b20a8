"""The folders builds leave beside the site when stopped are removed, never a running build's;
a build that cannot write (a full disk) says so in one line and leaves the last good site."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write
from tests.site.conftest import HINDSIGHT_YML, MKDOCS_YML, Build, make_incident

REPO = Path(__file__).parents[2]
LONG_AGO = time.time() - 3600


def _left(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site.hindsight-"))


def _stale(parent: Path, name: str) -> Path:
    folder = write(parent / name / "index.html", "<p>an old build</p>").parent
    os.utime(folder, (LONG_AGO, LONG_AGO))
    return folder


def _holder(folder: Path) -> subprocess.Popen[str]:
    """Another process holding the folder's lock, as a running build does."""
    code = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(folder)!r}, os.O_RDONLY)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_a_stopped_builds_folders_go_a_running_or_new_ones_stay(
    tmp_path: Path, build: Build, caplog: pytest.LogCaptureFixture
) -> None:
    make_incident(tmp_path, "2026-11-21-a")
    _stale(tmp_path, ".site.hindsight-killed1")
    _stale(tmp_path, ".site.hindsight-killed2.old")  # an old site, its move stopped midway
    running = _holder(_stale(tmp_path, ".site.hindsight-running"))
    write(tmp_path / ".site.hindsight-justmade" / "x", "")  # not locked yet, a moment old
    other = _stale(tmp_path, ".other.hindsight-1")  # another site's: not this build's business
    try:
        with caplog.at_level("INFO"):
            site = build()
    finally:
        running.kill()
        running.wait()
    assert (site / "index.html").is_file()
    assert _left(tmp_path) == [".site.hindsight-justmade", ".site.hindsight-running"]
    assert other.is_dir()
    assert "removed 2 folders left by stopped builds" in caplog.text


def test_a_killed_build_leaves_a_folder_that_the_next_build_removes(tmp_path: Path) -> None:
    """A real `mkdocs build` killed while it writes; the next one, later, removes its folder."""
    make_incident(tmp_path, "2026-11-21-a")
    write(tmp_path / "mkdocs.yml", MKDOCS_YML)
    write(tmp_path / "hindsight.yml", HINDSIGHT_YML)
    write(tmp_path / "docs" / "index.md", "# Test archive\n")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")]
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _left(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = _left(tmp_path)
    assert len(left) == 1, "the build was killed after it made its folder"
    again = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0 and _left(tmp_path) == left  # a minute has not passed
    os.utime(tmp_path / left[0], (LONG_AGO, LONG_AGO))
    again = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert _left(tmp_path) == []
    assert "removed 1 folder left by stopped builds" in again.stderr


def test_git_ignores_the_folders_of_builds() -> None:
    if shutil.which("git") is None:
        pytest.skip("no git")
    ignored = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", "-q", ".site.hindsight-x1y2/"],
        check=False,
    )
    assert ignored.returncode == 0


def _tmpfs_available() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _tmpfs_available(), reason="no mount namespace with a tmpfs here")
def test_a_full_disk_fails_the_build_in_one_line_and_keeps_the_last_site(tmp_path: Path) -> None:
    """A real full disk: the site is built on a tmpfs of a mount namespace of its own, which is
    then made too small for a second copy of the site beside the first."""
    make_incident(tmp_path, "2026-11-21-a")
    write(tmp_path / "mkdocs.yml", MKDOCS_YML)
    write(tmp_path / "hindsight.yml", HINDSIGHT_YML)
    write(tmp_path / "docs" / "index.md", "# Test archive\n")
    disk = tmp_path / "disk"
    disk.mkdir()
    site = disk / "site"
    mkdocs = f"{sys.executable} -m mkdocs build --site-dir {site}"
    script = (
        f"set -e\nmount -t tmpfs -o size=64m tmpfs {disk}\n{mkdocs} 2>/dev/null\n"
        f"find {site} -type f | sort | xargs md5sum > {tmp_path}/before\n"
        f"used=$(du -sk {disk} | cut -f1)\n"
        f"mount -o remount,size=$((used + used / 2 + 64))k {disk}\n"
        f"set +e\n{mkdocs} > {tmp_path}/out 2> {tmp_path}/err\necho $? > {tmp_path}/code\n"
        f"find {site} -type f | sort | xargs md5sum > {tmp_path}/after\n"
        f"ls -a {disk} > {tmp_path}/left\n"
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = (tmp_path / "out").read_text() + (tmp_path / "err").read_text()
    assert (tmp_path / "code").read_text().strip() == "2", said
    assert "Traceback" not in said
    lines = [line for line in said.splitlines() if "could not be written" in line]
    assert len(lines) == 1, said
    assert "No space left on device" in lines[0] and str(disk) in lines[0]
    assert "the last good site" in lines[0] and "free some space and build again" in lines[0]
    assert (tmp_path / "after").read_text() == (tmp_path / "before").read_text()
    assert ".site.hindsight-" not in (tmp_path / "left").read_text()
