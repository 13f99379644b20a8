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
import yaml

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
    "a guide page": "guide/responding/",
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
    page.wait_for_function(SETTLED, arg=scheme, timeout=15_000)


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
