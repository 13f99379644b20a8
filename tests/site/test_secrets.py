"""The build is the second line of defence: no secret of any kind reaches a file under site/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.canaries import CANARIES, FINDINGS
from tests.conftest import write
from tests.site.conftest import BODY, HINDSIGHT_YML, TIMELINE, Build, BuildFailed, make_incident

pytestmark = pytest.mark.slow
TOKEN = next(c for c in CANARIES if c.kind == "github-token")
REDACT = HINDSIGHT_YML.replace("site:\n", "site:\n  secrets: redact\n")


def _every_kind(root: Path) -> None:
    """An incident holding one canary of every kind: in its text, title, timeline and a log file."""
    lines = "\n\n".join(c.line for c in CANARIES)
    folder = make_incident(
        root,
        "2026-11-20-leaky",
        title=f"Leaky deploy {TOKEN.value}",
        body=BODY.replace("## Impact", f"What was pasted:\n\n{lines}\n\n## Impact"),
        timeline=TIMELINE + f"2026-11-21T14:50Z Rotated {CANARIES[1].value}\n",
    )
    write(folder / "attachments" / "job.log", f"start\n{CANARIES[2].line}\nend\n")


def _site_text(site: Path) -> str:
    """Every file under ``site``, Pagefind's compressed chunks decompressed to be read."""
    from hindsight.site import search

    plain = [p.read_bytes() for p in site.rglob("*") if p.is_file()]
    unpacked = [content for _, content in search.files(site)]
    assert list(site.rglob("*.pf_fragment")), "the search index was not built"
    return "\n".join(b.decode("utf-8", "replace") for b in plain + unpacked)


def test_the_build_refuses_secrets_naming_file_line_and_kind(tmp_path: Path, build: Build) -> None:
    _every_kind(tmp_path)
    make_incident(tmp_path, "2026-11-19-clean")
    with pytest.raises(BuildFailed) as failed:
        build()
    message = str(failed.value)
    for canary in CANARIES:
        assert canary.value not in message, canary.kind
    assert "would be published; the site was not built" in message
    assert "incidents/2026-11-20-leaky/postmortem.md:3:" in message  # the title, in front matter
    assert "incidents/2026-11-20-leaky/timeline.log:" in message
    assert "incidents/2026-11-20-leaky/attachments/job.log:2:" in message
    from hindsight import leaks

    for canary in CANARIES:
        assert f": {leaks.kind(canary.kind).what} (" in message, canary.kind
    assert message.count("incidents/2026-11-20-leaky/postmortem.md:") == FINDINGS + 1
    assert "site: {secrets: redact}" in message


def test_with_redaction_chosen_no_file_under_site_holds_any_secret(
    tmp_path: Path, build: Build
) -> None:
    _every_kind(tmp_path)
    site = build(hindsight_yml=REDACT)
    published = _site_text(site)
    for canary in CANARIES:
        assert canary.value not in published, f"{canary.kind} was published"
    from hindsight.site import search

    indexed = b"".join(content for _, content in search.files(site))
    assert b"REDACTED(github-token)" in indexed  # the search index holds the page, redacted
    page = (site / "incidents" / "2026-11-20-leaky" / "index.html").read_text()
    assert "REDACTED(github-token)" in page and "REDACTED(private-key)" in page
    log = (site / "incidents" / "2026-11-20-leaky" / "attachments" / "job.log").read_text()
    assert (
        log
        == f"start\n{CANARIES[2].line.replace(CANARIES[2].value, 'REDACTED(aws-secret-access-key)')}\nend\n"
    )


def test_a_secret_in_a_hand_written_page_is_refused_at_its_line(
    tmp_path: Path, build: Build
) -> None:
    make_incident(tmp_path, "2026-11-19-clean")
    write(
        tmp_path / "docs" / "runbook.md",
        f"---\ntitle: Runbook\n---\n# Runbook\n\nUse {TOKEN.value}.\n",
    )
    with pytest.raises(BuildFailed) as failed:
        build()
    assert "docs/runbook.md:6:5: a GitHub token (40 characters)" in str(failed.value)
    assert TOKEN.value not in str(failed.value)


def test_a_line_that_silences_hs801_is_published_as_written(tmp_path: Path, build: Build) -> None:
    """The same allow-listing as ``hindsight check``: a false alarm is let be, on its line only."""
    fake = "password=Winter2026!x"
    make_incident(
        tmp_path,
        "2026-11-19-allowed",
        body=BODY.replace(
            "## Impact", f"Docs say {fake} <!-- hindsight: ignore HS801 -->\n\n## Impact"
        ),
    )
    site = build()
    assert fake in (site / "incidents" / "2026-11-19-allowed" / "index.html").read_text()
