"""Issue 21, point 1: a writer sees what review will demand before moving to in-review."""

from __future__ import annotations

from pathlib import Path

ID = "2026-11-21-checkout-down"
#: what review demands of a blank scaffold: a reviewer, the template text, six sections, actions
BLANK = ["HS203"] * 6 + ["HS205", "HS401", "HS704"]


def _draft(run) -> Path:  # type: ignore[no-untyped-def]
    """A blank scaffold from ``hindsight new``, its milestones logged, moved to draft."""
    assert run("new", "Checkout down", "--severity", "SEV3").code == 0
    for at, milestone in (("13:58", "start"), ("14:01", "detected"), ("14:04", "resolved")):
        assert run("log", "--at", at, "--milestone", milestone, milestone).code == 0
    assert run("status", ID, "draft").code == 0
    return Path("incidents") / ID


def _codes(out: str) -> list[str]:
    return sorted(line.split(" ")[1] for line in out.splitlines()[:-1])


def test_a_blank_draft_warns_of_what_review_will_demand(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """At draft, the findings that block review are warnings: shown, and the check passes."""
    _draft(run)
    result = run("check", "--today", "2026-11-21")
    assert result.code == 0, result.out
    assert _codes(result.out) == BLANK
    assert result.out.endswith("\n1 incident checked: 0 error(s), 9 warning(s)\n")


def test_a_new_scaffold_warns_too(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Right after ``hindsight new`` (investigating), the same findings are already warnings,
    but for the first-30-minutes checklist, which is being worked through (issue 29)."""
    assert run("new", "Checkout down", "--severity", "SEV3").code == 0
    result = run("check", "--today", "2026-11-21")
    assert result.code == 0 and _codes(result.out) == [c for c in BLANK if c != "HS205"]
    assert result.out.endswith("\n1 incident checked: 0 error(s), 8 warning(s)\n")


def test_check_as_in_review_gives_the_errors_and_changes_nothing(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """--as in-review turns them into errors, says so in the summary, exits 1, writes nothing."""
    folder = _draft(run)
    before = {p: p.read_bytes() for p in folder.iterdir()}
    result = run("check", "--as", "in-review", "--today", "2026-11-21")
    assert result.code == 1
    assert _codes(result.out) == BLANK
    assert result.out.endswith(
        "\n1 incident checked as in-review: 9 errors to fix before review, 0 warning(s); "
        "no file was changed\n"
    )
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    assert "\nstatus: draft" in (folder / "postmortem.md").read_text(encoding="utf-8")
    assert run("check", "--today", "2026-11-21").code == 0


def test_check_as_an_unknown_or_earlier_status_is_a_usage_error(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A status that is not one, or one before the incident's own, exits 2 naming the statuses."""
    _draft(run)
    result = run("check", "--as", "review")
    assert result.code == 2
    assert "'investigating', 'draft', 'in-review', 'approved'" in result.err
    result = run("check", "--as", "investigating")
    assert result.code == 2 and not result.out
    assert result.err == (
        f"hindsight: error: --as investigating: {ID} is already draft; "
        "--as takes its status or a later one: draft, in-review, approved\n"
    )


def test_moving_to_draft_says_what_review_will_demand(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """``status ID draft`` succeeds and prints the count and the first findings review will block."""
    run("new", "Checkout down", "--severity", "SEV3")
    for at, milestone in (("13:58", "start"), ("14:01", "detected"), ("14:04", "resolved")):
        run("log", "--at", at, "--milestone", milestone, milestone)
    result = run("status", ID, "draft")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:2] == [
        f"incidents/{ID}/postmortem.md: status investigating → draft",
        (
            f"before review: 9 errors to fix (hindsight check --as in-review incidents/{ID} "
            "lists them all), first:"
        ),
    ]
    assert len(lines) == 5
    assert lines[2] == (
        f"  incidents/{ID}/postmortem.md:12: HS704 no reviewer named; "
        "list who must sign it off: reviewers: [handle]"
    )
