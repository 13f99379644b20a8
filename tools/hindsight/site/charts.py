"""Figures over time as inline SVG drawn at build time: no script, no CDN, readable offline.

Colours are CSS classes (``hs-s1`` …) that ``hindsight.css`` maps to Material's palette, so
the charts follow the light and dark schemes; text uses ``currentColor``. Each chart comes
with its numbers in a table for screen readers and for copying.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from html import escape
from typing import NamedTuple

from hindsight.model import Incident

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 36


class Series(NamedTuple):
    """One named row of values (None where there is no value)."""

    name: str
    values: Sequence[float | None]
    cls: str = ""

    def css(self, n: int) -> str:
        """The colour class: the series' own, or the n-th of the palette."""
        return self.cls or f"hs-s{n + 1}"


def _nice_max(value: float, counts: bool = False) -> tuple[float, float]:
    """A round top for the y axis and its tick step (a whole number when counting)."""
    if value <= 0:
        return (4.0, 1.0) if counts else (1.0, 0.25)
    exponent = math.floor(math.log10(value / 4))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * 10.0**exponent
        if counts:
            step = max(1.0, math.ceil(step))
        if step * 4 >= value:
            return step * 4, step
    return value, value / 4  # pragma: no cover - the loop always returns


def _axes(labels: Sequence[str], top: float, step: float, unit: str) -> list[str]:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = []
    ticks = round(top / step)
    for n in range(ticks + 1):
        value = step * n
        y = TOP + inner_h - inner_h * value / top
        label = f"{value:g}"
        out.append(
            f'<line class="hs-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        )
    out.append(
        f'<text x="{LEFT}" y="{TOP - 14}" text-anchor="start" class="hs-unit">{escape(unit)}</text>'
    )
    every = max(1, math.ceil(len(labels) / 12))
    slot = inner_w / max(1, len(labels))
    for n, label in enumerate(labels):
        if n % every == 0:
            x = LEFT + slot * (n + 0.5)
            out.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return out


def _legend(series: Sequence[Series]) -> str:
    items = "".join(
        f'<span><i class="hs-key {s.css(n)}"></i>{escape(s.name)}</span>'
        for n, s in enumerate(series)
    )
    return f'<p class="hs-legend">{items}</p>'


def _table(
    title: str, period: str, labels: Sequence[str], series: Sequence[Series], fmt: str = "{:g}"
) -> str:
    """The chart's numbers: a table under its title, for screen readers and for copying."""
    from hindsight.site.pages import table

    rows = [
        f"<tr><td>{escape(label)}</td>"
        + "".join(
            f"<td>{'–' if s.values[n] is None else fmt.format(s.values[n])}</td>" for s in series
        )
        + "</tr>"
        for n, label in enumerate(labels)
    ]
    return (
        '<details class="hs-chart-data"><summary>The numbers</summary>'
        f"{table([period, *(escape(s.name) for s in series)], rows, caption=escape(title))}"
        "</details>"
    )


def _svg(title: str, labels: Sequence[str], body: Iterable[str]) -> str:
    """The chart as one image for assistive technology: its name says what it shows, over
    which periods, and where the numbers are (the shapes' own titles are for the mouse)."""
    name = (
        f"{title}, {labels[0]} to {labels[-1]}; the numbers follow in a table" if labels else title
    )
    return (
        f'<svg class="hs-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(name)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def stacked_bars(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "", period: str = ""
) -> str:
    """Bars per label, one stacked segment per series."""
    totals = [sum(s.values[n] or 0 for s in series) for n in range(len(labels))]
    top, step = _nice_max(max(totals, default=0), counts=True)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(1, len(labels))
    bar = max(2.0, slot * 0.7)
    body = _axes(labels, top, step, unit)
    for n, label in enumerate(labels):
        y = TOP + inner_h
        x = LEFT + slot * n + (slot - bar) / 2
        for k, s in enumerate(series):
            value = s.values[n] or 0
            if not value:
                continue
            h = inner_h * value / top
            y -= h
            body.append(
                f'<rect class="{s.css(k)}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}"><title>{escape(label)}: {value:g} {escape(s.name)}</title></rect>'
            )
    return _svg(title, labels, body) + _legend(series) + _table(title, period, labels, series)


def lines(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str, period: str = ""
) -> str:
    """One line with points per series; gaps where a value is missing."""
    values = [v for s in series for v in s.values if v is not None]
    top, step = _nice_max(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(1, len(labels))
    body = _axes(labels, top, step, unit)
    for k, s in enumerate(series):
        points = []
        for n, value in enumerate(s.values):
            if value is None:
                if len(points) > 1:
                    body.append(
                        f'<polyline class="hs-line {s.css(k)}" points="{" ".join(points)}"/>'
                    )
                points = []
                continue
            x, y = LEFT + slot * (n + 0.5), TOP + inner_h - inner_h * value / top
            points.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle class="{s.css(k)}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{escape(labels[n])}: {value:g} {escape(unit)} {escape(s.name)}"
                "</title></circle>"
            )
        if len(points) > 1:
            body.append(f'<polyline class="hs-line {s.css(k)}" points="{" ".join(points)}"/>')
    return _svg(title, labels, body) + _legend(series) + _table(title, period, labels, series)


# --- The figures of an archive ------------------------------------------------------------------


def _back(today: date, count: int, per_year: int, label: str) -> list[str]:
    """The ``count`` periods (``per_year`` in a year) up to today's, oldest first."""
    year, period = today.year, (today.month - 1) // (12 // per_year) + 1
    out = []
    for _ in range(count):
        out.append(label.format(year=year, period=period))
        period -= 1
        if period == 0:
            year, period = year - 1, per_year
    return out[::-1]


def months(today: date, count: int) -> list[str]:
    """The ``count`` months up to today's, oldest first, as ``YYYY-MM``."""
    return _back(today, count, 12, "{year:04d}-{period:02d}")


def quarters(today: date, count: int) -> list[str]:
    """The ``count`` quarters up to today's, oldest first, as ``2026 Q4``."""
    return _back(today, count, 4, "{year} Q{period}")


def quarter_of(incident: Incident) -> str:
    """The quarter the incident started in, from its id."""
    return f"{incident.id[:4]} Q{(int(incident.id[5:7]) - 1) // 3 + 1}"


def _span(incidents: Sequence[Incident], today: date, limit: int, unit_months: int) -> int:
    """How many months or quarters to show: back to the oldest incident, at most ``limit``."""
    oldest = min((i.id[:7] for i in incidents), default=today.strftime("%Y-%m"))
    months_back = (today.year - int(oldest[:4])) * 12 + today.month - int(oldest[5:7]) + 1
    return max(4, min(limit, math.ceil(months_back / unit_months)))


def per_month_by_severity(
    incidents: Sequence[Incident], severities: Sequence[str], today: date
) -> str:
    """Incidents per month, stacked by severity, over up to the last 24 months."""
    labels = months(today, _span(incidents, today, 24, 1))
    known = list(severities)
    counts = Counter((i.id[:7], i.severity if i.severity in known else "other") for i in incidents)
    names = known + (["other"] if any(k[1] == "other" for k in counts) else [])
    series = [Series(name, [counts.get((m, name), 0) for m in labels]) for name in names]
    return stacked_bars("Incidents per month by severity", labels, series, "incidents", "Month")


def _minutes(delta: timedelta | None) -> float | None:
    return None if delta is None or delta < timedelta(0) else delta.total_seconds() / 60


def response_times(incidents: Sequence[Incident], today: date) -> str:
    """Median time to detect, mitigate and resolve per quarter, in hours."""
    labels = quarters(today, _span(incidents, today, 12, 3))
    groups: dict[str, list[Incident]] = {q: [] for q in labels}
    for incident in incidents:
        if quarter_of(incident) in groups:
            groups[quarter_of(incident)].append(incident)

    def median(quarter: str, attribute: str) -> float | None:
        values = [
            m for m in (_minutes(getattr(i, attribute)) for i in groups[quarter]) if m is not None
        ]
        return round(statistics.median(values) / 60, 2) if values else None

    series = [
        Series(name, [median(q, attribute) for q in labels], cls)
        for name, attribute, cls in (
            ("to detect", "time_to_detect", "hs-info"),
            ("to mitigate", "time_to_mitigate", "hs-s2"),
            ("to resolve", "duration", "hs-ok"),
        )
    ]
    title = "Median time to detect, mitigate and resolve per quarter"
    return lines(title, labels, series, "hours", "Quarter")


def action_item_closure(incidents: Sequence[Incident], today: date) -> str:
    """Action items by the quarter of their incident: done, won't do, open, overdue."""
    from hindsight.rules.action_items import due_date, item_status

    labels = quarters(today, _span(incidents, today, 12, 3))
    index = {q: n for n, q in enumerate(labels)}
    names = ("done", "won't do", "open", "overdue")
    values = {name: [0.0] * len(labels) for name in names}
    for incident in incidents:
        n = index.get(quarter_of(incident))
        if n is None:
            continue
        for item in incident.action_items:
            status = item_status(item)
            due = due_date(item)
            if status == "done":
                values["done"][n] += 1
            elif status == "wontfix":
                values["won't do"][n] += 1
            elif due is not None and due < today:
                values["overdue"][n] += 1
            else:
                values["open"][n] += 1
    colours = {"done": "hs-ok", "won't do": "hs-muted-fill", "open": "hs-info", "overdue": "hs-bad"}
    series = [Series(name, values[name], colours[name]) for name in names]
    title = "Action items by quarter of their incident"
    return stacked_bars(title, labels, series, "items", "Quarter")
