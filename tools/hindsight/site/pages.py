"""Pure functions from published incidents to the site's pages; tested without MkDocs.

Every page function returns HTML (or, for an incident, the Markdown MkDocs renders) and
takes an ``href`` function that turns a site path such as ``incidents/<id>/`` into a link
from the page being built, so nothing here knows about MkDocs' URLs. Every text that
comes from an incident goes through :func:`esc` (HTML) or :func:`text` (Markdown).

Listing pages are written as HTML, not as Markdown tables: at 5,000 incidents the facet
pages hold some 35,000 rows, which Python-Markdown's table extension would take seconds
to parse for no benefit.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from hindsight.config import Settings
from hindsight.humane import duration, moment, plural
from hindsight.model import ActionItem, Incident, Milestone, Status
from hindsight.site import search

if TYPE_CHECKING:
    from hindsight.rules._base import Rule

#: site path (``incidents/<id>/``) -> a link to it from the current page
Href = Callable[[str], str]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_ATX_H1 = re.compile(r"^ {0,3}#(?!#)\s")


def text(value: str) -> str:
    """``value`` as literal text inside Markdown: no markup, no HTML, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(value.split()), quote=False))


def esc(value: object) -> str:
    """``value`` as HTML text or attribute value."""
    return html.escape(str(value), quote=True)


def published(incident: Incident, settings: Settings) -> bool:
    """True when the site may show ``incident``: not restricted, and a published status."""
    status = incident.status
    return not incident.restricted and status is not None and status.value in settings.publish


# --- The published archive and its facets -------------------------------------------------


FACETS = ("severity", "status", "year", "service", "tag")
FACET_LABELS = {
    "severity": "Severity",
    "status": "Status",
    "year": "Year",
    "service": "Service",
    "tag": "Tag",
}


@lru_cache(maxsize=4096)
def slug(value: str) -> str:
    """A URL part for a facet value: ``Checkout API`` -> ``checkout-api``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not result:
        result = "x" + "".join(f"{ord(c):x}" for c in value)[:16]
    return result


def facet_values(incident: Incident, facet: str) -> tuple[str, ...]:
    """What ``incident`` shows under ``facet``: its severity, status, year, services or tags."""
    if facet == "severity":
        return (incident.severity,) if incident.severity else ()
    if facet == "status":
        return (incident.status.value,) if incident.status else ()
    if facet == "year":
        return (incident.id[:4],)
    if facet == "service":
        return incident.services
    return incident.listed("tags")


def facet_path(facet: str, value: str) -> str:
    """Site path of the page listing the incidents with ``value`` under ``facet``."""
    if facet == "service":
        return f"services/{slug(value)}/"
    return f"incidents/{facet}/{slug(value)}/"


class FacetValue(NamedTuple):
    """One value of a facet, with its page and incidents (newest first)."""

    facet: str
    label: str
    path: str
    incidents: tuple[Incident, ...]


class SiteData(NamedTuple):
    """The published incidents, newest first, with what every page needs."""

    settings: Settings
    today: date
    incidents: tuple[Incident, ...]
    by_id: Mapping[str, Incident]
    facets: Mapping[str, tuple[FacetValue, ...]]
    #: listing rows already made, by (incident id, filterable, way to the root)
    rows: dict[tuple[str, bool, str], str]
    #: tickets.json: the tickets' states at the last ``hindsight actions sync``
    tickets: Mapping[str, Any] = MappingProxyType({})


def site_data(incidents: Iterable[Incident], settings: Settings, today: date) -> SiteData:
    """Index ``incidents`` (already filtered by :func:`published`) for the pages."""
    ordered = tuple(sorted(incidents, key=lambda i: i.id, reverse=True))
    facets: dict[str, tuple[FacetValue, ...]] = {}
    for facet in FACETS:
        groups: dict[str, list[Incident]] = defaultdict(list)
        labels: dict[str, str] = {}
        for incident in ordered:
            for value in dict.fromkeys(facet_values(incident, facet)):
                labels.setdefault(facet_path(facet, value), value)
                groups[facet_path(facet, value)].append(incident)
        values = [FacetValue(facet, labels[p], p, tuple(group)) for p, group in groups.items()]
        if facet == "severity":
            values.sort(key=lambda v: (settings.severity_rank(v.label), v.label))
        elif facet == "status":
            values.sort(key=lambda v: -(Status.parse(v.label) or Status.INVESTIGATING).rank)
        elif facet == "year":
            values.sort(key=lambda v: v.label, reverse=True)
        else:
            values.sort(key=lambda v: v.label.lower())
        facets[facet] = tuple(values)
    from hindsight.tracker import load_states

    return SiteData(
        settings, today, ordered, {i.id: i for i in ordered}, facets, {}, load_states(settings.root)
    )


def page_head(title: str, *, listing: bool = False) -> str:
    """Front matter and level-1 heading of a generated page; listings get the full width (and
    stay out of search: the plugin marks no part of them for Pagefind)."""
    quoted = json.dumps(html.escape(title, quote=False), ensure_ascii=False)
    extra = "hide:\n  - navigation\n  - toc\n" if listing else ""
    return f"---\ntitle: {quoted}\n{extra}---\n\n# {text(title)}\n\n"


_ACTION_HEADING = re.compile(r'<h2[^>]*\bid="action-items[^"]*"')


def mark_action_table(html: str) -> str:
    """Give the action-items section's table the classes that lay it out (hindsight.css).

    The action is the long column: the short ones (owner, due, ticket, status) keep to one
    line, so the action reads on one or two lines instead of four; on a narrow screen the
    table scrolls sideways in its own box instead of widening the page.
    """
    heading = _ACTION_HEADING.search(html)
    if heading is None:
        return html
    end = html.find("<h2", heading.end())
    at = html.find("<table", heading.end(), end if end != -1 else len(html))
    close = html.find("</table>", at)
    if at == -1 or close == -1:
        return html
    table = html[at + len("<table") : close]
    return (
        f"{html[:at]}{scroll_region('Action items')}"
        f'<table class="hs-table hs-postmortem-actions"{table}'
        f"</table></div>{html[close + len('</table>') :]}"
    )


def scroll_region(label: str, cls: str = "hs-scroll") -> str:
    """The opening of a box a wide table scrolls sideways in, on a narrow screen: the
    keyboard reaches it (Tab, then the arrow keys scroll) and a screen reader names it."""
    return f'<div class="{cls}" tabindex="0" role="region" aria-label="{esc(label)}">'


_TASK_BOX = re.compile(
    r'(<li class="task-list-item">(?:<label class="task-list-control">)?<input)\b'
)


def label_task_boxes(html: str) -> str:
    """Name the checkboxes of task lists (pymdownx.tasklist): "Done", checked or not. Alone
    in its label, a box would have no name for a screen reader to say (WCAG 4.1.2)."""
    if "task-list-item" not in html:
        return html
    return _TASK_BOX.sub(r'\1 aria-label="Done"', html)


def incident_path(incident_id: str) -> str:
    """Site path of an incident's page."""
    return f"incidents/{incident_id}/"


# --- Small formatters ---------------------------------------------------------------------


def status_label(incident: Incident) -> str:
    """The status for people: ``in review``."""
    return incident.status.value.replace("-", " ") if incident.status else "unknown"


def person(handle: str, settings: Settings) -> str:
    """A handle as HTML: the display name from ``hindsight.yml`` with the handle as a hint."""
    name = settings.people.get(handle)
    if name:
        return f'<span class="hs-person" title="@{esc(handle)}">{esc(name)}</span>'
    return f'<span class="hs-person">@{esc(handle)}</span>'


def severity_badge(incident: Incident, settings: Settings) -> str:
    """The severity as a coloured badge whose tooltip says what it means."""
    severity = incident.severity
    if not severity:
        return '<span class="hs-sev">no severity</span>'
    rank = settings.severity_rank(severity) + 1 if severity in settings.severities else 0
    hint = settings.severities.get(severity, "")
    return f'<span class="hs-sev hs-sev-{rank}" title="{esc(hint)}">{esc(severity)}</span>'


def table(
    headers: Sequence[str],
    rows: Iterable[str],
    cls: str = "hs-table",
    attributes: str = "",
    caption: str = "",
) -> str:
    """A table with a header row (``headers`` are HTML), body ``rows`` (each a ``<tr>``) and
    an optional ``caption`` (HTML)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    title = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<table class="{cls}"{attributes}>{title}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _link(href: Href, path: str, label: str, cls: str = "") -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f'<a href="{esc(href(path))}"{attribute}>{esc(label)}</a>'


# --- Listings --------------------------------------------------------------------------------


def incident_table(
    incidents: Sequence[Incident], data: SiteData, href: Href, *, filterable: bool = False
) -> str:
    """A table of ``incidents``: date, title, severity, status, services, duration."""
    if not incidents:
        return '<p class="hs-empty">No incidents here yet.</p>'
    rows = [_row(incident, data, href, filterable) for incident in incidents]
    return table(
        ("Date", "Incident", "Severity", "Status", "Services", "Duration"),
        rows,
        attributes=' id="hs-incidents"' if filterable else "",
    )


def _row(incident: Incident, data: SiteData, href: Href, filterable: bool) -> str:
    """One incident's row; rows repeat on the index and every facet page, so each is made once
    per depth of page (``href("")`` is the way back to the site's root)."""
    key = (incident.id, filterable, href(""))
    row = data.rows.get(key)
    if row is not None:
        return row
    attributes = ""
    if filterable:
        values = {f: "|".join(slug(v) for v in facet_values(incident, f)) for f in FACETS}
        attributes = "".join(f' data-{f}="{esc(v)}"' for f, v in values.items())
    services = ", ".join(_link(href, facet_path("service", s), s) for s in incident.services)
    row = data.rows[key] = (
        f"<tr{attributes}><td>{esc(incident.id[:10])}</td>"
        f'<td class="hs-main">{_link(href, incident_path(incident.id), incident.title)}</td>'
        f"<td>{severity_badge(incident, data.settings)}</td>"
        f"<td>{esc(status_label(incident))}</td><td>{services}</td>"
        f"<td>{esc(duration(incident.duration))}</td></tr>"
    )
    return row


def facet_nav(data: SiteData, href: Href, current: str | None = None) -> str:
    """Links to every facet page with counts: the archive's filters without JavaScript."""
    groups = []
    for facet in FACETS:
        values = data.facets.get(facet, ())
        if not values:
            continue
        links = []
        for value in values:
            cls = "hs-facet hs-facet--current" if value.path == current else "hs-facet"
            links.append(
                f'<a class="{cls}" href="{esc(href(value.path))}">{esc(value.label)}'
                f' <span class="hs-count">{len(value.incidents)}</span></a>'
            )
        groups.append(
            f'<div class="hs-facet-group" data-facet="{facet}">'
            f'<span class="hs-facet-name">{FACET_LABELS[facet]}</span> {" ".join(links)}'
            "</div>"
        )
    return f'<nav class="hs-facets" aria-label="Narrow the incidents">{"".join(groups)}</nav>'


def index_page(data: SiteData, href: Href) -> str:
    """The archive index: filters, then every published incident, newest first."""
    intro = (
        f'<p class="hs-lead">{plural(len(data.incidents), "incident")}, newest first. '
        "Narrow them by severity, status, year, service or tag.</p>"
    )
    return (
        intro + facet_nav(data, href) + incident_table(data.incidents, data, href, filterable=True)
    )


def facet_page(value: FacetValue, data: SiteData, href: Href) -> str:
    """The incidents with one severity, status, year or tag."""
    return (
        f'<p class="hs-lead">{plural(len(value.incidents), "incident")} with '
        f"{FACET_LABELS[value.facet].lower()} <strong>{esc(value.label)}</strong>. "
        f"{_link(href, 'incidents/', 'All incidents')}</p>"
        + facet_nav(data, href, current=value.path)
        + incident_table(value.incidents, data, href)
    )


def _median(values: Iterable[timedelta | None]) -> timedelta | None:
    known = sorted(v for v in values if v is not None and v >= timedelta(0))
    return statistics.median_low(known) if known else None


def figures_line(incidents: Sequence[Incident]) -> str:
    """Median time to detect, mitigate and resolve of ``incidents``, as a definition list."""
    parts = [
        ("Median time to detect", _median(i.time_to_detect for i in incidents)),
        ("Median time to mitigate", _median(i.time_to_mitigate for i in incidents)),
        ("Median duration", _median(i.duration for i in incidents)),
    ]
    return (
        '<dl class="hs-figures">'
        + "".join(
            f"<div><dt>{label}</dt><dd>{esc(duration(value))}</dd></div>" for label, value in parts
        )
        + "</dl>"
    )


def services_page(data: SiteData, href: Href) -> str:
    """Every service with its number of incidents and its last one."""
    values = data.facets.get("service", ())
    if not values:
        return '<p class="hs-empty">No incident names a service yet.</p>'
    rows = []
    for value in sorted(values, key=lambda v: (-len(v.incidents), v.label.lower())):
        last = value.incidents[0]
        by_severity = Counter(i.severity or "?" for i in value.incidents)
        severities = ", ".join(
            f"{n} {esc(s)}"
            for s, n in sorted(
                by_severity.items(), key=lambda kv: data.settings.severity_rank(kv[0])
            )
        )
        rows.append(
            f'<tr><td class="hs-main">{_link(href, value.path, value.label)}</td>'
            f"<td>{len(value.incidents)}</td><td>{severities}</td>"
            f"<td>{_link(href, incident_path(last.id), last.id[:10])}</td></tr>"
        )
    return table(("Service", "Incidents", "By severity", "Last"), rows)


def service_page(value: FacetValue, data: SiteData, href: Href) -> str:
    """One service: its figures, open action items and incidents."""
    items = open_action_items(value.incidents, data.today)
    return (
        f'<p class="hs-lead">{plural(len(value.incidents), "incident")} affected '
        f"<strong>{esc(value.label)}</strong>. {_link(href, 'services/', 'All services')}</p>"
        + figures_line(value.incidents)
        + '<h2 id="open-action-items">Open action items</h2>'
        + action_items_table(items, data, href)
        + '<h2 id="incidents">Incidents</h2>'
        + incident_table(value.incidents, data, href)
    )


# --- Action items ----------------------------------------------------------------------------


class OpenItem(NamedTuple):
    """An open action item with its incident and due date (None when unreadable)."""

    incident: Incident
    item: ActionItem
    due: date | None


def open_action_items(incidents: Iterable[Incident], today: date) -> list[tuple[OpenItem, bool]]:
    """Open items, overdue first (oldest due first), then by due date; undated last."""
    from hindsight.rules.action_items import due_date, item_status

    found = []
    for incident in incidents:
        for item in incident.action_items:
            if item_status(item) == "open":
                found.append(OpenItem(incident, item, due_date(item)))
    found.sort(key=lambda o: (o.due is None, o.due or date.max, o.incident.id))
    return [(o, o.due is not None and o.due < today) for o in found]


def _ticket_target(ticket: str, settings: Settings) -> tuple[str, str] | None:
    """(URL, label) a bare ticket cell links to: a URL, or ``KEY-123`` with ``site.tracker_url``."""
    from hindsight.rules.action_items import TICKET

    match = TICKET.match(ticket.strip())
    key = match.group("key") if match else None
    if not key or key.startswith("#"):
        return None
    if key.startswith(("http://", "https://")):
        return key, _url_label(key)
    if settings.tracker_url:
        return settings.tracker_url.replace("{key}", key), key
    return None


def ticket_link(ticket: str, settings: Settings) -> str:
    """A ticket cell as HTML: URLs and ``KEY-123`` (with ``site.tracker_url``) become links."""
    from hindsight.rules.action_items import TICKET

    cell = ticket.strip()
    match = TICKET.match(cell)
    url = match.group("url") if match else None
    if url and url.startswith(("http://", "https://")):
        label = re.sub(r"^\[([^\]]+)\].*$", r"\1", cell)
        return f'<a class="hs-ticket" href="{esc(url)}">{esc(label)}</a>'
    anchor = _ticket_anchor(cell, settings, esc)
    return esc(cell) if anchor is None else anchor


def ticket_markdown(ticket: str, settings: Settings) -> str | None:
    """The link a bare ticket cell becomes on its incident's page, or None to leave it.

    Inline HTML, which Markdown keeps as it is, rather than ``[label](url)``: any URL goes in
    escaped, and the link carries the class that keeps ``DEPLOY-88`` from breaking at its
    hyphen in a narrow column.
    """
    return _ticket_anchor(ticket, settings, text)


def _ticket_anchor(ticket: str, settings: Settings, shown: Callable[[str], str]) -> str | None:
    """The link of a bare ticket cell, its label written by ``shown`` (:func:`esc` or :func:`text`).

    None when the cell links nowhere. A label shorter than the cell (a URL's last part) has
    the whole URL as its title.
    """
    target = _ticket_target(ticket, settings)
    if target is None:
        return None
    url, label = target
    title = f' title="{esc(url)}"' if label != ticket.strip() else ""
    return f'<a class="hs-ticket" href="{esc(url)}"{title}>{shown(label)}</a>'


def _link_tickets(lines: list[str], incident: Incident, settings: Settings) -> None:
    """Make the bare tickets of the incident's action items table links, in ``lines`` (its body).

    Only the ticket cell of a row the checker reads as an action item changes, and only when
    it holds exactly a ticket; every other byte of the author's table stays as written.
    """
    from hindsight.load.markdown import cell_spans

    column = incident.action_columns.get("ticket")
    if column is None:
        return
    for item in incident.action_items:
        link = ticket_markdown(item.ticket, settings)
        index = item.line - incident.body_line
        if link is None or not 0 <= index < len(lines):
            continue
        line = lines[index]
        spans = cell_spans(line)
        if column >= len(spans):
            continue
        start, end = spans[column]
        if line[start:end].strip() == item.ticket:
            lines[index] = f"{line[:start]} {link} {line[end:]}"


def _url_label(url: str) -> str:
    """A short name for a bare ticket URL: its last path part (``DEPLOY-88``), else its host."""
    rest = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    host, _, path = rest.partition("/")
    return path.rsplit("/", 1)[-1] if path else host


def _cell_text(cell: str) -> str:
    """A Markdown table cell as plain text: links keep their text, decoration goes."""
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)
    return esc(cell.replace("`", "").replace("**", "").strip())


def action_items_table(items: Sequence[tuple[OpenItem, bool]], data: SiteData, href: Href) -> str:
    """Open action items with their due date, owner, ticket and incident."""
    if not items:
        return '<p class="hs-empty">No open action items.</p>'
    from hindsight.rules.action_items import owner_handle

    rows = []
    for open_item, overdue in items:
        item = open_item.item
        due = esc(open_item.due.isoformat()) if open_item.due else _cell_text(item.due) or "–"
        if overdue:
            days = (data.today - open_item.due).days if open_item.due else 0
            due = (
                f'<span class="hs-overdue" title="{days} days overdue">{due}'
                f" · {days} d overdue</span>"
            )
        owner = owner_handle(item)
        row_class = ' class="hs-row-overdue"' if overdue else ""
        rows.append(
            f"<tr{row_class}><td>{due}</td>"
            f'<td class="hs-main">{_cell_text(item.action)}</td>'
            f"<td>{person(owner, data.settings) if owner else '–'}</td>"
            f"<td>{ticket_link(item.ticket, data.settings)}{ticket_state(item, data)}</td>"
            f"<td>{_link(href, incident_path(open_item.incident.id), open_item.incident.title)}</td>"
            "</tr>"
        )
    return table(("Due", "Action", "Owner", "Ticket", "Incident"), rows, "hs-table hs-actions")


def ticket_state(item: ActionItem, data: SiteData) -> str:
    """The ticket's state at the last sync, as a chip after the ticket (nothing when unknown)."""
    from hindsight.rules.action_items import plain_cell
    from hindsight.tracker import state_word

    word = state_word((data.tickets.get("tickets") or {}).get(plain_cell(item.ticket)))
    if word is None:
        return ""
    kind = "dropped" if word == "not planned" else word
    when = esc(str(data.tickets.get("synced") or ""))
    return (
        f' <span class="hs-ticket-state hs-ticket-{kind}" title="In the tracker on {when}, '
        f'the last sync that found a change">{word}</span>'
    )


def action_items_page(data: SiteData, href: Href) -> str:
    """Open action items across the archive, overdue first."""
    items = open_action_items(data.incidents, data.today)
    overdue = sum(1 for _, late in items if late)
    synced = data.tickets.get("synced")
    lead = (
        f'<p class="hs-lead">{plural(len(items), "open action item")}'
        f", {overdue} overdue on {esc(data.today.isoformat())}. Overdue items come first."
        + (
            f" Ticket states as the tracker gave them on {esc(str(synced))}, the last sync "
            "that found a change."
            if synced
            else ""
        )
        + "</p>"
    )
    return lead + action_items_table(items, data, href)


# --- Home page -----------------------------------------------------------------------------


def search_page() -> str:
    """The body of the page that lists every result of a search; search.js fills it."""
    return (
        '<div id="hs-search-page" class="hs-search-page">'
        '<noscript><p class="hs-empty">Search needs JavaScript. Without it, '
        "the Incidents page lists every incident and narrows them by severity, status, "
        "year, service and tag.</p></noscript></div>"
    )


def recent_list(data: SiteData, href: Href, count: int = 5) -> str:
    """The newest incidents as a short list."""
    if not data.incidents:
        return '<p class="hs-empty">No incidents are published yet.</p>'
    items = [
        f"<li>{severity_badge(i, data.settings)} {_link(href, incident_path(i.id), i.title)}"
        f' <span class="hs-muted">{esc(i.id[:10])} · {esc(status_label(i))}</span></li>'
        for i in data.incidents[:count]
    ]
    return f'<ul class="hs-list">{"".join(items)}</ul>'


def on_this_day(data: SiteData, href: Href) -> str:
    """Incidents that started on today's month and day in earlier years."""
    day = data.today.strftime("-%m-%d")
    matches = [
        i
        for i in data.incidents
        if i.id[4:10] == day and i.id[:4].isdigit() and int(i.id[:4]) < data.today.year
    ]
    if not matches:
        return (
            f'<p class="hs-empty">No incident started on {esc(data.today.strftime("%d %B"))}'
            " in an earlier year.</p>"
        )
    items = [
        f'<li><span class="hs-muted">{esc(i.id[:4])}</span> '
        f"{severity_badge(i, data.settings)} {_link(href, incident_path(i.id), i.title)}</li>"
        for i in matches
    ]
    return f'<ul class="hs-list">{"".join(items)}</ul>'


# --- An incident's page --------------------------------------------------------------------


def _drop_title(body: str) -> str:
    """The body without its first line when that is a level-1 heading (the page shows one).

    Blank lines and whole-line HTML comments before it (``hindsight import`` writes where
    the text came from; an ignore comment may stand there) are kept and passed over.
    """
    lines = body.split("\n")
    for n, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("<!--") and text.endswith("-->"):
            continue
        if _ATX_H1.match(line) or line.strip() == "#":
            return "\n".join(lines[:n] + lines[n + 1 :])
        break
    return body


def incident_markdown(incident: Incident, marker: Callable[[str], str], settings: Settings) -> str:
    """The Markdown MkDocs renders for ``incident``: title, card marker, body, timeline marker.

    ``marker(name)`` gives a paragraph text unique to this build (the plugin replaces it after
    rendering and sanitising); the timeline goes at the end of a ``## Timeline`` section, or
    into a new one after the Impact section (or the first section). Bare tickets in the
    action items table become links, as on the open action items page.
    """
    lines = incident.body.split("\n")
    _link_tickets(lines, incident, settings)
    offset = incident.body_line
    timeline = next((s for s in incident.sections if s.title.strip().lower() == "timeline"), None)
    if timeline is not None:
        at = timeline.end_line - offset + 1
        insert = ["", marker("timeline"), ""]
    else:
        after = incident.section("Impact") or (incident.sections[0] if incident.sections else None)
        at = after.end_line - offset + 1 if after else len(lines)
        insert = ["", "## Timeline", "", marker("timeline"), ""]
    at = max(0, min(at, len(lines)))
    body = "\n".join(lines[:at] + insert + lines[at:])
    return f"{page_head(incident.title)}{marker('card')}\n\n{_drop_title(body)}\n"


def without_text(incident: Incident) -> Incident:
    """``incident`` without its texts (body, sections, raw files): what every page but its own needs.

    Its own page's Markdown (:func:`incident_markdown`) is made first; the listings, cards,
    timelines and figures read only the front matter, the timeline and the action items.
    At 5,000 incidents this keeps about 50 MB less for the length of the build.
    """
    return incident._replace(body="", head="", timeline_text="", sections=())


def _fact(label: str, value: str) -> str:
    return f"<div><dt>{label}</dt><dd>{value}</dd></div>"


def _people(handles: Sequence[str], settings: Settings) -> str:
    return ", ".join(person(h, settings) for h in handles) or "–"


class Card(NamedTuple):
    """The header card in three parts, so the plugin can keep two of them out of search.

    Only ``chips`` (severity, status, services, tags, id, and the hidden metadata and filters
    of :func:`search_facts`) belongs in the search index: it is what people search by. The
    banner and the details would repeat the same labels on every page of the index.
    """

    banner: str
    chips: str
    details: str

    def html(self, banner: str | None = None, details: str | None = None) -> str:
        """The card, with ``banner`` and ``details`` standing in for those parts when given."""
        return (
            f'{self.banner if banner is None else banner}<div class="hs-card">{self.chips}'
            f"{self.details if details is None else details}</div>"
        )


def card(incident: Incident, data: SiteData, href: Href, edit_url: str | None) -> Card:
    """The header card: what, how bad, who, when, how long; an under-review banner if not approved."""
    settings = data.settings
    banner = ""
    if incident.status is not Status.APPROVED:
        banner = (
            '<div class="admonition warning hs-banner">'
            '<p class="admonition-title">Under review</p>'
            f"<p>This postmortem is <strong>{esc(status_label(incident))}</strong>: it has not "
            "been signed off yet, and its causes and actions may still change.</p></div>"
        )
    chips = [
        severity_badge(incident, settings),
        (
            f'<span class="hs-status hs-status--{esc(slug(status_label(incident)))}">'
            f"{esc(status_label(incident))}</span>"
        ),
    ]
    chips += [
        _link(href, facet_path("service", s), s, "hs-chip hs-service") for s in incident.services
    ]
    chips += [
        _link(href, facet_path("tag", t), f"#{t}", "hs-chip hs-tag")
        for t in incident.listed("tags")
    ]
    # an exact id outweighs the same words in another page's text (Pagefind's weight)
    chips.append(f'<code class="hs-id" data-pagefind-weight="10">{esc(incident.id)}</code>')
    chips.append(search_facts(incident, settings))
    approvals = {a.get("by"): a.get("date") for a in _approvals(incident)}
    reviewers = []
    for handle in incident.listed("reviewers"):
        signed = approvals.get(handle)
        mark = (
            f' <span class="hs-signed" title="signed off">✓ {esc(signed)}</span>'
            if signed
            else ' <span class="hs-unsigned">not signed off</span>'
        )
        reviewers.append(person(handle, settings) + mark)
    commander = incident.meta.get("commander")
    start, detected, mitigated, resolved = (
        incident.milestone(m)
        for m in (Milestone.START, Milestone.DETECTED, Milestone.MITIGATED, Milestone.RESOLVED)
    )
    flags = []
    if incident.meta.get("customer_facing") is True:
        flags.append("customer-facing")
    if incident.meta.get("data_loss") is True:
        flags.append('<strong class="hs-data-loss">data lost</strong>')
    facts = [
        _fact("Commander", person(commander, settings) if isinstance(commander, str) else "–"),
        _fact("Authors", _people(incident.listed("authors"), settings)),
        _fact("Reviewers", ", ".join(reviewers) or "–"),
        _fact("Started", esc(moment(start.time if start else None))),
        _fact("Detected", esc(moment(detected.time if detected else None))),
        _fact("Mitigated", esc(moment(mitigated.time if mitigated else None))),
        _fact("Resolved", esc(moment(resolved.time if resolved else None))),
        _fact("Time to detect", esc(duration(incident.time_to_detect))),
        _fact("Time to mitigate", esc(duration(incident.time_to_mitigate))),
        _fact("Duration", esc(duration(incident.duration))),
    ]
    if flags:
        facts.append(_fact("Impact", ", ".join(flags)))
    edit = (
        (
            f'<p class="hs-edit"><a href="{esc(edit_url)}">Edit this '
            "postmortem in the repository</a></p>"
        )
        if edit_url
        else ""
    )
    return Card(
        banner,
        f'<p class="hs-chips">{" ".join(chips)}</p>',
        f'<dl class="hs-facts">{"".join(facts)}</dl>{edit}',
    )


def search_facts(incident: Incident, settings: Settings) -> str:
    """What a search result shows of ``incident`` and the facets it can be narrowed by."""
    rank = (
        settings.severity_rank(incident.severity) + 1
        if incident.severity in settings.severities
        else 0
    )
    meta = {
        "id": incident.id,
        "date": incident.id[:10],
        "severity": incident.severity or "",
        "rank": str(rank),
        "status": status_label(incident),
    }
    return search.facts(meta, {f: facet_values(incident, f) for f in FACETS})


def _approvals(incident: Incident) -> list[Mapping[str, object]]:
    value = incident.meta.get("approvals")
    if not isinstance(value, list):
        return []
    return [a for a in value if isinstance(a, Mapping)]


#: a Markdown link ``[label](target)`` (a ``]`` in the label escaped), an autolink ``<url>``,
#: or a bare http(s) URL, in the text of a timeline event
_EVENT_LINK = re.compile(
    r"\[(?P<label>(?:\\.|[^\]\\\n])+)\]\((?P<target>[^()\s]+)\)"
    r"|<(?P<auto>https?://[^\s<>]+)>"
    r"|(?P<bare>\bhttps?://[^\s<>\"']+)",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _safe_target(target: str) -> bool:
    """An http(s) URL, or a relative link (no scheme, not ``//host``): nothing else is linked."""
    if _SCHEME.match(target):
        return target.lower().startswith(("http://", "https://"))
    return not target.startswith(("//", "\\"))


def _trim_url(url: str) -> tuple[str, str]:
    """A bare URL without the punctuation that ends its sentence, and that punctuation."""
    end = len(url)
    while end and url[end - 1] in ".,;:!?'\")]}":
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break
        end -= 1
    return url[:end], url[end:]


def event_html(value: str) -> str:
    """A timeline event's text as HTML: escaped, with its links (``[label](url)``, ``<url>`` or
    a bare URL) as links when they are http(s) or relative; any other link stays as text."""
    parts, at, linked = [], 0, False
    for match in _EVENT_LINK.finditer(value):
        if match["bare"] is not None:
            target, rest = _trim_url(match["bare"])
            label = target
        else:
            target = match["target"] or match["auto"]
            label = re.sub(r"\\(.)", r"\1", match["label"]) if match["label"] else target
            rest = ""
        if not _safe_target(target):
            continue
        parts.append(esc(value[at : match.start()]))
        parts.append(f'<a href="{esc(target)}">{esc(label)}</a>{esc(rest)}')
        at, linked = match.end(), True
    parts.append(esc(value[at:]))
    out = "".join(parts)
    if not linked:
        return out
    from hindsight.site.sanitize import sanitize

    return sanitize(out)


def timeline_table(incident: Incident) -> str:
    """``timeline.log`` as a table in UTC, milestones marked (the plugin keeps it out of search)."""
    if not incident.timeline:
        return '<p class="hs-empty">No timeline was logged.</p>'
    rows = []
    start = incident.milestone(Milestone.START)
    for event in incident.timeline:
        mark = cls = since = ""
        if event.milestone is not None:
            name = event.milestone.value
            mark = f'<span class="hs-milestone hs-milestone--{name}">{name}</span> '
            cls = ' class="hs-row-milestone"' if event.milestone.once else ""
        if start is not None:
            delta = event.time - start.time
            since = (
                "0" if not delta else ("+" if delta > timedelta(0) else "−") + duration(abs(delta))
            )
        rows.append(
            f'<tr{cls}><td><time datetime="{event.time.isoformat()}">'
            f"{moment(event.time)[:-4]}</time></td><td>{since}</td>"
            f'<td class="hs-main">{mark}{event_html(event.text)}</td></tr>'
        )
    head = ("Time (UTC)", "Since start", "Event")
    return f"{scroll_region('Timeline', 'hs-timeline')}{table(head, rows)}</div>"


def related(incident: Incident, data: SiteData, href: Href) -> str:
    """Links to the published incidents listed under ``related``; unpublished ones are not named."""
    shown = [data.by_id[r] for r in incident.listed("related") if r in data.by_id]
    if not shown:
        return ""
    items = "".join(
        f"<li>{_link(href, incident_path(r.id), r.title)} "
        f'<span class="hs-muted">{esc(r.id[:10])}</span></li>'
        for r in shown
    )
    return f'<h2 id="related-incidents">Related incidents</h2><ul class="hs-list">{items}</ul>'


def edit_url(incident: Incident, repo_url: str | None, edit_uri: str) -> str | None:
    """The code host's edit page of the incident's postmortem, when a repository is configured."""
    if not repo_url:
        return None
    return f"{repo_url.rstrip('/')}/{edit_uri.strip('/')}/{incident.postmortem_path}"


# --- The rule reference ------------------------------------------------------------------------

_FENCE_TITLE = re.compile(
    r'^(?P<fence>```+|~~~+)(?P<lang>[\w+-]*)\s+title="(?P<title>[^"]*)"\s*$', re.MULTILINE
)


def rule_path(code: str) -> str:
    """Site path of a rule's page: ``rules/hs301/``."""
    return f"rules/{code.lower()}/"


def _portable_fences(doc: str) -> str:
    """Fences with ``title="…"`` (superfences syntax) as a caption and a plain fence."""
    return _FENCE_TITLE.sub(lambda m: f"*{m['title']}*\n\n{m['fence']}{m['lang']}", doc)


def rule_markdown(rule: Rule) -> str:
    """One rule's page from its own docs: what it flags, why, an example and what to write instead."""
    code = rule.code
    if rule.history:
        scope, silence = "reads the commits `hindsight check --changed-since` covers", "Re-level"
    elif rule.archive:
        scope, silence = "checks the whole archive", "Re-level"
    else:
        scope = f"applies from status **{rule.applies_from.value}**"
        silence = f"Silence one line with `<!-- hindsight: ignore {code} -->`; re-level"
    return (
        f"{page_head(f'{code} {rule.name}')}Category **{rule.category.value}** · "
        f"level **{rule.level.value}** · {scope}. {silence} or switch the rule off "
        f"under `rules:` in `hindsight.yml`.\n\n{_portable_fences(rule.doc)}\n\n[All rules](../index.md)\n"
    )


def rules_index_markdown(rules: Sequence[Rule]) -> str:
    """A table of every rule by category, linking to each rule's page."""
    lines = [
        page_head("Rules"),
        (
            "`hindsight check` applies these rules to every incident. Each page says why the "
            "rule exists, with an example that breaks it and one that does not."
        ),
        "",
    ]
    current = None
    for rule in rules:
        category = rule.category.value
        if category != current:
            current = category
            lines += [
                "",
                f"## {category}",
                "",
                "| Code | Name | Level | Applies | What it flags |",
                "| --- | --- | --- | --- | --- |",
            ]
        summary = rule.doc.split("\n\n", 1)[0].replace("\n", " ").replace("|", "\\|")
        lines.append(
            f"| [{rule.code}]({rule.code.lower()}/index.md) | {rule.name} | "
            f"{rule.level.value} | {rule.when} | {summary} |"
        )
    return "\n".join(lines) + "\n"
