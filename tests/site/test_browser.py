"""The built site in a real browser: Debian's Chromium, driven by Playwright, on localhost."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium, missing, serve
from tests.site.conftest import BODY, MKDOCS_YML, TIMELINE, Build, make_incident

pytestmark = [pytest.mark.slow, pytest.mark.skipif(missing() is not None, reason=str(missing()))]


@pytest.fixture
def site(tmp_path: Path, build: Build) -> Path:
    """Three incidents; one of them alone says 'axolotl'."""
    make_incident(
        tmp_path,
        "2026-11-21-queue-stalled",
        title="Queue stalled for an hour",
        severity="SEV1",
        tags=["queue"],
        body=BODY.replace("Configuration changes", "The axolotl consumer changes"),
    )
    make_incident(
        tmp_path,
        "2026-10-02-slow-checkout",
        title="Slow checkout",
        severity="SEV3",
        body=BODY.replace("PLAT-123", "NET-77"),
    )
    make_incident(tmp_path, "2025-03-04-dns", title="DNS outage", severity="SEV2", services=["dns"])
    return build()


def _watch(page: Any, base: str) -> list[str]:
    """Console errors, page errors and requests to any other host, as they happen."""
    problems: list[str] = []
    host = urlsplit(base).netloc
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            problems.append(f"request to {r.url}")
            if urlsplit(r.url).netloc not in (host, "")
            else None
        ),
    )
    return problems


def _search(page: Any, words: str) -> Any:
    """Type ``words`` into the header's search box; the list of results."""
    page.click("#hs-search input")
    page.keyboard.type(words)
    page.wait_for_function(
        "words => document.getElementById('hs-search-results').dataset.term === words",
        arg=words,
        timeout=15_000,
    )
    return page.locator("#hs-search-results")


def test_search_finds_an_incident_by_a_word_only_it_contains(site: Path) -> None:
    """The box in the header: title, badge, status, id and the word marked; Enter opens it."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        page.goto(base)
        page.keyboard.press("/")  # the shortcut puts the cursor in the box
        assert page.evaluate("document.activeElement.closest('#hs-search') !== null")
        page.keyboard.type("axolotl")
        first = page.locator("#hs-search .hs-result").first
        first.wait_for(timeout=15_000)
        assert page.locator("#hs-search .hs-result").count() == 1
        more = page.locator("#hs-search .hs-search__more a").inner_text()
        assert more == "1 result, with filters"  # not "All 1 results"
        text = first.inner_text()
        assert "Queue stalled for an hour" in text and "2026-11-21-queue-stalled" in text
        assert first.locator(".hs-sev").inner_text() == "SEV1"
        assert first.locator("mark").first.inner_text().lower() == "axolotl"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url("**/incidents/2026-11-21-queue-stalled/")
        card = page.locator(".hs-card")
        card.wait_for()
        assert "SEV1" in card.inner_text() and "Dana Whitfield" in card.inner_text()
        assert page.locator(".hs-timeline tr").count() == 6  # header and five events
        assert problems == []


def test_an_exact_id_or_ticket_finds_its_incident_first(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        page.goto(base + "incidents/")
        results = _search(page, "2025-03-04-dns")
        assert "DNS outage" in results.locator(".hs-result").first.inner_text()
        page.goto(base)
        results = _search(page, "NET-77")
        first = results.locator(".hs-result").first
        assert "Slow checkout" in first.inner_text()
        assert problems == []


def test_the_results_page_narrows_by_severity_and_works_with_the_keyboard(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        page.goto(base)
        results = _search(page, "checkout")
        assert results.locator(".hs-result").count() == 3
        results.locator(".hs-search__more a").click()
        page.wait_for_url("**/search/?q=checkout")
        listed = page.locator("#hs-search-page .hs-result")
        listed.first.wait_for(timeout=15_000)
        assert listed.count() == 3
        page.select_option("#hs-search-page select[name=severity]", "SEV3")
        page.wait_for_function(
            "document.querySelectorAll('#hs-search-page .hs-result').length === 1"
        )
        assert "Slow checkout" in listed.first.inner_text()
        assert "severity=SEV3" in page.url  # the search can be bookmarked and shared
        page.locator("body").click(position={"x": 5, "y": 300})
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.classList.contains('hs-result')")
        page.keyboard.press("Enter")
        page.wait_for_url("**/incidents/2026-10-02-slow-checkout/")
        assert problems == []


def test_a_restricted_incident_is_not_found(tmp_path: Path, build: Build) -> None:
    # letters only: Pagefind would take a run of digits for a word of its own
    canary = "canary" + "".join(chr(97 + int(c, 16)) for c in uuid.uuid4().hex[:12])
    make_incident(tmp_path, "2026-11-21-public", title="Public")
    make_incident(
        tmp_path,
        "2026-11-20-secret",
        visibility="restricted",
        body=BODY.replace("A connection-pool change", f"A {canary} change"),
    )
    site = build()
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        page.goto(base)
        results = _search(page, canary)
        assert results.locator(".hs-result").count() == 0, results.inner_text()
        assert "No results" in results.inner_text()
        page.goto(base)
        results = _search(page, "2026-11-20-secret")
        assert "2026-11-20-secret" not in results.inner_text()
        assert problems == []


def test_search_works_under_a_sub_path(tmp_path: Path, build: Build) -> None:
    """A site published at https://host/archive/ (GitHub Pages): the index and the links
    are found under the sub-path, and nothing is asked of the host's root."""
    make_incident(tmp_path, "2026-11-21-queue", title="Queue stalled", tags=["axolotl"])
    site = build(mkdocs_yml=MKDOCS_YML + "site_url: https://pages.example.com/archive/\n")
    public = tmp_path / "public"
    shutil.copytree(site, public / "archive")
    with serve(public) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        asked: list[str] = []
        page.on("request", lambda r: asked.append(urlsplit(r.url).path))
        page.goto(base + "archive/incidents/")
        results = _search(page, "axolotl")
        results.locator(".hs-result").first.click()
        page.wait_for_url("**/archive/incidents/2026-11-21-queue/")
        assert all(path.startswith("/archive/") for path in asked), asked
        assert problems == []


def test_the_index_filters_instantly_and_without_javascript(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "incidents/")
        rows = page.locator("#hs-incidents tbody tr")
        assert rows.count() == 3
        page.select_option("select[name=severity]", "sev1")
        assert [r.is_visible() for r in rows.all()] == [True, False, False]
        assert page.locator(".hs-filters output").inner_text() == "1 of 3"
        page.select_option("select[name=severity]", "")
        page.select_option("select[name=year]", "2025")
        assert page.locator("#hs-incidents tbody tr:visible").inner_text().startswith("2025-03-04")
        # the same filter as a page, for readers without JavaScript
        page.goto(base + "incidents/year/2025/")
        assert page.locator(".hs-table tbody tr").count() == 1


def test_an_incident_gives_its_action_items_the_width_they_need(site: Path) -> None:
    """At 1280 px the action reads on one line, with no empty navigation column beside it;
    at 390 px the table scrolls in its own box and the page does not widen."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + "incidents/2026-10-02-slow-checkout/")
        table = page.locator("table.hs-postmortem-actions")
        action = table.locator("tbody td").first
        assert "Validate pool size" in action.inner_text()
        line = float(action.evaluate("td => parseFloat(getComputedStyle(td).lineHeight)"))
        assert action.bounding_box()["height"] < 2 * line + 20  # type: ignore[index]
        assert not page.locator(".md-sidebar--primary").is_visible()
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base + "incidents/2026-10-02-slow-checkout/")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        assert page.locator(".hs-scroll table.hs-postmortem-actions").count() == 1


def test_each_box_answers_its_own_words_however_fast_both_are_used(site: Path) -> None:
    """The header's box and the results page's run their queries apart: words typed in one
    right after the other do not drop the first box's query; a page of every result shows
    no "More results" button."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems = _watch(page, base)
        page.goto(f"{base}search/?q=checkout")
        listed = page.locator("#hs-search-page .hs-result")
        listed.first.wait_for(timeout=15_000)
        assert listed.count() == 3
        assert not page.locator(".hs-search-page__more").is_visible()
        page.fill("#hs-search-page input", "axolotl")  # then the header's box, within 120 ms
        page.fill("#hs-search input", "dns")
        page.wait_for_function(
            "document.querySelectorAll('#hs-search-page .hs-result').length === 1",
            timeout=15_000,
        )
        assert "Queue stalled" in listed.first.inner_text()
        page.wait_for_function(
            "document.getElementById('hs-search-results').dataset.term === 'dns'",
            timeout=15_000,
        )
        assert "DNS outage" in page.locator("#hs-search-results .hs-result").first.inner_text()
        assert problems == []


#: each word of the element's text on one line: the text wraps at words, not inside them
_WORDS_WHOLE = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def test_no_page_scrolls_sideways_on_a_phone_and_titles_wrap_at_words(
    tmp_path: Path, build: Build
) -> None:
    """At 390 px the incidents list, a facet page, the action items, a service and an
    incident page with long titles, links and actions are no wider than the screen, and
    each title keeps its words whole."""
    long_title = "Mobile app logins failed after an internal certificate rotation on the gateway"
    action = (
        "| Check a rotated certificate chain against the mobile app's pin set before it is served |"
    )
    body = BODY.replace("| Validate pool size against host memory |", action)
    timeline = (
        TIMELINE
        + "2026-11-21T14:46Z Lee: graphs at https://grafana.example.com/d/checkout-overview-by-region?orgId=1&from=now-6h\n"
    )
    for n in range(3):
        make_incident(
            tmp_path,
            f"2026-11-2{n}-certificate-rotation-{n}",
            title=long_title,
            body=body,
            timeline=timeline,
            services=["auth-gateway", "mobile-api", "notifications"],
        )
    site = build()
    pages = (
        "incidents/",
        "incidents/severity/sev2/",
        "action-items/",
        "services/auth-gateway/",
        "incidents/2026-11-20-certificate-rotation-0/",
    )
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        for path in pages:
            page.goto(base + path)
            width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            assert width <= inner, f"{path}: {width} px wide at {inner} px"
            titles = page.locator(f"a:text-is('{long_title}')")
            for title in titles.all():
                assert title.evaluate(_WORDS_WHOLE) == [], path
        # the filters still hide rows in the stacked layout
        page.goto(base + "incidents/")
        page.fill(".hs-filters input", "nothing matches this")
        assert page.locator("#hs-incidents tbody tr:visible").count() == 0
