"""``hindsight stats`` and ``hindsight export`` on a real archive."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import yaml

from hindsight.figures import add_business_days, percentile
from tests.conftest import write
from tests.rules.conftest import BODY, META, TIMELINE


def _incident(
    archive: Path, incident_id: str, body: str = BODY, timeline: str = TIMELINE, **meta: object
) -> None:
    folder = archive / "incidents" / incident_id
    front = yaml.safe_dump(
        dict(META, id=incident_id, **meta), sort_keys=False, default_flow_style=None
    )
    write(folder / "postmortem.md", f"---\n{front}---\n{body}")
    write(folder / "timeline.log", timeline)


def test_percentiles_and_business_days() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3 and percentile(list(range(1, 11)), 0.9) == 9
    assert add_business_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday + 5 working days
    assert add_business_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday -> Monday


def test_stats_count_time_items_and_overdue_reviews(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, "2026-11-21-a")  # SEV2, resolved on Saturday 2026-11-21: due Friday 11-27
    _incident(
        archive,
        "2026-11-10-b",
        severity="SEV1",
        services=["dns"],
        timeline=TIMELINE.replace("2026-11-21", "2026-11-10"),
    )
    _incident(
        archive,
        "2026-10-01-c",
        severity="SEV3",
        status="approved",
        timeline=TIMELINE.replace("2026-11-21", "2026-10-01"),
        body=BODY.replace("2026-12-15 | PLAT-123 | open", "2026-10-15 | PLAT-123 | open"),
    )
    result = run("stats", "--format", "json", "--today", "2026-12-01")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert figures["incidents"] == 3
    assert figures["by_severity"] == {"SEV1": 1, "SEV2": 1, "SEV3": 1}
    assert figures["by_service"] == {"checkout-api": 2, "dns": 1}
    assert figures["by_month"] == {"2026-10": 1, "2026-11": 2}
    assert figures["times"]["all"]["detect"] == {
        "count": 3,
        "median_minutes": 5.0,
        "p90_minutes": 5.0,
    }
    assert figures["action_items"] == {"open": 3, "overdue": 1, "done": 0, "wontfix": 0}
    assert [r["incident"] for r in figures["reviews_overdue"]] == ["2026-11-10-b", "2026-11-21-a"]
    assert figures["reviews_overdue"][0]["due"] == "2026-11-13"  # SEV1: 3 days
    assert figures["reviews_overdue"][1]["due"] == "2026-11-27"  # SEV2: 5 business days
    text = run("stats", "--today", "2026-12-01").out
    assert "Postmortems overdue for review: 2" in text and "3 open (1 overdue)" in text
    rows = list(csv.reader(io.StringIO(run("stats", "--format", "csv").out)))
    assert rows[0] == ["metric", "group", "key", "value"] and ["incidents", "", "", "3"] in rows


def test_export_incidents_and_action_items(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, "2026-11-21-a", title='=HYPERLINK("http://x")', tags=["db", "dns"])
    data = json.loads(run("export", "--today", "2026-11-21").out)
    assert data["version"] == 1 and data["kind"] == "incidents"
    record = data["incidents"][0]
    assert record["started"] == "2026-11-21T13:58:00Z" and record["duration_minutes"] == 47.0
    assert record["tags"] == ["db", "dns"] and record["action_items_open"] == 1
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").out)))
    assert rows[0]["tags"] == "db;dns"
    assert rows[0]["title"].startswith("'=")  # never a live spreadsheet formula
    items = list(
        csv.DictReader(
            io.StringIO(
                run(
                    "export", "--what", "action-items", "--format", "csv", "--today", "2026-12-16"
                ).out
            )
        )
    )
    assert (
        items[0]["owner"] == "lee"
        and items[0]["ticket"] == "PLAT-123"
        and items[0]["overdue"] == "true"
    )


def test_export_visibility_public_leaves_restricted_incidents_out(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, "2026-11-21-a")
    _incident(archive, "2026-11-20-b", visibility="restricted")
    _incident(archive, "2026-11-19-c", visibility="Internal")  # not plainly internal: restricted
    every = json.loads(run("export").out)["incidents"]
    assert [r["id"] for r in every] == ["2026-11-19-c", "2026-11-20-b", "2026-11-21-a"]
    public = run("export", "--visibility", "public")
    assert public.code == 0
    assert [r["id"] for r in json.loads(public.out)["incidents"]] == ["2026-11-21-a"]
    items = run("export", "--what", "action-items", "--format", "csv", "--visibility", "public")
    rows = list(csv.DictReader(io.StringIO(items.out)))
    assert rows and {r["incident"] for r in rows} == {"2026-11-21-a"}
    assert "2026-11-20-b" not in items.out + items.err


def test_an_unreadable_incident_is_reported_not_fatal(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, "2026-11-21-a")
    (archive / "incidents" / "2026-11-20-b").mkdir()
    result = run("stats", "--format", "json")
    assert result.code == 0 and json.loads(result.out)["incidents"] == 1
    assert "2026-11-20-b: skipped" in result.err
