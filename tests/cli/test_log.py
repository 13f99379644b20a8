"""``hindsight log`` adds whole events in time order and tells the responder where they stand."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hindsight.load.timeline import parse
from hindsight.logbook import record
from hindsight.model import Milestone
from tests.conftest import heavy_imports, write

ID = "2026-11-21-checkout-down"
TIMELINE = f"incidents/{ID}/timeline.log"


@pytest.fixture
def incident(archive: Path, run) -> Path:  # type: ignore[no-untyped-def]
    """An incident under investigation, declared at 14:05 UTC."""
    assert run("new", "Checkout down", "--severity", "SEV2").code == 0
    return archive / TIMELINE


def events(path: Path) -> list[str]:
    """The event lines of a timeline, without comments."""
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def test_appends_to_the_incident_under_investigation(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """With no --incident, the one investigating incident gets the event."""
    result = run("log", "Pager:", "checkout", "5xx", "above", "5%", "-m", "detected")
    assert result.code == 0, result.err
    assert result.out == (
        f"Appended to {TIMELINE}:\n"
        "  2026-11-21T14:05Z [detected] Pager: checkout 5xx above 5%\n"
        "Recorded for Sat 2026-11-21 14:05 UTC, now.\n"
        "0s since detection (2026-11-21T14:05Z).\n"
    )
    assert events(incident)[-1] == "2026-11-21T14:05Z [detected] Pager: checkout 5xx above 5%"


def test_backdated_events_are_inserted_in_order_touching_one_line(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """--at in the past inserts the line where it belongs; every other byte stays."""
    before = incident.read_text().splitlines(keepends=True)
    result = run("log", "--at", "13:58", "--milestone", "start", "Deploy 4812 reached all hosts")
    assert result.code == 0 and result.out.startswith("Inserted in time order into")
    after = incident.read_text().splitlines(keepends=True)
    assert (
        after
        == before[:3] + ["2026-11-21T13:58Z [start] Deploy 4812 reached all hosts\n"] + before[3:]
    )


def test_a_clock_time_later_than_now_is_refused_not_moved_to_yesterday(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: --at 14:25 at 14:05 names no past time in an incident begun today; nothing is written."""
    before = incident.read_bytes()
    result = run("log", "--at", "14:25", "-m", "start", "Deploy 4812 reached all hosts")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err == (
        "hindsight: error: --at '14:25' (it is now 2026-11-21 14:05 UTC): 14:25 today is 20 min "
        "in the future; 14:25 yesterday is 23 h 40 min ago, before the incident's first day "
        "(2026-11-21, from its id); give the date: --at '2026-11-20 14:25 UTC'\n"
    )
    assert incident.read_bytes() == before


def test_the_date_the_refusal_suggests_is_logged_with_its_day(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Given the date, the event is recorded, and log prints the full date it recorded."""
    result = run("log", "--at", "2026-11-21 13:58 UTC", "-m", "start", "Deploy reached all hosts")
    assert result.code == 0, result.err
    assert "Recorded for Sat 2026-11-21 13:58 UTC, 7m ago.\n" in result.out


def test_yesterday_is_taken_when_the_incident_began_yesterday(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An incident dated the day before: 23:50 is last night, and log says which day it used."""
    assert run("new", "Night outage", "--severity", "SEV2", "--date", "2026-11-20").code == 0
    result = run("log", "--at", "23:50", "-m", "start", "Batch job started")
    assert result.code == 0, result.err
    assert "  2026-11-20T23:50Z [start] Batch job started\n" in result.out
    assert "Recorded for Fri 2026-11-20 23:50 UTC, 14h 15m ago.\n" in result.out


def test_a_clock_time_on_a_past_incident_is_refused_with_its_date(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: an incident of 2026-11-01, logged on 2026-12-07: --at 14:03 is not today's
    14:03 (weeks after it, with a comms reminder), but refused with the dated form, which
    new already printed and which then records the event on its day."""
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-12-07T15:00Z")
    made = run("new", "Old outage", "--severity", "SEV3", "--date", "2026-11-01")
    assert made.code == 0, made.err
    assert made.err == (
        "Log its events with their date and time (local time unless a zone follows it): "
        "hindsight log --incident 2026-11-01-old-outage --at '2026-11-01 HH:MM' "
        '"what happened"\n'
    )
    timeline = archive / "incidents" / "2026-11-01-old-outage" / "timeline.log"
    before = timeline.read_bytes()
    result = run("log", "--incident", "2026-11-01-old-outage", "--at", "14:03", "x")
    assert result.code == 2
    assert result.err == (
        "hindsight: error: --at '14:03' (it is now 2026-12-07 15:00 UTC): 14:03 today is "
        "57 min ago, after the incident's span (with no [resolved], it ends with the day after "
        "its first day, 2026-11-01); give the date: --at '2026-11-01 14:03 UTC'\n"
    )
    assert timeline.read_bytes() == before
    dated = run("log", "--incident", "2026-11-01-old-outage", "--at", "2026-11-01 14:03", "x")
    assert dated.code == 0, dated.err
    assert "  2026-11-01T14:03Z x\n" in dated.out


def test_a_clock_time_after_the_resolved_hour_is_refused(
    incident: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An hour after [resolved] holds the last updates; later, a clock time needs its date."""
    assert run("log", "--at", "13:00", "-m", "start", "Deploy").code == 0
    assert run("log", "--at", "13:30", "-m", "resolved", "Error rate at baseline").code == 0
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T16:00Z")
    assert run("log", "--at", "14:25", "-m", "comms", "Status page: resolved").code == 0
    result = run("log", "--at", "15:00", "Postmortem meeting booked")
    assert result.code == 2
    assert (
        "15:00 today is 1 h ago, after the incident's span (it ends an hour after its "
        "[resolved], 2026-11-21T13:30Z); no 15:00 lies within it; to log one all the same, "
        "give the date: --at '2026-11-21 15:00 UTC'\n"
    ) in result.err


def test_an_incident_that_goes_on_takes_clock_times_a_day_after_its_last_event(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """No [resolved] yet: an incident logging events days on still takes clock times."""
    assert run("new", "Slow burn", "--severity", "SEV3").code == 0
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-23T10:00Z")
    refused = run("log", "--at", "09:00", "Still degraded")
    assert "with no [resolved], it ends with the day after its last event, 2026-11-21" in (
        refused.err
    )
    assert run("log", "Replica rebuilt").code == 0
    result = run("log", "--at", "09:00", "Still degraded")
    assert result.code == 0, result.err
    assert "  2026-11-23T09:00Z Still degraded\n" in result.out


def test_a_logged_start_bounds_the_span(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """With [start] at 13:58, a clock time before it is refused and the start is named."""
    assert run("log", "--at", "13:58", "-m", "start", "Deploy reached all hosts").code == 0
    result = run("log", "--at", "13:40", "Config change merged")
    assert result.code == 2
    assert (
        "13:40 today is 25 min ago, before the incident's start (2026-11-21T13:58Z); "
        "13:40 yesterday is 24 h 25 min ago; give the date: --at '2026-11-21 13:40 UTC'"
    ) in result.err


def test_a_milestone_is_logged_once(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A second [detected] is refused with the line of the first."""
    run("log", "-m", "detected", "first")
    before = incident.read_bytes()
    result = run("log", "-m", "detected", "second")
    assert result.code == 2
    assert f"{TIMELINE}:5: [detected] is already logged at 2026-11-21T14:05Z" in result.err
    assert incident.read_bytes() == before


def test_reminds_when_a_comms_update_is_due(
    incident: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Past the cadence without a [comms] event, log says an update is due; after one, not."""
    run("log", "--at", "14:00", "-m", "detected", "Pager")
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T14:47Z")
    result = run("log", "Still looking")
    assert "47m since detection (2026-11-21T14:00Z)." in result.out
    assert (
        "Reminder: a [comms] update is due every 30m and none in the 47m since detection."
        in result.out
    )
    run("log", "-m", "comms", "Status page: investigating")
    assert "Reminder" not in run("log", "Another").out


def test_no_reminder_once_resolved(incident: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A resolved incident needs no more updates."""
    run("log", "--at", "-60m", "-m", "start", "Began")
    run("log", "-m", "resolved", "Back to normal")
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T16:00Z")
    assert "Reminder" not in run("log", "Late note").out


def test_choosing_among_several_incidents(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Two investigating incidents: log lists them; --incident picks one (any case)."""
    run("new", "Checkout down", "--severity", "SEV2")
    run("new", "Search slow", "--severity", "SEV3")
    result = run("log", "x")
    assert result.code == 2
    assert "2 incidents are under investigation; choose one with --incident ID:" in result.err
    assert "2026-11-21-search-slow" in result.err and ID in result.err
    assert run("log", "--incident", "2026-11-21-SEARCH-slow", "x").code == 0
    result = run("log", "--incident", "2026-11-21-serch-slow", "x")
    assert result.code == 2 and "did you mean '2026-11-21-search-slow'?" in result.err


def test_the_incident_can_be_pinned_for_a_shell(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """$HINDSIGHT_INCIDENT names the incident when several are open."""
    run("new", "Checkout down", "--severity", "SEV2")
    run("new", "Search slow", "--severity", "SEV3")
    monkeypatch.setenv("HINDSIGHT_INCIDENT", "2026-11-21-search-slow")
    assert run("log", "pinned").code == 0
    assert events(archive / "incidents/2026-11-21-search-slow/timeline.log")[-1].endswith(" pinned")


def test_no_incident_under_investigation(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Without an investigating incident, log says how to name or declare one."""
    run("new", "Old", "--severity", "SEV3", "--status", "draft")
    result = run("log", "x")
    assert result.code == 2 and "no incident is under investigation" in result.err
    assert "2026-11-21-old" in result.err


def test_a_file_without_final_newline_is_not_glued(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """If a hand edit left no newline at the end, the new event still starts its own line."""
    incident.write_text(incident.read_text().rstrip("\n"))
    run("log", "Next")
    assert events(incident)[-2:] == [
        events(incident)[-2],
        "2026-11-21T14:05Z Next",
    ]
    assert parse(incident.read_text(), "t")[1] == []


def test_a_torn_last_line_is_reported_by_check_and_by_the_next_log(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An event cut short by someone else's write reads as an event; check warns (HS603), and
    the log that ends the line says so instead of sealing it silently."""
    incident.write_text(incident.read_text() + "2026-11-21T14:04Z Rolled back dep")
    line = len(incident.read_text().splitlines())
    found = run("check", "--format", "json", ID)
    hs603 = [f for f in json.loads(found.out)["findings"] if f["rule"] == "HS603"]
    assert [(f["line"], f["severity"]) for f in hs603] == [(line, "warning")]
    result = run("log", "Next")
    assert result.code == 0
    assert f"Note: line {line} of {TIMELINE} had no newline at its end" in result.out


def _log_under_size_limit(
    incident: Path, spare: int, *argv: str
) -> subprocess.CompletedProcess[str]:
    """``hindsight log ARGV`` in a process that may make files only ``spare`` bytes longer than
    the timeline is: the kernel cuts the write short (or refuses it), as a full disk does."""
    import resource
    import signal

    limit = incident.stat().st_size + spare

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "hindsight", "log", *argv],
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        cwd=incident.parents[2],
        capture_output=True,
        text=True,
        preexec_fn=limited,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("spare", [0, 20])
def test_a_short_write_leaves_the_timeline_as_it_was(incident: Path, spare: int) -> None:
    """On a full disk (here a file-size limit: the write is refused, or cut after 20 bytes),
    nothing is recorded, the file is cut back to its length, and the user is told, exit 2."""
    before = incident.read_bytes()
    result = _log_under_size_limit(incident, spare, "Rolled back deploy 4812 on all hosts")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{TIMELINE}: nothing was recorded: " in result.stderr
    assert "the file is as it was; free some space, then log it again" in result.stderr
    assert incident.read_bytes() == before
    assert result.stdout == ""


def test_a_backdated_event_that_cannot_be_written_leaves_the_timeline_as_it_was(
    incident: Path,
) -> None:
    """The insertion writes a new file beside the old one; when that fails, the old stays."""
    before = incident.read_bytes()
    result = _log_under_size_limit(incident, 10, "--at", "13:58", "-m", "start", "Deploy went out")
    assert result.returncode == 2, result.stderr
    assert f"{TIMELINE}: nothing was recorded: " in result.stderr
    assert incident.read_bytes() == before
    assert [p.name for p in incident.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-11-21T14:30", "x"], "is 25 min in the future"),
        (["--at", "later", "x"], "is not a time; write now, a time ago"),
        (["-m", "fixed", "x"], "Invalid value for '--milestone'"),
        (["   "], "the event text is empty"),
        (["x" * 4001], "keep it under 4000"),
    ],
)
def test_bad_input_exits_2(incident: Path, run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    """Bad times, milestones and texts are refused with a message and exit 2."""
    before = incident.read_bytes()
    result = run("log", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert incident.read_bytes() == before


def _writer(path: str, worker: int, count: int) -> None:
    rng = random.Random(worker)
    base = datetime(2026, 11, 21, 14, 0, tzinfo=timezone.utc)
    for n in range(count):
        moment = base + timedelta(seconds=worker * 1000 + n)
        if n % 5 == 4:  # now and then a backdated event, which rewrites the file
            moment -= timedelta(hours=1)
        body = f"w{worker:02d}-n{n:03d} " + "x" * rng.randint(200, 3900)
        record(Path(path), moment, body, Milestone.ACTION)


@pytest.mark.slow
def test_concurrent_writers_never_tear_or_lose_a_line(tmp_path: Path) -> None:
    """16 processes appending and inserting at once: every event once, whole (RELIABILITY 44)."""
    path = tmp_path / "timeline.log"
    path.write_text("# header\n")
    workers, count = 16, 25
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_writer, args=(str(path), w, count)) for w in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    text = path.read_text()
    assert text.endswith("\n")
    parsed, problems = parse(text, "t")
    assert problems == []
    tags = sorted(e.text.split(" ")[0] for e in parsed)
    assert tags == sorted(f"w{w:02d}-n{n:03d}" for w in range(workers) for n in range(count))
    assert all(e.text.endswith("x") for e in parsed)
    times = [e.time for e in parsed]
    assert times == sorted(times), "every writer puts its event in time order"


@pytest.mark.slow
def test_concurrent_cli_processes(incident: Path) -> None:
    """Real ``hindsight log`` processes started together all land, one line each."""
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "hindsight", "log", f"event {n}"],
            env=env,
            cwd=incident.parents[2],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(8)
    ]
    for proc in procs:
        assert proc.wait(60) == 0, proc.stderr.read() if proc.stderr else ""
    texts = sorted(line.split(" ", 1)[1] for line in events(incident)[1:])
    assert texts == sorted(f"event {n}" for n in range(8))


def test_an_event_is_on_disk_before_it_is_reported(incident: Path) -> None:
    """RELIABILITY case 45: kill -9 the CLI as soon as it says where the event went."""
    import signal

    env = dict(os.environ, PYTHONUNBUFFERED="1")  # each line reaches the pipe as it is printed
    proc = subprocess.Popen(
        [sys.executable, "-m", "hindsight", "log", "Failover finished"],
        env=env,
        cwd=incident.parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    assert first.startswith(b"Appended to"), first + (proc.stderr.read() if proc.stderr else b"")
    assert events(incident)[-1].endswith(" Failover finished")


def test_log_starts_without_heavy_imports(incident: Path) -> None:
    """log imports no Jinja, Markdown or MkDocs: it is used mid-incident."""
    assert heavy_imports(incident.parents[2], "log", "x") == (0, [])


def test_a_timeline_that_is_a_folder_is_an_io_error(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An unreadable timeline gives a message naming the file, exit 2, no traceback."""
    incident.unlink()
    incident.mkdir()
    write(incident / "x", "")
    result = run("log", "x")
    assert result.code == 2 and "timeline.log" in result.err and "Traceback" not in result.err


def test_insertion_goes_after_the_last_event_not_later(tmp_path: Path) -> None:
    """Comments and unreadable lines stay put; the event lands after the last earlier one."""
    path = write(
        tmp_path / "timeline.log",
        "# head\n2026-11-21T14:00Z a\nnot a time\n"
        "2026-11-21T13:00Z out of order\n2026-11-21T15:00Z c\n",
    )
    record(path, datetime(2026, 11, 21, 13, 30, tzinfo=timezone.utc), "new", None)
    assert path.read_text().splitlines() == [
        "# head",
        "2026-11-21T14:00Z a",
        "not a time",
        "2026-11-21T13:00Z out of order",
        "2026-11-21T13:30Z new",
        "2026-11-21T15:00Z c",
    ]
    record(path, datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc), "first", None)
    assert path.read_text().splitlines()[1] == "2026-11-21T12:00Z first"


def test_the_recorded_time_is_shown_in_the_local_zone_with_utc_beside_it() -> None:
    """Away from UTC, log's confirmation gives the local date and time, its offset, and UTC."""
    from hindsight.logbook import recorded_at

    berlin = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc)
    current = datetime(2026, 11, 21, 14, 5, tzinfo=timezone.utc)
    assert recorded_at(moment, current, berlin) == (
        "Recorded for Sat 2026-11-21 00:30 +01:00 (Fri 2026-11-20 23:30 UTC), 14h 35m ago."
    )
    assert recorded_at(current, current, berlin) == (
        "Recorded for Sat 2026-11-21 15:05 +01:00 (14:05 UTC), now."
    )


def test_text_that_looks_like_a_milestone_stays_text(incident: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: "[mitigated] …" as TEXT is escaped, said so, and check finds no second milestone."""
    assert run("log", "--at", "13:58", "-m", "start", "Deploy 991").code == 0
    assert run("log", "--at", "14:01", "-m", "mitigated", "Rolled back").code == 0
    result = run("log", "[mitigated] Rolled back deploy 991")
    assert result.code == 0, result.err
    assert "  2026-11-21T14:05Z \\[mitigated] Rolled back deploy 991\n" in result.out
    assert (
        "Stored as text, not as a milestone: the line has \\[mitigated], which the timeline, "
        "check, the site and comms show as [mitigated].\n"
        "[mitigated] is already logged on line 5 (2026-11-21T14:01Z); a milestone is logged "
        "once (edit that line if it was wrong).\n"
    ) in result.out
    result = run("log", "[resolved] Error rate at baseline")
    assert (
        "If you meant the milestone, delete that line and run: hindsight log --at "
        "2026-11-21T14:05Z --milestone resolved 'Error rate at baseline'\n"
    ) in result.out
    assert events(incident)[-1] == "2026-11-21T14:05Z \\[resolved] Error rate at baseline"
    checked = run("check", "--format", "json")
    assert '"HS606"' not in checked.out and '"HS610"' not in checked.out
    comms = run("comms", "-a", "internal")
    assert "[mitigated] Rolled back deploy 991" in comms.out and "\\[" not in comms.out


@pytest.mark.parametrize(
    "at", ["13:12", "13:12 UTC", "13:12Z", "2026-11-21 13:12", "2026-11-21T13:12Z", "-53m"]
)
def test_every_form_of_at_names_the_same_moment(incident: Path, run, at: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: '13:12 UTC' and '2026-11-21 13:12' are read as the bare 13:12 is (TZ=UTC)."""
    result = run("log", "--at", at, "Config change merged")
    assert result.code == 0, result.err
    assert "  2026-11-21T13:12Z Config change merged\n" in result.out


def test_following_the_suggested_date_warns_of_an_event_before_the_start(
    incident: Path, run
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: the suggested --at lands before [start]; log records it and says so."""
    assert run("log", "--at", "13:58", "-m", "start", "Deploy reached all hosts").code == 0
    refused = run("log", "--at", "14:25", "Support reports errors")
    assert "give the date: --at '2026-11-20 14:25 UTC'" in refused.err
    result = run("log", "--at", "2026-11-20 14:25 UTC", "Support reports errors")
    assert result.code == 0, result.err
    assert (
        "Warning: this event is 23h 33m before the incident's [start] (2026-11-21T13:58Z). If "
        f"its date or time is wrong, correct that line in {TIMELINE}.\n"
    ) in result.out
    checked = run("check", "--format", "json")
    assert '"HS611"' in checked.out


def test_once_resolved_log_gives_the_duration_not_a_running_clock(
    incident: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: after [resolved], no 'since detection' and no comms reminder."""
    run("log", "--at", "13:40", "-m", "start", "Deploy")
    run("log", "--at", "13:45", "-m", "detected", "Pager")
    run("log", "--at", "14:00", "-m", "resolved", "Error rate at baseline")
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T15:30Z")
    result = run("log", "Postmortem meeting booked")
    assert result.out.endswith(
        "The incident is resolved (2026-11-21T14:00Z, 20m after its start).\n"
    )
    assert "since detection" not in result.out and "Reminder" not in result.out
