"""``hindsight log --from-chat`` turns a chat export into timeline events, safely and repeatably."""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.canaries import CANARIES
from tests.conftest import heavy_imports, write

ID = "2026-11-21-checkout-down"
TIMELINE = f"incidents/{ID}/timeline.log"
PEOPLE = "people:\n  dana: Dana Whitfield\n  lee: Lee Okafor\n"


def ts(clock: str, day: int = 21) -> str:
    """Slack's ``ts`` for HH:MM[:SS] UTC on 2026-11-<day>."""
    parts = [int(p) for p in clock.split(":")] + [0]
    moment = datetime(2026, 11, day, parts[0], parts[1], parts[2])
    return f"{calendar.timegm(moment.timetuple())}.000200"


def pin(name: str = "pushpin") -> list[dict[str, Any]]:
    """A reactions list holding one pin reaction."""
    return [{"name": name, "users": ["U1"], "count": 1}]


USERS = [
    {
        "id": "U1",
        "name": "dana.w",
        "real_name": "Dana Whitfield",
        "profile": {"display_name": "Dana"},
    },
    {
        "id": "U2",
        "name": "lokafor",
        "profile": {"display_name": "Lee O", "email": "lee@example.com"},
    },
    {
        "id": "U3",
        "name": "alex.chen",
        "real_name": "Alex Chen",
        "profile": {"display_name": "Alex"},
    },
    {"id": "B1", "name": "pagerduty", "is_bot": True},
]

DAY = [
    {
        "type": "message",
        "subtype": "channel_join",
        "user": "U3",
        "text": "<@U3> has joined",
        "ts": ts("14:00"),
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B9",
        "username": "Standup bot",
        "text": "Reminder: standup",
        "ts": ts("14:01"),
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B1",
        "username": "PagerDuty",
        "text": "",
        "attachments": [{"fallback": "[Triggered] checkout 5xx above 5%"}],
        "ts": ts("14:03:05"),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "Taking IC. <@U3> check <https://grafana.example.com/d/1|the checkout dashboard> :eyes:",
        "ts": ts("14:05"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "user": "U3",
        "text": "p95 is at 28 s",
        "files": [{"name": "p95.png", "title": "checkout p95"}],
        "ts": ts("14:09"),
        "thread_ts": ts("14:05"),
        "reactions": pin("round_pushpin"),
    },
    {
        "type": "message",
        "user": "U2",
        "text": "Lookng at the pool",
        "ts": ts("14:20"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "subtype": "message_changed",
        "message": {
            "ts": ts("14:20"),
            "text": "Looking at the pool &amp; its wait time",
            "edited": {"user": "U2"},
        },
        "ts": ts("14:21"),
    },
    {"type": "message", "user": "U2", "text": "just chatting", "ts": ts("14:30")},
    {
        "type": "message",
        "user": "U1",
        "text": "Is it mitigated?",
        "ts": ts("15:00"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "Rolled back 4812",
        "ts": ts("15:10"),
        "pinned_to": ["C1"],
    },
    {
        "type": "message",
        "user": "U1",
        "text": "Not resolved yet, watching",
        "ts": ts("15:30"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "All clear: resolved",
        "ts": ts("16:58"),
        "reactions": pin(),
    },
]

EXPECTED = [
    "2026-11-21T14:03:05Z PagerDuty: [Triggered] checkout 5xx above 5%",
    "2026-11-21T14:05Z Dana Whitfield: Taking IC. @Alex Chen check [the checkout dashboard](https://grafana.example.com/d/1) :eyes:",
    "2026-11-21T14:09Z Alex Chen (in thread): p95 is at 28 s (file: checkout p95)",
    "2026-11-21T14:20Z Lee Okafor: Looking at the pool & its wait time",
    "2026-11-21T15:00Z Dana Whitfield: Is it mitigated?",
    "2026-11-21T15:10Z Dana Whitfield: Rolled back 4812",
    "2026-11-21T15:30Z Dana Whitfield: Not resolved yet, watching",
    "2026-11-21T16:58Z Dana Whitfield: All clear: resolved",
]


@pytest.fixture
def incident(archive: Path, run, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """An incident commanded by dana, declared at 14:05; the clock then reads 18:00."""
    config = archive / "hindsight.yml"
    config.write_text(config.read_text().replace("people: {}\n", PEOPLE))
    assert run("new", "Checkout down", "--severity", "SEV2", "--commander", "dana").code == 0
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T18:00Z")
    return archive / TIMELINE


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A Slack workspace export with one channel, #inc-checkout, of one day."""
    root = tmp_path / "export"
    write(root / "users.json", json.dumps(USERS))
    write(root / "channels.json", json.dumps([{"id": "C1", "name": "inc-checkout"}]))
    write(root / "inc-checkout" / "2026-11-21.json", json.dumps(DAY, indent=1))
    return root


def events(path: Path) -> list[str]:
    """The event lines of a timeline, without comments and the declaration."""
    return [
        line
        for line in path.read_text().splitlines()
        if line and not line.startswith("#") and "Incident declared" not in line
    ]


def digest(folder: Path) -> str:
    """One hash of every file's path and bytes under ``folder``."""
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(path.as_posix().encode() + path.read_bytes())
    return sha.hexdigest()


def test_pinned_slack_messages_become_events(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Pins (reactions or Slack's own) are taken with names, links, files, threads and edits; noise is not."""
    result = run("log", "--from-chat", str(export))
    assert result.code == 0, result.err
    assert events(incident) == EXPECTED
    assert result.out.startswith(
        f"Added 8 event(s) to {TIMELINE} from the Slack export {export} "
        "(pinned messages from 2026-11-21T00:00Z to 2026-11-21T17:58Z):\n"
    )
    assert (
        "Not in hindsight.yml people; add them (handle: Display Name) so names match:\n  Alex Chen (alex.chen)\n"
        in result.out
    )
    assert f"hindsight check incidents/{ID}" in result.out


def test_milestones_are_suggested_not_applied(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The first alert and the commander's plain words are suggested; questions and hedges are not."""
    result = run("log", "--from-chat", str(export))
    assert events(incident) == EXPECTED
    assert (
        "Suggested milestones (apply with --milestones):\n"
        "  [detected] 2026-11-21T14:03:05Z PagerDuty: [Triggered] checkout 5xx above 5%  (the first alert)\n"
        "  [mitigated] 2026-11-21T15:10Z Dana Whitfield: Rolled back 4812  (the commander wrote 'Rolled back')\n"
        "  [resolved] 2026-11-21T16:58Z Dana Whitfield: All clear: resolved  (the commander wrote 'All clear')\n"
    ) in result.out


def test_milestones_flag_applies_them(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """--milestones writes the suggested markers; a milestone already logged is not suggested again."""
    assert run("log", "--at", "13:58", "-m", "start", "Deploy 4812 reached all hosts").code == 0
    assert (
        run("log", "--at", "14:04", "-m", "detected", "Support reports checkout errors").code == 0
    )
    result = run("log", "--from-chat", str(export), "--milestones")
    assert result.code == 0, result.err
    lines = events(incident)
    assert "2026-11-21T15:10Z [mitigated] Dana Whitfield: Rolled back 4812" in lines
    assert "2026-11-21T16:58Z [resolved] Dana Whitfield: All clear: resolved" in lines
    assert "2026-11-21T14:03:05Z PagerDuty: [Triggered] checkout 5xx above 5%" in lines
    assert "Milestones applied:" in result.out and "[detected]" not in result.out


def test_a_second_run_adds_nothing(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Re-running the same import skips every event already there, and leaves the file as it was."""
    assert run("log", "--from-chat", str(export)).code == 0
    before = incident.read_bytes()
    result = run("log", "--from-chat", str(export / "inc-checkout"))
    assert result.code == 0
    assert "Added 0 event(s)" in result.out and "8 already there, skipped\n" in result.out
    assert "Suggested milestones" not in result.out
    assert incident.read_bytes() == before


def test_dry_run_prints_exactly_what_a_run_adds(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """--dry-run lists the lines a real run then writes, and writes nothing."""
    before = incident.read_bytes()
    dry = run("log", "--from-chat", str(export), "--dry-run")
    assert incident.read_bytes() == before
    real = run("log", "--from-chat", str(export))
    shown = [line[2:] for line in dry.out.splitlines() if line.startswith("  2026")]
    assert dry.out.startswith("Would add 8 event(s)")
    assert shown == [line[2:] for line in real.out.splitlines() if line.startswith("  2026")][:8]
    assert shown == events(incident)


def test_all_takes_every_message_but_never_joins_or_bot_noise(
    incident: Path, export: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """--all adds unpinned messages; joins and non-alert bots stay out."""
    result = run("log", "--from-chat", str(export), "--all")
    assert result.code == 0, result.err
    lines = events(incident)
    assert "2026-11-21T14:30Z Lee Okafor: just chatting" in lines and len(lines) == 9
    assert not any("joined" in line or "standup" in line for line in lines)


def test_since_and_until_narrow_the_window(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Messages outside --since/--until are left, and counted."""
    result = run(
        "log", "--from-chat", str(export), "--since", "14:04", "--until", "2026-11-21T15:00Z"
    )
    assert [e[:18] for e in events(incident)] == [
        "2026-11-21T14:05Z ",
        "2026-11-21T14:09Z ",
        "2026-11-21T14:20Z ",
        "2026-11-21T15:00Z ",
    ]
    assert "1 message(s) that would be taken lie outside" in result.out
    assert "3 message(s) that would be taken come after the span's end" in result.out


def _window_line(out: str) -> str:
    """The span a run took messages from, as its first line says it."""
    return out.split("\n", 1)[0].rsplit(" (", 1)[1].split(")")[0]


def test_two_runs_take_the_same_window(
    incident: Path, export: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The window comes from the incident, not from the clock nor from the milestones the
    first run applied: a second run hours later reads the same span, and adds nothing."""
    first = run("log", "--from-chat", str(export), "--all", "--milestones")
    assert first.code == 0, first.err
    assert "[resolved] Dana Whitfield: All clear: resolved" in incident.read_text()
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-23T09:00Z")
    second = run("log", "--from-chat", str(export), "--all", "--milestones")
    assert second.code == 0, second.err
    assert _window_line(first.out) == _window_line(second.out)
    assert _window_line(first.out) == "every message from 2026-11-21T00:00Z to 2026-11-21T17:58Z"
    assert "Added 0 event(s)" in second.out and "9 already there" in second.out
    assert "lie outside" not in second.out


#: four days later in the same channel: another incident, pinned, with a status-page post
LATER = [
    {
        "type": "message",
        "user": "U2",
        "text": "Search is down again",
        "ts": ts("09:00", 25),
        "reactions": pin(),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "Status page posted: search degraded",
        "ts": ts("09:05", 25),
    },
    {"type": "message", "user": "U1", "text": "Rolled back search 77", "ts": ts("09:30", 25)},
]


@pytest.mark.parametrize(
    ("resolved", "end", "why"),
    [
        (True, "2026-11-21T17:58Z", "an hour after the chat's [resolved]"),
        (False, "2026-11-23T00:00Z", "the end of the day after the incident's day"),
    ],
)
def test_a_later_incident_in_the_channel_is_not_taken(
    incident: Path,
    export: Path,
    run,
    monkeypatch: pytest.MonkeyPatch,
    resolved: bool,
    end: str,
    why: str,
) -> None:  # type: ignore[no-untyped-def]
    """A channel like #incidents holds the next incidents too: the span ends an hour after
    the [resolved] the chat gives (then logged, the same span), else at the end of the day
    after the incident's day; what comes later is counted, with how to take it, never taken
    nor suggested as this incident's [comms]."""
    day = DAY if resolved else [m for m in DAY if "All clear" not in m.get("text", "")]
    write(export / "inc-checkout" / "2026-11-21.json", json.dumps(day))
    write(export / "inc-checkout" / "2026-11-25.json", json.dumps(LATER))
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-26T12:00Z")
    first = run("log", "--from-chat", str(export), "--all", "--milestones")
    assert first.code == 0, first.err
    assert _window_line(first.out) == f"every message from 2026-11-21T00:00Z to {end}"
    assert not [e for e in events(incident) if e.startswith("2026-11-25")]
    assert "search" not in first.out.split("Milestones applied:")[1]
    assert (
        f"3 message(s) that would be taken come after the span's end ({end}, {why}) and were "
        "left out: later news, or another incident's in the same channel; if they are this "
        "incident's, take them with --until TIME\n"
    ) in first.out
    second = run("log", "--from-chat", str(export), "--all", "--milestones")
    assert _window_line(second.out) == _window_line(first.out)
    assert "Added 0 event(s)" in second.out
    if resolved:
        assert "an hour after the logged [resolved]" in second.out
    wider = run("log", "--from-chat", str(export), "--all", "--until", "2026-11-25T10:00Z")
    assert "Added 3 event(s)" in wider.out


def test_a_message_later_than_now_is_not_taken(
    incident: Path, export: Path, run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A time in the future is a transcript read in the wrong zone: counted, not taken."""
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T15:05Z")
    result = run("log", "--from-chat", str(export))
    assert not any(
        e.startswith(("2026-11-21T15:10Z", "2026-11-21T16:58Z")) for e in events(incident)
    )
    assert "3 message(s) that would be taken lie outside the span" in result.out


def test_events_go_in_time_order_keeping_every_line(incident: Path, export: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Imported events are inserted among existing ones; every existing line stays, in place."""
    assert run("log", "--at", "14:10", "Checked the database").code == 0
    assert run("log", "Writing it up").code == 0
    before = incident.read_text().splitlines()
    assert run("log", "--from-chat", str(export)).code == 0
    after = incident.read_text().splitlines()
    assert [line for line in after if line in before] == before
    times = [line[:20] for line in events(incident)]
    assert times == sorted(
        times, key=lambda t: t.replace("Z", ":00Z") if len(t.split(":")) == 2 else t
    )
    assert after[-1].endswith("Writing it up")


@pytest.mark.parametrize("canary", CANARIES, ids=[c.kind for c in CANARIES])
def test_secrets_are_redacted_and_reported_never_printed(
    incident: Path, tmp_path: Path, run, canary
) -> None:  # type: ignore[no-untyped-def]
    """Every kind of secret is redacted before writing, and reported without its value."""
    day = [
        {
            "type": "message",
            "user": "U2",
            "text": canary.line,
            "ts": ts("14:30"),
            "reactions": pin(),
        }
    ]
    folder = tmp_path / "leaky"
    write(folder / "2026-11-21.json", json.dumps(day))
    result = run("log", "--from-chat", str(folder))
    assert result.code == 0, result.err
    written = incident.read_text()
    assert canary.value not in written and canary.value not in result.out + result.err
    assert f"REDACTED({canary.kind})" in written
    assert "2026-11-21.json $[0]: " in result.out and f"-> REDACTED({canary.kind})" in result.out


def test_a_malformed_day_file_is_reported_and_the_rest_imported(
    incident: Path, export: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """A broken day file is named with its line; other days still import; exit 1."""
    write(export / "inc-checkout" / "2026-11-22.json", '[\n{"type": "message",\n "ts": oops}\n]\n')
    write(
        export / "inc-checkout" / "2026-11-20.json",
        json.dumps([{"type": "message", "user": "U1", "text": "x", "ts": "yesterday"}]),
    )
    result = run("log", "--from-chat", str(export))
    assert result.code == 1
    assert events(incident) == EXPECTED
    assert (
        f"hindsight: warning: {export}/inc-checkout/2026-11-22.json:3: not valid JSON "
        "(Expecting value, column 8); the file was skipped: fix it or re-export that day\n"
    ) in result.err
    assert (
        f"{export}/inc-checkout/2026-11-20.json $[0].ts: 'yesterday' is not a Slack time"
        in result.err
    )
    assert "Traceback" not in result.err


def test_a_day_file_nested_200000_deep_is_named_and_the_rest_imported(
    incident: Path, export: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Not 'internal error: RecursionError': the file is named, skipped, the others import."""
    deep = export / "inc-checkout" / "2026-11-22.json"
    write(deep, "[" * 200_000 + "]" * 200_000)
    result = run("log", "--from-chat", str(export))
    assert result.code == 1, result.err
    assert events(incident) == EXPECTED
    assert (
        f"hindsight: warning: {deep}: nested too deeply to be a Slack day file; "
        "the file was skipped\n"
    ) in result.err
    assert "internal error" not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        (
            {"notes.txt": "hi"},
            "is not a Slack export: it holds no per-day files named like 2026-11-21.json",
        ),
        (
            {"a/2026-11-21.json": "[]", "b/2026-11-21.json": "[]"},
            "is a Slack workspace export with 2 channels (a, b); pass the incident channel's folder",
        ),
        ({"chat.txt": "hello there\n"}, "unknown chat format ("),
    ],
)
def test_a_source_that_cannot_be_read_exits_2(
    incident: Path, tmp_path: Path, run, layout: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    """Not a Slack export, several channels, or an unknown transcript: a clear message, exit 2, nothing written."""
    root = tmp_path / "source"
    for name, text in layout.items():
        write(root / name, text)
    source = root / "chat.txt" if "chat.txt" in layout else root
    before = incident.read_bytes()
    result = run("log", "--from-chat", str(source))
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    if "chat.txt" in layout:
        assert f"{source}:1: 'hello there'" in result.err
    assert incident.read_bytes() == before


def test_the_source_is_never_changed(incident: Path, export: Path, run) -> None:
    """Importing reads the export and writes only the timeline."""
    before = digest(export)
    assert run("log", "--from-chat", str(export), "--all", "--milestones").code == 0
    assert digest(export) == before


ZOOM = """\
23:40:10 From  Dana Whitfield  to  Everyone : Checkout errors are up :pushpin:
23:41:00 From  Lee Okafor  to  Dana Whitfield(Direct Message) : private aside 📌
23:58:30 From  Lee Okafor  to  Everyone : 📌 Pool wait time is 28 s
\tand rising
00:03:00 From  Dana Whitfield  to  Everyone : Rolled back 4812 📌
00:04:00 From  Alex Chen  to  Everyone : thanks
24:10:00 From  Alex Chen  to  Everyone : a broken time
"""


def test_a_zoom_chat_rolls_the_day_and_reads_its_zone(
    archive: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Times take --date and --zone, roll over at midnight; private messages and unpinned ones stay out."""
    config = archive / "hindsight.yml"
    config.write_text(config.read_text().replace("people: {}\n", PEOPLE))
    assert (
        run(
            "new",
            "Checkout down",
            "--severity",
            "SEV2",
            "--commander",
            "dana",
            "--date",
            "2026-11-20",
        ).code
        == 0
    )
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T09:00Z")
    chat = write(tmp_path / "meeting_saved_chat.txt", ZOOM)
    result = run(
        "log",
        "-i",
        "2026-11-20-checkout-down",
        "--from-chat",
        str(chat),
        "--zone",
        "America/New_York",
    )
    assert result.code == 1
    assert events(archive / "incidents/2026-11-20-checkout-down/timeline.log") == [
        "2026-11-21T04:40:10Z Dana Whitfield: Checkout errors are up",
        "2026-11-21T04:58:30Z Lee Okafor: Pool wait time is 28 s\\nand rising",
        "2026-11-21T05:03Z Dana Whitfield: Rolled back 4812",
    ]
    assert "times read in America/New_York" in result.out
    assert "[mitigated] 2026-11-21T05:03Z Dana Whitfield: Rolled back 4812" in result.out
    assert f"hindsight: warning: {chat}:7: cannot read the time '24:10:00'" in result.err


def test_zoom_tab_separated_chat(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Zoom's newer form, time<TAB>Name:<TAB>text, reads the same way."""
    chat = write(
        tmp_path / "chat.txt", "14:03:00\tLee Okafor:\tPager fired 📍\n14:04:00\tLee Okafor:\tok\n"
    )
    assert run("log", "--from-chat", str(chat), "--zone", "UTC").code == 0
    assert events(incident) == ["2026-11-21T14:03Z Lee Okafor: Pager fired"]


def test_an_irc_log_needs_all_or_a_pin(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Without a pin typed in, nothing is taken and the output says how; --all takes messages, not joins."""
    chat = write(
        tmp_path / "irc.log",
        "[14:02] <dana> looking\n[14:03] *** lee has joined #inc\n[14:04:30] <@lee> on it\n",
    )
    first = run("log", "--from-chat", str(chat), "--zone", "+00:00")
    assert "Nothing is pinned." in first.out and events(incident) == []
    assert run("log", "--from-chat", str(chat), "--zone", "UTC", "--all").code == 0
    assert events(incident) == [
        "2026-11-21T14:02Z Dana Whitfield: looking",
        "2026-11-21T14:04:30Z Lee Okafor: on it",
    ]


def test_dated_lines_with_a_zone(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """'YYYY-MM-DD HH:MM Name: text' lines carry their date; an offset on the line wins over --zone."""
    chat = write(
        tmp_path / "notes.txt",
        "2026-11-21 15:03 +01:00 Lee Okafor: pager fired 📌\n2026-11-21 14:20 Dana: comms sent 📌\n",
    )
    assert run("log", "--from-chat", str(chat), "--zone", "UTC").code == 0
    assert events(incident) == [
        "2026-11-21T14:03Z Lee Okafor: pager fired",
        "2026-11-21T14:20Z Dana Whitfield: comms sent",
    ]


def test_the_blame_check_sees_imported_text(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Imported words are checked like any other timeline line."""
    chat = write(tmp_path / "irc.log", "[14:30] <lee> The outage was caused by human error 📌\n")
    assert run("log", "--from-chat", str(chat), "--zone", "UTC").code == 0
    result = run("check", "--as", "in-review", f"incidents/{ID}")
    assert f"{TIMELINE}:" in result.out and "HS3" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-chat", "x.txt", "some", "text"], "leave out TEXT, --at and --milestone"),
        (["--all", "--dry-run", "x"], "--all and --dry-run only work(s) with --from-chat PATH"),
        (["--from-chat", "missing.txt"], "missing.txt: no such file or folder"),
        (
            ["--from-chat", "chat.txt", "--zone", "Mars/Olympus"],
            "--zone 'Mars/Olympus' is not a time zone",
        ),
        (
            ["--from-chat", "chat.txt", "--since", "noon"],
            "--since 'noon': write a time with a zone",
        ),
    ],
)
def test_bad_usage_exits_2(incident: Path, run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    """Wrong combinations and unreadable values name the problem; nothing is written."""
    write(incident.parents[2] / "chat.txt", "[14:02] <dana> looking\n")
    before = incident.read_bytes()
    result = run("log", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert incident.read_bytes() == before


def test_from_chat_starts_without_heavy_imports(incident: Path, export: Path) -> None:
    """The import loads no Jinja, Markdown or MkDocs either."""
    assert heavy_imports(incident.parents[2], "log", "--from-chat", str(export), "--dry-run") == (
        0,
        [],
    )


def test_the_pin_reactions_and_alert_bots_are_settings(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """chat.pins and chat.alert_bots in hindsight.yml replace the defaults."""
    config = incident.parents[2] / "hindsight.yml"
    text = config.read_text().split("\nchat:\n")[0]
    config.write_text(text + "\nchat:\n  pins: [eyes]\n  alert_bots: [victorops]\n")
    day = [
        {
            "type": "message",
            "bot_id": "B2",
            "username": "VictorOps",
            "text": "CRITICAL checkout",
            "ts": ts("14:02"),
        },
        {
            "type": "message",
            "user": "U2",
            "text": "seen",
            "ts": ts("14:03"),
            "reactions": pin("eyes"),
        },
        {"type": "message", "user": "U2", "text": "old pin", "ts": ts("14:04"), "reactions": pin()},
    ]
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(day))
    write(tmp_path / "users.json", json.dumps(USERS))
    assert run("log", "--from-chat", str(tmp_path / "c")).code == 0
    assert events(incident) == [
        "2026-11-21T14:02Z VictorOps: CRITICAL checkout",
        "2026-11-21T14:03Z Lee Okafor: seen",
    ]


def test_messages_of_the_wrong_shape_are_skipped_by_json_place(
    incident: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Fields of the wrong type in a day file cost only that message, named by its JSON place."""
    day = [
        {
            "type": "message",
            "user": ["U1"],
            "text": "odd user",
            "ts": ts("14:01"),
            "reactions": pin(),
        },
        {
            "type": "message",
            "user": "U2",
            "text": "odd reactions",
            "ts": ts("14:02"),
            "reactions": 7,
        },
        {"type": "message", "user": "U2", "text": "fine", "ts": ts("14:03"), "reactions": pin()},
        "not even an object",
    ]
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(day))
    write(tmp_path / "users.json", json.dumps(USERS))
    result = run("log", "--from-chat", str(tmp_path / "c"))
    assert result.code == 1 and "Traceback" not in result.err
    assert events(incident) == ["2026-11-21T14:03Z Lee Okafor: fine"]
    assert f"{tmp_path}/c/2026-11-21.json $[0]: not a message as Slack exports them" in result.err
    assert f"{tmp_path}/c/2026-11-21.json $[1]: not a message as Slack exports them" in result.err


def test_a_long_message_is_cut_and_said(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A message longer than an event may be is cut to 4,000 characters, and the place named."""
    chat = write(tmp_path / "irc.log", "[14:30] <lee> " + "word " * 1200 + "📌\n")
    result = run("log", "--from-chat", str(chat), "--zone", "UTC")
    assert result.code == 0
    assert len(events(incident)[0]) < 4100 and events(incident)[0].endswith(" … (cut)")
    assert f"Cut to 4000 characters (put the rest in postmortem.md): {chat}:1" in result.out


def test_in_a_terminal_the_suggested_milestones_are_asked_for(
    incident: Path, export: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Run in a terminal, log shows the suggestions and applies them when the writer says yes."""
    import io

    monkeypatch.setattr("hindsight.cli._interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    result = run("log", "--from-chat", str(export))
    assert result.code == 0
    assert "Apply these milestones? [y/N]" in result.out and "Milestones applied:" in result.out
    assert "2026-11-21T16:58Z [resolved] Dana Whitfield: All clear: resolved" in events(incident)


STATUS_DAY = [
    {
        "type": "message",
        "user": "U2",
        "text": "Checkout errors started right after the deploy",
        "ts": ts("14:01"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B1",
        "username": "PagerDuty",
        "text": "[Triggered] checkout 5xx above 5%",
        "ts": ts("14:03"),
    },
    {
        "type": "message",
        "user": "U3",
        "text": "Should we post to the status page?",
        "ts": ts("14:06"),
    },
    {
        "type": "message",
        "user": "U3",
        "text": "Status page posted: investigating checkout errors",
        "ts": ts("14:10"),
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B7",
        "username": "Statuspage",
        "text": "Checkout errors - Identified: a fix is being rolled out",
        "ts": ts("14:40"),
    },
    {
        "type": "message",
        "user": "U2",
        "text": "Rolled back 4812, errors dropping",
        "ts": ts("15:08"),
        "reactions": pin(),
    },
    {
        "type": "message",
        "user": "U3",
        "text": "Status page updated: monitoring",
        "ts": ts("15:10"),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "Status page updated: resolved",
        "ts": ts("15:40"),
    },
    {
        "type": "message",
        "user": "U1",
        "text": "All clear, resolved",
        "ts": ts("15:45"),
        "reactions": pin(),
    },
]


def test_status_page_posts_are_taken_and_suggested_as_comms(
    incident: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Every status-page post (said in the channel, or by the status page's bot) is taken,
    pinned or not, and suggested as [comms], even one saying 'resolved'; a question is not.
    Applied, they leave no comms gap for HS609."""
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(STATUS_DAY))
    write(tmp_path / "users.json", json.dumps(USERS))
    result = run("log", "--from-chat", str(tmp_path / "c"), "--dry-run")
    assert result.code == 0, result.err
    suggested = result.out.split("Suggested milestones (apply with --milestones):\n")[1]
    for line in (
        "  [comms] 2026-11-21T14:10Z Alex Chen: Status page posted: investigating checkout errors  (a status-page post)",
        "  [comms] 2026-11-21T14:40Z Statuspage: Checkout errors - Identified: a fix is being rolled out  (a status-page post)",
        "  [comms] 2026-11-21T15:10Z Alex Chen: Status page updated: monitoring  (a status-page post)",
        "  [comms] 2026-11-21T15:40Z Dana Whitfield: Status page updated: resolved  (a status-page post)",
        "  [resolved] 2026-11-21T15:45Z Dana Whitfield: All clear, resolved  (the commander wrote 'All clear')",
    ):
        assert line + "\n" in suggested, line
    assert "Should we post" not in result.out
    assert "Statuspage" not in result.out.split("Not in hindsight.yml people")[-1]
    assert run("log", "--from-chat", str(tmp_path / "c"), "--milestones").code == 0
    text = incident.read_text()
    assert "2026-11-21T15:40Z [comms] Dana Whitfield: Status page updated: resolved" in text
    assert sum("[resolved]" in line for line in events(incident)) == 1
    check = run("check", "--as", "draft", f"incidents/{ID}")
    assert "HS609" not in check.out, check.out


def test_start_and_mitigated_come_from_anyone_who_says_so(
    incident: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Not only the commander: Lee's 'errors started' before the alert suggests [start], his
    'Rolled back' [mitigated]; [resolved] stays the commander's call."""
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(STATUS_DAY))
    write(tmp_path / "users.json", json.dumps(USERS))
    result = run("log", "--from-chat", str(tmp_path / "c"))
    assert (
        "  [start] 2026-11-21T14:01Z Lee Okafor: Checkout errors started right after the deploy  "
        "(Lee Okafor wrote 'errors started')\n" in result.out
    )
    assert (
        "  [mitigated] 2026-11-21T15:08Z Lee Okafor: Rolled back 4812, errors dropping  "
        "(Lee Okafor wrote 'Rolled back')\n" in result.out
    )


@pytest.mark.parametrize(
    "text",
    [
        "Errors started at 13:58, before the page",  # names another time
        "errors started 20 minutes ago",
        "Did the errors start with the deploy? errors started?",  # a question
        "If we rolled back we would lose the migration",  # a hedge
        "We should have rolled back sooner",
        "Not mitigated yet",
        "Lee: the errors started again after the alert",  # after the detection
    ],
)
def test_words_that_do_not_say_it_suggest_nothing(
    incident: Path, tmp_path: Path, run, text: str
) -> None:  # type: ignore[no-untyped-def]
    """A time named, a question, a hedge, or a [start] after the detection: no suggestion."""
    day = [
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B1",
            "username": "PagerDuty",
            "text": "[Triggered] checkout 5xx",
            "ts": ts("14:03"),
        },
        {"type": "message", "user": "U2", "text": text, "ts": ts("14:20"), "reactions": pin()},
    ]
    if "after the alert" not in text:
        day[1]["ts"] = ts("14:02")
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(day))
    write(tmp_path / "users.json", json.dumps(USERS))
    result = run("log", "--from-chat", str(tmp_path / "c"))
    assert "[start]" not in result.out and "[mitigated]" not in result.out, result.out


def test_everyone_is_named_one_way(incident: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Authors and mentions alike: the name in hindsight.yml people, else the chat's full name
    (not its display name), else the display name, else the handle."""
    users = [
        *USERS,
        {"id": "U4", "name": "kw", "profile": {"display_name": "Kenji"}},
        {"id": "U5", "name": "ghost"},
    ]
    day = [
        {
            "type": "message",
            "user": "U3",
            "text": "<@U1> <@U2> <@U3> <@U4> <@U5> look",
            "ts": ts("14:10"),
            "reactions": pin(),
        },
        {"type": "message", "user": "U4", "text": "on it", "ts": ts("14:11"), "reactions": pin()},
        {"type": "message", "user": "U5", "text": "me too", "ts": ts("14:12"), "reactions": pin()},
    ]
    write(tmp_path / "c" / "2026-11-21.json", json.dumps(day))
    write(tmp_path / "users.json", json.dumps(users))
    assert run("log", "--from-chat", str(tmp_path / "c")).code == 0
    assert events(incident) == [
        "2026-11-21T14:10Z Alex Chen: @Dana Whitfield @Lee Okafor @Alex Chen @Kenji @ghost look",
        "2026-11-21T14:11Z Kenji: on it",
        "2026-11-21T14:12Z ghost: me too",
    ]
