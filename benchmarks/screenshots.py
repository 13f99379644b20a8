"""Screenshots of a built site, to look at it as a reader would.

    python benchmarks/screenshots.py SITE_DIR OUT_DIR [PATH ...]

Serves SITE_DIR on localhost and saves PNGs of each page (default: home, incident index,
figures, action items and the newest incident), whole and its first screen, in the light
and the dark palette, with Debian's Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import chromium, serve

DEFAULT = ["", "incidents/", "figures/", "action-items/"]


def main(argv: list[str]) -> int:
    site, out = Path(argv[0]), Path(argv[1])
    paths = argv[2:] or DEFAULT + [
        f"incidents/{p.name}/" for p in sorted((site / "incidents").glob("20*"))[-1:]
    ]
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base:
        for scheme in ("light", "dark"):
            with chromium(scheme) as browser:
                page = browser.new_page()
                for path in paths:
                    page.goto(base + path)
                    name = (path.strip("/").replace("/", "_") or "home") + f"-{scheme}.png"
                    page.screenshot(path=str(out / name), full_page=True)
                    page.screenshot(path=str(out / name.replace(".png", "-top.png")))
                    print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
