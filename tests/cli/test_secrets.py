"""No command prints, stores or passes on a secret: log and new refuse, comms and import redact."""

from __future__ import annotations

from pathlib import Path

from tests.canaries import CANARIES, FINDINGS
from tests.cli.test_comms import ID as COMMS_ID
from tests.cli.test_comms import _incident
from tests.conftest import write

TOKEN = next(c for c in CANARIES if c.kind == "github-token")
KEY = next(c for c in CANARIES if c.kind == "aws-access-key-id")


def test_log_refuses_an_event_holding_a_secret_and_says_how_to_record_it(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    assert run("new", "Checkout down", "--severity", "SEV2").code == 0
    timeline = next(archive.glob("incidents/*/timeline.log"))
    before = timeline.read_bytes()
    for canary in CANARIES:
        result = run("log", f"Rotated {canary.line}")
        assert result.code == 2, canary.kind
        assert canary.value not in result.out + result.err, canary.kind
        assert "not recorded" in result.err and "git history" in result.err
        assert f"REDACTED({canary.kind})" in result.err, canary.kind
    assert timeline.read_bytes() == before


def test_new_refuses_a_title_holding_a_secret(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("new", f"Deploys fail with {TOKEN.value}", "--severity", "SEV2")
    assert result.code == 2
    assert TOKEN.value not in result.out + result.err
    assert "a GitHub token (40 characters)" in result.err
    assert not [p for p in (archive / "incidents").iterdir() if p.is_dir()]


def test_comms_prints_the_message_with_secrets_redacted_and_says_so(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    from tests.rules.conftest import BODY

    _incident(archive, body=BODY.replace("A connection-pool change", f"Key {KEY.value} leaked; a"))
    for audience in ("internal", "external", "summary"):
        result = run(
            "comms", COMMS_ID, "-a", audience, "--message", f"Rotated {TOKEN.value}", "--log"
        )
        assert result.code == 1, audience
        assert TOKEN.value not in result.out + result.err and KEY.value not in result.out
        assert "REDACTED(github-token)" in result.out
        assert (
            "a GitHub token (40 characters), printed above as REDACTED(github-token)" in result.err
        )
        assert "nothing was logged" in result.err
    timeline = (archive / "incidents" / COMMS_ID / "timeline.log").read_text()
    assert "[comms]" not in timeline


def test_import_redacts_every_secret_and_reports_each_one(
    archive: Path, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    lines = "\n\n".join(c.line for c in CANARIES)
    source = tmp_path / "doc.md"
    write(
        source,
        "# Deploys failed on 2026-11-20\n\n## Summary\n\nWhat leaked:\n\n" + lines + "\n\n"
        "## Timeline\n\n- 14:02 UTC deploy started with " + TOKEN.value + "\n",
    )
    before = source.read_bytes()
    result = run("import", str(source), "--date", "2026-11-20")
    assert result.code in (0, 1), result.err
    written = "".join(p.read_text() for p in archive.glob("incidents/*/*") if p.is_file())
    for canary in CANARIES:
        assert canary.value not in written, canary.kind
        assert canary.value not in result.out + result.err, canary.kind
        assert f"REDACTED({canary.kind})" in written, canary.kind
    assert result.out.count("from the source was written as REDACTED(") == FINDINGS + 1
    assert source.read_bytes() == before, "the source is never changed"
