"""Rules through the whole engine: lifecycle, ignores, levels, and the cases their docs do not show."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.rules.conftest import BODY, TIMELINE, Check, codes


def test_the_base_incident_is_clean(check: Check) -> None:
    assert check() == []
    assert check(status="approved", approvals=[{"by": "sam", "date": date(2026, 11, 21)}]) == []


def test_rules_wait_for_their_status(check: Check) -> None:
    body = "\n# Checkout errors\n\nLee forgot to renew it. TODO\n"
    early = check(body=body, status="investigating")
    assert {f.level.value for f in early} == {"warning"}  # what review demands, not yet errors
    found = codes(check(body=body, status="in-review"))
    assert {"HS202", "HS204", "HS301"} <= set(found)


def test_blame_is_not_looked_for_in_quotes_code_or_chat_logs(check: Check) -> None:
    body = (
        BODY
        + """
## Supporting information

> Lee forgot to renew it, said the customer.

The customer wrote "your engineer forgot to renew it".

```
14:03 <lee> I forgot the flag, sorry
```

[14:05] dana: someone ignored the alert
[14:06] lee: I did not see it

>lee [2:07 PM]
I forgot the runbook link

Whoever reads this: `the developer forgot` is how the tool's docs put it.
"""
    )
    assert codes(check(body=body)) == []


def test_blame_in_the_timeline_and_the_title(check: Check) -> None:
    timeline = TIMELINE + "2026-11-21T14:50Z Lee forgot to post the all-clear\n"
    found = check(timeline=timeline, title="The on-call engineer ignored the pager")
    assert [(f.code, f.path.rsplit("/", 1)[1], f.line) for f in found] == [
        ("HS301", "postmortem.md", 3),
        ("HS301", "timeline.log", 6),
    ]


def test_a_finding_on_a_wrapped_line_points_at_the_phrase(check: Check, tmp_path: Path) -> None:
    body = BODY.replace(
        "The pool size was set per host,",
        "The pool size was set per host and\n  the on-call engineer ignored it,",
    )
    (finding,) = check(body=body)
    lines = (tmp_path / finding.path).read_text(encoding="utf-8").split("\n")
    assert lines[finding.line - 1][finding.column - 1 :].startswith("the on-call engineer ignored")
    assert finding.code == "HS301" and finding.column == 3
    assert '"the on-call engineer ignored"' in finding.message


def test_ignore_comment_silences_one_line(check: Check) -> None:
    body = BODY + "\nLee forgot to renew it. <!-- hindsight: ignore HS301 -->\nSam forgot too.\n"
    found = check(body=body)
    assert codes(found) == ["HS301"] and "Sam forgot" in found[0].message


#: a sentence no rule ties to a person, that the second opinion reads as blame
PROBABLE = "Who approves a schema change at midnight without reading it?"


def test_probable_blame_is_a_warning_that_never_blocks(check: Check) -> None:
    """What only the second opinion reads as blame is a warning at in-review: quoted, named, with a rewrite."""
    found = check(body=BODY + f"\n{PROBABLE}\n")
    assert [(f.code, f.level.value) for f in found] == [("HS303", "warning")]
    assert found[0].message.startswith('this may read as blame: "Who approves a schema change')
    assert "(hindsight about a person?)" in found[0].message
    assert "describe what the person knew and saw at the time" in found[0].message
    sure = check(body=BODY + "\nLee forgot to renew the certificate.\n")
    assert [(f.code, f.level.value) for f in sure] == [("HS301", "error")]
    assert sure[0].message.startswith('blameful wording "Lee forgot to"')


def test_no_warning_on_a_heading_a_table_row_or_a_components_state(check: Check) -> None:
    """A heading or table row is no sentence to warn on, and a component with a name like a
    person's ("Mempool is back to zero") is no person; a rule's sure finding there stands."""
    body = BODY + (
        "\n## Root Cause of the Outage\n\nMempool is back to zero.\n\n"
        f"Bifrost is empty again.\n\nHeimdall is back to zero.\n\n### {PROBABLE}\n\n"
        f"| Note | {PROBABLE} |\n| --- | --- |\n"
    )
    assert check(body=body) == []
    sure = check(body=BODY + "\n## Lee forgot to renew the certificate\n")
    assert [(f.code, f.level.value) for f in sure] == [("HS301", "error")]


def test_the_warning_threshold_and_the_ignore_comment_govern_warnings(check: Check) -> None:
    body = BODY + f"\n{PROBABLE}\n"
    assert check(body=body, config="blame:\n  warning_threshold: 1\n") == []
    assert check(body=body.replace("?\n", "? <!-- hindsight: ignore HS303 -->\n")) == []
    # a rule's sure finding does not depend on the threshold
    sure = BODY + "\nLee forgot to renew the certificate.\n"
    assert codes(check(body=sure, config="blame:\n  warning_threshold: 1\n")) == ["HS301"]


def test_hindsight_yml_relevels_and_switches_off(check: Check) -> None:
    body = BODY + "\nLee forgot to renew it.\n"
    config = "rules:\n  blame-person: warning\n  HS407: off\n"
    found = check(body=body, config=config, today=date(2027, 1, 1))
    assert [(f.code, f.level.value) for f in found] == [("HS301", "warning")]


def test_action_item_cells(check: Check) -> None:
    body = BODY.replace(
        "| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |",
        "| Link form | [@lee](https://x.example) | `2026-12-15` | [PLAT-9](https://t.example/PLAT-9) | Done |\n| No owner |  | 2026-12-15 | #12 |  |\n| Team owner | the platform team | Q1 | soon | in progress |\n| Overdue | sam | 2026-11-01 | https://t.example/1 | open |",
    )
    found = [(f.code, f.line, f.column) for f in check(body=body)]
    row = BODY.split("\n").index("| --- | --- | --- | --- | --- |") + 14
    # each finding points at its cell: where its text starts, or just after the pipe of an empty one
    assert found == [
        ("HS402", row + 1, 13),
        ("HS402", row + 2, 16),
        ("HS403", row + 2, 36),
        ("HS404", row + 2, 41),
        ("HS405", row + 2, 48),
        ("HS407", row + 3, 19),
    ]


def test_impact_accepts_many_ways_of_counting(check: Check) -> None:
    for text in (
        "About 3 in every 100 payments failed.",
        "Checkout was down from 13:58 to 14:45 UTC.",
        "Refunds cost $12k.",
        "Two thousand orders were delayed by up to an hour.",
    ):
        body = BODY.replace(
            "12,400 checkout requests failed (4% of all requests) over 47 minutes.", text
        )
        assert "HS501" not in codes(check(body=body)), text


def test_a_comms_gap_names_its_length_its_lines_and_the_cadence_to_keep(check: Check) -> None:
    timeline = TIMELINE.replace("14:20Z [comms]", "14:30Z [comms]")
    assert codes(check(timeline=timeline)) == []  # 27 minutes: within the default 30
    found = check(timeline=timeline, config="comms:\n  cadence_minutes: 20\n")
    assert [(f.code, f.path, f.line) for f in found] == [
        ("HS609", "incidents/2026-11-21-example/timeline.log", 3)
    ]
    assert found[0].message == (
        "27 minutes without a [comms] update before this event (from line 2); "
        "post one at least every 20 minutes (comms.cadence_minutes in hindsight.yml)"
    )
    assert (
        codes(check(timeline=timeline, severity="SEV3", config="comms:\n  cadence_minutes: 20\n"))
        == []
    )


def test_review_rules(check: Check) -> None:
    found = check(
        status="approved",
        reviewers=["sam", "lee"],
        approvals=[
            {"by": "lee", "date": date(2026, 11, 21)},
            {"by": "priya", "date": date(2026, 11, 30)},
        ],
    )
    assert sorted(codes(found)) == ["HS701", "HS702", "HS703", "HS706"]
    assert "hindsight approve 2026-11-21-example --by sam" in next(
        f.message for f in found if f.code == "HS701"
    )


def test_secrets_are_found_and_never_printed(check: Check) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    key = "AKIA" + "Q3EGRTB2XWZP7KLM"
    body = BODY + f"\nThe runner used {token}.\n\n```\naws_access_key_id = {key}\n```\n"
    timeline = TIMELINE + "2026-11-21T14:50Z Rotated key; old one was password=Xy7#kP2qL9wZ!m4R\n"
    found = [f for f in check(body=body, timeline=timeline) if f.code == "HS801"]
    assert len(found) == 3
    for f in found:
        assert token not in f.message and key not in f.message and "Xy7#" not in f.message
    assert "this looks like a GitHub token (40 characters)" in found[0].message
    assert "this looks like an AWS access key id (20 characters)" in found[1].message


def test_a_password_in_a_url_is_a_secret_however_simple(check: Check) -> None:
    # A value after "password=" must look random to be reported; one in a URL is always a secret.
    body = BODY + "\nThe mirror was cloned from https://deploy:letmein@git.example.com/repo.\n"
    found = [f for f in check(body=body) if f.code == "HS801"]
    assert [f.message.split(";")[0] for f in found] == [
        "this looks like a password in a URL (7 characters)"
    ]
    assert codes(check(body=BODY + "\nThe old password=letmein was rotated.\n")) == []


def test_placeholders_and_values_that_are_not_secrets(check: Check) -> None:
    body = (
        BODY
        + "\nSet password=${DB_PASSWORD} and token: <redacted>; see https://user:***@db.example.\n"
    )
    assert codes(check(body=body)) == []


def test_unsafe_html_outside_code_only(check: Check) -> None:
    body = BODY + (
        '\n<img src=x onerror="alert(1)">\n\n[dash](jav&#x61;script:alert(1))\n\n'
        "`<script>` in code is fine.\n\n```html\n<script>alert(1)</script>\n```\n"
    )
    assert codes(check(body=body)) == ["HS802", "HS802"]


@pytest.mark.parametrize(
    "text",
    [
        "Owner: ToDo",
        "fixme before review",
        "F\u0130XME",
        "Lorem Ipsum dolor",
        "tbc.",
        "xxx",
        "the {service} API",
        "[Insert the impact here]",
    ],
)
def test_placeholders_in_any_case_pass_the_prefilter(text: str) -> None:
    from hindsight.folding import folded
    from hindsight.rules.structure import _PLACEHOLDER, _PLACEHOLDER_HINT

    assert _PLACEHOLDER.search(text)
    assert "{" in text or "[" in text or _PLACEHOLDER_HINT.search(folded(text))


@pytest.mark.parametrize(
    "text, found",
    [
        ("<SCRIPT>x</SCRIPT>", True),
        ("<a href=JAVASCRIPT:x>", True),
        ("[x](javascript:alert(1))", True),
        ("<b onclick='x'>", True),
        ("<javascript:alert(1)>", True),
        ("a = b, plain text", False),
    ],
)
def test_unsafe_html_prefilter_keeps_every_pattern(text: str, found: bool) -> None:
    from hindsight.rules.security import unsafe_html

    assert bool(list(unsafe_html(text))) is found


def test_denied_names_are_found_in_both_files_whole_words_only(check: Check) -> None:
    """RELIABILITY cases 33 and 41: a customer's name, even in a comment or across a line break."""
    config = "security:\n  deny: [Globex Corporation, ACME]\n"
    body = (
        BODY
        + "\n<!-- internal: customer acme -->\n\nThe acmeist and the ACMEs are fine; Globex\nCorporation is not.\n"
    )
    timeline = TIMELINE + "2026-11-21T14:50Z Called ACME support\n"
    found = [
        (f.path.rsplit("/", 1)[1], f.line, f.column, f.message.split("'")[1])
        for f in check(body=body, timeline=timeline, config=config)
        if f.code == "HS806"
    ]
    assert [(name, column, term) for name, _line, column, term in found] == [
        ("postmortem.md", 25, "acme"),
        ("postmortem.md", 37, "Globex Corporation"),
        ("timeline.log", 26, "ACME"),
    ]
    assert found[1][1] == found[0][1] + 2 and found[2][1] == 6
    assert codes(check(body=body, timeline=timeline)) == []  # nothing is denied unless listed


def test_addresses_warn_unless_allowed(check: Check) -> None:
    body = (
        BODY
        + "\nReported by jane.doe@gmail.com from 81.2.69.160 and 10.0.4.7; mail help@corp.com.\n"
    )
    assert codes(check(body=body)) == ["HS803", "HS804", "HS804"]
    config = "security:\n  allow: [gmail.com, 10.0.0.0/8, 81.2.69.160]\n"
    assert codes(check(body=body, config=config)) == []


def test_places_gives_each_line_holding_a_hint_once_with_its_file_line() -> None:
    from hindsight.model import Incident
    from hindsight.rules.security import places

    incident = Incident(
        "i",
        "incidents/i",
        {},
        {},
        body="x\n@a @b\n\nlast @",
        body_line=7,
        head="---\nid: i @\n---",
        timeline_text="@ first\nnone",
    )

    def hints(text: str) -> list[int]:
        return [i for i, c in enumerate(text) if c == "@"]

    assert [tuple(p) for p in places(incident, hints)] == [
        ("incidents/i/postmortem.md", 2, "id: i @"),
        ("incidents/i/postmortem.md", 8, "@a @b"),
        ("incidents/i/postmortem.md", 10, "last @"),
        ("incidents/i/timeline.log", 1, "@ first"),
    ]
    assert [p.line for p in places(incident, hints, head=False)] == [8, 10, 1]


def test_ipv6_addresses_are_found_on_any_line_of_either_file(check: Check) -> None:
    body = BODY + "\nTraffic from 2a00:1450:4001:82b::200e at 14:05:30 UTC, and from fe80::1.\n"
    timeline = TIMELINE + "2026-11-21T14:50Z Blocked abcd:ef01:2345:6789:abcd:ef01:2345:6789\n"
    found = [f for f in check(body=body, timeline=timeline) if f.code == "HS804"]
    assert [f.message.split("'")[1] for f in found] == [
        "2a00:1450:4001:82b::200e",
        "fe80::1",
        "abcd:ef01:2345:6789:abcd:ef01:2345:6789",
    ]


def test_repo_rules(check: Check, tmp_path: Path) -> None:
    check()
    incidents = tmp_path / "incidents"
    (incidents / "2026-11-21-Example").mkdir()
    (incidents / "notes.txt").write_text("x")
    (incidents / "2026-11-21-example" / "postmortem.md.bak").write_text("x")
    os.symlink("/etc/hostname", incidents / "2026-11-21-example" / "hostname")
    outside = tmp_path / "outside"
    (outside / "secrets").mkdir(parents=True)
    (outside / "notes.txt").write_text("x")
    os.symlink(outside, incidents / "2026-11-20-linked")
    (incidents / "2026-11-21-example" / "attachments" / "graphs").mkdir(parents=True)
    os.symlink(outside, incidents / "2026-11-21-example" / "attachments" / "graphs" / "more")
    found = check(related=["2026-10-02-missing"])
    assert sorted(codes(found)) == [
        "HS201",
        "HS901",
        "HS902",
        "HS903",
        "HS904",
        "HS904",
        "HS904",
        "HS905",
        "HS905",
    ]
    assert any(
        f.path.endswith("2026-11-21-example/attachments/graphs/more")
        for f in found
        if f.code == "HS904"
    )
    assert not any("outside" in f.message or "linked/" in f.path for f in found), (
        "a linked folder is never followed"
    )


TABLE = """| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |"""


@pytest.mark.parametrize(
    "listed",
    [
        "- Validate pool size against host memory",
        "* Validate pool size against host memory",
        "+ Validate pool size against host memory",
        "1. Validate pool size against host memory",
        "- [ ] Validate pool size against host memory",
        "- [x] Validate pool size against host memory",
    ],
)
def test_action_items_in_a_list_are_one_precise_finding_not_hs401(
    check: Check, listed: str
) -> None:
    """Issue 21: a list under Action items gets HS408, naming its line and the row to write."""
    body = BODY.replace(TABLE, f"{listed}\n{listed.replace('Validate', 'Load-test')}")
    found = check(body=body)
    assert codes(found) == ["HS408"]
    line = BODY.split("\n").index(TABLE.split("\n")[0]) + 13  # after the front matter
    assert (found[0].path, found[0].line) == ("incidents/2026-11-21-example/postmortem.md", line)
    status = "done" if "[x]" in listed else "open"
    assert found[0].message == (
        f"action items are a list (2 items, lines {line}-{line + 1}); the archive tracks owners "
        "and due dates in a table: replace the list with "
        "'| Action | Owner | Due | Ticket | Status |', then '| --- | --- | --- | --- | --- |', "
        f"then one row per item, like '| Validate pool size against host memory |  |  |  | {status} |', "
        "and fill in each owner (a handle), due date (YYYY-MM-DD) and ticket"
    )


def test_a_list_below_the_templates_empty_table_is_a_list(check: Check) -> None:
    """Bullets written under the scaffold's empty table get HS408, not 'no action items'."""
    body = BODY.replace(TABLE, "\n".join(TABLE.split("\n")[:2]) + "\n\n- Validate pool size")
    (found,) = check(body=body)
    assert found.code == "HS408"
    assert (
        "in a table: give each item a row in the table and delete the list, like '| Validate pool size |  |  |  | open |'"
        in found.message
    )


def test_no_list_and_no_table_is_still_hs401(check: Check) -> None:
    """Prose, a list in a code block or a list in a comment is not a list of actions."""
    body = BODY.replace(
        TABLE, "We will look into it.\n\n```\n- not an action\n```\n<!--\n- nor this\n-->"
    )
    assert codes(check(body=body)) == ["HS401"]


def test_the_list_finding_waits_for_review_and_can_be_ignored(check: Check) -> None:
    """HS408 is an error from in-review, like HS401, and a warning before; an ignore comment silences it."""
    body = BODY.replace(TABLE, "- Validate pool size")
    assert [(f.code, f.level.value) for f in check(body=body, status="draft")] == [
        ("HS408", "warning")
    ]
    ignored = BODY.replace(TABLE, "<!-- hindsight: ignore HS408 -->\n- Validate pool size")
    assert codes(check(body=ignored)) == []


def test_an_event_a_day_before_the_start_is_flagged_not_its_lead_up(check: Check) -> None:
    """Issue 29: the reading of a clock time as yesterday's shows; a lead-up of minutes does not."""
    lead_up = "2026-11-21T03:00Z Pool size changed in the config repository\n"
    assert codes(check(timeline=lead_up + TIMELINE)) == []  # 10 h 58 min before [start]
    wrong_day = TIMELINE.replace(
        "2026-11-21T13:58Z [start]",
        "2026-11-20T14:25Z Support reports errors\n2026-11-21T13:58Z [start]",
    )
    found = check(timeline=wrong_day)
    assert [(f.code, f.line, f.level.value, f.message) for f in found] == [
        (
            "HS611",
            1,
            "warning",
            (
                "event at 2026-11-20T14:25Z is 23 h 33 min before [start] on line 2 "
                "(2026-11-21T13:58Z); if its day or zone is wrong, correct the time; if it led up "
                "to the incident, say so in the Root cause section instead"
            ),
        )
    ]


ROW = "| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |"


@pytest.mark.parametrize("owner", ["everyone", "Everyone", "@all", "team", "sre-team", "nobody"])
def test_an_owner_that_names_a_group_is_flagged_like_a_team(check: Check, owner: str) -> None:
    """Issue 29: 'everyone' passed while 'platform team' was flagged."""
    found = check(body=BODY.replace("| lee |", f"| {owner} |"))
    assert [(f.code, f.message) for f in found] == [
        (
            "HS402",
            (
                f"owner '{owner}' names a group or nobody, not one person; name the one person who "
                "will see it done, like 'lee'"
            ),
        )
    ]


def test_a_person_in_people_may_have_a_group_like_handle(check: Check) -> None:
    """A handle listed in hindsight.yml's people is a person, whatever it looks like."""
    found = check(body=BODY.replace("| lee |", "| team |"), config="people:\n  team: Tea Moss\n")
    assert codes(found) == []


@pytest.mark.parametrize(
    "action",
    [
        "Be more careful when reviewing config changes",
        "Engineers should pay more attention to canary dashboards",
        "Double-check the pool size before merging",
        "Remind everyone to read the runbook",
        "Review config changes more carefully",
        "Process: we will always double check DNS changes",
        "Remember to drain the node first",
        "Be vigilant about expiring certificates",
        "Take extra care with database migrations",
        "Remind engineers to double-check",
        "Pay more attention to alerts",
        "Avoid mistakes when editing the pool size",
        "On-call: avoid typos in config keys",
    ],
)
def test_an_action_that_asks_people_to_try_harder_is_flagged(check: Check, action: str) -> None:
    """Issue 29: the template warns against 'be more careful'; now check does too."""
    found = check(body=BODY.replace("Validate pool size against host memory", action))
    assert codes(found) == ["HS409"]
    assert found[0].level.value == "warning" and "change the system instead" in found[0].message


@pytest.mark.parametrize(
    "action",
    [
        "Add a CI job that double-checks the pool size against host memory",
        "Send a reminder from the bot when a certificate expires in 14 days",
        "Alert when the canary's error rate is above 1% so on-call pays attention early",
        "Make the deploy tool careful: refuse a config change without a canary",
        "Separate node groups per zone; Kubernetes is not aware of our zones",
        "Document how to move ingress pods carefully during upgrades",
        "Careful deployment of schema changes behind a feature flag",
        # issue 29's review: 'avoid …' only at the start; an action naming a mechanism
        "Add a schema check in CI to avoid typos in config keys",
        "Retry idempotent calls to avoid errors during failover",
        "Pager: remind on-call after 10 minutes without ack",
        "Double-check config diffs automatically in CI with a linter",
        "Remind the author from a bot when a config change has no canary",
        "Double-check the pool size with a pre-merge check",
    ],
)
def test_actions_that_change_the_system_are_not_vague(check: Check, action: str) -> None:
    """No false alarm on actions that name a change, even with the same words in them."""
    assert codes(check(body=BODY.replace("Validate pool size against host memory", action))) == []


def test_the_first_30_minutes_checklist_is_left_alone_while_investigating(
    archive: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: the checklist is worked through while investigating; from draft, HS205 warns."""
    assert run("new", "Checkout down", "--severity", "SEV2").code == 0
    folder = archive / "incidents" / "2026-11-21-checkout-down"
    assert "HS205" not in run("check", str(folder)).out
    assert "HS205" in run("check", str(folder), "--as", "draft").out
