"""The GitHub files ``hindsight init`` creates: valid, least-privileged, and every ``run:`` works.

Each workflow's ``run:`` commands are run here, in order, with bash as GitHub runs them,
in a real git repository made by ``hindsight init`` and holding the example incidents, on
a branch with a commit beyond ``origin/main`` as in a pull request.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from hindsight.config import DEFAULT_SEVERITIES
from hindsight.scaffold import DEFAULTS, init_archive
from tests.conftest import git, write
from tests.trackers import TOKEN, FakeGitHub

REPO = Path(__file__).parents[2]
PACKAGED = DEFAULTS / "archive" / "github"
ARCHIVE_WORKFLOWS = ("check.yml", "publish.yml", "weekly.yml")
ALL_WORKFLOWS = sorted(
    {*(REPO / ".github" / "workflows").glob("*.yml"), *(PACKAGED / "workflows").glob("*.yml")}
)
#: the values of the expressions the workflows' ``env:`` may use, as on a pull request into main
EXPRESSIONS = {
    "github.base_ref": "main",
    "hashFiles('hindsight.yml', 'templates/incident/**')": "5f0c" * 16,
    "github.token": TOKEN,
    "secrets.JIRA_USER": "",
    "secrets.JIRA_API_TOKEN": "",
}
NOW = "2026-11-21T14:05Z"


def _workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _on(workflow: dict[str, Any]) -> dict[str, Any]:
    """The triggers (PyYAML reads the key ``on`` as True)."""
    triggers = workflow.get("on", workflow.get(True))
    return triggers if isinstance(triggers, dict) else {name: None for name in triggers}


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A new archive holding the example incidents, on a pull-request branch ahead of origin/main."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "archive"
    init_archive(root, git=False)
    shutil.rmtree(root / "incidents")
    shutil.copytree(REPO / "incidents", root / "incidents")
    shutil.copy(REPO / "hindsight.yml", root / "hindsight.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(root, "checkout", "-q", "-b", "postmortem")
    return root


def _commit(root: Path, rel: str, extra: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    git(root, "commit", "-q", "-am", "edit")


def _expand(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        assert name in EXPRESSIONS, f"the test does not know the expression {name!r}"
        return EXPRESSIONS[name]

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def _run(
    root: Path,
    step: dict[str, Any],
    summary: Path,
    shell: tuple[str, ...] = ("bash", "--noprofile", "--norc", "-eo", "pipefail"),
) -> subprocess.CompletedProcess[str]:
    """One ``run:`` step as GitHub runs it: bash -eo pipefail (``shell: bash``; Actions' default
    without ``shell:`` is plain ``bash -e``), the step's env, our venv first."""
    env = dict(
        os.environ,
        HINDSIGHT_NOW=NOW,
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(summary.with_name("output")),
        CI="true",
        GITHUB_ACTIONS="true",
        NO_MKDOCS_2_WARNING="1",
    )
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({k: _expand(v) for k, v in (step.get("env") or {}).items()})
    return subprocess.run(
        [*shell, "-c", step["run"]],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_workflow_is_valid_and_least_privileged(path: Path) -> None:
    workflow = _workflow(path)
    assert "pull_request_target" not in _on(workflow), (
        "pull_request_target runs fork code with secrets"
    )
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "run" in step:
                # an expression pasted into a script is a script-injection hole: pass it in env
                assert "${{" not in step["run"], step["run"]
            elif step["uses"].startswith("pypa/gh-action-pypi-publish@"):
                assert step["uses"].endswith("@release/v1"), "the ref its authors maintain"
            else:
                assert re.search(r"@v\d+$", step["uses"]), step["uses"]


def test_the_archive_files_here_are_what_init_creates() -> None:
    packaged = sorted(p for p in PACKAGED.rglob("*") if p.is_file())
    assert len(packaged) >= 6
    for source in packaged:
        rel = source.relative_to(PACKAGED)
        assert (REPO / ".github" / rel).read_bytes() == source.read_bytes(), (
            f".github/{rel} differs from init's"
        )


def test_pull_requests_are_checked_changes_first_then_all_then_the_site() -> None:
    workflow = _workflow(PACKAGED / "workflows" / "check.yml")
    assert _on(workflow) == {"pull_request": None, "push": {"branches": ["main"]}}
    steps = _steps(workflow)
    runs = [s.get("run", "") for s in steps]
    uses = [s.get("uses", "") for s in steps]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any("--changed-since" in r and "--format github" in r for r in runs)
    assert any("hindsight check --format sarif" in r for r in runs)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(r.strip() == "mkdocs build --strict" for r in runs)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    restore = uses.index("actions/cache/restore@v4")
    save = uses.index("actions/cache/save@v4")
    whole = runs.index(next(r for r in runs if "--format sarif" in r))
    assert restore < whole < save, "the cache is restored before the checks and kept after"
    assert "!cancelled()" in steps[save]["if"], "kept also when the check found errors"
    prefix = "${{ steps.cache.outputs.prefix }}"
    for step in (steps[restore], steps[save]):
        assert step["with"]["path"] == ".hindsight-cache"
        assert step["with"]["key"] == prefix + "${{ github.run_id }}-${{ github.run_attempt }}"
    assert steps[restore]["with"]["restore-keys"] == prefix
    assert "--changed-since" in runs[restore + 1] and "pull_request" in steps[restore + 1]["if"]
    job = next(iter(workflow["jobs"].values()))
    assert job["permissions"] == {"contents": "read", "security-events": "write"}


def test_the_check_cache_is_named_after_the_version_and_the_settings(
    archive: Path, tmp_path: Path
) -> None:
    """Another Hindsight or other settings never restore this one's cache (the cache checks too)."""
    from hindsight import __version__

    summary = tmp_path / "summary.md"
    steps = _steps(_workflow(archive / ".github" / "workflows" / "check.yml"))
    named = next(s for s in steps if s.get("id") == "cache")
    assert named["env"]["SETTINGS"] == "${{ hashFiles('hindsight.yml', 'templates/incident/**') }}"
    done = _run(archive, named, summary)
    assert done.returncode == 0, done.stderr
    output = summary.with_name("output").read_text(encoding="utf-8")
    assert output == f"prefix=hindsight-check-{__version__}-{'5f0c' * 4}-\n"


def test_the_site_is_deployed_on_push_to_main_and_every_day() -> None:
    workflow = _workflow(PACKAGED / "workflows" / "publish.yml")
    triggers = _on(workflow)
    assert triggers["push"] == {"branches": ["main"]}
    _minute, _hour, *days = triggers["schedule"][0]["cron"].split()
    assert days == ["*", "*", "*"], "daily, so that 'on this day' moves with the date"
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in workflow["jobs"]["build"]
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in _steps(workflow))


def test_the_overdue_summary_is_weekly() -> None:
    triggers = _on(_workflow(PACKAGED / "workflows" / "weekly.yml"))
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]


@pytest.mark.parametrize("name", ARCHIVE_WORKFLOWS)
def test_every_run_command_passes_on_the_example_archive(
    archive: Path, tmp_path: Path, name: str
) -> None:
    _commit(
        archive,
        "incidents/2026-11-21-search-results-stale/timeline.log",
        "2026-11-21T10:20Z [comms] Status page: still investigating; next update 10:50 UTC\n",
    )
    summary = tmp_path / "summary.md"
    steps = [s for s in _steps(_workflow(archive / ".github" / "workflows" / name)) if "run" in s]
    assert steps
    for step in steps:
        done = _run(archive, step, summary)
        assert done.returncode == 0, (
            f"{step.get('name', step['run'])}:\n{done.stdout}\n{done.stderr}"
        )
    if name == "check.yml":
        sarif = json.loads((archive / "hindsight.sarif").read_text())
        assert sarif["version"] == "2.1.0"
    if name != "weekly.yml":
        assert (
            archive / "site" / "incidents" / "2026-11-21-search-results-stale" / "index.html"
        ).is_file()
    else:
        text = summary.read_text()
        assert text.startswith("## Overdue on 2026-11-21\n")
        assert (
            "| 11 days | 2026-11-03-checkout-errors-after-pool-change | SEV2 | in-review | 2026-11-10 |"
            in text
        )
        assert (
            "<details><summary>Figures</summary>" in text
            and "7 incidents (as of 2026-11-21)" in text
        )


def test_the_weekly_read_back_marks_done_what_the_tracker_closed(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeGitHub()
    try:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        fake.issues[2] = dict(
            fake.issues[1], number=2, html_url=f"https://github.com/{fake.repo}/issues/2"
        )
        del fake.issues[2]["pull_request"]
        fake.close_issue(2)
        rel = "incidents/2026-11-03-checkout-errors-after-pool-change/postmortem.md"
        path = archive / rel
        text = path.read_text(encoding="utf-8")
        row = next(
            line for line in text.splitlines() if line.startswith("| ") and "| open |" in line
        )
        ticket = row.split("|")[4]
        path.write_text(text.replace(row, row.replace(ticket, " #2 ")), encoding="utf-8")
        with (archive / "hindsight.yml").open("a", encoding="utf-8") as handle:
            handle.write(f"\ntracker:\n  kind: github\n  repo: {fake.repo}\n")
        git(archive, "commit", "-q", "-am", "tracker")
        jobs = _workflow(archive / ".github" / "workflows" / "weekly.yml")["jobs"]
        assert jobs["tracker"]["permissions"] == {
            "contents": "write",
            "pull-requests": "write",
            "issues": "read",
        }
        step = next(s for s in jobs["tracker"]["steps"] if "actions sync" in s.get("run", ""))
        done = _run(archive, step, tmp_path / "summary.md")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "mark done" in done.stdout
        assert "#4471 is not in GitHub issues of example/incident-archive" in done.stdout
        assert row.replace(ticket, " #2 ").replace("| open |", "| done |") in path.read_text(
            encoding="utf-8"
        )
        assert TOKEN not in done.stdout + done.stderr
        # a sync that fails fails the job, as Actions runs a step (bash -e, no pipefail)
        monkeypatch.setitem(EXPRESSIONS, "github.token", TOKEN + "-revoked")
        failed = _run(archive, step, tmp_path / "summary.md", shell=("bash", "-e"))
        assert failed.returncode != 0 and "Bad credentials" in failed.stderr
    finally:
        fake.close()


def test_a_blameful_change_fails_the_pull_request_with_an_annotation(
    archive: Path, tmp_path: Path
) -> None:
    rel = "incidents/2026-11-03-checkout-errors-after-pool-change/postmortem.md"
    _commit(archive, rel, "\nThe on-call engineer forgot to check the pool size.\n")
    step = next(
        s
        for s in _steps(_workflow(archive / ".github" / "workflows" / "check.yml"))
        if "--changed-since" in s.get("run", "")
    )
    done = _run(archive, step, tmp_path / "summary.md")
    assert done.returncode == 1
    assert re.search(
        rf"^::error file={re.escape(rel)},line=\d+,.*HS301", done.stdout, re.MULTILINE
    ), done.stdout
    assert "1 incident checked" in done.stdout or done.stdout.count("::error") == 1


def _hook(path: Path) -> dict[str, Any]:
    hooks = yaml.safe_load(path.read_text())
    if isinstance(hooks, dict):  # .pre-commit-config.yaml
        hooks = hooks["repos"][0]["hooks"]
    (hook,) = [h for h in hooks if h["id"] == "hindsight-check"]
    return hook


@pytest.mark.parametrize(
    "config",
    [REPO / ".pre-commit-hooks.yaml", DEFAULTS / "archive" / "pre-commit-config.yaml"],
    ids=["hooks-for-any-repository", "config-init-creates"],
)
def test_pre_commit_runs_the_check_on_the_changed_files(archive: Path, config: Path) -> None:
    hook = _hook(config)
    changed = [
        "README.md",
        "incidents/2026-11-21-search-results-stale/timeline.log",
        "incidents/2026-11-03-checkout-errors-after-pool-change/postmortem.md",
        "docs/index.md",
    ]
    given = [f for f in changed if re.search(hook["files"], f)]
    assert given == changed[1:3]
    command = [*shlex.split(hook["entry"]), *given]
    env = dict(
        os.environ,
        HINDSIGHT_NOW=NOW,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    done = subprocess.run(
        command, cwd=archive, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 incidents checked" in done.stdout
    _commit(archive, given[1], "\nThe on-call engineer forgot to check the pool size.\n")
    done = subprocess.run(
        command, cwd=archive, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "HS301" in done.stdout
    assert re.search(hook["files"], "hindsight.yml") and re.search(
        hook["files"], "templates/comms/external.md.j2"
    )


def test_the_issue_form_declares_an_incident_with_the_default_severities() -> None:
    form = yaml.safe_load((PACKAGED / "ISSUE_TEMPLATE" / "declare-incident.yml").read_text())
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    options = fields["severity"]["attributes"]["options"]
    assert [o.split(":")[0] for o in options] == list(DEFAULT_SEVERITIES)
    assert (
        fields["severity"]["validations"]["required"] and fields["what"]["validations"]["required"]
    )
    assert {"services", "started", "commander"} <= set(fields)
    assert form["labels"] == ["incident"]


def test_the_pull_request_template_is_the_reviewers_checklist() -> None:
    text = (PACKAGED / "PULL_REQUEST_TEMPLATE.md").read_text()
    boxes = re.findall(r"^- \[ \] \*\*(.+?)\*\*", text, re.MULTILINE)
    assert boxes == [
        "Impact is complete",
        "The causes go deep enough",
        "The actions are owned and ticketed",
        "It is blameless",
        "It has been shared with stakeholders",
    ]


def test_codeowners_maps_incident_folders_to_reviewers() -> None:
    rules = [
        line.split()
        for line in (PACKAGED / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[0][0] == "/incidents/"
    for path, *owners in rules:
        assert (
            path.startswith("/")
            and owners
            and all(re.fullmatch(r"@[\w.-]+/[\w.-]+", o) for o in owners)
        )
    assert any(path.startswith("/incidents/*") for path, *_ in rules)


def test_a_release_is_tried_as_users_get_it_then_published_from_a_tag_only() -> None:
    """release.yml builds and tries the sdist and the wheel on every change (.ci/try-dist, as
    .ci/run does), and publishes them from a version tag with trusted publishing, no token."""
    workflow = _workflow(REPO / ".github" / "workflows" / "release.yml")
    triggers = _on(workflow)
    assert "pull_request" in triggers and triggers["push"]["tags"] == ["v*"]
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert "permissions" not in build, "building needs nothing but to read the code"
    runs = [s.get("run", "").strip() for s in build["steps"]]
    assert "python -m pip install -r .ci/requirements-release.txt" in runs
    assert ".ci/try-dist dist" in runs
    tag = next(s for s in build["steps"] if "TAG" in s.get("env", {}))
    assert tag["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert tag["env"]["TAG"] == "${{ github.ref_name }}" and "exit 1" in tag["run"]
    assert build["steps"][-1]["uses"].startswith("actions/upload-artifact@")
    assert publish["needs"] == "build"
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"] == "pypi"
    (upload,) = [s for s in publish["steps"] if "pypa/gh-action-pypi-publish" in s["uses"]]
    assert "with" not in upload, "trusted publishing: no password, no token"
    script = (REPO / ".ci" / "try-dist").read_text(encoding="utf-8")
    assert "python -m build --outdir" in script and "twine check --strict" in script
    assert ".ci/try-dist" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_tag_must_be_the_version_built(tmp_path: Path) -> None:
    """A tag that is not pyproject.toml's version stops the release before it is published."""
    workflow = _workflow(REPO / ".github" / "workflows" / "release.yml")
    step = next(s for s in workflow["jobs"]["build"]["steps"] if "TAG" in s.get("env", {}))
    write(tmp_path / "dist" / "hindsight_postmortems-0.2.0-py3-none-any.whl", b"")
    for tag, code in (("v0.2.0", 0), ("v0.2.1", 1)):
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=tmp_path,
            env=dict(os.environ, TAG=tag),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == code, done.stdout + done.stderr
    assert "::error::the tag v0.2.1 is not the version built, 0.2.0" in done.stdout
