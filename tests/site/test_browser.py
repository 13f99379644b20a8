"""The built site in a real browser: Debian's Chromium, driven by Playwright, on localhost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, missing, serve
from tests.site.conftest import BODY, Build, make_incident

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
    make_incident(tmp_path, "2026-10-02-slow-checkout", title="Slow checkout", severity="SEV3")
    make_incident(tmp_path, "2025-03-04-dns", title="DNS outage", severity="SEV2", services=["dns"])
    return build()


def test_search_finds_an_incident_by_a_word_only_it_contains(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base, wait_until="networkidle")  # the search worker has read the index
        page.click("input.md-search__input")
        page.keyboard.type("axolotl")
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=15_000)
        assert "Queue stalled for an hour" in page.locator(".md-search-result").inner_text()
        results.first.locator("a").first.click()
        page.wait_for_url("**/incidents/2026-11-21-queue-stalled/**")
        card = page.locator(".hs-card")
        card.wait_for()
        assert "SEV1" in card.inner_text() and "Dana Whitfield" in card.inner_text()
        assert page.locator(".hs-timeline tr").count() == 6  # header and five events


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
