"""The page functions, without MkDocs: what each page shows, in what order, and escaped."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from hindsight.rules import ALL_RULES, by_code
from hindsight.site import charts, pages
from tests.conftest import write
from tests.site.conftest import BODY, TIMELINE, TODAY, data_of, href, load, make_incident

EVIL = '<img src=x onerror=alert(1)> & "quotes"'


def test_text_and_esc_neutralise_markup() -> None:
    assert pages.text("a <b> *c* [d](e) #f") == r"a &lt;b&gt; \*c\* \[d\]\(e\) \#f"
    assert pages.esc(EVIL) == "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"


def test_slugs_are_url_safe_and_never_empty() -> None:
    assert pages.slug("Checkout API") == "checkout-api"
    assert pages.slug("données") == "donnees"
    assert pages.slug("日本").startswith("x") and pages.slug("日本") != pages.slug("中国")


def test_published_needs_internal_visibility_and_a_published_status(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-01-a")
    make_incident(tmp_path, "2026-11-02-b", visibility="restricted")
    make_incident(tmp_path, "2026-11-03-c", visibility="Internal")
    settings = data_of(tmp_path).settings
    assert pages.published(load(tmp_path, "2026-11-01-a"), settings)
    assert not pages.published(load(tmp_path, "2026-11-02-b"), settings)
    assert not pages.published(load(tmp_path, "2026-11-03-c"), settings)  # fail closed
    only_approved = settings._replace(publish=("approved",))
    assert not pages.published(load(tmp_path, "2026-11-01-a"), only_approved)


def test_facets_group_incidents_and_order_their_values(tmp_path: Path) -> None:
    for n, (severity, tags) in enumerate([("SEV3", ["db"]), ("SEV1", ["db", "dns"]), ("SEV3", [])]):
        make_incident(tmp_path, f"2026-0{n + 1}-01-i{n}", severity=severity, tags=tags)
    make_incident(tmp_path, "2025-12-31-old", severity="SEV2", services=["Payments DB", "dns"])
    data = data_of(tmp_path, *(load(tmp_path, p.name) for p in (tmp_path / "incidents").iterdir()))
    assert next(i.id for i in data.incidents) == "2026-03-01-i2"  # newest first
    assert [v.label for v in data.facets["severity"]] == ["SEV1", "SEV2", "SEV3"]
    assert [v.label for v in data.facets["year"]] == ["2026", "2025"]
    tags = {v.label: [i.id for i in v.incidents] for v in data.facets["tag"]}
    assert tags == {"db": ["2026-02-01-i1", "2026-01-01-i0"], "dns": ["2026-02-01-i1"]}
    services = {v.label: v.path for v in data.facets["service"]}
    assert services["Payments DB"] == "services/payments-db/"


def test_index_lists_every_incident_with_filter_data_and_facet_links(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-03-pool", title=EVIL, tags=["deploy"])
    data = data_of(tmp_path, load(tmp_path, "2026-11-03-pool"))
    html = pages.index_page(data, href)
    assert 'data-severity="sev2"' in html and 'data-tag="deploy"' in html
    assert 'href="/incidents/2026-11-03-pool/"' in html
    assert 'href="/incidents/severity/sev2/"' in html and 'href="/incidents/tag/deploy/"' in html
    assert "<img" not in html and "&lt;img" in html
    assert "1 incident, newest first" in html


def test_open_action_items_come_overdue_first_with_ticket_links(tmp_path: Path) -> None:
    body = BODY.replace(
        "| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |",
        "| Later | lee | 2026-12-15 | PLAT-1 | open |\n"
        "| Late | dana | 2026-11-01 | https://x.example/9 | open |\n"
        "| Finished | lee | 2026-10-01 | #12 | done |\n"
        "| Undated | lee | next sprint | PLAT-2 | |",
    )
    make_incident(tmp_path, "2026-10-01-a", body=body)
    data = data_of(tmp_path, load(tmp_path, "2026-10-01-a"))
    items = pages.open_action_items(data.incidents, TODAY)
    assert [(o.item.action, late) for o, late in items] == [
        ("Late", True),
        ("Later", False),
        ("Undated", False),
    ]
    html = pages.action_items_page(data, href)
    assert html.index("Late") < html.index("Later")
    assert "20 d overdue" in html and "Dana Whitfield" in html
    assert (
        '<a class="hs-ticket" href="https://tracker.example.com/browse/PLAT-1">PLAT-1</a>' in html
    )
    assert (
        '<a class="hs-ticket" href="https://x.example/9" title="https://x.example/9">9</a>' in html
    )
    assert "Finished" not in html
    assert "3 open action items, 1 overdue on 2026-11-21" in html


def test_action_items_show_their_tickets_state_from_the_last_sync(tmp_path: Path) -> None:
    body = BODY.replace(
        "| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |",
        "| Closed there | lee | 2026-12-15 | PLAT-1 | open |\n"
        "| Dropped there | dana | 2026-11-01 | PLAT-2 | open |\n"
        "| Open there | lee | 2026-12-01 | PLAT-3 | open |\n"
        "| Never synced | lee | 2026-12-01 | PLAT-4 | open |",
    )
    make_incident(tmp_path, "2026-10-01-a", body=body)
    incident = load(tmp_path, "2026-10-01-a")
    assert "Ticket states" not in pages.action_items_page(data_of(tmp_path, incident), href)
    states = {
        "PLAT-1": {"state": "closed", "completed": True, "reason": "Done", "url": ""},
        "PLAT-2": {"state": "closed", "completed": False, "reason": "Won't Do", "url": ""},
        "PLAT-3": {"state": "open", "completed": False, "reason": "open", "url": ""},
    }
    write(
        tmp_path / "tickets.json",
        json.dumps({"tracker": "Jira", "synced": "2026-11-20T07:00Z", "tickets": states}),
    )
    html = pages.action_items_page(data_of(tmp_path, incident), href)
    assert (
        "Ticket states as the tracker gave them on 2026-11-20T07:00Z, the last sync that found a change."
        in html
    )
    names = ("Closed there", "Dropped there", "Open there", "Never synced")
    rows = {name: row for row in html.split("<tr")[2:] for name in names if f">{name}<" in row}
    assert (
        'hs-ticket-closed" title="In the tracker on 2026-11-20T07:00Z, the last sync that found a change">closed<'
        in rows["Closed there"]
    )
    assert ">not planned</span>" in rows["Dropped there"]
    assert ">open</span>" in rows["Open there"]
    assert "hs-ticket-state" not in rows["Never synced"]


def test_incident_page_links_the_bare_tickets_of_its_action_items_table(tmp_path: Path) -> None:
    rows = (
        "|   Later | lee | 2026-12-15 |   PLAT-1   | open |\n"  # odd spacing kept around the link
        "Bare URL | dana | 2026-11-01 | https://x.example/browse/OPS_9 | open\n"
        "| PLAT-2 is named here | lee | 2026-10-01 | #12 | done |\n"
        "| Already a link | lee | 2026-10-01 | [PLAT-3](https://t.example/3) | open |\n"
        "| Pipe \\| in the action | lee | 2026-10-01 | PLAT-4 | open |\n"
        "| Odd URL | lee | 2026-10-01 | https://x.example/a(b) | open |\n"
        "| No ticket | lee | 2026-10-01 | | open |"
    )
    body = BODY.replace(
        "| Validate pool size against host memory | lee | 2026-12-15 | PLAT-123 | open |", rows
    )
    body += "\nPLAT-9 outside the table stays text.\n"
    make_incident(tmp_path, "2026-10-01-a", body=body)
    markdown = pages.incident_markdown(
        load(tmp_path, "2026-10-01-a"), "M-{}".format, data_of(tmp_path).settings
    )
    lines = markdown.split("\n")
    link = '<a class="hs-ticket" href="https://tracker.example.com/browse/{0}">{0}</a>'.format
    assert f"|   Later | lee | 2026-12-15 | {link('PLAT-1')} | open |" in lines
    ops = '<a class="hs-ticket" href="https://x.example/browse/OPS_9" title="https://x.example/browse/OPS_9">OPS\\_9</a>'
    assert f"Bare URL | dana | 2026-11-01 | {ops} | open" in lines
    assert (
        "| PLAT-2 is named here | lee | 2026-10-01 | #12 | done |" in lines
    )  # no link target for #12
    assert "| Already a link | lee | 2026-10-01 | [PLAT-3](https://t.example/3) | open |" in lines
    assert f"| Pipe \\| in the action | lee | 2026-10-01 | {link('PLAT-4')} | open |" in lines
    odd = '<a class="hs-ticket" href="https://x.example/a(b)" title="https://x.example/a(b)">a\\(b\\)</a>'
    assert (
        f"| Odd URL | lee | 2026-10-01 | {odd} | open |" in lines
    )  # escaped, whatever the URL holds
    assert "PLAT-9 outside the table stays text." in lines
    without_tracker = pages.incident_markdown(
        load(tmp_path, "2026-10-01-a"), "M-{}".format, data_of(tmp_path, config="").settings
    )
    assert "PLAT-1   |" in without_tracker and ops in without_tracker


def test_a_ticket_link_escapes_whatever_the_url_holds(tmp_path: Path) -> None:
    settings = data_of(tmp_path).settings
    link = pages.ticket_markdown('https://x.example/"><script>alert(1)</script>', settings)
    assert (
        link is not None
        and "<script>" not in link
        and 'href="https://x.example/&quot;&gt;&lt;script&gt;' in link
    )
    assert (
        pages.ticket_markdown("#12", settings) is None
        and pages.ticket_markdown("soon", settings) is None
    )


def test_ticket_without_tracker_stays_text(tmp_path: Path) -> None:
    data = data_of(tmp_path, config="")
    assert pages.ticket_link("PLAT-1", data.settings) == "PLAT-1"
    assert pages.ticket_link("javascript:alert(1)", data.settings) == "javascript:alert(1)"


def test_card_shows_people_sign_offs_and_figures_and_banner_until_approved(tmp_path: Path) -> None:
    make_incident(
        tmp_path,
        "2026-11-21-a",
        reviewers=["sam", "lee"],
        authors=["dana"],
        approvals=[{"by": "sam", "date": "2026-11-24"}],
        data_loss=True,
    )
    incident = load(tmp_path, "2026-11-21-a")
    card = pages.card(incident, data_of(tmp_path, incident), href, "https://edit/x").html()
    assert "Under review" in card and "in review" in card
    assert "✓ 2026-11-24" in card and "not signed off" in card
    assert 'title="@dana">Dana Whitfield' in card
    assert "Time to detect</dt><dd>5 min" in card and "Duration</dt><dd>47 min" in card
    assert "data lost" in card and 'href="https://edit/x"' in card
    assert 'href="/services/checkout-api/"' in card
    approved = incident._replace(meta=dict(incident.meta, status="approved"))
    assert (
        "Under review" not in pages.card(approved, data_of(tmp_path, approved), href, None).html()
    )


def test_card_chips_hold_what_people_search_by_and_slots_take_the_rest(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-21-a", tags=["database"])
    incident = load(tmp_path, "2026-11-21-a")
    card = pages.card(incident, data_of(tmp_path, incident), href, None)
    assert (
        "checkout-api" in card.chips and "#database" in card.chips and "2026-11-21-a" in card.chips
    )
    assert "Dana Whitfield" in card.details and "Dana" not in card.chips
    assert card.html(banner="B", details="D") == f'B<div class="hs-card">{card.chips}D</div>'


def test_every_page_but_the_incidents_own_reads_nothing_of_its_text(tmp_path: Path) -> None:
    # The plugin keeps incidents without their text once their pages' Markdown is made.
    make_incident(tmp_path, "2026-11-21-a", tags=["database"], data_loss=True)
    make_incident(tmp_path, "2025-11-21-b", related=["2026-11-21-a"])
    full = [load(tmp_path, "2026-11-21-a"), load(tmp_path, "2025-11-21-b")]
    slim = [pages.without_text(i) for i in full]
    assert slim[0].body == "" and slim[0].sections == () and slim[0].timeline == full[0].timeline

    def everything(incidents: list) -> list[str]:
        data = data_of(tmp_path, *incidents)
        first, second = data.by_id["2026-11-21-a"], data.by_id["2025-11-21-b"]
        return [
            pages.card(first, data, href, None).html(),
            pages.timeline_table(first),
            pages.related(second, data, href),
            pages.index_page(data, href),
            pages.action_items_page(data, href),
            pages.services_page(data, href),
            pages.recent_list(data, href, 5),
            pages.on_this_day(data, href),
            *(pages.facet_page(v, data, href) for facet in data.facets.values() for v in facet),
        ]

    assert everything(slim) == everything(full)


def test_timeline_marks_milestones_and_time_since_start(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-21-a")
    html = pages.timeline_table(load(tmp_path, "2026-11-21-a"))
    # a box of its own that the keyboard reaches, to scroll a timeline wider than the screen
    assert html.startswith(
        '<div class="hs-timeline" tabindex="0" role="region" aria-label="Timeline">'
    )
    assert 'hs-milestone--detected">detected</span> Pager fired' in html
    assert "<td>+5 min</td>" in html and "2026-11-21 13:58" in html
    assert html.count('class="hs-row-milestone"') == 4  # comms is a tag, not a milestone


def test_a_milestone_name_stored_as_text_shows_as_typed(tmp_path: Path) -> None:
    """Issue 29: log stores "[mitigated] …" as \\[mitigated]; the page shows the text as typed."""
    timeline = TIMELINE + "2026-11-21T14:50Z \\[mitigated] Rolled back deploy 991\n"
    make_incident(tmp_path, "2026-11-21-a", timeline=timeline)
    html = pages.timeline_table(load(tmp_path, "2026-11-21-a"))
    assert "[mitigated] Rolled back deploy 991" in html and "\\[" not in html
    assert html.count("hs-milestone--mitigated") == 1


def test_timeline_goes_into_the_timeline_section_or_after_impact(tmp_path: Path) -> None:
    marker = "MARK-{}".format
    make_incident(tmp_path, "2026-11-21-a")
    markdown = pages.incident_markdown(
        load(tmp_path, "2026-11-21-a"), marker, data_of(tmp_path).settings
    )
    assert markdown.count("# Checkout errors") == 1  # the body's own title is dropped
    assert markdown.index("MARK-card") < markdown.index("## Summary")
    impact, timeline, cause = (
        markdown.index(s) for s in ("## Impact", "## Timeline", "## Root cause")
    )
    assert impact < timeline < markdown.index("MARK-timeline") < cause
    body = BODY.replace("## Root cause", "## Timeline\n\nSee the graphs.\n\n## Root cause")
    make_incident(tmp_path, "2026-11-21-b", body=body)
    markdown = pages.incident_markdown(
        load(tmp_path, "2026-11-21-b"), marker, data_of(tmp_path).settings
    )
    assert markdown.count("## Timeline") == 1
    assert (
        markdown.index("See the graphs.")
        < markdown.index("MARK-timeline")
        < markdown.index("## Root")
    )


def test_incident_title_cannot_break_out_of_the_front_matter(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-21-a", title='x"\nvisibility: internal\n<script>')
    markdown = pages.incident_markdown(
        load(tmp_path, "2026-11-21-a"), "M-{}".format, data_of(tmp_path).settings
    )
    head = markdown.split("---\n")[1]
    assert head.count("\n") == 1 and "<script>" not in markdown


def test_related_names_only_published_incidents(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-21-a", related=["2026-10-01-b", "2026-09-01-secret"])
    make_incident(tmp_path, "2026-10-01-b")
    a, b = load(tmp_path, "2026-11-21-a"), load(tmp_path, "2026-10-01-b")
    html = pages.related(a, data_of(tmp_path, a, b), href)
    assert 'href="/incidents/2026-10-01-b/"' in html and "secret" not in html
    assert pages.related(b, data_of(tmp_path, a, b), href) == ""


def test_home_lists_recent_and_on_this_day_in_earlier_years(tmp_path: Path) -> None:
    for incident_id in (
        "2024-11-21-old",
        "2025-11-21-older",
        "2026-11-21-today",
        "2025-11-20-near",
    ):
        make_incident(tmp_path, incident_id)
    data = data_of(tmp_path, *(load(tmp_path, p.name) for p in (tmp_path / "incidents").iterdir()))
    day = pages.on_this_day(data, href)
    assert "2024-11-21-old" in day and "2025-11-21-older" in day
    assert "today" not in day and "near" not in day
    recent = pages.recent_list(data, href, count=2)
    assert recent.count("<li>") == 2 and "2026-11-21-today" in recent
    quiet = data._replace(today=date(2026, 6, 1))
    assert "No incident started on 01 June" in pages.on_this_day(quiet, href)


def test_durations_read_like_people_write_them() -> None:
    assert pages.duration(timedelta(seconds=20)) == "< 1 min"
    assert pages.duration(timedelta(minutes=94)) == "1 h 34 min"
    assert pages.duration(timedelta(days=2, hours=3, minutes=5)) == "2 d 3 h"
    assert pages.duration(None) == pages.duration(timedelta(minutes=-5)) == "–"


def test_every_rule_has_a_page_with_portable_examples() -> None:
    index = pages.rules_index_markdown(ALL_RULES)
    for rule in ALL_RULES:
        assert f"[{rule.code}]({rule.code.lower()}/index.md)" in index
        page = pages.rule_markdown(rule)
        assert page.count("# Why is this bad?") == 1 and "title=" not in page
    fenced = pages.rule_markdown(next(r for r in ALL_RULES if 'title="' in r.doc))
    assert "*hindsight.yml*\n\n```yaml" in fenced or "*postmortem.md*" in fenced


@pytest.mark.parametrize(
    ("code", "scope", "silenced"),
    [
        ("HS301", "applies from status **in-review**", True),
        (
            "HS901",
            "checks the whole archive",
            False,
        ),  # its findings have no line to put a comment on
        ("HS805", "reads the commits `hindsight check --changed-since` covers", False),
    ],
)
def test_a_rule_page_says_when_the_rule_applies_and_how_to_silence_it(
    code: str, scope: str, silenced: bool
) -> None:
    page = pages.rule_markdown(by_code()[code])
    assert f" · {scope}. " in page
    assert (f"`<!-- hindsight: ignore {code} -->`" in page) is silenced
    assert "switch the rule off under `rules:` in `hindsight.yml`" in page


def test_charts_count_by_month_and_quarter(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-03-a", severity="SEV1")
    make_incident(tmp_path, "2026-11-04-b", severity="SEV1")
    make_incident(tmp_path, "2026-09-01-c", severity="odd")
    incidents = [load(tmp_path, p.name) for p in (tmp_path / "incidents").iterdir()]
    svg = charts.per_month_by_severity(incidents, ["SEV1", "SEV2"], TODAY)
    assert svg.startswith('<svg class="hs-chart"') and "<title>2026-11: 2 SEV1</title>" in svg
    assert "<title>2026-09: 1 other</title>" in svg
    times = charts.response_times(incidents, TODAY)
    assert "2026 Q4: 0.08 hours to detect" in times  # 5 minutes
    items = charts.action_item_closure(incidents, TODAY)
    assert "2026 Q4: 2 open" in items
    assert charts.months(date(2026, 2, 1), 3) == ["2025-12", "2026-01", "2026-02"]
    assert charts.quarters(date(2026, 2, 1), 2) == ["2025 Q4", "2026 Q1"]


def test_the_action_items_table_is_marked_and_no_other() -> None:
    from hindsight.site.pages import mark_action_table

    html = (
        '<h2 id="impact">Impact</h2><table><tr><td>a</td></tr></table>'
        '<h2 id="action-items">Action items</h2><p>x</p><table>\n<tr><td>b</td></tr></table>'
        '<h2 id="lessons">Lessons</h2><table><tr><td>c</td></tr></table>'
    )
    marked = mark_action_table(html)
    assert marked.count("hs-postmortem-actions") == 1
    region = '<div class="hs-scroll" tabindex="0" role="region" aria-label="Action items">'
    assert f'{region}<table class="hs-table hs-postmortem-actions">\n<tr><td>b' in marked
    assert marked.endswith('<h2 id="lessons">Lessons</h2><table><tr><td>c</td></tr></table>')
    no_table = (
        '<h2 id="action-items">Action items</h2><ul><li>x</li></ul><h2 id="l">L</h2><table></table>'
    )
    assert mark_action_table(no_table) == no_table
    assert mark_action_table("<p>nothing</p>") == "<p>nothing</p>"


def test_a_task_lists_boxes_are_named_for_screen_readers() -> None:
    """A box alone in its label has no name to read out; "Done" says what ticking it meant."""
    import markdown

    for custom in (True, False):
        html = markdown.markdown(
            '- [x] Rolled back\n- [ ] Alert on pool size\n\n<input type="checkbox">',
            extensions=["pymdownx.tasklist"],
            extension_configs={"pymdownx.tasklist": {"custom_checkbox": custom}},
        )
        labelled = pages.label_task_boxes(html)
        assert labelled.count('<input aria-label="Done" type="checkbox" disabled') == 2, labelled
        assert labelled.count("aria-label") == 2  # other inputs are left alone
    assert pages.label_task_boxes("<p>no list</p>") == "<p>no list</p>"
