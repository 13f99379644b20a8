"""The requirement that installs this Hindsight again, read from an install's own record.

Each case is a real ``*.dist-info`` folder, as pip writes it (METADATA, and PEP 610's
``direct_url.json`` for an install that did not come from an index), read through
:class:`importlib.metadata.PathDistribution`.
"""

from __future__ import annotations

import json
from importlib.metadata import PathDistribution
from pathlib import Path

import pytest

from hindsight.errors import HindsightError
from hindsight.requirement import NAME, pin, rewrite
from tests.conftest import git, write

COMMIT = "4f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"


def _dist(tmp_path: Path, direct_url: object = None, version: str = "0.3.0") -> PathDistribution:
    folder = tmp_path / "site-packages" / f"hindsight_postmortems-{version}.dist-info"
    write(folder / "METADATA", f"Metadata-Version: 2.4\nName: {NAME}\nVersion: {version}\n")
    if isinstance(direct_url, str):
        write(folder / "direct_url.json", direct_url)
    elif direct_url is not None:
        write(folder / "direct_url.json", json.dumps(direct_url))
    return PathDistribution(folder)


def _repository(tmp_path: Path, origin: str | None = None) -> tuple[Path, str]:
    repo = tmp_path / "checkout"
    write(repo / "pyproject.toml", "[project]\nname = 'hindsight-postmortems'\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    if origin:
        git(repo, "remote", "add", "origin", origin)
    head = (repo / ".git" / "HEAD").read_text().split()[-1]
    return repo, (repo / ".git" / head).read_text().strip()


def test_a_release_from_the_index_is_pinned_by_version(tmp_path: Path) -> None:
    assert pin(_dist(tmp_path)).requirement == "hindsight-postmortems==0.3.0"
    assert pin(_dist(tmp_path)).warning is None


def test_a_git_url_is_pinned_to_the_commit_installed(tmp_path: Path) -> None:
    record = {
        "url": "https://github.com/acme/hindsight.git",
        "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT},
    }
    found = pin(_dist(tmp_path, record))
    assert found.requirement == (
        f"hindsight-postmortems @ git+https://github.com/acme/hindsight.git@{COMMIT}"
    )
    assert found.warning is None


def test_a_subdirectory_of_a_repository_is_kept(tmp_path: Path) -> None:
    record = {
        "url": "https://git.example.com/tools.git",
        "vcs_info": {"vcs": "git", "commit_id": COMMIT},
        "subdirectory": "hindsight",
    }
    assert pin(_dist(tmp_path, record)).requirement == (
        f"hindsight-postmortems @ git+https://git.example.com/tools.git@{COMMIT}"
        "#subdirectory=hindsight"
    )


def test_a_repository_on_this_machine_is_written_with_what_to_push(tmp_path: Path) -> None:
    """CI cannot clone a file: URL; the warning names the commit at the repository's origin."""
    repo, head = _repository(tmp_path, origin="https://github.com/acme/hindsight.git")
    record = {"url": repo.as_uri(), "vcs_info": {"vcs": "git", "commit_id": head}}
    found = pin(_dist(tmp_path, record))
    assert found.requirement == f"hindsight-postmortems @ git+{repo.as_uri()}@{head}"
    assert found.warning == (
        f"{repo} is a repository on this machine, which CI cannot clone; once commit {head} is "
        f"pushed, write instead: hindsight-postmortems @ git+https://github.com/acme/hindsight.git@{head}"
    )


def test_an_editable_checkout_is_written_and_named_for_what_it_is(tmp_path: Path) -> None:
    repo, head = _repository(tmp_path)
    record = {"url": repo.as_uri(), "dir_info": {"editable": True}}
    found = pin(_dist(tmp_path, record))
    assert found.requirement == f"hindsight-postmortems @ {repo.as_uri()}"
    assert found.warning == (
        f"Hindsight runs from an editable install of {repo}, a folder on this machine, which CI "
        "cannot reach; write instead the repository it is pushed to (hindsight-postmortems @ "
        f"git+https://HOST/OWNER/REPO@{head}), or a release (hindsight-postmortems==0.3.0)"
    )


def test_a_folder_that_is_not_a_repository_suggests_a_release(tmp_path: Path) -> None:
    folder = tmp_path / "unpacked"
    folder.mkdir()
    found = pin(_dist(tmp_path, {"url": folder.as_uri(), "dir_info": {}}))
    assert found.warning is not None
    assert found.warning.startswith(f"Hindsight runs from an install of {folder}, a folder")
    assert found.warning.endswith(
        "write instead a release (hindsight-postmortems==0.3.0) or a git URL CI can reach"
    )


def test_a_wheel_from_a_web_address_keeps_its_hash(tmp_path: Path) -> None:
    url = "https://files.example.com/hindsight_postmortems-0.3.0-py3-none-any.whl"
    record = {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    found = pin(_dist(tmp_path, record))
    assert found.requirement == f"hindsight-postmortems @ {url}#sha256={'ab' * 32}"
    assert found.warning is None
    legacy = pin(_dist(tmp_path, {"url": url, "archive_info": {"hash": "sha256=" + "cd" * 32}}))
    assert legacy.requirement.endswith(f"#sha256={'cd' * 32}")


def test_a_wheel_file_on_this_machine_is_flagged(tmp_path: Path) -> None:
    wheel = tmp_path / "dist" / "hindsight_postmortems-0.3.0-py3-none-any.whl"
    found = pin(_dist(tmp_path, {"url": wheel.as_uri(), "archive_info": {}}))
    assert found.requirement == f"hindsight-postmortems @ {wheel.as_uri()}"
    assert found.warning is not None and found.warning.startswith(
        f"{wheel} is a file on this machine, which CI cannot download; write instead the "
        "release (hindsight-postmortems==0.3.0)"
    )


def test_a_repository_over_ssh_is_flagged(tmp_path: Path) -> None:
    record = {
        "url": "ssh://git@github.com/acme/hindsight.git",
        "vcs_info": {"vcs": "git", "commit_id": COMMIT},
    }
    found = pin(_dist(tmp_path, record))
    assert found.requirement.endswith(f"git+ssh://git@github.com/acme/hindsight.git@{COMMIT}")
    assert found.warning is not None and "a key CI does not have" in found.warning


@pytest.mark.parametrize("damaged", ["{not json", "[]", '{"vcs_info": {}}', '{"url": 3}'])
def test_a_damaged_record_falls_back_to_the_release(tmp_path: Path, damaged: str) -> None:
    found = pin(_dist(tmp_path, damaged))
    assert found.requirement == "hindsight-postmortems==0.3.0"
    assert found.warning is not None and "(direct_url.json) cannot be read" in found.warning


NEW = "hindsight-postmortems==0.3.0"


def test_rewrite_replaces_only_the_line_that_installs_hindsight() -> None:
    """The name init wrote before (hindsight, another project on the index) is replaced too;
    every other byte stays, CRLF line endings included."""
    before = "# pins\r\nmkdocs-redirects==1.2.1\r\nhindsight==0.1.0\r\nrequests\r\n"
    after, change = rewrite(before, NEW)
    assert (
        after == "# pins\r\nmkdocs-redirects==1.2.1\r\nhindsight-postmortems==0.3.0\r\nrequests\r\n"
    )
    assert (change.line, change.before, change.after) == (3, "hindsight==0.1.0", NEW)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hindsight-postmortems==0.2.0  # what CI runs", f"{NEW}  # what CI runs"),
        ("Hindsight_Postmortems[test]>=0.2", "hindsight-postmortems[test]==0.3.0"),
        (
            'hindsight-postmortems==0.2.0; python_version >= "3.10"',
            f'{NEW} ; python_version >= "3.10"',
        ),
        ("-e git+https://github.com/acme/hindsight.git@main#egg=hindsight-postmortems", NEW),
        (f"hindsight-postmortems @ git+https://github.com/acme/hindsight.git@{COMMIT}", NEW),
    ],
)
def test_rewrite_keeps_extras_markers_and_comments(line: str, expected: str) -> None:
    after, change = rewrite(f"{line}\n", NEW)
    assert after == f"{expected}\n"
    assert change.before == line


def test_rewrite_leaves_other_projects_named_alike_alone() -> None:
    before = "hindsight-client==0.9.1\nhindsightx\n"
    after, change = rewrite(before, NEW)
    assert after == before + NEW + "\n"
    assert (change.line, change.before) == (3, None)


def test_rewrite_adds_the_line_to_a_file_without_a_final_newline() -> None:
    after, change = rewrite("requests", NEW)
    assert after == f"requests\n{NEW}\n"
    assert change.line == 2


def test_rewrite_refuses_two_lines_and_a_continued_line() -> None:
    with pytest.raises(HindsightError, match=r"requirements.txt: lines 1 and 3 each install"):
        rewrite("hindsight==0.1.0\nrequests\nhindsight-postmortems==0.2.0\n", NEW)
    with pytest.raises(HindsightError, match=r"requirements.txt:2: .* goes on to the next"):
        rewrite("requests\nhindsight-postmortems==0.2.0 \\\n    --hash=sha256:00\n", NEW)
