"""``hindsight check`` keeps what it found in .hindsight-cache/ and reports exactly what a fresh check would."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from hindsight.cache import DIRECTORY, FILE
from tests.cli.test_check import GOOD, TIMELINE, incident
from tests.conftest import write

#: an in-review postmortem whose findings depend on today (an open item due 2026-12-01, a
#: sign-off dated 2026-11-25) and on the other incidents (a related id)
REVIEWED = """\
---
id: {id}
title: Checkout errors
status: in-review
severity: SEV3
visibility: internal
commander: dana
authors: [lee]
reviewers: [sam]
approvals: [{{by: sam, date: 2026-11-25}}]
related: [2026-11-02-later]
---

## Summary

Checkout failed for 120 users over 40 minutes.

## Impact

120 users could not pay for 40 minutes.

## Root cause

A connection pool was too small.

## Action items

| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
| Size the pool from load tests | lee | 2026-12-01 | PLAT-1 | open |
"""


@pytest.fixture
def cached(archive: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The archive with its cache where users have it: .hindsight-cache/ in the archive."""
    monkeypatch.delenv("HINDSIGHT_CACHE_DIR")
    return archive / DIRECTORY


def same_as_fresh(run, *args: str) -> str:  # type: ignore[no-untyped-def]
    """Check with the cache and without; assert both print the same and exit the same."""
    kept = run("check", "--format", "json", *args)
    fresh = run("check", "--format", "json", "--no-cache", *args)
    assert kept.out == fresh.out and kept.code == fresh.code and not kept.err
    return kept.out


def kept(cached: Path) -> dict[str, tuple[str, str]]:
    """The cache's entries: incident name -> (files' digest, outcome as JSON)."""
    with sqlite3.connect(cached / FILE) as db:
        return {name: (digest, data) for name, digest, data in db.execute("SELECT * FROM outcome")}


def alter(cached: Path, *statements: str) -> None:
    """Change the cache file behind hindsight's back."""
    db = sqlite3.connect(cached / FILE)
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()


def messages(out: str) -> list[str]:
    return [f"{f['rule']} {f['message']}" for f in json.loads(out)["findings"]]


def test_a_second_run_reads_the_cache_and_an_edit_is_checked_again(
    archive: Path, cached: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """What is kept is what is printed, until the incident's files change."""
    incident(archive, "2026-11-01-a", GOOD.format(id="2026-11-01-a").replace("SEV3", "SEV7"))
    first = run("check")
    assert "HS113 'severity' must be one of" in first.out and first.code == 1
    assert (cached / FILE).is_file()
    # Prove the second run reads the cache: a message changed there is what it prints.
    alter(
        cached,
        "UPDATE outcome SET data = replace(data, 'must be one of', '(from the cache) must be one of')",
    )
    assert "(from the cache) must be one of" in run("check").out
    # Any change to the files, the timeline's included, is checked afresh.
    with (archive / "incidents" / "2026-11-01-a" / "timeline.log").open(
        "a", encoding="utf-8"
    ) as log:
        log.write("2026-11-21T17:00Z all clear\n")
    assert "(from the cache)" not in run("check").out


def test_cached_and_fresh_agree_through_a_day_of_changes(archive: Path, cached: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Edits, new and deleted incidents, settings, the template and today all reach the report."""
    folder = incident(archive, "2026-11-01-reviewed", REVIEWED.format(id="2026-11-01-reviewed"))
    incident(archive, "2026-11-02-other")
    today = ("--today", "2026-11-21")
    out = same_as_fresh(run, *today)
    assert any(m.startswith("HS703") and "after today" in m for m in messages(out))
    assert any(m.startswith("HS903") for m in messages(out))

    # Today moves: the sign-off is no longer in the future, the action item falls due.
    later = same_as_fresh(run, "--today", "2026-12-03")
    assert not any(m.startswith("HS703") for m in messages(later))
    assert "HS407 open action item is 2 days past its due date 2026-12-01" in " ".join(
        messages(later)
    )
    assert "is 3 days past" in same_as_fresh(run, "--today", "2026-12-04")

    # The related incident appears, with no change to the incident that names it.
    incident(archive, "2026-11-02-later")
    assert not any(m.startswith("HS903") for m in messages(same_as_fresh(run, *today)))
    # ...and goes again.
    for name in ("postmortem.md", "timeline.log"):
        (archive / "incidents" / "2026-11-02-later" / name).unlink()
    (archive / "incidents" / "2026-11-02-later").rmdir()
    assert any(m.startswith("HS903") for m in messages(same_as_fresh(run, *today)))

    # An ignore comment on a judged rule's line silences it from the cache too.
    text = (folder / "postmortem.md").read_text(encoding="utf-8")
    write(
        folder / "postmortem.md",
        text.replace("| open |", "| open | <!-- hindsight: ignore HS407 -->"),
    )
    assert not any(
        m.startswith("HS407") for m in messages(same_as_fresh(run, "--today", "2026-12-03"))
    )

    # hindsight.yml adds a blameful phrase and switches a rule off; the template changes what
    # counts as untouched text.
    settings = archive / "hindsight.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "phrases: []", "phrases: [pool was too small]"
        ),
        encoding="utf-8",
    )
    assert any(
        m.startswith("HS3") and "pool was too small" in m
        for m in messages(same_as_fresh(run, *today))
    )
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("rules: {}", "rules: {HS903: off}"),
        encoding="utf-8",
    )
    assert not any(m.startswith("HS903") for m in messages(same_as_fresh(run, *today)))
    template = archive / "templates" / "incident" / "postmortem.md.j2"
    template.write_text(
        template.read_text(encoding="utf-8") + "\nA connection pool was too small.\n",
        encoding="utf-8",
    )
    assert any(
        m.startswith("HS2") and "template" in m for m in messages(same_as_fresh(run, *today))
    )

    # A check of one folder keeps the others' entries; a deleted folder leaves the cache.
    same_as_fresh(run, "incidents/2026-11-02-other", *today)
    assert set(kept(cached)) == {"2026-11-01-reviewed", "2026-11-02-other"}


def test_a_damaged_or_foreign_cache_is_rebuilt(archive: Path, cached: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Half a file, another layout or version, a wrong entry, a lock held too long: never an error."""
    incident(archive, "2026-11-01-a")
    run("check")
    saved = (cached / FILE).read_bytes()

    def rebuilt() -> None:
        result = run("check")
        assert (
            result.code == 0
            and not result.err
            and result.out.endswith("0 error(s), 0 warning(s)\n")
        )
        assert list(kept(cached)) == ["2026-11-01-a"]

    page = 4096  # SQLite's default page size; the last page, damaged, is found only on writing
    for damage in (
        b"",
        b'{"fingerprint": ',
        saved[: len(saved) // 2],
        b"SQLite format 3\0" + bytes(200),
        saved[:-page] + b"\xab" * page,
    ):
        (cached / FILE).write_bytes(damage)
        rebuilt()
    for statements in (
        ["UPDATE meta SET value = 'another version'"],
        ["DROP TABLE meta"],
        ["DROP TABLE outcome", "CREATE TABLE outcome (name TEXT, data TEXT)"],
        ["UPDATE outcome SET data = '[1,'"],
        ["UPDATE outcome SET data = '7'"],
        ["UPDATE outcome SET data = '{\"a\": 1}'"],
        ["UPDATE outcome SET data = '[[1], [], []]'"],
    ):
        (cached / FILE).write_bytes(saved)
        alter(cached, *statements)
        rebuilt()
    # The JSON cache of earlier releases is removed on the first write.
    (cached / "check-v1.json").write_text("{}", encoding="utf-8")
    incident(archive, "2026-11-02-b")
    run("check")
    assert not (cached / "check-v1.json").exists()


def test_another_check_writing_the_cache_costs_a_line_not_the_check(
    archive: Path, cached: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Two checks at once (an editor's and a hook's): the one that cannot write says so."""
    incident(archive, "2026-11-01-a")
    run("check")
    incident(archive, "2026-11-02-b", GOOD.format(id="2026-11-02-b").replace("SEV3", "SEV7"))
    other = sqlite3.connect(cached / FILE)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = run("check")
    finally:
        other.rollback()
        other.close()
    assert result.code == 1 and "HS113" in result.out
    assert "could not keep results" in result.err and "database is locked" in result.err
    assert set(kept(cached)) == {"2026-11-01-a"}
    assert run("check").code == 1 and set(kept(cached)) == {"2026-11-01-a", "2026-11-02-b"}


def test_a_cache_that_cannot_be_written_is_said_once_and_the_check_stands(
    archive: Path, run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A read-only place for the cache costs a line on stderr, not the check."""
    incident(archive, "2026-11-01-a", GOOD.format(id="2026-11-01-a").replace("SEV3", "SEV7"))
    write(archive / "not-a-folder", "")
    monkeypatch.setenv("HINDSIGHT_CACHE_DIR", str(archive / "not-a-folder" / "cache"))
    result = run("check")
    assert result.code == 1 and "HS113" in result.out
    assert result.err.startswith(
        f"hindsight: could not keep results in {archive / 'not-a-folder' / 'cache'}: "
    )
    assert "the check itself is complete" in result.err and len(result.err.splitlines()) == 1


def test_no_cache_leaves_no_trace_and_git_ignores_the_cache(
    archive: Path, cached: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """--no-cache writes nothing; the cache folder ignores itself in git and is tagged as a cache."""
    incident(archive, "2026-11-01-a")
    run("check", "--no-cache")
    assert not cached.exists()
    subprocess.run(["git", "init", "-q", str(archive)], check=True)
    run("check")
    assert (
        (cached / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    status = subprocess.run(
        ["git", "-C", str(archive), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "incidents/2026-11-01-a/postmortem.md" in status and DIRECTORY not in status


def test_the_pool_fills_the_cache_as_one_process_does(archive: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checked by worker processes or not, the kept results read back as the same report."""
    from hindsight import checking

    for n in range(9):
        name = f"2026-11-{n + 1:02d}-incident-{n}"
        incident(
            archive,
            name,
            GOOD.format(id=name).replace("SEV3", "SEV9") if n % 2 else None,
            TIMELINE if n % 3 else "2026-11-21 13:58 [start] a\n",
        )
    monkeypatch.setattr(checking, "PARALLEL_FROM", 2)
    monkeypatch.setattr(checking, "_BATCH", 2)
    monkeypatch.setenv("HINDSIGHT_JOBS", "2")
    pooled = run("check", "--format", "json")
    assert (
        pooled.out
        == run("check", "--format", "json").out
        == run("check", "--format", "json", "--no-cache").out
    )
    assert json.loads(pooled.out)["errors"] >= 4


def test_a_cache_of_other_code_or_data_is_not_trusted(  # type: ignore[no-untyped-def]
    archive: Path, cached: Path, run, monkeypatch, tmp_path: Path
) -> None:
    """A change to any file of the package, its data as well as its code, starts a new cache."""
    import shutil

    import hindsight.cache

    package = tmp_path / "package"
    shutil.copytree(hindsight.cache._PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(hindsight.cache, "_PACKAGE", package)
    incident(archive, "2026-11-01-a", GOOD.format(id="2026-11-01-a").replace("SEV3", "SEV7"))
    run("check")
    for changed in ("language/first_names.txt", "rules/blame.py"):
        alter(cached, "UPDATE outcome SET data = replace(data, 'must be one of', 'STALE')")
        assert "STALE" in run("check").out  # the same code and data: the cache is read
        with (package / changed).open("a", encoding="utf-8") as file:
            file.write("\n# changed\n")
        assert "STALE" not in run("check").out, f"{changed} changed, the cache was trusted"


def test_what_hs810_keeps_follows_the_restricted_incidents(
    archive: Path, cached: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """A mention is kept by the files' digest and the names looked for: when an incident
    becomes restricted, or public again, the incidents that name it are read again."""
    body = GOOD.format(id="2026-11-02-public").replace(
        "## Root cause\n\nText.", "## Root cause\n\nAs in 2026-11-01-vault."
    )
    incident(archive, "2026-11-02-public", body)
    secret = GOOD.format(id="2026-11-01-vault").replace(
        "visibility: internal", "visibility: restricted"
    )
    other = GOOD.format(id="2026-11-03-other")  # restricted from the start, named nowhere
    incident(archive, "2026-11-03-other", other.replace("internal", "restricted"))
    assert not [m for m in messages(same_as_fresh(run)) if m.startswith("HS810")]
    incident(archive, "2026-11-01-vault", secret)  # now it exists, restricted
    assert [m[:52] for m in messages(same_as_fresh(run)) if m.startswith("HS810")] == [
        "HS810 names the restricted incident 2026-11-01-vault"
    ]
    with sqlite3.connect(cached / FILE) as db:
        assert {n for (n,) in db.execute("SELECT name FROM mention")} >= {"2026-11-02-public"}
    assert [m for m in messages(same_as_fresh(run)) if m.startswith("HS810")]  # from the cache
    made_public = secret.replace("visibility: restricted", "visibility: internal")
    (archive / "incidents" / "2026-11-01-vault" / "postmortem.md").write_text(made_public)
    assert not [m for m in messages(same_as_fresh(run)) if m.startswith("HS810")]


def test_a_pull_requests_incidents_are_checked_afresh_whatever_the_cache_holds(
    archive: Path, cached: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """A row swapped into the cache (the clean outcome and mentions of an incident, under the
    digest of its changed files) silences a plain check, never ``--changed-since``."""
    from hindsight.load.incident import key, read_sources
    from tests.conftest import git

    name = "2026-11-02-public"
    incident(archive, name, GOOD.format(id=name))
    vault = GOOD.format(id="2026-11-01-vault").replace("internal", "restricted")
    incident(archive, "2026-11-01-vault", vault)
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "archive")
    assert run("check").code == 0  # the clean incident's outcome and mentions are kept
    changed = GOOD.format(id=name).replace("SEV3", "SEV7")
    changed = changed.replace("## Root cause\n\nText.", "## Root cause\n\nAs in 2026-11-01-vault.")
    write(archive / "incidents" / name / "postmortem.md", changed)
    digest = key(read_sources(archive / "incidents" / name))
    alter(
        cached,
        f"UPDATE outcome SET digest = '{digest}' WHERE name = '{name}'",
        f"UPDATE mention SET digest = '{digest}' WHERE name = '{name}'",
    )
    assert run("check").code == 0  # served the swapped rows: silent
    result = run("check", "--format", "json", "--changed-since", "main")
    assert result.code == 1
    rules = {m.split(" ")[0] for m in messages(result.out)}
    assert {"HS113", "HS810"} <= rules
