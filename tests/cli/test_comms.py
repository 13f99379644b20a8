"""``hindsight comms``: updates and summaries from the archive's templates, reviewed before they leave."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hindsight.comms import headline, review
from hindsight.config import parse_settings
from hindsight.load.incident import load_incident
from tests.conftest import write
from tests.rules.conftest import BODY, META

ID = "2026-11-21-example"
LIVE = """\
2026-11-21T13:58Z [start] Deploy 4812 reached all checkout-api hosts
2026-11-21T14:01Z [detected] Pager alert: checkout 5xx above 5%
2026-11-21T14:02Z [acknowledged] Dana takes the commander role
2026-11-21T14:03Z [decision] Roll back deploy 4812 before looking further
"""
OVER = (
    LIVE
    + """\
2026-11-21T14:20Z [comms] Status page: investigating
2026-11-21T14:40Z [mitigated] Rolled back deploy 4812
2026-11-21T14:45Z [resolved] Error rate at baseline
"""
)
CONFIG = """\
people:
  dana: Dana Whitfield
  lee: Lee Okafor
comms:
  public_names:
    checkout-api: checkout
"""


def _incident(archive: Path, timeline: str = LIVE, body: str = BODY, **meta: object) -> Path:
    folder = archive / "incidents" / ID
    fields = {**META, "id": ID, "status": "investigating", **meta}
    write(folder / "postmortem.md", f"---\n{yaml.safe_dump(fields, sort_keys=False)}---\n{body}")
    write(folder / "timeline.log", timeline)
    write(archive / "hindsight.yml", CONFIG)
    return folder


def test_internal_update_says_state_impact_progress_lead_and_next_update(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    result = run("comms", ID, "--audience", "internal")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith(
        "**[SEV2] Checkout errors: investigating**\nUpdate at 14:05 UTC · 2026-11-21-example\n"
    )
    assert "Began 2026-11-21 13:58 UTC, detected 14:01 UTC; ongoing for 7 min." in out
    assert "12,400 checkout requests failed" in out
    assert "- 14:03 Decided: Roll back deploy 4812 before looking further" in out
    assert "Pager alert" not in out  # detection is in the state line, not in "what has been done"
    assert "**Who leads:** Dana Whitfield (@dana) is the incident commander." in out
    assert "**Next update:** by 14:35 UTC (every 30 minutes)." in out


def test_cadence_comes_from_hindsight_yml(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    write(archive / "hindsight.yml", CONFIG + "  cadence_minutes: 15\n")
    assert (
        "**Next update:** by 14:20 UTC (every 15 minutes)."
        in run("comms", ID, "-a", "internal").out
    )


def test_log_appends_a_comms_event_at_the_current_time(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = _incident(archive)
    result = run("comms", ID, "-a", "internal", "--log")
    assert result.code == 0, result.err
    last = (folder / "timeline.log").read_text().splitlines()[-1]
    assert (
        last == "2026-11-21T14:05Z [comms] Internal update: [SEV2] Checkout errors: investigating"
    )
    assert "logged in incidents/2026-11-21-example/timeline.log" in result.err


def test_the_incident_under_investigation_is_the_default(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    assert run("comms", "-a", "external").out.startswith("**Investigating**")


def test_an_incident_no_longer_investigated_is_named_as_comms_takes_it(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Once nothing is under investigation, the message says how comms names an incident
    (an argument, not log's --incident), and $HINDSIGHT_INCIDENT names it as for log."""
    _incident(archive, OVER, status="draft")
    result = run("comms", "-a", "summary")
    assert result.code == 2
    assert "name one with 'hindsight comms ID -a …' (most recent: " + ID in result.err
    assert "--incident" not in result.err
    monkeypatch.setenv("HINDSIGHT_INCIDENT", ID)
    assert run("comms", "-a", "summary").code == 0


def test_external_update_uses_public_names_and_plain_language(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, services=["checkout-api", "payments-db"])
    result = run(
        "comms", ID, "-a", "external", "--message", "Orders already placed are not affected."
    )
    assert result.code == 0, result.err
    assert result.out == (
        "**Investigating**\n\nWe are aware of a problem affecting checkout since 13:58 UTC and are working "
        "to fix it.\n\nOrders already placed are not affected.\n\nWe will post an update by 14:35 UTC.\n"
    )
    assert "payments-db" not in result.out


def test_external_update_after_resolution(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, timeline=OVER)
    out = run("comms", ID, "-a", "external").out
    assert out.startswith(
        "**Resolved**\n\nFrom 13:58 to 14:45 UTC on 21 November 2026, customers may have had "
        "problems with checkout. The issue is resolved"
    )
    assert "update by" not in out


def test_an_unmapped_service_is_never_named_to_customers(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, services=["payments-db"])
    out = run("comms", ID, "-a", "external").out
    assert "affecting some of our services since 13:58 UTC" in out


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Dana is on it.", "a person's name, 'Dana'"),
        ("Ask @lee for details.", "a person's name, 'lee'"),
        ("The payments-db primary is overloaded.", "an internal service name, 'payments-db'"),
        ("We failed over db-07 to a replica.", "a host name, 'db-07'"),
        ("See api.prod.internal for details.", "a host name, 'api.prod.internal'"),
        ("Traffic from 10.2.3.4 was blocked.", "line 5, column 14: an IP address, '10.2.3.4'"),
        (
            "The on-call engineer forgot to renew it.",
            'blameful wording "The on-call engineer forgot to"',
        ),
    ],
)
def test_a_customer_update_that_leaks_is_refused_and_not_logged(
    archive: Path,
    run,
    message: str,  # type: ignore[no-untyped-def]
    reason: str,
) -> None:
    folder = _incident(archive, services=["checkout-api", "payments-db"])
    before = (folder / "timeline.log").read_bytes()
    result = run("comms", ID, "-a", "external", "--message", message, "--log")
    assert result.code == 1
    assert message in result.out  # still printed, to fix and send
    assert f"do not send as it is: {reason}" in result.err
    assert "nothing was logged" in result.err
    assert (folder / "timeline.log").read_bytes() == before


def test_no_message_carries_a_secret(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    result = run("comms", ID, "-a", "internal", "--message", f"Rotated {token}")
    assert result.code == 1
    assert "GitHub token" in result.err or "token" in result.err
    assert token not in result.err


@pytest.mark.parametrize("audience", ["internal", "external", "summary"])
def test_no_message_names_what_security_deny_lists(archive: Path, run, audience: str) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    write(archive / "hindsight.yml", CONFIG + "security:\n  deny: [Globex Corporation]\n")
    result = run(
        "comms", ID, "-a", audience, "--message", "Orders from GLOBEX\ncorporation failed.", "--log"
    )
    assert result.code == 1
    assert (
        "do not send as it is: 'GLOBEX corporation' is listed under security.deny in hindsight.yml; "
        "say who or what it is instead"
    ) in result.err


def test_summary_is_the_one_page_outcome(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, timeline=OVER, status="in-review", customer_facing=True)
    result = run("comms", ID, "-a", "summary")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith(
        "# Incident summary: Checkout errors\n\nSEV2 · 21 November 2026 · lasted 47 min"
    )
    assert (
        "checkout-api, from 2026-11-21 13:58 UTC to 2026-11-21 14:45 UTC (47 min); noticed after 3 min, "
        "impact stopped after 42 min."
    ) in out
    assert "Customers were affected." in out
    for words in (
        "12,400 checkout requests failed",
        "A connection-pool change",
        "The pool size was set per host",
        "rolled back at 14:40 UTC",
        "- Validate pool size against host memory (Lee Okafor, due 2026-12-15, PLAT-123)",
    ):
        assert words in out
    assert result.err == ""


def test_summary_says_what_is_not_written_yet(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    body = (
        "\n# Checkout errors\n\n## Summary\n\nCheckout failed.\n\n## Impact\n\n<!-- guidance -->\n"
    )
    _incident(archive, body=body)
    result = run("comms", ID, "-a", "summary")
    assert result.code == 0
    assert "_The Impact section is not written yet._" in result.out
    assert "guidance" not in result.out
    assert "the incident is not resolved yet" in result.err
    assert "the Impact section of postmortem.md, which is empty" in result.err


def test_text_from_the_incident_is_data_not_template(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(
        archive,
        title="{{ 7 * 7 }} {% raw %}",
        timeline=LIVE + "2026-11-21T14:04Z {{ ''.__class__.__mro__ }} {% include 'x' %}\n",
    )
    result = run("comms", ID, "-a", "internal")
    assert result.code == 0, result.err
    assert "**[SEV2] {{ 7 * 7 }} {% raw %}: investigating**" in result.out
    assert "- 14:04 {{ ''.__class__.__mro__ }} {% include 'x' %}" in result.out


def test_the_archive_edits_its_own_templates(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    write(
        archive / "templates" / "comms" / "internal.md.j2",
        "{{ title }} is {{ state }}; next at {{ next_update.time }}\n",
    )
    assert (
        run("comms", ID, "-a", "internal").out
        == "Checkout errors is investigating; next at 14:35\n"
    )


@pytest.mark.parametrize(
    ("audience", "template", "where"),
    [
        (
            "internal",
            "ok\n{{ title.__class__.__mro__[1].__subclasses__() }}\n",
            "internal.md.j2:2",
        ),  # the sandbox
        (
            "summary",
            "# {{ title }}\n\n{% if state %}\n",
            "templates/comms/summary.md.j2:3",
        ),  # a syntax mistake
    ],
    ids=["sandbox", "syntax"],
)
def test_a_template_error_names_its_file_and_line(
    archive: Path,
    run,
    audience: str,
    template: str,  # type: ignore[no-untyped-def]
    where: str,
) -> None:
    _incident(archive)
    write(archive / "templates" / "comms" / f"{audience}.md.j2", template)
    result = run("comms", ID, "-a", audience)
    assert result.code == 2
    assert f"{where}: template error" in result.err
    assert "Traceback" not in result.err


def test_unknown_incident_and_audience(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    result = run("comms", "2026-11-21-exampel", "-a", "internal")
    assert result.code == 2 and "did you mean '2026-11-21-example'?" in result.err
    assert run("comms", ID, "-a", "press").code == 2


def test_review_lets_ordinary_customer_wording_through(tmp_path: Path) -> None:
    folder = _incident(tmp_path)
    settings = parse_settings(CONFIG, tmp_path)
    incident = load_incident(folder, settings).incident
    assert incident is not None
    text = (
        "**Monitoring**\n\nA fix is in place and checkout is recovering over IPv6 and HTTP2 alike. "
        "Status: SEV2. Visit https://status.example.com or write to support@example.com. "
        "Version 2.4.1 of the app is not affected.\n"
    )
    assert review(text, "external", incident, settings) == ()


def test_headline_is_the_first_line_as_plain_text() -> None:
    assert headline("\n**[SEV1] Down**: _investigating_\nmore") == "[SEV1] Down: investigating"
    assert headline("x" * 200).endswith("…") and len(headline("x" * 200)) == 140


def test_times_in_messages_are_utc_whatever_the_zone_of_the_log(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, timeline="2026-11-21T14:58+01:00 [start] Deploy reached all hosts\n")
    assert "since 13:58 UTC" in run("comms", ID, "-a", "external").out


def test_the_guide_documents_every_value_templates_get(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from hindsight.comms import context

    guide = Path(__file__).parents[2] / "docs" / "guide" / "running.md"
    table = guide.read_text().split("## Message templates")[1].split("\n## ")[0]
    documented = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`(\w+)`", row.split("|")[1])
    }
    folder = _incident(tmp_path)
    settings = parse_settings(CONFIG, tmp_path)
    incident = load_incident(folder, settings).incident
    assert incident is not None
    keys = set(context(incident, settings, datetime(2026, 11, 21, 14, 5, tzinfo=timezone.utc)))
    assert documented == keys


def test_internal_update_shows_no_raw_tags_no_declaration_and_a_handle_once(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: what was done reads as sentences, and a handle with no name shows once."""
    declared = "2026-11-21T13:59Z Incident declared: Checkout errors (SEV2, commander dana)\n"
    timeline = LIVE.replace("2026-11-21T14:01Z", declared + "2026-11-21T14:01Z") + (
        "2026-11-21T14:04Z [action] Paged the database on-call\n"
        "2026-11-21T14:05Z [mitigated] Rolled back deploy 4812\n"
        "2026-11-21T14:05Z \\[mitigated] typed as text\n"
    )
    _incident(archive, timeline)
    write(archive / "hindsight.yml", "people:\n  lee: Lee Okafor\n")
    out = run("comms", ID, "--audience", "internal").out
    done = out.split("**What has been done:**\n")[1].split("\n\n")[0]
    assert done.splitlines() == [
        "- 14:02 Acknowledged: Dana takes the commander role",
        "- 14:03 Decided: Roll back deploy 4812 before looking further",
        "- 14:04 Paged the database on-call",
        "- 14:05 Mitigated: Rolled back deploy 4812",
        "- 14:05 [mitigated] typed as text",
    ]
    assert "**Who leads:** @dana is the incident commander." in out
