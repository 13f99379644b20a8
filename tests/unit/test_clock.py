"""--at accepts absolute, clock and relative times, always ending in an aware UTC moment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hindsight.clock import AT_FORMS, Since, TimeError, now, resolve_at

UTC = timezone.utc
CURRENT = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)
BERLIN = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", CURRENT),
        ("-10m", CURRENT - timedelta(minutes=10)),
        ("-1h30m", CURRENT - timedelta(minutes=90)),
        ("-45s", CURRENT - timedelta(seconds=45)),
        ("2026-11-21T13:58Z", datetime(2026, 11, 21, 13, 58, tzinfo=UTC)),
        ("2026-11-21 14:58 +01:00", datetime(2026, 11, 21, 13, 58, tzinfo=UTC)),
        ("14:03", datetime(2026, 11, 21, 13, 3, tzinfo=UTC)),  # Berlin local time
        ("23:55", datetime(2026, 11, 20, 22, 55, tzinfo=UTC)),  # later today: yesterday
        # issue 29: one grammar; a zone may follow any clock time, and without one it is local
        ("14:03 UTC", datetime(2026, 11, 21, 14, 3, tzinfo=UTC)),
        ("14:03Z", datetime(2026, 11, 21, 14, 3, tzinfo=UTC)),
        ("14:03 +02:00", datetime(2026, 11, 21, 12, 3, tzinfo=UTC)),
        ("14:03:05 utc", datetime(2026, 11, 21, 14, 3, 5, tzinfo=UTC)),
        ("2026-11-21 14:03", datetime(2026, 11, 21, 13, 3, tzinfo=UTC)),  # Berlin, as 14:03
        ("2026-11-21T14:03", datetime(2026, 11, 21, 13, 3, tzinfo=UTC)),
        ("2026-11-20 23:12", datetime(2026, 11, 20, 22, 12, tzinfo=UTC)),
        ("2026-11-21 14:03 UTC", datetime(2026, 11, 21, 14, 3, tzinfo=UTC)),
        ("2026-11-21T14:03+0100", datetime(2026, 11, 21, 13, 3, tzinfo=UTC)),
    ],
)
def test_at_forms(text: str, expected: datetime) -> None:
    """Each accepted form resolves to the expected UTC moment."""
    assert resolve_at(text, CURRENT, BERLIN) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "soon", "-", "2026-11-21T14:03Z x", "2026-02-30 10:00", "14:03 CET"]
)
def test_unreadable_times_explain_the_accepted_forms(text: str) -> None:
    """A time that cannot be read says how to write one, in the words of log --help."""
    with pytest.raises(TimeError) as error:
        resolve_at(text, CURRENT, BERLIN)
    assert str(error.value).endswith(f"write {AT_FORMS}")


def test_log_help_names_the_forms_errors_name() -> None:
    """The help of --at and the refusals use the same words."""
    from click.testing import CliRunner

    from hindsight.cli import cli

    shown = " ".join(CliRunner().invoke(cli, ["log", "--help"]).output.split())
    assert AT_FORMS in shown


@pytest.mark.parametrize("text", ["2026-11-21 14:20 UTC", "2026-11-21 15:10", "2026-11-22T00:00Z"])
def test_a_date_and_time_in_the_future_is_refused(text: str) -> None:
    """As a clock time later than now is: an event is logged once it has happened."""
    with pytest.raises(TimeError, match="in the future; log an event once it has happened"):
        resolve_at(text, CURRENT, BERLIN)


def test_clock_can_be_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """$HINDSIGHT_NOW freezes the clock for tests and documentation."""
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T15:05+01:00")
    assert now() == CURRENT


ISSUE_NOW = datetime(2026, 12, 4, 13, 38, tzinfo=UTC)
DAY_START = Since(datetime(2026, 12, 4, tzinfo=UTC), "the incident's first day (2026-12-04)")


def test_a_clock_time_later_than_now_is_refused_with_both_readings() -> None:
    """13:58 at 13:38 in an incident declared today: neither reading fits, so the date is asked for."""
    with pytest.raises(TimeError) as error:
        resolve_at("13:58", ISSUE_NOW, UTC, DAY_START)
    assert str(error.value) == (
        "--at '13:58' (it is now 2026-12-04 13:38 UTC): 13:58 today is 20 min in the future; "
        "13:58 yesterday is 23 h 40 min ago, before the incident's first day (2026-12-04); "
        "give the date: --at '2026-12-03 13:58 UTC'"
    )


def test_the_suggested_date_is_accepted_back() -> None:
    """The --at the refusal suggests reads as the moment it names."""
    assert resolve_at("2026-12-03 13:58 UTC", ISSUE_NOW, UTC, DAY_START) == datetime(
        2026, 12, 3, 13, 58, tzinfo=UTC
    )


def test_yesterday_is_taken_when_the_incident_spans_it() -> None:
    """A clock time later than now is yesterday's when the incident had started by then."""
    since = Since(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), "the incident's start")
    assert resolve_at("13:58", ISSUE_NOW, UTC, since) == datetime(2026, 12, 3, 13, 58, tzinfo=UTC)


def test_a_past_time_today_within_the_span_is_taken() -> None:
    """13:30 at 13:38 is today's 13:30."""
    assert resolve_at("13:30", ISSUE_NOW, UTC, DAY_START) == datetime(
        2026, 12, 4, 13, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["13:39", "13:43"])
def test_a_minute_or_a_few_ahead_is_not_taken_as_now(text: str) -> None:
    """SPEC records what happened: even a clock-skew minute ahead is refused, never future-dated."""
    with pytest.raises(TimeError, match=rf"{text} today is \d+ min in the future"):
        resolve_at(text, ISSUE_NOW, UTC, DAY_START)


def test_a_time_before_the_start_event_is_refused() -> None:
    """Both readings before the logged start: the message says so once and suggests today's date."""
    since = Since(datetime(2026, 12, 4, 13, 30, tzinfo=UTC), "the incident's start (13:30)")
    with pytest.raises(TimeError) as error:
        resolve_at("13:20", ISSUE_NOW, UTC, since)
    assert "13:20 today is 18 min ago, before the incident's start (13:30); " in str(error.value)
    assert "13:20 yesterday is 24 h 18 min ago; give the date: --at '2026-12-04 13:20 UTC'" in str(
        error.value
    )


def test_a_time_after_the_span_is_refused_with_the_date_within_it() -> None:
    """Issue 29: 14:03 weeks after an incident is not today's 14:03; the refusal gives the
    first 14:03 within the incident, dated, and only a span's end bounds it."""
    old = Since(
        datetime(2026, 11, 1, tzinfo=UTC),
        "the incident's first day (2026-11-01)",
        datetime(2026, 11, 3, tzinfo=UTC),
        "the incident's span (with no [resolved], it ends with the day after its first day)",
    )
    with pytest.raises(TimeError) as error:
        resolve_at("14:03", ISSUE_NOW, UTC, old)
    assert str(error.value) == (
        "--at '14:03' (it is now 2026-12-04 13:38 UTC): 14:03 yesterday is 23 h 35 min ago, "
        "after the incident's span (with no [resolved], it ends with the day after its first "
        "day); give the date: --at '2026-11-01 14:03 UTC'"
    )
    assert resolve_at("14:03", ISSUE_NOW, UTC, old._replace(until=None)) == datetime(
        2026, 12, 3, 14, 3, tzinfo=UTC
    )


def test_a_time_no_reading_of_which_is_within_the_span_is_logged_only_with_its_date() -> None:
    """Between its [resolved]'s hour and now: no such time lies within the incident; the
    dated form, which is the refused reading, is the writer's explicit choice."""
    since = Since(
        datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        "the incident's start",
        datetime(2026, 12, 4, 11, 0, tzinfo=UTC),
        "the incident's span (it ends an hour after its [resolved], 2026-12-04T10:00Z)",
    )
    assert resolve_at("10:59", ISSUE_NOW, UTC, since) == datetime(2026, 12, 4, 10, 59, tzinfo=UTC)
    with pytest.raises(TimeError) as error:
        resolve_at("12:00", ISSUE_NOW, UTC, since)
    assert str(error.value).endswith(
        "12:00 today is 1 h 38 min ago, after the incident's span (it ends an hour after its "
        "[resolved], 2026-12-04T10:00Z); no 12:00 lies within it; to log one all the same, "
        "give the date: --at '2026-12-04 12:00 UTC'"
    )


def test_the_readings_are_in_the_local_zone() -> None:
    """In Berlin, 15:00 at 14:38 local is refused and the date comes back with its offset."""
    with pytest.raises(TimeError, match=r"give the date: --at '2026-12-03 15:00 \+01:00'"):
        resolve_at("15:00", ISSUE_NOW, BERLIN, DAY_START)


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The machine's zone is Europe/Berlin for the test (time.tzset), then back."""
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("berlin")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-01 14:03", datetime(2026, 6, 1, 12, 3, tzinfo=UTC)),  # summer time, +02:00
        ("2026-11-20 14:03", datetime(2026, 11, 20, 13, 3, tzinfo=UTC)),  # winter, +01:00
        ("14:03", datetime(2026, 11, 21, 13, 3, tzinfo=UTC)),
    ],
)
def test_local_time_follows_the_machine_zone_rules_for_any_date(
    text: str, expected: datetime
) -> None:
    """A date and time without zone, typed in winter for a summer day, is read in summer time."""
    from hindsight.clock import local_zone

    assert resolve_at(text, CURRENT, local_zone()) == expected
    shown = expected.astimezone(local_zone()).strftime("%H:%M %z")
    assert shown == ("14:03 +0200" if expected.month == 6 else "14:03 +0100")
