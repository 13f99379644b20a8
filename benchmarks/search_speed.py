"""What the archive's search costs to build and what a query costs a reader (issue 19).

    python benchmarks/search_speed.py [--incidents 2000 10000] [--work DIR] [--no-browser]

For each size, generates an archive (benchmarks/generate.py), then:

- builds it with the plugin's ``search: false`` (no search at all) and with Pagefind (the
  default), each in a fresh process: wall seconds, peak memory of the MkDocs process, and
  the seconds the plugin logs for Pagefind's bundle after the last page was written (Pagefind
  indexes each page as MkDocs writes it); the ratio is what indexing adds;
- indexes the built site again with Pagefind's own command, for its peak memory (the binary
  runs beside MkDocs, so the two add up during a build);
- measures the bundle: bytes and files under ``pagefind/``;
- in Chromium (tests/browser.py) against a local static server, with a fresh profile: loads
  the home page, clicks the search box, types a word and waits for the first result; the
  time from the first keystroke, and the bytes fetched from the click on. Then, on the page
  of all results for the same word, picks a severity and waits for the first filtered
  result; time and bytes again. Then, from fresh profiles, the word typed as a person types
  (80 ms a key), timed from the last key, and an exact incident id.

Prints one line per size. The machine is shared: quote the figures as they come, and run
sizes one at a time rather than beside other work.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import generate

WORDS = ("certificate", "runbook")


_WRAPPER = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "sys.stderr.write('PEAK %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
    "sys.exit(done.returncode)"
)


def run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak MB of the largest process and standard error of ``command``."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    peak = re.search(r"PEAK (\d+)", done.stderr)
    return wall, int(peak.group(1)) / 1024 if peak else 0.0, done.stderr


def build(root: Path, search: bool) -> dict[str, float]:
    """One ``mkdocs build`` in a fresh process: wall s, peak MB, Pagefind's own seconds."""
    config = root / "mkdocs.yml"
    text = re.sub(
        r"\n  - hindsight.*\n(      search: false\n)?", "\n  - hindsight\n", config.read_text()
    )
    if not search:
        text = text.replace("\n  - hindsight\n", "\n  - hindsight:\n      search: false\n")
    config.write_text(text)
    wall, peak, stderr = run([sys.executable, "-m", "mkdocs", "build"], root)
    found = re.search(r"Pagefind indexed (\d+) pages?.* took ([\d.]+) s more", stderr)
    return {
        "wall": wall,
        "peak": peak,
        "pagefind": float(found.group(2)) if found else 0.0,
        "pages": float(found.group(1)) if found else 0.0,
    }


def index_alone(site: Path) -> dict[str, float]:
    """Pagefind on the built site in a process of its own: seconds and peak MB (the binary)."""
    from hindsight.site.search import executable

    output = site.parent / "pagefind-alone"
    command = [str(executable()), "--site", str(site), "--output-path", str(output)]
    wall, peak, _ = run(command, site)
    shutil.rmtree(output, ignore_errors=True)
    return {"wall": wall, "peak": peak}


def bundle(site: Path) -> tuple[int, int]:
    """Bytes and files of the Pagefind bundle."""
    paths = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in paths), len(paths)


def answered(page: object, words: str) -> None:
    """Wait until the header's list shows the results of ``words`` (not of a word typed so far)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "w => document.getElementById('hs-search-results').dataset.term === w"
        " && document.querySelector('#hs-search .hs-result') !== null",
        arg=words,
        timeout=60_000,
    )


def browse(site: Path, word: str, incident_id: str) -> dict[str, float]:
    """First-result times (s) and bytes fetched, in Chromium against a local static server."""
    from tests.browser import chromium, serve

    figures: dict[str, float] = {}
    with serve(site) as base:
        with chromium() as browser:
            page = browser.new_page()
            fetched: list[int] = []
            page.on("requestfinished", lambda r: fetched.append(r.sizes()["responseBodySize"]))
            page.goto(base, wait_until="networkidle")
            page.click("#hs-search input")
            fetched.clear()
            start = time.perf_counter()
            page.keyboard.type(word)
            answered(page, word)
            figures["first_s"] = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            figures["first_bytes"] = sum(fetched)
            # the same word on the page of all results, then a severity filter added
            page.goto(f"{base}search/?q={word}", wait_until="networkidle")
            page.locator("#hs-search-page .hs-result").first.wait_for(timeout=60_000)
            fetched.clear()
            start = time.perf_counter()
            page.select_option("#hs-search-page select[name=severity]", "SEV1")
            page.wait_for_function(
                "() => { const s = document.querySelector('#hs-search-page .hs-result .hs-sev');"
                " return s && s.textContent === 'SEV1' && document.querySelector("
                "'#hs-search-page .hs-search-page__count').value !== ''; }",
                timeout=60_000,
            )
            figures["filter_s"] = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            figures["filter_bytes"] = sum(fetched)
        with chromium() as browser:  # typed as a person types, timed from the last key
            page = browser.new_page()
            page.goto(base, wait_until="networkidle")
            page.click("#hs-search input")
            page.keyboard.type(word, delay=80)
            start = time.perf_counter()
            answered(page, word)
            figures["typed_s"] = time.perf_counter() - start
        with chromium() as browser:  # an exact id, from a fresh profile
            page = browser.new_page()
            page.goto(base, wait_until="networkidle")
            page.click("#hs-search input")
            start = time.perf_counter()
            page.keyboard.type(incident_id)
            answered(page, incident_id)
            first = page.locator("#hs-search .hs-result").first
            figures["id_s"] = time.perf_counter() - start
            figures["id_first"] = float(incident_id in first.inner_text())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--work", type=Path, help="keep the archives here (default: a temp dir)")
    parser.add_argument("--no-browser", action="store_true", help="build figures only")
    parser.add_argument(
        "--no-plain", action="store_true", help="skip the build without search (for scaling runs)"
    )
    parser.add_argument(
        "--no-build", action="store_true", help="browser figures only, on the sites already built"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="hindsight-search-"))
    for count in args.incidents:
        archive = work / f"archive-{count}"
        if not archive.exists():
            generate(archive, count)
        if args.no_build:
            incident_id = max(p.name for p in (archive / "site" / "incidents").glob("20*"))
            report(archive, count, incident_id)
            continue
        plain = {"wall": float("nan"), "peak": 0.0}
        if not args.no_plain:
            plain = build(archive, search=False)
        indexed = build(archive, search=True)
        alone = index_alone(archive / "site")
        size, files = bundle(archive / "site")
        line = (
            f"{count:>6} incidents: build without search {plain['wall']:.1f} s "
            f"({plain['peak']:.0f} MB), with Pagefind {indexed['wall']:.1f} s "
            f"({indexed['peak']:.0f} MB; +{indexed['wall'] / plain['wall'] - 1:.0%}), "
            f"Pagefind {indexed['pages']:.0f} pages, its bundle {indexed['pagefind']:.1f} s "
            "after the last page "
            f"(alone {alone['wall']:.1f} s, {alone['peak']:.0f} MB); "
            f"bundle {size / 1e6:.1f} MB in {files} files"
        )
        print(line, flush=True)
        if args.no_browser:
            continue
        incident_id = max(p.name for p in (archive / "site" / "incidents").glob("20*"))
        report(archive, count, incident_id)


def report(archive: Path, count: int, incident_id: str) -> None:
    """Print the browser figures for each of WORDS on the archive's built site."""
    for word in WORDS:
        b = browse(archive / "site", word, incident_id)
        print(
            f"{count:>6} '{word}': first result {b['first_s']:.2f} s from the first key "
            f"({b['typed_s']:.2f} s from the last, typed at 80 ms a key), "
            f"{b['first_bytes'] / 1e3:.0f} kB fetched; with severity SEV1 "
            f"{b['filter_s']:.2f} s, {b['filter_bytes'] / 1e3:.0f} kB; exact id "
            f"{b['id_s']:.2f} s, {'first' if b['id_first'] else 'NOT first'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
