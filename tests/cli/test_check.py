"""``hindsight check``: findings at file lines, 0/1/2 exit codes, JSON as in SPEC §4.1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git, write

REPO = Path(__file__).parents[2]
GOOD = """\
---
id: {id}
title: Example
status: draft
severity: SEV3
visibility: internal
reviewers: [sam]
---

## Summary

Text.

## Impact

About 120 users saw errors for 45 minutes.

## Root cause

Text.

## Resolution

Text.

## Action items

| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
| Add a check | @sam | 2027-06-01 | OPS-1 | open |

## Lessons learned

Text.
"""
TIMELINE = """\
2026-11-21T13:58Z [start] a
2026-11-21T14:03Z [detected] b
2026-11-21T16:58Z [resolved] c
"""


def incident(
    root: Path, name: str, postmortem: str | None = None, timeline: str = TIMELINE
) -> Path:
    """Write incident ``name`` (valid unless told otherwise)."""
    folder = root / "incidents" / name
    write(folder / "postmortem.md", postmortem if postmortem is not None else GOOD.format(id=name))
    write(folder / "timeline.log", timeline)
    return folder


def test_the_example_archive_passes(run) -> None:  # type: ignore[no-untyped-def]
    """Every example incident passes the checker at its own status."""
    result = run("--repo", str(REPO), "check", "--today", "2026-11-21")
    assert result.code == 0, result.out
    assert result.out.endswith("0 error(s), 6 warning(s)\n")
    # issue 29: the incident under investigation is working through its checklist
    assert "HS205" not in result.out
    # the warnings are what review will demand of the one incident still investigating
    assert {line.split("/")[1] for line in result.out.splitlines()[:-1]} == {
        "2026-11-21-search-results-stale"
    }


def test_findings_name_file_line_and_rule(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A bad value is reported at its line, with code and category; exit 1."""
    incident(archive, "2026-11-21-a", GOOD.format(id="2026-11-21-a").replace("SEV3", "SEV7"))
    result = run("check")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "incidents/2026-11-21-a/postmortem.md:5:1: HS113 'severity' must be one of "
        "SEV1, SEV2, SEV3, SEV4, not 'SEV7' [schema]"
    )
    assert result.out.splitlines()[-1] == "1 incident checked: 1 error(s), 0 warning(s)"


def test_one_broken_incident_never_hides_the_others(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Garbage in one folder is reported, and the next folder is still checked."""
    incident(archive, "2026-11-20-broken", "---\ntitle: [unclosed\n---\n")
    incident(
        archive,
        "2026-11-21-b",
        GOOD.format(id="2026-11-21-b").replace("status: draft", "status: drafted"),
    )
    result = run("check", "--format", "json")
    document = json.loads(result.out)
    assert result.code == 1 and document["incidents_checked"] == 2
    errors = (f for f in document["findings"] if f["severity"] == "error")
    assert {(f["incident"], f["rule"]) for f in errors} == {
        ("2026-11-20-broken", "HS103"),
        ("2026-11-21-b", "HS113"),
    }


def test_json_has_exactly_the_documented_shape(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Keys and types as in SPEC §4.1."""
    incident(archive, "2026-11-21-c", timeline=TIMELINE.replace("[resolved]", ""))
    document = json.loads(run("check", "--format", "json").out)
    assert list(document) == ["version", "incidents_checked", "errors", "warnings", "findings"]
    assert document["version"] == 1 and document["errors"] == 1
    assert document["findings"] == [
        {
            "path": "incidents/2026-11-21-c/timeline.log",
            "line": None,
            "column": None,
            "rule": "HS607",
            "category": "timeline",
            "severity": "error",
            "incident": "2026-11-21-c",
            "message": "no [resolved] event; add one with hindsight log --incident 2026-11-21-c "
            '--at TIME --milestone resolved "…"',
        }
    ]


def test_rules_can_be_relevelled_or_switched_off(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """hindsight.yml's rules: turn an error into a warning (by code) or off (by name)."""
    incident(
        archive,
        "2026-11-21-d",
        GOOD.format(id="2026-11-21-d").replace("id: 2026-11-21-d", "id: 2026-01-01-x\nextra: 1"),
    )
    write(archive / "hindsight.yml", "rules:\n  HS115: warning\n  unknown-key: off\n")
    result = run("check")
    assert result.code == 0
    assert "HS115" in result.out and "HS114" not in result.out


def test_an_ignore_comment_silences_one_line(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """<!-- hindsight: ignore CODE --> silences that code on its line; other codes still show."""
    folder = incident(archive, "2026-11-21-e")
    head = GOOD.format(id="2026-11-21-e").encode()

    def found(line: bytes) -> list[tuple[str, int]]:
        (folder / "postmortem.md").write_bytes(head + line)
        return [
            (f["rule"], f["line"])
            for f in json.loads(run("check", "--format", "json").out)["findings"]
        ]

    assert found(b"Caf\xe9.\n") == [("HS109", 35)]
    assert found(b"Caf\xe9. <!-- hindsight: ignore HS109 -->\n") == []
    assert found(b"Caf\xe9. <!-- hindsight: ignore HS301 -->\n") == [("HS109", 35)]


def test_paths_select_incidents(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """check PATH checks that incident only; a path outside incidents/ is a usage error."""
    incident(archive, "2026-11-21-f")
    incident(archive, "2026-11-21-g", "---\n---\n")
    assert run("check", "incidents/2026-11-21-f").code == 0
    assert run("check", "incidents/2026-11-21-f/postmortem.md").code == 0
    assert run("check", "incidents/2026-11-21-g").code == 1
    result = run("check", "docs")
    assert result.code == 2 and "is not an incident folder" in result.err
    assert run("check", "nowhere").code == 2


def test_rules_lists_and_documents(run) -> None:  # type: ignore[no-untyped-def]
    """`rules` lists every code; `rules CODE` (or name) prints the docs; unknown is exit 2."""
    listing = run("rules").out
    assert "HS101  front-matter-missing" in listing and "HS609  comms-gap" in listing
    doc = run("rules", "milestone-missing").out
    assert doc.startswith("HS607 milestone-missing [timeline, error, from draft]")
    assert "## Why is this bad?" in doc and "## Use instead" in doc
    blame = run("rules", "HS306").out
    assert "## Sure and probable" in blame and "blame.warning_threshold" in blame
    result = run("rules", "HS6O7")
    assert result.code == 2 and "did you mean 'HS607'?" in result.err


def test_every_listed_handle_is_checked(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A null or a name with spaces among the reviewers is reported, not skipped."""
    for n, listed in enumerate(("[lee, null]", "[lee, Sam F.]")):
        name = f"2026-11-2{n}-h"
        incident(
            archive,
            name,
            GOOD.format(id=name).replace("reviewers: [sam]", f"reviewers: {listed}"),
        )
    out = run("check").out
    assert "'reviewers' must be a list of handles, like [lee, sam]; None is not one" in out
    assert "'reviewers' must be a list of handles, like [lee, sam]; 'Sam F.' is not one" in out


def test_github_annotations_escape_what_github_reads(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """One workflow command per finding; ``%``, ``:`` and ``,`` cannot break out of their field."""
    incident(archive, "2026-11-21-a", GOOD.format(id="2026-11-21-a").replace("SEV3", "'50%,x:y'"))
    result = run("check", "--format", "github")
    first, summary = result.out.splitlines()
    assert first == (
        "::error file=incidents/2026-11-21-a/postmortem.md,line=5,title=HS113 [schema]::"
        "'severity' must be one of SEV1, SEV2, SEV3, SEV4, not '50%25,x:y'"
    )
    assert summary == "1 incident checked: 1 error(s), 0 warning(s)" and result.code == 1


def test_sarif_is_2_1_0_with_rules_and_regions(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """SARIF names every rule with its docs; each result points at its rule and region."""
    incident(archive, "2026-11-21-a", GOOD.format(id="2026-11-21-a").replace("SEV3", "SEV7"))
    incident(archive, "2026-11-21-b", timeline="")
    document = json.loads(run("check", "--format", "sarif").out)
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = document["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert all(
        r["id"].startswith("HS") and "## Why is this bad?" in r["help"]["markdown"] for r in rules
    )
    by_rule = {r["ruleId"]: r for r in sarif_run["results"]}
    bad = by_rule["HS113"]
    assert rules[bad["ruleIndex"]]["id"] == "HS113" and bad["level"] == "error"
    assert bad["locations"][0]["physicalLocation"] == {
        "artifactLocation": {
            "uri": "incidents/2026-11-21-a/postmortem.md",
            "uriBaseId": "%SRCROOT%",
        },
        "region": {"startLine": 5},
    }
    missing = by_rule["HS607"]["locations"][0]["physicalLocation"]
    assert "region" not in missing and missing["artifactLocation"]["uri"].endswith(
        "2026-11-21-b/timeline.log"
    )


def test_changed_since_checks_only_changed_incidents(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Committed, uncommitted and untracked changes count; ids are still checked archive-wide."""
    bad = GOOD.replace("SEV3", "SEV7")
    for name in ("2026-11-01-a", "2026-11-02-b", "2026-11-03-c"):
        incident(archive, name, bad.format(id=name))
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "base")
    git(archive, "checkout", "-qb", "change")
    incident(archive, "2026-11-02-b", bad.format(id="2026-11-02-b") + "\nMore.\n")
    git(archive, "commit", "-qam", "edit b")
    (archive / "incidents" / "2026-11-03-c" / "timeline.log").write_text(TIMELINE + "# note\n")
    incident(archive, "2026-11-04-d")
    (archive / "incidents" / "2026-11-04-D").mkdir()
    result = run("check", "--changed-since", "main")
    assert result.out.splitlines()[-1] == "3 incidents checked: 3 error(s), 0 warning(s)"
    assert "2026-11-01-a/" not in result.out
    assert "HS901" in result.out  # the duplicate id is found although D itself did not change
    assert run("check", "--changed-since", "HEAD", "incidents").code == 2


def test_changed_since_reads_nothing_of_the_incidents_that_did_not_change(  # type: ignore[no-untyped-def]
    archive: Path, run, monkeypatch, tmp_path: Path
) -> None:
    """A pull request's check opens, hashes and looks up only what it changed; the rest is names.

    The other incidents are kept in the cache from a whole check, and one of them is made
    unreadable (its postmortem a folder): neither its bytes, nor its digest, nor its entry is
    read, and the settings are read once.
    """
    import builtins
    import io
    import os

    import hindsight.cache
    import hindsight.checking
    import hindsight.config

    monkeypatch.setenv("HINDSIGHT_CACHE_DIR", str(tmp_path / "cache"))
    _branch(archive, "2026-11-01-a", "2026-11-02-b", "2026-11-03-c")
    assert run("check").code == 0
    incident(archive, "2026-11-02-b", GOOD.format(id="2026-11-02-b").replace("SEV3", "SEV7"))
    _commit(archive, "edit b")
    unreadable = archive / "incidents" / "2026-11-03-c" / "postmortem.md"
    unreadable.unlink()
    unreadable.mkdir()
    git(archive, "update-index", "--assume-unchanged", "incidents/2026-11-03-c/postmortem.md")
    opened: list[str] = []
    spied = ((builtins, "open"), (io, "open"), (os, "open"), (os, "stat"), (os, "lstat"))
    for module, name in spied:
        real = getattr(module, name)

        def spy(path, *args, real=real, **kwargs):  # type: ignore[no-untyped-def]
            opened.append(os.fspath(path) if isinstance(path, (str, os.PathLike)) else "")
            return real(path, *args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    hashed: list[object] = []
    real_key = hindsight.checking.key
    monkeypatch.setattr(hindsight.checking, "key", lambda s: hashed.append(s) or real_key(s))
    looked_up: list[str] = []
    real_get = hindsight.cache.Cache.get
    monkeypatch.setattr(
        hindsight.cache.Cache, "get", lambda c, n, d: looked_up.append(n) or real_get(c, n, d)
    )
    monkeypatch.setattr(hindsight.cache.Cache, "retain", lambda c, names: looked_up.append("*"))
    settings_read: list[Path] = []
    real_settings = hindsight.config.load_settings
    monkeypatch.setattr(
        hindsight.config, "load_settings", lambda r: settings_read.append(r) or real_settings(r)
    )

    result = run("check", "--changed-since", "main")

    assert result.out.splitlines()[-1] == "1 incident checked: 1 error(s), 0 warning(s)"
    assert "HS113" in result.out and "2026-11-03-c" not in result.out + result.err
    assert any("2026-11-02-b/postmortem.md" in p for p in opened)  # the spies see reads
    # HS810 reads the head of each postmortem.md (one os.open) to learn which are restricted
    others = [p for p in opened if "2026-11-01-a" in p or "2026-11-03-c" in p]
    assert len(others) == len(set(others)) == 2 and all(
        p.endswith("postmortem.md") for p in others
    ), f"read files of incidents that did not change: {others}"
    assert hashed and all(b"id: 2026-11-02-b" in sources[0] for sources in hashed)  # type: ignore[index, operator]
    assert looked_up == [] and len(settings_read) == 1  # checked afresh: the cache is not read


def test_changed_settings_check_everything(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    incident(archive, "2026-11-01-a")
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "base")
    assert run("check", "--changed-since", "main").out.startswith("0 incidents checked")
    (archive / "hindsight.yml").write_text("comms:\n  cadence_minutes: 20\n")
    result = run("check", "--changed-since", "main")
    assert result.out.startswith("1 incident checked") and "checking every incident" in result.err


def test_changed_since_explains_a_bad_ref(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "--changed-since", "main")
    assert result.code == 2 and "needs a git repository" in result.err
    git(archive, "init", "-q", "-b", "main")
    git(archive, "commit", "-q", "--allow-empty", "-m", "base")
    result = run("check", "--changed-since", "origin/main")
    assert result.code == 2 and "'origin/main' is not a commit" in result.err


TOKEN = (
    "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
)  # built here so that no scanner flags this file
KEY = "AKIA" + "Q3EGRTB2XWZP7KLM"


def _branch(archive: Path, *names: str) -> None:
    """Commit ``names`` (valid incidents) on main, and start the branch 'change' from there."""
    for name in names:
        incident(archive, name)
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "base")
    git(archive, "checkout", "-qb", "change")


def _commit(archive: Path, message: str) -> str:
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", message)
    import subprocess

    return subprocess.run(
        ["git", "-C", str(archive), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_secret_removed_by_a_later_commit_is_found_in_the_history(  # type: ignore[no-untyped-def]
    archive: Path, run, monkeypatch
) -> None:
    """RELIABILITY cases 42 and 43: the branch's history is read, offline, and no value is printed."""
    import socket

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the checker opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    _branch(archive, "2026-11-01-a", "2026-11-02-b")
    postmortem = archive / "incidents" / "2026-11-01-a" / "postmortem.md"
    clean = postmortem.read_text()
    postmortem.write_text(clean + f"\nThe runner used {TOKEN} to pull.\n")
    timeline = archive / "incidents" / "2026-11-02-b" / "timeline.log"
    timeline.write_text(TIMELINE + f"2026-11-21T17:00Z Rotated {KEY}\n")
    first = _commit(archive, "notes")
    assert (
        run("check", "--changed-since", "main").out.count("HS801") == 2
    )  # in the files: HS801 only
    postmortem.write_text(clean + "\nThe runner used a token to pull.\n")
    timeline.write_text(TIMELINE)
    _commit(archive, "remove the token and the key")
    result = run("check", "--changed-since", "main")
    assert result.code == 1 and "HS801" not in result.out
    assert result.out.splitlines() == [
        (
            f"incidents/2026-11-01-a/postmortem.md:1:1: HS805 a GitHub token (40 characters) was added by commit "
            f"{first[:12]} (line 36) and removed later, but stays in the branch's git history: revoke it, then "
            "rewrite the branch without it (git rebase -i) before merging [security]"
        ),
        (
            f"incidents/2026-11-02-b/timeline.log:1:1: HS805 an AWS access key id (20 characters) was added by commit "
            f"{first[:12]} (line 4) and removed later, but stays in the branch's git history: revoke it, then "
            "rewrite the branch without it (git rebase -i) before merging [security]"
        ),
        "1 incident checked: 2 error(s), 0 warning(s)",  # b's files are as on main again
    ]
    assert TOKEN not in result.out + result.err and KEY not in result.out + result.err
    assert "HS805" not in run("check").out  # only a range of commits is read


def test_what_the_history_scan_leaves_alone(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Secrets still in the files, silenced ones, ones before the base, and switched off."""
    _branch(archive, "2026-11-01-a")
    postmortem = archive / "incidents" / "2026-11-01-a" / "postmortem.md"
    clean = postmortem.read_text()
    postmortem.write_text(
        clean + f"\nMoved: {TOKEN}\n\n<!-- hindsight: ignore HS801 -->\nOld: {KEY}\n"
    )
    _commit(archive, "add")
    postmortem.write_text(clean + f"\nThe token was {TOKEN} until it was rotated.\n")
    _commit(archive, "move the token, drop the silenced key")
    result = run("check", "--changed-since", "main")
    assert "HS805" not in result.out and result.out.count("HS801") == 1
    git(archive, "checkout", "-q", "main")
    postmortem.write_text(clean + f"\nOn main: {TOKEN}\n")
    _commit(archive, "a secret on main")
    postmortem.write_text(clean)
    _commit(archive, "removed on main")
    git(archive, "checkout", "-qb", "later")
    postmortem.write_text(clean + "\nMore.\n")
    _commit(archive, "a later branch")
    assert (
        "HS805" not in run("check", "--changed-since", "main").out
    )  # main's own history is not the PR's
    git(archive, "checkout", "-q", "change")
    postmortem.write_text(clean)
    _commit(archive, "remove it all")
    assert "HS805" in run("check", "--changed-since", "main").out
    (archive / "hindsight.yml").write_text("rules:\n  secret-in-history: off\n")
    assert "HS805" not in run("check", "--changed-since", "main").out


def test_the_history_reader_follows_hunks_not_lookalike_lines(archive: Path) -> None:
    """An added line that reads like a diff header, CRLF lines, no final newline, a deleted
    incident, a merge commit, and one secret added twice: each read as git meant it."""
    from hindsight.changes import changed
    from hindsight.config import load_settings

    _branch(archive, "2026-11-01-a", "2026-11-02-b")
    folder = archive / "incidents" / "2026-11-01-a"
    clean = (folder / "postmortem.md").read_bytes()
    (folder / "postmortem.md").write_bytes(
        clean
        + b"\n++ b/incidents/x/postmortem.md\n@@ -1 +9 @@\r\n"
        + f"key {KEY}\r\nlast {TOKEN}".encode()
    )
    (folder / "notes.md").write_text(f"Read too: {TOKEN}\n")  # an attachment, published
    first = _commit(archive, "odd lines")
    git(archive, "checkout", "-q", "main")
    incident(archive, "2026-11-03-c")
    _commit(archive, "on main meanwhile")
    git(archive, "checkout", "-q", "change")
    git(archive, "merge", "-q", "--no-edit", "main")
    (folder / "postmortem.md").write_bytes(clean + f"\nagain {TOKEN}\n".encode())
    _commit(archive, "the token again")
    (folder / "postmortem.md").write_bytes(clean)
    git(archive, "rm", "-rq", "incidents/2026-11-02-b")
    (archive / "incidents" / "2026-11-02-b").mkdir()
    (archive / "incidents" / "2026-11-02-b" / "postmortem.md").write_text(
        f"---\ntoken: {KEY}\n---\n"
    )
    second = _commit(archive, "clean up; b gone, then back")
    git(archive, "rm", "-rq", "incidents/2026-11-02-b")
    _commit(archive, "b gone")
    history = changed(load_settings(archive), "main").history
    lines = clean.count(b"\n")
    assert [(a.commit, a.path, a.line, a.text[:5]) for a in history.added] == [
        (first, "incidents/2026-11-01-a/notes.md", 1, "Read "),
        (first, "incidents/2026-11-01-a/postmortem.md", lines + 4, "key A"),
        (first, "incidents/2026-11-01-a/postmortem.md", lines + 5, "last "),
        (
            next(a.commit for a in history.added if a.text.startswith("again")),
            "incidents/2026-11-01-a/postmortem.md",
            lines + 2,
            "again",
        ),
        (second, "incidents/2026-11-02-b/postmortem.md", 2, "token"),
    ]
    assert history.current == {
        "incidents/2026-11-01-a/notes.md": f"Read too: {TOKEN}\n",
        "incidents/2026-11-01-a/postmortem.md": clean.decode(),
        "incidents/2026-11-02-b/postmortem.md": None,
    }


def test_a_pool_of_processes_finds_what_one_process_finds(archive: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Large archives are checked in parallel; the report is byte for byte the same."""
    from hindsight import checking

    for n in range(12):
        name = f"2026-11-{n + 1:02d}-incident-{n}"
        text = GOOD.format(id=name)
        incident(
            archive,
            name,
            text.replace("SEV3", "SEV9") if n % 3 == 0 else text,
            TIMELINE if n % 4 else "2026-11-21 13:58 [start] a\n",
        )
    monkeypatch.setenv("HINDSIGHT_JOBS", "1")
    serial = run("check", "--format", "json", "--no-cache")
    monkeypatch.setattr(checking, "PARALLEL_FROM", 2)
    monkeypatch.setattr(checking, "_BATCH", 5)
    monkeypatch.setenv("HINDSIGHT_JOBS", "3")
    parallel = run("check", "--format", "json", "--no-cache")
    assert json.loads(serial.out)["errors"] > 4
    assert parallel.out == serial.out and parallel.code == serial.code == 1


def test_the_pool_is_no_larger_than_the_cpu_limit(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A container's CPU limit, not the machine's processors, says how many processes check."""
    import os

    from hindsight import checking

    monkeypatch.delenv("HINDSIGHT_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    limit = tmp_path / "cpu.max"
    monkeypatch.setattr(checking, "CPU_MAX", limit)
    assert checking.cores() == 16  # no cgroup file
    for written, cores in (("max 100000\n", 16), ("100000 100000\n", 1), ("150000 100000", 2)):
        limit.write_text(written)
        assert checking.cores() == cores, written
    limit.write_text("50000 100000")
    assert checking._workers(10_000) == 1 and checking._workers(10) == 1
    monkeypatch.setenv("HINDSIGHT_JOBS", "3")
    assert checking._workers(10_000) == 3


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8


def _found(result) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(result.out)["findings"]


def test_binary_files_are_refused_one_finding_each_and_the_others_still_checked(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 point 5: an ELF or random bytes saved as postmortem.md or timeline.log."""
    incident(archive, "2026-11-01-elf")
    (archive / "incidents/2026-11-01-elf/postmortem.md").write_bytes(ELF)
    incident(archive, "2026-11-02-noise")
    noise = bytes((n * 167 + 13) % 256 for n in range(3000)).replace(b"\x00", b"\x01")
    (archive / "incidents/2026-11-02-noise/timeline.log").write_bytes(noise)
    incident(archive, "2026-11-03-fine")
    result = run("check", "--format", "json")
    assert result.code == 1 and "Traceback" not in result.err
    found = _found(result)
    elf = [f for f in found if f["incident"] == "2026-11-01-elf" and f["path"].endswith(".md")]
    assert [(f["rule"], f["line"]) for f in elf] == [("HS109", 1)]
    assert "not a text file (" in elf[0]["message"] and "NUL bytes" in elf[0]["message"]
    noisy = [f for f in found if f["path"].endswith("2026-11-02-noise/timeline.log")]
    assert [f["rule"] for f in noisy if f["rule"] == "HS109"] == ["HS109"]
    assert "are not text" in next(f["message"] for f in noisy if f["rule"] == "HS109")
    assert not [f for f in found if f["incident"] == "2026-11-03-fine"]
    assert json.loads(result.out)["incidents_checked"] == 3


def test_every_line_with_bytes_that_are_not_utf8_is_reported_up_to_five(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 point 8: not only the first bad byte; then a count of the rest."""
    bad = GOOD.format(id="2026-11-01-a").encode().replace(b"Text.", b"T\xe9xt \xff.")
    incident(archive, "2026-11-01-a")
    (archive / "incidents/2026-11-01-a/postmortem.md").write_bytes(bad)
    found = [f for f in _found(run("check", "--format", "json")) if f["rule"] == "HS109"]
    lines = [n for n, line in enumerate(bad.split(b"\n"), 1) if b"\xff" in line]
    assert len(lines) == 4
    assert [(f["line"], f["column"]) for f in found] == [(n, 2) for n in lines]
    assert (
        "byte 0xE9 at column 2 is not valid UTF-8 (and 1 more on this line)" in found[0]["message"]
    )
    many = b"\n".join([b"---", *(b"x\xff and then some text" for _ in range(9))])
    (archive / "incidents/2026-11-01-a/postmortem.md").write_bytes(many)
    found = [f for f in _found(run("check", "--format", "json")) if f["rule"] == "HS109"]
    assert [f["line"] for f in found] == [2, 3, 4, 5, 6]
    assert "4 more lines (4 bytes) below have the same problem" in found[-1]["message"]


def test_an_unknown_milestone_and_a_title_on_two_lines_are_findings(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 point 8: `[bogus]` is plain text (SPEC §2.3) but almost always a typo."""
    title = GOOD.format(id="2026-11-01-a").replace(
        "title: Example", 'title: "Example\\nstatus: approved"'
    )
    incident(
        archive,
        "2026-11-01-a",
        title,
        TIMELINE + "2026-11-21T17:00Z [bogus] d\n2026-11-21T17:01Z [resovled] e\n",
    )
    found = _found(run("check", "--format", "json"))
    unknown = [(f["line"], f["severity"], f["message"]) for f in found if f["rule"] == "HS610"]
    assert [u[:2] for u in unknown] == [(4, "warning"), (5, "warning")]
    assert (
        unknown[1][2].startswith("[resovled] is not a milestone")
        and "did you mean 'resolved'" in unknown[1][2]
    )
    titles = [f for f in found if f["rule"] == "HS113"]
    assert [(f["line"], f["severity"]) for f in titles] == [(3, "error")]
    assert "'title' must be one line of text" in titles[0]["message"]


def test_a_public_text_naming_a_restricted_incident_is_reported_at_its_line(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 point 6: by id or title, in a postmortem, a timeline or a page under docs/."""
    secret = GOOD.format(id="2026-11-01-vault").replace(
        "visibility: internal", "visibility: restricted"
    )
    incident(
        archive,
        "2026-11-01-vault",
        secret.replace("title: Example", "title: Vault keys were exposed"),
    )
    public = GOOD.format(id="2026-11-02-public").replace(
        "## Root cause\n\nText.",
        "## Root cause\n\nAs in 2026-11-01-vault, the VAULT keys\nwere exposed.",
    )
    incident(
        archive, "2026-11-02-public", public, TIMELINE + "2026-11-21T17:00Z see 2026-11-01-vault\n"
    )
    write(
        archive / "docs" / "notes.md",
        "# Notes\n\nNothing here.\nAsk about 2026-11-01-Vault.\n\n"
        "<!-- hindsight: ignore HS810 -->\nVault keys were exposed is also a common phrase.\n",
    )
    result = run("check", "--format", "json", "incidents/2026-11-02-public")
    assert result.code == 1
    found = [
        (f["path"], f["line"], f["column"], f["message"][:29])
        for f in _found(result)
        if f["rule"] == "HS810"
    ]
    line = public.splitlines().index("As in 2026-11-01-vault, the VAULT keys") + 1
    assert found == [
        ("docs/notes.md", 4, 11, "names the restricted incident"),
        ("incidents/2026-11-02-public/postmortem.md", line, 7, "names the restricted incident"),
        ("incidents/2026-11-02-public/postmortem.md", line, 29, "repeats the title of the rest"),
        ("incidents/2026-11-02-public/timeline.log", 4, 23, "names the restricted incident"),
    ]
    text = run("check", "incidents/2026-11-02-public").out
    assert "remove the mention, or describe it without its id or title" in text


def test_an_incident_is_named_by_its_id_as_in_the_other_commands(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """``check ID`` checks that incident; a misspelt one gets the nearest, and exit 2."""
    incident(archive, "2026-11-01-login-timeouts", GOOD.format(id="2026-11-01-login-timeouts"))
    incident(archive, "2026-11-02-other", GOOD.format(id="2026-11-02-other"))
    result = run("check", "--format", "json", "2026-11-01-login-timeouts")
    assert result.code == 0, result.err
    assert json.loads(result.out)["incidents_checked"] == 1
    typo = run("check", "incidents/2026-11-01-login-timeout")
    assert typo.code == 2 and "Traceback" not in typo.err
    assert (
        "incidents/2026-11-01-login-timeout: no such file or folder; did you mean "
        "'incidents/2026-11-01-login-timeouts'?" in typo.err
    )
