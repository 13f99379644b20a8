"""``hindsight actions sync``: against GitHub's and Jira's APIs served on 127.0.0.1 (tests/trackers.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import write
from tests.rules.conftest import BODY, META, TIMELINE
from tests.trackers import JIRA_TOKEN, JIRA_USER, TOKEN, FakeGitHub, FakeJira, rate_limited

ID = META["id"]
ITEMS = """\
| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
| Validate pool size against host memory | lee | 2026-12-15 |  | open |
| Alert on pool wait time above 1 s | sam | 2026-12-20 | | open |
| Document the pool settings | dana | 2026-12-22 | PLAT-9 | open |
| Add a canary for config changes | lee | 2026-12-01 | PLAT-10 | done |
"""
GITHUB = """\
people:
  lee: Lee Okafor
  sam: Sam Ferreira
  dana: Dana Whitfield
tracker:
  kind: github
  repo: example/incident-archive
  labels: [postmortem-action, reliability]
"""
JIRA = """\
people:
  lee: Lee Okafor
tracker:
  kind: jira
  url: {url}
  project: OPS
  accounts:
    lee: 5b10ac8d82e05b22cc7d4ef5
"""


def make_incident(root: Path, items: str = ITEMS, incident_id: str = ID, **meta: object) -> Path:
    body = (
        BODY.split("| Action |")[0]
        + items
        + "\n## Lessons learned\n\nConfiguration changes need a canary.\n"
    )
    front = yaml.safe_dump(
        dict(META, id=incident_id, **meta), sort_keys=False, default_flow_style=None
    )
    folder = root / "incidents" / incident_id
    write(folder / "timeline.log", TIMELINE)
    return write(folder / "postmortem.md", f"---\n{front}---\n{body}")


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: str) -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setattr("hindsight.tracker.http.FIRST_DELAY", 0.01)
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "hindsight.yml", GITHUB)
    write(
        tmp_path / "mkdocs.yml", "site_name: Incidents\nsite_url: https://incidents.example.com/\n"
    )
    yield fake
    fake.close()


@pytest.fixture
def jira(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: str) -> Iterator[FakeJira]:
    fake = FakeJira()
    monkeypatch.setenv("JIRA_USER", JIRA_USER)
    monkeypatch.setenv("JIRA_API_TOKEN", JIRA_TOKEN)
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "hindsight.yml", JIRA.format(url=fake.url))
    yield fake
    fake.close()


def created(fake: FakeGitHub) -> list[dict]:  # type: ignore[type-arg]
    return [i for n, i in sorted(fake.issues.items()) if "pull_request" not in i]


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.split("\n"), after.split("\n")) if a != b]


def test_a_dry_run_prints_the_plan_and_changes_nothing(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    path = make_incident(tmp_path)
    before = path.read_bytes()
    result = run("actions", "sync")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert (
        f'incidents/{ID}/postmortem.md:36: open: "Validate pool size against host memory": new issue: owner @lee, due 2026-12-15'
        in lines
    )
    assert any('"Alert on pool wait time above 1 s": new issue' in line for line in lines)
    assert not any("Add a canary" in line for line in lines), "a done item gets no ticket"
    assert "Plan: 2 open." in lines
    assert "Dry run: nothing was changed" in result.out
    assert path.read_bytes() == before
    assert not (tmp_path / "tickets.json").exists()
    assert not github.posts(), "a dry run opens nothing"


def test_apply_opens_one_issue_per_item_and_writes_only_its_ticket_cell(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    path = make_incident(tmp_path)
    before = path.read_text()
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    issues = created(github)
    assert [i["title"] for i in issues] == [
        "Validate pool size against host memory",
        "Alert on pool wait time above 1 s",
    ]
    first = issues[0]
    assert [label["name"] for label in first["labels"]] == ["postmortem-action", "reliability"]
    assert [a["login"] for a in first["assignees"]] == ["lee"]
    assert f"https://incidents.example.com/incidents/{ID}/" in first["body"]
    assert (
        "Checkout errors" in first["body"]
        and "SEV2" in first["body"]
        and "2026-12-15" in first["body"]
    )
    assert f"<!-- hindsight-action:{ID}:" in first["body"]
    after = path.read_text()
    assert changed_lines(before, after) == [
        (
            "| Validate pool size against host memory | lee | 2026-12-15 |  | open |",
            f"| Validate pool size against host memory | lee | 2026-12-15 | {first['html_url']} | open |",
        ),
        (
            "| Alert on pool wait time above 1 s | sam | 2026-12-20 | | open |",
            f"| Alert on pool wait time above 1 s | sam | 2026-12-20 | {issues[1]['html_url']} | open |",
        ),
    ]
    assert "Done: 2 opened, 0 linked, 0 marked done" in result.out
    # a second run opens nothing
    again = run("actions", "sync", "--apply")
    assert again.code == 0, again.err
    assert len(created(github)) == 2
    assert path.read_text() == after
    assert "Done: 0 opened" in again.out


def test_a_closed_issue_marks_its_item_done_and_other_states_are_reported(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    path = make_incident(tmp_path)
    assert run("actions", "sync", "--apply").code == 0
    done, dropped = (i["number"] for i in created(github))
    github.close_issue(done, "completed")
    github.close_issue(dropped, "not_planned")
    before = path.read_text()
    result = run("actions", "sync", "--apply", "--no-open")
    assert result.code == 0, result.err
    assert f"#{done}" not in result.out  # tickets are named as written: the URL
    assert any(
        "mark done" in line and "Validate pool size" in line for line in result.out.splitlines()
    )
    assert any(
        "report" in line and "closed as not planned" in line and "wontfix" in line
        for line in result.out.splitlines()
    )
    [(old, new)] = changed_lines(before, path.read_text())
    assert (
        old.startswith("| Validate pool size") and new.endswith("| done |") and old[:-7] == new[:-7]
    )
    states = json.loads((tmp_path / "tickets.json").read_text())
    assert states["tracker"] == "GitHub issues of example/incident-archive"
    assert states["synced"] == "2026-11-21T14:05Z"
    url = f"https://github.com/example/incident-archive/issues/{dropped}"
    assert states["tickets"][url] == {
        "state": "closed",
        "completed": False,
        "reason": "not_planned",
        "url": url,
    }
    # an item marked done by hand while its issue is open is reported, not changed
    github.issues[done].update(state="open", state_reason="reopened")
    result = run("actions", "sync")
    assert any(
        "marked done, but" in line and "still open" in line for line in result.out.splitlines()
    )


def test_a_run_stopped_after_opening_links_that_issue_next_time(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    path = make_incident(tmp_path)
    before = path.read_bytes()
    github.fail = []
    original = github.answer
    posts = []

    def second_post_fails(method, url, headers, payload):  # type: ignore[no-untyped-def]
        if method == "POST":
            posts.append(payload)
            if len(posts) == 2:
                return 400, {}, {"message": "Problems parsing JSON"}
        return original(method, url, headers, payload)

    github.answer = second_post_fails  # type: ignore[method-assign]
    result = run("actions", "sync", "--apply")
    assert result.code == 2
    assert (
        f'incidents/{ID}/postmortem.md:37: open an issue for "Alert on pool wait time above 1 s"'
        in result.err
    )
    assert "Problems parsing JSON" in result.err and "No file was changed" in result.err
    assert "the next run links them" in result.err
    assert path.read_bytes() == before
    assert len(created(github)) == 1
    github.answer = original  # type: ignore[method-assign]
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert "link" in result.out and "was opened for it by an earlier run" in result.out
    assert len(created(github)) == 2, "no duplicate"
    assert path.read_text().count("https://github.com/example/incident-archive/issues/") == 2


def test_rate_limits_and_server_errors_are_waited_out(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    github.fail = [
        rate_limited(-1),
        (502, {}, {"message": "Server Error"}),
        (429, {"Retry-After": "0"}, {}),
    ]
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert len(created(github)) == 2
    github.fail = [rate_limited(3600)]
    result = run("actions", "sync")
    assert result.code == 2
    assert "rate limit is used up until" in result.err and "run again then" in result.err


def test_the_token_appears_in_no_output_and_no_file(
    tmp_path: Path, github: FakeGitHub, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    outputs = [run("actions", "sync"), run("actions", "sync", "--apply")]
    github.close_issue(created(github)[0]["number"])
    outputs.append(run("actions", "sync", "--apply"))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "-revoked")
    refused = run("actions", "sync")
    assert (
        refused.code == 2
        and "Bad credentials" in refused.err
        and "credentials were refused" in refused.err
    )
    outputs.append(refused)
    for result in outputs:
        assert TOKEN not in result.out + result.err
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    assert all(
        h.get("Authorization") in (f"Bearer {TOKEN}", f"Bearer {TOKEN}-revoked")
        for _, _, h, _ in github.calls
    )


def test_the_postmortem_still_checks_after_a_sync(tmp_path: Path, github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    before = run("check", "--today", "2026-11-21")
    assert before.code == 1 and before.out.count("HS404 no ticket") == 2
    assert run("actions", "sync", "--apply").code == 0
    github.close_issue(created(github)[0]["number"])
    assert run("actions", "sync", "--apply").code == 0
    after = run("check", "--today", "2026-11-21")
    assert after.code == 0, after.out + after.err


def test_what_is_not_opened(tmp_path: Path, github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path, incident_id="2026-11-20-restricted", visibility="restricted")
    make_incident(tmp_path, incident_id="2026-11-19-draft", status="draft")
    make_incident(
        tmp_path,
        items="| Action | Owner | Due |\n| --- | --- | --- |\n| Rotate the keys | lee | 2026-12-01 |\n",
        incident_id="2026-11-18-no-ticket-column",
    )
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert not created(github)
    assert "restricted incident: open its ticket by hand" in result.out
    assert "the table has no Ticket column" in result.out
    assert "2 item(s) wait for their postmortem to reach in-review" in result.out


def test_an_unassignable_owner_still_gets_an_issue(tmp_path: Path, github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    github.collaborators = ("sam",)
    make_incident(tmp_path)
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert "@lee could not be assigned" in result.err
    assert [i["assignees"] for i in created(github)] == [[], [{"login": "sam"}]]


def test_settings_are_checked(tmp_path: Path, github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    write(tmp_path / "hindsight.yml", "tracker:\n  kind: github\n")
    result = run("actions", "sync")
    assert result.code == 2 and "add tracker.repo: OWNER/NAME" in result.err
    write(tmp_path / "hindsight.yml", "tracker:\n  kind: gitlab\n  repo: a b\n")
    result = run("actions", "sync")
    assert result.code == 2
    assert "hindsight.yml:2: 'tracker.kind' must be one of: github, jira" in result.err
    assert "hindsight.yml:3: 'tracker.repo' must be the repository as OWNER/NAME" in result.err
    write(tmp_path / "hindsight.yml", "people: {}\n")
    result = run("actions", "sync")
    assert result.code == 2 and "sets up no tracker" in result.err


def test_apply_needs_a_token(
    tmp_path: Path, github: FakeGitHub, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GITHUB_TOKEN")
    make_incident(tmp_path)
    assert run("actions", "sync").code == 0, "a dry run reads a public repository without a token"
    result = run("actions", "sync", "--apply")
    assert (
        result.code == 2
        and "GITHUB_TOKEN is not set" in result.err
        and "issues: write" in result.err
    )


def test_jira(tmp_path: Path, jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    path = make_incident(tmp_path, items=ITEMS.replace("PLAT-9", "OPS-7"))
    jira.issues["OPS-7"] = {
        "fields": {"labels": []},
        "status": {"statusCategory": {"key": "indeterminate"}},
        "resolution": None,
    }
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert sorted(jira.issues) == ["OPS-102", "OPS-103", "OPS-7"]
    fields = jira.issues["OPS-102"]["fields"]
    assert fields["summary"] == "Validate pool size against host memory"
    assert fields["assignee"] == {"accountId": "5b10ac8d82e05b22cc7d4ef5"}
    assert fields["duedate"] == "2026-12-15" and fields["labels"] == ["postmortem-action"]
    assert fields["description"]["type"] == "doc"
    assert f"hindsight-action:{ID}:" in json.dumps(fields["description"])
    assert "assignee" not in jira.issues["OPS-103"]["fields"], "sam has no Jira account mapped"
    text = path.read_text()
    assert "| Validate pool size against host memory | lee | 2026-12-15 | OPS-102 | open |" in text
    jira.close_issue("OPS-102", "Done")
    jira.close_issue("OPS-103", "Won't Do")
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert len(jira.issues) == 3
    text = path.read_text()
    assert "| Validate pool size against host memory | lee | 2026-12-15 | OPS-102 | done |" in text
    assert "| OPS-103 | open |" in text
    assert "OPS-103 was closed as Won't Do" in result.out
    for method, _, headers, _ in jira.calls:
        assert headers["Authorization"].startswith("Basic ")
    assert JIRA_TOKEN not in result.out + result.err


def test_jira_finds_an_earlier_issue_over_pages(tmp_path: Path, jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):  # other issues with the label, over several pages
        jira.issues[f"OPS-{n + 1}"] = {
            "fields": {"labels": ["postmortem-action"], "description": None},
            "status": {},
            "resolution": None,
        }
    path = make_incident(tmp_path)
    assert run("actions", "sync", "--apply").code == 0
    text = path.read_text()
    # the file loses the tickets (a revert): the next run links the same issues again
    path.write_text(text.replace("OPS-106", "").replace("OPS-107", ""))
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert path.read_text().replace(" ", "") == text.replace(" ", "")
    assert len(jira.issues) == 7


def test_overdue_knows_what_the_tracker_closed(tmp_path: Path, github: FakeGitHub, run) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    assert run("actions", "sync", "--apply").code == 0
    first, second = created(github)
    github.close_issue(first["number"])
    assert run("actions", "sync", "--no-open").code == 0, "a dry run writes no tickets.json"
    assert not (tmp_path / "tickets.json").exists()
    # the states are recorded by a read-back that could not mark done (no Status column)
    path = tmp_path / "incidents" / ID / "postmortem.md"
    text = path.read_text()
    assert run("actions", "sync", "--apply", "--no-open").code == 0
    path.write_text(text)  # as if the item were not marked done yet
    result = run("overdue", "--today", "2026-12-21")
    assert result.code == 0, result.err
    assert f"{second['html_url']}, open at the last sync" in result.out
    assert "is closed in the tracker: hindsight actions sync --apply marks it done" in result.out
    markdown = run("overdue", "--today", "2026-12-21", "--format", "markdown").out
    assert "### Closed in the tracker, not yet marked done" in markdown


def test_a_sync_of_one_incident_keeps_the_states_of_the_others(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    make_incident(tmp_path, incident_id="2026-11-22-other")
    assert run("actions", "sync", "--apply").code == 0
    assert run("actions", "sync", "--apply").code == 0  # reads the four tickets back
    before = json.loads((tmp_path / "tickets.json").read_text())["tickets"]
    assert len(before) == 4
    github.close_issue(created(github)[-1]["number"])
    result = run("actions", "sync", "--apply", "--incident", "2026-11-22-other")
    assert result.code == 0, result.err
    after = json.loads((tmp_path / "tickets.json").read_text())["tickets"]
    assert set(after) == set(before)
    assert sum(1 for state in after.values() if state["state"] == "closed") == 1
    assert run("actions", "sync", "--incident", "2026-11-22-othr").err.endswith(
        "did you mean '2026-11-22-other'?\n"
    )


def test_jira_opens_without_a_due_date_its_project_refuses(
    tmp_path: Path, jira: FakeJira, run
) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    original = jira.answer

    def no_due_date(method, url, headers, payload):  # type: ignore[no-untyped-def]
        if method == "POST" and url.endswith("/issue") and "duedate" in payload["fields"]:
            return (
                400,
                {},
                {
                    "errorMessages": [],
                    "errors": {
                        "duedate": "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown."
                    },
                },
            )
        return original(method, url, headers, payload)

    jira.answer = no_due_date  # type: ignore[method-assign]
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert "opened without duedate, which the project refused" in result.err
    assert len(jira.issues) == 2


def test_an_issue_made_though_the_answer_was_lost_is_not_opened_again(
    tmp_path: Path, github: FakeGitHub, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A gateway's 502, or no answer in time, after GitHub made the issue: the retry looks
    for the issue's marker first, and links it instead of opening a second one."""
    monkeypatch.setattr("hindsight.tracker.http.TIMEOUT", 0.5)
    path = make_incident(tmp_path)
    original = github.answer
    lost = ["502", "timeout"]

    def made_then_lost(method, url, headers, payload):  # type: ignore[no-untyped-def]
        answer = original(method, url, headers, payload)
        if method == "POST" and lost:
            if lost.pop(0) == "timeout":
                time.sleep(1.0)
                return answer
            return 502, {}, {"message": "Server Error"}
        return answer

    github.answer = made_then_lost  # type: ignore[method-assign]
    result = run("actions", "sync", "--apply")
    assert result.code == 0, result.err
    assert [i["title"] for i in created(github)] == [
        "Validate pool size against host memory",
        "Alert on pool wait time above 1 s",
    ]
    urls = [i["html_url"] for i in created(github)]
    assert all(url in path.read_text() for url in urls)


def test_credentials_do_not_follow_a_redirect_to_another_host(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = FakeGitHub()
    try:
        original = github.answer

        def moved(method, url, headers, payload):  # type: ignore[no-untyped-def]
            if method == "GET" and "/issues/" in url:
                return 301, {"Location": f"{elsewhere.url}{url}"}, {"message": "Moved Permanently"}
            return original(method, url, headers, payload)

        github.answer = moved  # type: ignore[method-assign]
        elsewhere.issues[5] = dict(elsewhere.issues[1], number=5, pull_request=None)
        del elsewhere.issues[5]["pull_request"]
        make_incident(tmp_path, items=ITEMS.replace("PLAT-9", "#5"))
        run("actions", "sync")
        assert elsewhere.calls, "the redirect was followed"
        assert all("Authorization" not in headers for _, _, headers, _ in elsewhere.calls)
    finally:
        elsewhere.close()


def test_a_template_mistake_stops_the_sync_before_it_opens_anything(
    tmp_path: Path, github: FakeGitHub, run
) -> None:  # type: ignore[no-untyped-def]
    make_incident(tmp_path)
    write(
        tmp_path / "templates" / "tracker" / "issue.md.j2",
        "{{ item.action }}\n{{ item.nothing.more }}\n",
    )
    result = run("actions", "sync", "--apply")
    assert result.code == 2
    assert "templates/tracker/issue.md.j2:2: template error" in result.err
    assert not created(github)


def test_jira_over_plain_http_is_refused(tmp_path: Path, jira: FakeJira, run) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path / "hindsight.yml", JIRA.format(url="http://jira.example.com"))
    make_incident(tmp_path)
    result = run("actions", "sync")
    assert result.code == 2 and "tracker.url is plain http" in result.err
