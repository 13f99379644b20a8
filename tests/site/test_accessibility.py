"""WCAG 2.1 AA on every page type of the example archive: axe-core in Debian's Chromium, both
colour schemes, a desktop and a phone width; and what axe cannot see: keyboard and focus."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, missing, serve

pytestmark = [pytest.mark.slow, pytest.mark.skipif(missing() is not None, reason=str(missing()))]

REPO = Path(__file__).parents[2]
NOW = "2026-12-01T09:00Z"  # some action items of the example archive are overdue by then
#: what the archive promises: WCAG 2.0 and 2.1, levels A and AA (axe's best practices aside)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
#: one page of each type: the scheme and the width are changed around it
PAGES = {
    "home": "",
    "incidents": "incidents/",
    "action items": "action-items/",
    "services": "services/",
    "a service": "services/checkout-api/",
    "figures": "figures/",
    "search results": "search/?q=checkout",
    "rules": "rules/",
    # a table that scrolls sideways on a phone, in a box of the theme
    "a guide page": "guide/writing/",
    # action items, a timeline, approvals and an edit link
    "an incident": "incidents/2026-11-03-checkout-errors-after-pool-change/",
    # a task list in the postmortem, no approval yet
    "an incident under review": "incidents/2026-11-21-search-results-stale/",
}
SCHEMES = {"default": "light", "slate": "dark"}  # Material's scheme: the reader's preference
#: the page is settled: Material applied the preferred scheme, no colour is mid-transition,
#: and the search page has its results
SETTLED = """scheme => document.body.dataset.mdColorScheme === scheme
  && !document.getAnimations().some(a => a.playState === "running")
  && (!document.getElementById("hs-search-page")
      || document.querySelector("#hs-search-page .hs-result") !== null)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own archive, built by ``mkdocs build --strict`` on a fixed day."""
    root = tmp_path_factory.mktemp("archive")
    for name in ("mkdocs.yml", "hindsight.yml", "docs", "incidents"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HINDSIGHT_NOW=NOW, TZ="UTC")
    result = subprocess.run(  # noqa: PLW1510 - the return code is read below
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    """The built site served on localhost."""
    with serve(site) as url:
        yield url


def _settle(page: Any, scheme: str) -> None:
    """Wait until the page is ready to be judged; say which page was not, and how."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(SETTLED, arg=scheme, timeout=15_000)
    except Timeout:
        found = page.evaluate("document.body.dataset.mdColorScheme")
        raise AssertionError(
            f"{page.url} did not settle in 15 s: scheme {found!r} (wanted {scheme!r}), "
            "or a transition still running, or no search results yet"
        ) from None


def _violations(results: dict[str, Any], where: str) -> list[str]:
    """One line per element that breaks a rule: where, the rule, the element, and why
    (axe's messages carry the colours and the contrast ratio found)."""
    lines = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            why = "; ".join(
                check["message"] for check in [*node["any"], *node["all"], *node["none"]]
            )
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"{where}: {violation['id']} at {target}: {why}")
    return lines


def test_every_page_type_meets_wcag_21_aa_in_both_schemes_at_both_widths(base: str) -> None:
    """axe-core's WCAG 2.0/2.1 A and AA rules find nothing, on each page type, in the light and
    the dark scheme (as a reader's system preference picks it), at 1280 and 390 px."""
    from axe_playwright_python.sync_playwright import Axe

    axe_script = Axe().axe_script
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    found: list[str] = []
    checked = 0
    for scheme, preference in SCHEMES.items():
        # a fresh profile for each: Material keeps the scheme it chose in localStorage
        with chromium(preference) as context:
            page = context.new_page()
            for name, path in PAGES.items():
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                page.goto(base + path)
                _settle(page, scheme)
                page.evaluate(axe_script)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    _settle(page, scheme)
                    results = page.evaluate("options => axe.run(document, options)", options)
                    found += _violations(results, f"{name} ({path or '/'}), {scheme}, {width} px")
                    checked += 1
            # the header's box with its list of results open, over the page
            page.goto(base + "incidents/")
            _settle(page, scheme)
            page.fill("#hs-search input", "checkout")
            page.locator("#hs-search-results .hs-result").first.wait_for(timeout=15_000)
            page.evaluate(axe_script)
            results = page.evaluate("options => axe.run(document, options)", options)
            found += _violations(results, f"search box's results, {scheme}")
    assert checked == len(PAGES) * len(SCHEMES) * len(WIDTHS)
    assert not found, f"{len(found)} WCAG 2.1 AA violations:\n" + "\n".join(found)


#: what the focused element shows, and the colour behind its ring (its ancestors' backgrounds,
#: blended): the ring must be there and stand out 3:1 (WCAG 1.4.11 and 2.4.7)
FOCUS = """() => {
  let el = document.activeElement;
  const box = el.getBoundingClientRect();
  const next = el.nextElementSibling;
  if ((box.width < 2 || box.height < 2 || getComputedStyle(el).opacity === "0")
      && next && next.tagName === "LABEL") {
    el = next;  // a hidden box shows its focus on the label after it (the theme's toggle)
  }
  const rgba = c => {
    const m = c.match(/rgba?\\(([^)]*)\\)/);
    if (!m) { return [0, 0, 0, 0]; }
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const layers = [];
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
  }
  let behind = [255, 255, 255];
  for (const c of layers.reverse()) { behind = behind.map((v, i) => c[3] * c[i] + (1 - c[3]) * v); }
  const style = getComputedStyle(el);
  const own = rgba(style.backgroundColor);
  if (parseFloat(style.outlineOffset) < 0 && own[3] > 0) {  // the ring is drawn inside
    behind = behind.map((v, i) => own[3] * own[i] + (1 - own[3]) * v);
  }
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") +
      (el.getAttribute("aria-label") ? "[" + el.getAttribute("aria-label") + "]" : "") +
      (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : ""),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: rgba(style.outlineColor), behind: behind,
  };
}"""


def _luminance(rgb: list[float]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: list[float], other: list[float]) -> float:
    """WCAG's contrast ratio of two sRGB colours (0-255)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tab(page: Any) -> dict[str, Any]:
    """Press Tab; what has the focus now, and whether its ring can be seen (None if it can)."""
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    colour, behind = focus["colour"], focus["behind"]
    blended = [colour[3] * c + (1 - colour[3]) * b for c, b in zip(colour, behind)]
    ratio = contrast(blended, behind)
    seen = focus["style"] != "none" and focus["width"] >= 2 and ratio >= 3
    focus["problem"] = (
        None
        if seen
        else f"{focus['what']}: outline {focus['style']} {focus['width']}px, "
        f"{ratio:.2f}:1 against what is around it"
    )
    return focus


def _tab_to(page: Any, selector: str, limit: int = 80) -> list[str]:
    """Tab until ``selector`` has the focus; the stops whose focus could not be seen."""
    unseen = []
    for _ in range(limit):
        focus = _tab(page)
        if focus["problem"]:
            unseen.append(focus["problem"])
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return unseen
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


@pytest.mark.parametrize("preference", ["light", "dark"])
def test_the_keyboard_reaches_every_filter_and_search_with_a_visible_focus(
    base: str, preference: str
) -> None:
    """From the top of the index, Tab goes through the header (search box included) to each
    filter; every stop on the way shows a ring of 2 px that stands out 3:1. The header's box
    takes words, Tab goes into its results, Escape comes back and Tab away closes them."""
    with chromium(preference) as context:
        page = context.new_page()
        page.goto(base + "incidents/")
        page.locator(".hs-filters select").first.wait_for()
        unseen = _tab_to(page, "#hs-search input")
        page.keyboard.type("checkout")
        page.locator("#hs-search-results .hs-result").first.wait_for(timeout=15_000)
        unseen += _tab_to(page, "#hs-search-results .hs-result")
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.matches('#hs-search input')")
        assert page.locator("#hs-search-results").is_hidden()
        page.keyboard.type("s")  # the list again, which Tab away closes
        page.wait_for_function(
            "document.getElementById('hs-search-results').dataset.term === 'checkouts'",
            timeout=15_000,
        )
        assert page.locator("#hs-search-results").is_visible()
        names = page.evaluate(
            "[...document.querySelectorAll('.hs-filters select')].map(s => s.name)"
        )
        assert names == ["severity", "status", "year", "service", "tag"]
        for name in names:
            unseen += _tab_to(page, f".hs-filters select[name={name}]")
            assert page.locator("#hs-search-results").is_hidden()
        page.keyboard.press("ArrowDown")  # a select changes with the arrow keys
        assert page.locator(".hs-filters output").inner_text().endswith(" of 6")
        assert page.locator(".hs-filters output").inner_text() != "6 of 6"
        page.keyboard.press("ArrowUp")  # back to any tag
        assert page.locator(".hs-filters output").inner_text() == "6 of 6"
        unseen += _tab_to(page, ".hs-filters input[type=search]")
        page.keyboard.type("checkout")
        assert page.locator("#hs-incidents tbody tr:visible").count() >= 1
        # the page of all results: its box, its filters and its results
        page.goto(base + "search/?q=checkout")
        page.locator("#hs-search-page .hs-result").first.wait_for(timeout=15_000)
        unseen += _tab_to(page, "#hs-search-page input")
        unseen += _tab_to(page, "#hs-search-page select")
        unseen += _tab_to(page, "#hs-search-page .hs-result")
        assert unseen == []


def test_the_timeline_and_action_items_scroll_with_the_keyboard_on_a_phone(base: str) -> None:
    """At 390 px the wide tables scroll in boxes of their own: Tab reaches each, named, with
    a visible focus, and the arrow keys scroll it."""
    with chromium() as context:
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base + PAGES["an incident"])
        scrolled: list[str] = []
        for name in ("Timeline", "Action items"):  # in the page's order
            selector = f'[role=region][aria-label="{name}"]'
            assert _tab_to(page, selector, limit=200) == []
            box = page.locator(selector)
            if box.evaluate("b => b.scrollWidth > b.clientWidth"):
                scrolled.append(name)
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    "s => document.querySelector(s).scrollLeft > 0", arg=selector
                )
        assert "Action items" in scrolled  # wider than a phone


def test_each_chart_has_a_name_and_its_numbers_in_a_table(base: str) -> None:
    """The figures are images to a screen reader, named by what they show and over when;
    "The numbers" opens with the keyboard on a table with the same title."""
    with chromium() as context:
        page = context.new_page()
        page.goto(base + "figures/")
        charts = page.locator("svg.hs-chart")
        assert charts.count() == 3
        for n in range(3):
            name = charts.nth(n).get_attribute("aria-label") or ""
            named = re.fullmatch(
                r"(.+), \S+( Q\d)? to \S+( Q\d)?; the numbers follow in a table", name
            )
            assert named, name
            title = named[1]
            assert page.get_by_role("img", name=name, exact=True).count() == 1
            table = page.get_by_role("table", name=title, exact=True, include_hidden=True)
            assert table.count() == 1 and not table.is_visible()
            summary = page.locator("details.hs-chart-data summary").nth(n)
            summary.focus()
            page.keyboard.press("Enter")
            assert table.is_visible()
            assert table.locator("th").first.inner_text() in ("Month", "Quarter")
            assert table.locator("tbody tr").count() >= 4


def test_motion_follows_the_readers_wish_for_less(base: str) -> None:
    """With the system's "reduce motion", the theme's transitions (a link's colour, the
    header's tabs) end at once; without it they keep their duration."""
    with chromium() as context:
        page = context.new_page()
        page.goto(base)
        duration = "getComputedStyle(document.querySelector('.md-typeset a')).transitionDuration"
        assert page.evaluate(duration) not in ("0s", "1e-05s")
        page.emulate_media(reduced_motion="reduce")
        assert page.evaluate(duration) == "1e-05s"
