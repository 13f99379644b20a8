"""``hindsight stats`` and ``hindsight export``: figures and catalogues of the archive.

Both read every incident the loader can read (restricted ones too: these commands run
where the repository is readable anyway) and report the ones it cannot on stderr.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from hindsight.config import Settings
from hindsight.humane import duration, plural
from hindsight.model import Incident, Milestone, Status

#: CSV and JSON shapes are versioned: a field is never renamed or given another meaning.
VERSION = 1
TIMES = (("detect", "time_to_detect"), ("mitigate", "time_to_mitigate"), ("resolve", "duration"))


def load_all(settings: Settings) -> tuple[list[Incident], list[str]]:
    """Every readable incident, oldest first, and a line for each one that is not."""
    from hindsight.load.incident import load_incident
    from hindsight.paths import discover

    incidents, skipped = [], []
    for folder in discover(settings):
        loaded = load_incident(folder, settings)
        if loaded.incident is None:
            first = loaded.problems[0] if loaded.problems else None
            skipped.append(f"{loaded.folder}: skipped: {first.message if first else 'unreadable'}")
        else:
            incidents.append(loaded.incident)
    return incidents, skipped


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` 0.5 is the median, 0.9 the 90th)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _minutes(delta: timedelta | None) -> float | None:
    return None if delta is None or delta < timedelta(0) else round(delta.total_seconds() / 60, 1)


def add_business_days(day: date, count: int) -> date:
    """``count`` working days (Monday to Friday) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def review_due(incident: Incident, settings: Settings) -> date | None:
    """When the postmortem should be approved: SEV1 N days, SEV2 N business days after resolution."""
    resolved = incident.milestone(Milestone.RESOLVED)
    severities = list(settings.severities)
    if resolved is None or incident.severity not in severities[:2]:
        return None
    day = resolved.time.date()
    if incident.severity == severities[0]:
        return day + timedelta(days=settings.review_sev1_days)
    return add_business_days(day, settings.review_sev2_business_days)


#: an exported action item: its incident, the table's cells as read, and whether it is overdue
ITEM_FIELDS = ("incident", "line", "action", "owner", "due", "ticket", "status", "kind", "overdue")


def action_items(incidents: Iterable[Incident], today: date) -> list[dict[str, Any]]:
    """Every action item of ``incidents`` (``ITEM_FIELDS``), its status read, overdue or not."""
    from hindsight.rules.action_items import due_date, item_status, owner_handle, plain_cell

    rows = []
    for incident in incidents:
        for item in incident.action_items:
            status = item_status(item)
            due = due_date(item)
            cells = (
                item.line,
                plain_cell(item.action),
                owner_handle(item),
                due.isoformat() if due else plain_cell(item.due),
                plain_cell(item.ticket),
                status,
                plain_cell(item.kind).lower(),
            )
            rows.append(
                dict(
                    zip(
                        ITEM_FIELDS,
                        (incident.id, *cells, status == "open" and due is not None and due < today),
                    )
                )
            )
    return rows


def reviews_overdue(
    incidents: Iterable[Incident], settings: Settings, today: date
) -> list[dict[str, Any]]:
    """Postmortems not approved by their review date (``review_due``), most overdue first."""
    found = []
    for incident in incidents:
        due = review_due(incident, settings)
        if due is not None and due < today and incident.status is not Status.APPROVED:
            found.append(
                {
                    "incident": incident.id,
                    "severity": incident.severity,
                    "status": incident.meta.get("status"),
                    "due": due.isoformat(),
                    "days_overdue": (today - due).days,
                }
            )
    return sorted(found, key=lambda r: (-r["days_overdue"], r["incident"]))


def stats(incidents: Sequence[Incident], settings: Settings, today: date) -> dict[str, Any]:
    """The archive's figures, as the JSON of ``hindsight stats --format json``."""
    by_severity = Counter(i.severity or "unknown" for i in incidents)
    by_service = Counter(s for i in incidents for s in dict.fromkeys(i.services))
    by_month = Counter(i.id[:7] for i in incidents)
    times: dict[str, dict[str, Any]] = {}
    for group in ["all", *settings.severities]:
        chosen = [i for i in incidents if group == "all" or i.severity == group]
        for name, attribute in TIMES:
            values = [m for m in (_minutes(getattr(i, attribute)) for i in chosen) if m is not None]
            times.setdefault(group, {})[name] = {
                "count": len(values),
                "median_minutes": percentile(values, 0.5),
                "p90_minutes": percentile(values, 0.9),
            }
    items = action_items(incidents, today)
    overdue_reviews = reviews_overdue(incidents, settings, today)
    return {
        "version": VERSION,
        "today": today.isoformat(),
        "incidents": len(incidents),
        "by_severity": dict(
            sorted(by_severity.items(), key=lambda kv: (settings.severity_rank(kv[0]), kv[0]))
        ),
        "by_service": dict(sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_month": dict(sorted(by_month.items())),
        "times": times,
        "action_items": {
            "open": sum(r["status"] == "open" for r in items),
            "overdue": sum(r["overdue"] for r in items),
            "done": sum(r["status"] == "done" for r in items),
            "wontfix": sum(r["status"] == "wontfix" for r in items),
        },
        "reviews_overdue": overdue_reviews,
    }


def _duration(minutes: float | None) -> str:
    return duration(None if minutes is None else timedelta(minutes=minutes))


def stats_text(figures: dict[str, Any]) -> str:
    """``hindsight stats`` for people."""
    out = [f"{figures['incidents']} incidents (as of {figures['today']})", ""]
    for title, key in (
        ("By severity", "by_severity"),
        ("By service", "by_service"),
        ("By month", "by_month"),
    ):
        values = figures[key]
        out.append(title)
        width = max((len(k) for k in values), default=0)
        out += [f"  {k:<{width}}  {v:>5}" for k, v in values.items()] or ["  –"]
        out.append("")
    out.append("Time to detect, mitigate and resolve (median / 90th percentile)")
    for group, values in figures["times"].items():
        cells = [
            f"{name} {_duration(v['median_minutes'])} / {_duration(v['p90_minutes'])}"
            for name, v in values.items()
        ]
        out.append(f"  {group:<8} " + "   ".join(cells))
    items = figures["action_items"]
    out += [
        "",
        (
            f"Action items: {items['open']} open ({items['overdue']} overdue), "
            f"{items['done']} done, {items['wontfix']} won't do"
        ),
    ]
    reviews = figures["reviews_overdue"]
    out.append(f"Postmortems overdue for review: {len(reviews)}")
    out += [
        f"  {r['incident']}  {r['severity']}  {r['status']}  due {r['due']} "
        f"({plural(r['days_overdue'], 'day')} overdue)"
        for r in reviews
    ]
    return "\n".join(out) + "\n"


def stats_csv(figures: dict[str, Any]) -> str:
    """``hindsight stats`` as rows of ``metric,group,key,value``."""
    buffer = io.StringIO()
    writer = _CellWriter(buffer)
    writer.writerow(["metric", "group", "key", "value"])
    writer.writerow(["incidents", "", "", figures["incidents"]])
    for metric in ("by_severity", "by_service", "by_month"):
        for key, value in figures[metric].items():
            writer.writerow(["incidents", metric[3:], key, value])
    for group, values in figures["times"].items():
        for name, v in values.items():
            writer.writerow(
                [f"time_to_{name}_median_minutes", group, "", _blank(v["median_minutes"])]
            )
            writer.writerow([f"time_to_{name}_p90_minutes", group, "", _blank(v["p90_minutes"])])
    for key, value in figures["action_items"].items():
        writer.writerow(["action_items", "", key, value])
    for review in figures["reviews_overdue"]:
        writer.writerow(
            ["review_overdue_days", review["severity"], review["incident"], review["days_overdue"]]
        )
    return buffer.getvalue()


# --- overdue --------------------------------------------------------------------------------


def overdue(incidents: Sequence[Incident], settings: Settings, today: date) -> dict[str, Any]:
    """Open action items past their due date and postmortems past their review date.

    With ``tickets.json`` from ``hindsight actions sync``, each item carries its ticket's
    state at the last sync, and an item whose ticket was closed as done is not overdue: it
    is listed apart, to be marked done by the next sync.
    """
    from hindsight.tracker import load_states, state_word

    states = load_states(settings.root).get("tickets") or {}
    items, closed = [], []
    for row in action_items(incidents, today):
        if not row["overdue"]:
            continue
        shown = state_word(states.get(row["ticket"])) if row["ticket"] else None
        row = dict(
            row, days_overdue=(today - date.fromisoformat(row["due"])).days, ticket_state=shown
        )
        (closed if shown == "closed" else items).append(row)
    items.sort(key=lambda r: (-r["days_overdue"], r["incident"], r["line"]))
    return {
        "version": VERSION,
        "today": today.isoformat(),
        "action_items": items,
        "closed_in_tracker": closed,
        "reviews": reviews_overdue(incidents, settings, today),
    }


def _md(value: Any) -> str:
    """A Markdown table cell that shows ``value`` as text."""
    text = " ".join(str("" if value is None else value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;") or "–"


def _name(handle: str, settings: Settings) -> str:
    return settings.people.get(handle, f"@{handle}") if handle else "no owner"


def overdue_markdown(report: dict[str, Any], settings: Settings) -> str:
    """The overdue report as Markdown: a GitHub job summary, a chat message, an e-mail."""
    items, reviews = report["action_items"], report["reviews"]
    out = [f"## Overdue on {report['today']}", ""]
    out.append(
        f"**{plural(len(items), 'action item')}** past due, "
        f"**{plural(len(reviews), 'postmortem')}** past their review date."
    )
    if items:
        out += [
            "",
            "### Action items",
            "",
            "| Overdue | Action | Owner | Due | Ticket | Incident |",
            "| ---: | --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {plural(r['days_overdue'], 'day')} | {_md(r['action'])} | {_md(_name(r['owner'], settings))} | "
            f"{r['due']} | {_md(_ticket(r) if r['ticket'] else '')} | {_md(r['incident'])} |"
            for r in items
        ]
    if reviews:
        out += [
            "",
            "### Postmortems to review",
            "",
            "| Overdue | Incident | Severity | Status | Due |",
            "| ---: | --- | --- | --- | --- |",
        ]
        out += [
            f"| {plural(r['days_overdue'], 'day')} | {_md(r['incident'])} | {_md(r['severity'])} | "
            f"{_md(r['status'])} | {r['due']} |"
            for r in reviews
        ]
    closed = report.get("closed_in_tracker") or []
    if closed:
        out += [
            "",
            "### Closed in the tracker, not yet marked done",
            "",
            "`hindsight actions sync --apply` marks them done.",
            "",
            "| Action | Ticket | Incident |",
            "| --- | --- | --- |",
        ]
        out += [
            f"| {_md(r['action'])} | {_md(r['ticket'])} | {_md(r['incident'])} |" for r in closed
        ]
    if not items and not reviews:
        out += ["", "Nothing is overdue."]
    return "\n".join(out) + "\n"


def _ticket(row: dict[str, Any]) -> str:
    if not row["ticket"]:
        return "no ticket"
    state = row.get("ticket_state")
    return f"{row['ticket']}, {state} at the last sync" if state else row["ticket"]


def overdue_text(report: dict[str, Any], settings: Settings) -> str:
    """The overdue report for a terminal."""
    items, reviews = report["action_items"], report["reviews"]
    out = [
        f"Overdue on {report['today']}: {len(items)} action items, {len(reviews)} postmortem reviews"
    ]
    for r in items:
        out.append(
            f"  {plural(r['days_overdue'], 'day'):>9}  {r['incident']}:{r['line']}  {r['action']} "
            f"({_name(r['owner'], settings)}, due {r['due']}, {_ticket(r)})"
        )
    for r in report.get("closed_in_tracker") or ():
        out.append(
            f"  {'closed':>9}  {r['incident']}:{r['line']}  {r['action']} ({r['ticket']} is closed "
            "in the tracker: hindsight actions sync --apply marks it done)"
        )
    for r in reviews:
        out.append(
            f"  {plural(r['days_overdue'], 'day'):>9}  {r['incident']}  review of this {r['severity']} "
            f"postmortem was due {r['due']} (status {r['status']})"
        )
    return "\n".join(out) + "\n"


def _blank(value: Any) -> Any:
    return "" if value is None else value


# --- export ---------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "id",
    "title",
    "status",
    "severity",
    "visibility",
    "services",
    "tags",
    "commander",
    "authors",
    "reviewers",
    "approved_by",
    "customer_facing",
    "data_loss",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "time_to_detect_minutes",
    "time_to_mitigate_minutes",
    "duration_minutes",
    "action_items",
    "action_items_open",
    "path",
)


def incident_record(incident: Incident, today: date) -> dict[str, Any]:
    """One incident as exported (lists stay lists in JSON; CSV joins them with ';')."""

    def when(m: Milestone) -> str | None:
        event = incident.milestone(m)
        return event.time.isoformat().replace("+00:00", "Z") if event else None

    approvals = incident.meta.get("approvals")
    approved_by = (
        [a.get("by") for a in approvals if isinstance(a, dict)]
        if isinstance(approvals, list)
        else []
    )
    items = action_items([incident], today)
    commander = incident.meta.get("commander")
    return {
        "id": incident.id,
        "title": incident.title,
        "status": incident.status.value if incident.status else None,
        "severity": incident.severity,
        "visibility": "restricted" if incident.restricted else "internal",
        "services": list(incident.services),
        "tags": list(incident.listed("tags")),
        "commander": commander if isinstance(commander, str) else None,
        "authors": list(incident.listed("authors")),
        "reviewers": list(incident.listed("reviewers")),
        "approved_by": [a for a in approved_by if isinstance(a, str)],
        "customer_facing": incident.meta.get("customer_facing") is True,
        "data_loss": incident.meta.get("data_loss") is True,
        "started": when(Milestone.START),
        "detected": when(Milestone.DETECTED),
        "mitigated": when(Milestone.MITIGATED),
        "resolved": when(Milestone.RESOLVED),
        "time_to_detect_minutes": _minutes(incident.time_to_detect),
        "time_to_mitigate_minutes": _minutes(incident.time_to_mitigate),
        "duration_minutes": _minutes(incident.duration),
        "action_items": len(items),
        "action_items_open": sum(r["status"] == "open" for r in items),
        "path": incident.postmortem_path,
    }


def export(incidents: Sequence[Incident], what: str, fmt: str, today: date) -> str:
    """The catalogue of incidents or action items as JSON or CSV."""
    if what == "incidents":
        records = [incident_record(i, today) for i in incidents]
        fields: Sequence[str] = INCIDENT_FIELDS
    else:
        records = action_items(incidents, today)
        fields = ITEM_FIELDS
    if fmt == "json":
        return (
            json.dumps(
                {
                    "version": VERSION,
                    "kind": what,
                    "today": today.isoformat(),
                    what.replace("-", "_"): records,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _csv_cell(v) for k, v in record.items()})
    return buffer.getvalue()


class _CellWriter:
    """A CSV writer whose every cell goes through :func:`_csv_cell` (services are user text)."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\n")

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else value
    # a cell that a spreadsheet would run as a formula is written as text (a list's too)
    if isinstance(text, str) and text.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
