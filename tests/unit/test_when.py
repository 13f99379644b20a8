"""Reading dates, times and zones as people write them (``hindsight import``)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from hindsight.importing.when import find_date, find_zone, read_stamp, to_utc, zone


@pytest.mark.parametrize(
    ("text", "day", "clock", "zone_name", "rest"),
    [
        ("- 20:09 UTC: The user registers", None, (20, 9, 0), "UTC", "The user registers"),
        (
            "- **16:58 UTC** - Writer database saturates",
            None,
            (16, 58, 0),
            "UTC",
            "Writer database saturates",
        ),
        ("* [08:47] Bump PR is merged", None, (8, 47, 0), None, "Bump PR is merged"),
        ("- 13:14 EDT (17:14 UTC): A user emails", None, (17, 14, 0), "UTC", "A user emails"),
        (
            "12:45 PM PST Saturday Oct 30th: First wave",
            date(2021, 10, 30),
            (12, 45, 0),
            "PST",
            "First wave",
        ),
        (
            "07-27-2023 2:14 pm - A PR was approved",
            date(2023, 7, 27),
            (14, 14, 0),
            None,
            "A PR was approved",
        ),
        ("Sep 27 2017 13:06", date(2017, 9, 27), (13, 6, 0), None, ""),
        ("Jan 14, 10:18 AM", date(2021, 1, 14), (10, 18, 0), None, ""),
        ("08:52 PM", None, (20, 52, 0), None, ""),
        ("2019-11-29 12:00", date(2019, 11, 29), (12, 0, 0), None, ""),
        ("ca. 18:30 restarted the hub", None, (18, 30, 0), None, "restarted the hub"),
        ("~13:30-13:45: nodes drained", None, (13, 30, 0), None, "nodes drained"),
        ("- 7:09 AM Eastern: token found", None, (7, 9, 0), "EASTERN", "token found"),
        ("08:42:33 `dvolk` created", None, (8, 42, 33), None, "`dvolk` created"),
        (
            "On 2021-04-27 at 15:09 UTC we released",
            date(2021, 4, 27),
            (15, 9, 0),
            "UTC",
            "we released",
        ),
        ("13/02/2025 09:00 restart", date(2025, 2, 13), (9, 0, 0), None, "restart"),
    ],
)
def test_stamps_at_the_start_of_a_text(
    text: str, day: date | None, clock: tuple[int, int, int], zone_name: str | None, rest: str
) -> None:
    stamp = read_stamp(text, year=2021)
    assert stamp.day == day
    assert stamp.time == clock
    assert (stamp.zone.name if stamp.zone else None) == zone_name
    assert stamp.rest == rest


@pytest.mark.parametrize(
    "text", ["2X:XX (not sure exact time)", "[???] IOPS degrade", "--:-- surge"]
)
def test_a_time_slot_without_a_time_is_said(text: str) -> None:
    stamp = read_stamp(text)
    assert stamp.unreadable and stamp.time is None


@pytest.mark.parametrize(
    "text", ["1.2.10 was released", "10 people joined", "Deploy at 3", "The outage began"]
)
def test_text_that_is_not_a_stamp(text: str) -> None:
    assert not read_stamp(text).found


def test_a_24_hour_time_with_pm_is_read_as_written_and_said() -> None:
    stamp = read_stamp("13:55 PM PST: alarms fire")
    assert stamp.time == (13, 55, 0)
    assert stamp.guesses and "AM/PM" in stamp.guesses[0]


def test_ambiguous_numeric_dates_are_read_month_first_and_said() -> None:
    stamp = read_stamp("03/04/2025 10:00 x")
    assert stamp.day == date(2025, 3, 4) and "month first" in stamp.guesses[0]


@pytest.mark.parametrize(
    ("name", "local", "utc"),
    [
        (
            "PST",
            datetime(2021, 10, 30, 12, 45),
            datetime(2021, 10, 30, 19, 45),
        ),  # Pacific summer time
        ("PST", datetime(2021, 11, 8, 12, 45), datetime(2021, 11, 8, 20, 45)),  # after the change
        (
            "PDT",
            datetime(2019, 1, 23, 14, 54),
            datetime(2019, 1, 23, 22, 54),
        ),  # winter, whatever it says
        ("CET", datetime(2019, 11, 29, 12, 0), datetime(2019, 11, 29, 11, 0)),
        ("CET", datetime(2019, 7, 1, 12, 0), datetime(2019, 7, 1, 10, 0)),
        ("GMT+2", datetime(2019, 4, 3, 10, 0), datetime(2019, 4, 3, 8, 0)),
        ("IST", datetime(2020, 8, 28, 20, 52), datetime(2020, 8, 28, 15, 22)),
        ("UTC", datetime(2020, 8, 28, 20, 52), datetime(2020, 8, 28, 20, 52)),
    ],
)
def test_local_times_to_utc(name: str, local: datetime, utc: datetime) -> None:
    where = zone(name)
    assert where is not None
    assert to_utc(local.date(), (local.hour, local.minute, 0), where) == utc.replace(
        tzinfo=timezone.utc
    )


def test_a_region_name_against_its_season_is_noted() -> None:
    where = zone("PST")
    assert where is not None
    assert "summer time then (UTC-7)" in (where.note(datetime(2023, 7, 27, 14, 14)) or "")
    assert where.note(datetime(2023, 1, 27, 14, 14)) is None


def test_zones_and_dates_declared_in_sentences() -> None:
    assert (find_zone("All times in CET (GMT+1)") or zone("X")).name == "CET"  # type: ignore[union-attr]
    assert (find_zone("_all times are in UTC_") or zone("X")).name == "UTC"  # type: ignore[union-attr]
    assert (find_zone("| Day | Date (2021) | Time (PT) | Event |") or zone("X")).name == "PT"  # type: ignore[union-attr]
    assert find_zone("ALERT fired at the CDN") is None
    assert find_date("All times in PST, on February 5th 2019") == date(2019, 2, 5)
    assert find_date("Timeline (all times PST) 07/27/2023 - 07/31/2023") == date(2023, 7, 27)
