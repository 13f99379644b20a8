"""--at accepts absolute, clock and relative times, always ending in an aware UTC moment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hindsight.clock import TimeError, now, resolve_at

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
    ],
)
def test_at_forms(text: str, expected: datetime) -> None:
    """Each accepted form resolves to the expected UTC moment."""
    assert resolve_at(text, CURRENT, BERLIN) == expected


@pytest.mark.parametrize("text", ["2026-11-21T14:03", "25:00", "soon", "-", "2026-11-21T14:03Z x"])
def test_unreadable_times_explain_the_accepted_forms(text: str) -> None:
    """A time that cannot be read says how to write one."""
    with pytest.raises(TimeError, match="Write a time with a zone|not a clock time"):
        resolve_at(text, CURRENT, BERLIN)


def test_clock_can_be_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """$HINDSIGHT_NOW freezes the clock for tests and documentation."""
    monkeypatch.setenv("HINDSIGHT_NOW", "2026-11-21T15:05+01:00")
    assert now() == CURRENT
