"""What the hindsight plugin costs over a plain MkDocs build of the same postmortems.

    python benchmarks/site_speed.py [--incidents 1000 5000] [--runs 3]

For each size, generates an archive (benchmarks/generate.py) and builds it twice with
MkDocs and Material, search off on both sides (the search index is measured on its own by
benchmarks/search_speed.py), in fresh processes:

- plugin: the archive with ``plugins: [hindsight: {search: false}]``: incident pages with
  card and timeline, index and facet pages, services, action items, figures, rule reference;
- floor: every postmortem.md copied into ``docs/incidents/`` as a plain page (not in the
  nav, as the SPEC requires at this scale), beside the archive's own ``docs/``, with its
  ``mkdocs.yml`` (theme, features, the same nav, whose generated entries become one-line
  pages) minus the hindsight plugin.
  What is left between the two is what the plugin costs.

Prints the fastest wall time of each and their ratio, the same for CPU time, the median and
range of the CPU-time ratios run by run, and the site size.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate


def build(root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``mkdocs build`` in ``root``, in a fresh process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure(floor: Path, archive: Path, runs: int) -> dict[str, float]:
    """Both builds ``runs`` times, taking turns: the fastest of each, and the ratio run by run.

    Taking turns spreads the machine's slow moments over both. On a shared virtual machine
    one build varies by ±15% from run to run, so one pair says little: the fastest run of
    each is the one least disturbed, and the median of the pairs' ratios is the other
    robust figure. CPU time (user + system) is printed beside wall time.
    """
    floors, plugins = [], []
    for _ in range(runs):
        floors.append(build(floor))
        plugins.append(build(archive))
    ratios = sorted(p[1] / f[1] for f, p in zip(floors, plugins))
    return {
        "floor": min(w for w, _ in floors),
        "plugin": min(w for w, _ in plugins),
        "floor_cpu": min(c for _, c in floors),
        "plugin_cpu": min(c for _, c in plugins),
        "median": statistics.median(ratios),
        "low": ratios[0],
        "high": ratios[-1],
    }


def size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def floor_archive(archive: Path, floor: Path) -> None:
    """The same postmortems as plain MkDocs pages, under the same theme and nav."""
    docs = floor / "docs"
    shutil.copytree(archive / "docs", docs)  # the archive's own pages (home, guide) as they are
    (docs / "incidents").mkdir(parents=True)
    for folder in (archive / "incidents").glob("20*"):
        shutil.copy(folder / "postmortem.md", docs / "incidents" / f"{folder.name}.md")
    config = (archive / "mkdocs.yml").read_text()
    for page in re.findall(r"^ +- [^:]+: (\S+\.md)$", config, re.MULTILINE):
        if not (docs / page).exists():
            (docs / page).parent.mkdir(parents=True, exist_ok=True)
            (docs / page).write_text(f"# {page}\n\nA plain page.\n")
    config = re.sub(r"\n  - hindsight.*\n", "\n", config) + "not_in_nav: |\n  /incidents/20*\n"
    (floor / "mkdocs.yml").write_text(config)


def without_search(archive: Path) -> None:
    """The archive's plugin with its Pagefind index turned off."""
    config = (archive / "mkdocs.yml").read_text()
    config = re.sub(r"\n  - hindsight.*\n", "\n  - hindsight:\n      search: false\n", config)
    (archive / "mkdocs.yml").write_text(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'incidents':>9} {'floor s':>8} {'plugin s':>8} {'ratio':>6} {'cpu ratio':>9} "
        f"{'paired cpu ratios: median [range]':>34} {'site MB':>8}"
    )
    for count in args.incidents:
        with tempfile.TemporaryDirectory(prefix="hindsight-site-") as tmp:
            archive, floor = Path(tmp) / "archive", Path(tmp) / "floor"
            generate(archive, count)
            floor_archive(archive, floor)
            without_search(archive)
            m = measure(floor, archive, args.runs)
            paired = f"{m['median']:.2f} [{m['low']:.2f}–{m['high']:.2f}] of {args.runs}"
            print(
                f"{count:>9} {m['floor']:>8.1f} {m['plugin']:>8.1f} {m['plugin'] / m['floor']:>6.2f} "
                f"{m['plugin_cpu'] / m['floor_cpu']:>9.2f} {paired:>34} "
                f"{size(archive / 'site') / 1e6:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
